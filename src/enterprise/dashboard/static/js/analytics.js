// Analytics for executives: how members ask (usage), what the library holds (content), and the
// companies' KPIs from the facts. Each section says when it was computed and downloads its tables.
"use strict";

import { ROOT, apiJson, hasRole, dataTable, download, el, formatBytes, formatDate, formatMetric, formatNumber, showError, t } from "./core.js";
import { drawChart } from "./charts.js";

const percent = (value) => (value === null || value === undefined ? "—" : `${formatNumber(value * 100, 1, true)} %`);
const count = (value) => formatNumber(value, 0);
const when = (value) => formatDate(value);

function computed(id, result) {
  const note = result.cached ? "analytics.cached" : "analytics.fresh";
  document.getElementById(id).textContent = t(note, { when: formatDate(result.computed_at) });
}

function tiles(id, items) {
  document.getElementById(id).replaceChildren(
    ...items.flatMap(([label, value]) => [el("dt", { text: label }), el("dd", { text: value })]),
  );
}

/** A titled table with its CSV download. */
function section(kind, name, title, columns, rows, query = "") {
  const button = el("button", {
    type: "button",
    class: "link-button",
    text: t("analytics.download_csv"),
    "aria-label": t("analytics.download_csv_of", { table: title }),
    onclick: () => download(`/analytics/${kind}?format=csv&table=${name}${query}`, `${kind}-${name}.csv`).catch(showError),
  });
  const body = rows.length ? dataTable(title, columns, rows) : el("p", { class: "muted", text: t("analytics.empty") });
  return el("section", { class: "analytics-table", "aria-label": title }, el("div", { class: "section-head" }, el("h3", { text: title }), button), body);
}

async function showUsage() {
  const days = document.getElementById("usage-days").value;
  const usage = await apiJson(`/analytics/usage?days=${days}`);
  const s = usage.summary;
  computed("usage-computed", usage);
  tiles("usage-summary", [
    [t("analytics.questions"), count(s.questions)],
    [t("analytics.answer_rate"), percent(s.answer_rate)],
    [t("analytics.not_found_rate"), percent(s.not_found_rate)],
    [t("analytics.latency"), s.latency_p50_ms === null ? "—" : t("analytics.latency_value", { p50: count(s.latency_p50_ms), p95: count(s.latency_p95_ms) })],
    [t("analytics.feedback"), t("analytics.feedback_value", { up: count(s.feedback_up), down: count(s.feedback_down) })],
    [t("analytics.members"), count(s.members_asking)],
    [t("analytics.cost"), `${formatNumber(s.estimated_cost_usd, 2, true)} USD`],
  ]);
  const perDay = usage.tables.per_day;
  const chart = document.getElementById("usage-chart");
  chart.hidden = perDay.length === 0;
  if (perDay.length) drawChart(chart, {
    title: t("analytics.per_day"),
    kind: "bar",
    years: perDay.map((d) => d.day),
    series: [
      { label: t("analytics.answered"), values: Object.fromEntries(perDay.map((d) => [d.day, d.answered])) },
      { label: t("analytics.not_found"), values: Object.fromEntries(perDay.map((d) => [d.day, d.not_found])) },
    ],
    format: count,
    keyLabel: t("analytics.day"),
  });
  const question = [
    ["question", t("analytics.question")],
    ["times_asked", t("analytics.times_asked"), count],
    ["answered", t("analytics.answered"), count],
    ["wordings", t("analytics.wordings"), count],
    ["last_asked", t("analytics.last_asked"), when],
  ];
  const query = `&days=${days}`;
  document.getElementById("usage-tables").replaceChildren(
    section("usage", "top_questions", t("analytics.top_questions"), question, usage.tables.top_questions, query),
    section("usage", "unanswered", t("analytics.unanswered"), question, usage.tables.unanswered, query),
    section("usage", "per_member", t("analytics.per_member"), [
      ["member", t("analytics.member")],
      ["questions", t("analytics.questions"), count],
      ["answer_rate", t("analytics.answer_rate"), percent],
      ["tokens", t("analytics.tokens"), count],
      ["last_asked", t("analytics.last_asked"), when],
    ], usage.tables.per_member, query),
    section("usage", "modes", t("analytics.modes"), [
      ["mode", t("analytics.mode"), (mode) => t(`mode.${mode}`)],
      ["questions", t("analytics.questions"), count],
      ["share", t("analytics.share"), percent],
    ], usage.tables.modes, query),
    section("usage", "cost_per_member_month", t("analytics.cost_per_member"), [
      ["month", t("analytics.month")],
      ["member", t("analytics.member")],
      ["tokens", t("analytics.tokens"), count],
      ["estimated_cost_usd", t("analytics.cost"), (value) => `${formatNumber(value, 2, true)} USD`],
    ], usage.tables.cost_per_member_month, query),
  );
}

async function showContent() {
  const content = await apiJson("/analytics/content");
  const s = content.summary;
  computed("content-computed", content);
  tiles("content-summary", [
    [t("analytics.documents"), count(s.documents)],
    [t("status.ready"), count(s.ready)],
    [t("analytics.in_progress"), count(s.in_progress)],
    [t("status.failed"), count(s.failed)],
    [t("documents.pages"), count(s.pages)],
    [t("analytics.volume"), formatBytes(s.bytes)],
    [t("analytics.pages_without_text"), count(s.pages_without_text)],
  ]);
  const tables = content.tables;
  document.getElementById("content-tables").replaceChildren(
    section("content", "by_status", t("analytics.by_status"), [["status", t("documents.status"), (v) => t(`status.${v}`)], ["documents", t("analytics.documents"), count]], tables.by_status),
    section("content", "by_type", t("analytics.by_type"), [["doc_type", t("documents.type"), (v) => t(`doctype.${v}`)], ["documents", t("analytics.documents"), count]], tables.by_type),
    section("content", "by_company", t("analytics.by_company"), [["company", t("documents.company")], ["documents", t("analytics.documents"), count], ["pages", t("documents.pages"), count], ["bytes", t("analytics.volume"), formatBytes]], tables.by_company),
    section("content", "by_month", t("analytics.by_month"), [["month", t("analytics.month")], ["documents", t("analytics.documents"), count], ["pages", t("documents.pages"), count], ["bytes", t("analytics.volume"), formatBytes], ["failed", t("status.failed"), count]], tables.by_month),
    section("content", "failures", t("analytics.failures"), [["filename", t("documents.name")], ["error", t("analytics.reason")], ["uploaded", t("documents.uploaded"), when]], tables.failures),
    section("content", "pages_without_text", t("analytics.pages_without_text"), [["filename", t("documents.name")], ["pages", t("documents.pages"), count], ["pages_without_text", t("analytics.pages_without_text"), count]], tables.pages_without_text),
  );
}

function pagesLink(value, row) {
  if (!value) return "—";
  return el("a", { href: `${ROOT}/documents/${row.document_id}/statements`, text: t("analytics.pages_of", { file: row.filename, pages: value }) });
}

function change(value, row) {
  if (row.change_pct !== null && row.change_pct !== undefined) return `${row.change_pct > 0 ? "+" : ""}${formatNumber(row.change_pct, 1, true)} %`;
  if (value === null || value === undefined) return "—";
  const unit = row.unit === "%" ? " pp" : "";
  const shown = row.unit === "%" || row.unit === "ratio" ? formatNumber(value, 2, true) : formatMetric(value, row.unit);
  return `${value > 0 ? "+" : ""}${shown}${unit}`;
}

async function showKpis() {
  const kpis = await apiJson("/analytics/kpis");
  computed("kpis-computed", kpis);
  const rows = kpis.tables.kpis;
  document.getElementById("kpis-tables").replaceChildren(
    section("kpis", "kpis", t("analytics.kpis_table"), [
      ["company", t("documents.company")],
      ["fiscal_year", t("documents.year")],
      ["label", t("analytics.figure"), (label, row) => [label, row.flagged ? el("span", { class: "flag", text: ` ⚠ ${t("analytics.flagged")}` }) : null]],
      ["value", t("analytics.value"), (value, row) => formatMetric(value, row.unit)],
      ["change", t("analytics.change"), change],
      ["pages", t("analytics.printed_on"), pagesLink],
    ], rows),
    section("kpis", "failed_checks", t("analytics.failed_checks"), [
      ["company", t("documents.company")],
      ["check", t("analytics.check")],
      ["fiscal_year", t("documents.year")],
      ["expected", t("analytics.expected"), (v) => formatNumber(v, 0)],
      ["found", t("analytics.found"), (v) => formatNumber(v, 0)],
      ["pages", t("analytics.printed_on"), pagesLink],
    ], kpis.tables.failed_checks),
  );
}

export async function show(user) {
  if (!hasRole(user, "executive")) {
    document.getElementById("page").replaceChildren(el("p", { class: "error", role: "alert", text: t("analytics.executives_only") }));
    return;
  }
  document.getElementById("usage-days").addEventListener("change", () => showUsage().catch(showError));
  for (const kind of ["usage", "content", "kpis"]) {
    document.getElementById(`${kind}-xlsx`).addEventListener("click", () => {
      const query = kind === "usage" ? `&days=${document.getElementById("usage-days").value}` : "";
      download(`/analytics/${kind}?format=xlsx${query}`, `${kind}.xlsx`).catch(showError);
    });
  }
  await Promise.all([showUsage(), showContent(), showKpis()]);
}
