// The overview: KPI cards of a company's latest fiscal year against the year before, each with
// its cited page, and charts over every year its filings show.
"use strict";

import { ROOT, apiJson, el, formatMetric, formatNumber, t, unitLabel } from "./core.js";
import { destroyCharts, drawChart, sparkline } from "./charts.js";
import { pageButton, printed } from "./viewer.js";

// The cards, in reading order; `higherIsBetter` colours the change.
const KPIS = [
  { metric: "revenue", higherIsBetter: true },
  { metric: "gross_margin", higherIsBetter: true },
  { metric: "operating_margin", higherIsBetter: true },
  { metric: "net_income", higherIsBetter: true },
  { metric: "eps_diluted", higherIsBetter: true },
  { metric: "operating_cash_flow", higherIsBetter: true },
  { metric: "free_cash_flow", higherIsBetter: true },
  { metric: "cash", higherIsBetter: true },
  { metric: "current_ratio", higherIsBetter: true },
  { metric: "debt_to_equity", higherIsBetter: false },
];
const COMPANY_KEY = "eab-company";
const status = document.getElementById("overview-status");

function byMetricAndYear(metrics) {
  const table = new Map();
  for (const m of metrics) {
    if (!table.has(m.metric)) table.set(m.metric, new Map());
    table.get(m.metric).set(m.fiscal_year, m);
  }
  return table;
}

/** The change against the year before, as the card states it: percent for amounts, points for margins. */
function change(current, previous) {
  if (!previous) return null;
  if (current.unit === "%") return { delta: current.value - previous.value, text: t("change.points", { n: formatNumber(Math.abs(current.value - previous.value), 1, true) }) };
  if (current.unit === "ratio") return { delta: current.value - previous.value, text: formatNumber(Math.abs(current.value - previous.value), 2, true) };
  if (previous.value === 0) return null;
  const percent = ((current.value - previous.value) / Math.abs(previous.value)) * 100;
  return { delta: percent, text: `${formatNumber(Math.abs(percent), 1, true)} %` };
}

function changeLine(kpi, current, previous) {
  const moved = change(current, previous);
  if (!moved) return el("p", { class: "change muted", text: t("change.none") });
  const direction = moved.delta > 0 ? "up" : moved.delta < 0 ? "down" : "flat";
  const good = direction === "flat" ? "neutral" : (direction === "up") === kpi.higherIsBetter ? "good" : "bad";
  const arrow = { up: "▲", down: "▼", flat: "■" }[direction];
  return el(
    "p",
    { class: `change ${good}` },
    el("span", { "aria-hidden": "true", text: `${arrow} ` }),
    t(`change.${direction}`, { change: moved.text, year: previous.fiscal_year }),
  );
}

/** One button per cited page, marking every input printed on it (its line item and figure). */
function citedPages(metric) {
  const marks = new Map();
  for (const input of metric.inputs) {
    if (!marks.has(input.page)) marks.set(input.page, []);
    marks.get(input.page).push(input.line_item, printed(input.value));
  }
  return [...marks].map(([page, highlights]) => pageButton(metric.document_id, metric.filename, page, highlights));
}

function card(kpi, years) {
  const latestYear = Math.max(...years.keys());
  const current = years.get(latestYear);
  const previous = years.get(latestYear - 1);
  const values = Object.fromEntries([...years].map(([year, m]) => [year, m.value]));
  const allYears = [...years.keys()].sort();
  return el(
    "li",
    { class: "card kpi", "data-metric": kpi.metric },
    el("h3", { text: t(`metric.${kpi.metric}`) }),
    el("p", { class: "kpi-year muted", text: t("overview.fiscal_year", { year: latestYear }) }),
    el("p", { class: "kpi-value", text: formatMetric(current.value, current.unit) }),
    changeLine(kpi, current, previous),
    sparkline(allYears, values),
    current.flagged
      ? el("p", { class: "warning" }, el("span", { "aria-hidden": "true", text: "⚠ " }), el("a", { href: `${ROOT}/documents/${current.document_id}/statements`, text: t("overview.flagged") }))
      : null,
    el("p", { class: "cited muted" }, el("span", { text: `${t("overview.source")} ` }), citedPages(current)),
    el("p", { class: "formula muted", text: t(`formula.${kpi.metric}`) }),
  );
}

function valuesOf(table, metric) {
  return Object.fromEntries([...(table.get(metric) || new Map())].map(([year, m]) => [year, m.value]));
}

function unitOf(table, metric) {
  const first = [...(table.get(metric) || new Map()).values()][0];
  return first ? unitLabel(first.unit) : "";
}

function drawCharts(table) {
  const years = [...new Set([...table.values()].flatMap((byYear) => [...byYear.keys()]))].sort();
  const series = (metrics) => metrics.filter((m) => table.has(m)).map((m) => ({ label: t(`metric.${m}`), values: valuesOf(table, m) }));
  const amount = (value) => formatNumber(value, 0);
  const charts = [
    { id: "chart-income", title: t("chart.income"), kind: "bar", series: series(["revenue", "net_income"]), format: amount, unit: unitOf(table, "revenue") },
    { id: "chart-margins", title: t("chart.margins"), kind: "line", series: series(["gross_margin", "operating_margin", "net_margin"]), format: (v) => `${formatNumber(v, 1)} %`, unit: "%" },
    { id: "chart-cash", title: t("chart.cash"), kind: "bar", series: series(["operating_cash_flow", "investing_cash_flow", "financing_cash_flow", "free_cash_flow"]), format: amount, unit: unitOf(table, "operating_cash_flow") },
  ];
  // A chart with no figure in the filings is left out rather than drawn empty.
  for (const chart of charts) {
    const figure = document.getElementById(chart.id);
    figure.hidden = !chart.series.length;
    if (chart.series.length) drawChart(figure, { ...chart, years });
  }
  document.getElementById("charts").hidden = charts.every((chart) => !chart.series.length);
}

async function showCompany(company) {
  status.textContent = t("common.loading");
  const metrics = (await apiJson(`/metrics?${new URLSearchParams({ company })}`)).filter((m) => m.company === company);
  const table = byMetricAndYear(metrics);
  const cards = KPIS.filter((kpi) => table.has(kpi.metric)).map((kpi) => card(kpi, table.get(kpi.metric)));
  const list = document.getElementById("kpis");
  destroyCharts(list);
  list.replaceChildren(...cards);
  const latest = Math.max(...metrics.map((m) => m.fiscal_year));
  status.textContent = cards.length ? t("overview.showing", { company, year: latest }) : t("overview.no_kpis", { company });
  performance.mark("overview-kpis");
  document.body.dataset.ready = "overview";
  drawCharts(table);
}

export async function show() {
  const companies = await apiJson("/companies");
  if (!companies.length) {
    status.replaceChildren(t("overview.empty"), " ", el("a", { href: `${ROOT}/documents`, text: t("overview.upload_link") }));
    document.body.dataset.ready = "overview";
    return;
  }
  const select = document.getElementById("company");
  for (const c of companies) select.append(el("option", { value: c.company, text: t("overview.company_option", { company: c.company, first: c.first_year, last: c.last_year }) }));
  const remembered = localStorage.getItem(COMPANY_KEY);
  if (companies.some((c) => c.company === remembered)) select.value = remembered;
  document.getElementById("company-field").hidden = companies.length < 2;
  select.addEventListener("change", () => {
    localStorage.setItem(COMPANY_KEY, select.value);
    showCompany(select.value);
  });
  await showCompany(select.value);
}
