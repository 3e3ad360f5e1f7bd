// Charts drawn with Chart.js (served by the app from static/vendor); each one also has its
// figures as a table, for screen readers and for a browser where the chart library is absent.
"use strict";

import { el, formatNumber, t } from "./core.js";

export const PALETTE = ["#1f5fbf", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b"];

function dataTable(caption, years, series, format, keyLabel) {
  return el(
    "table",
    { class: "chart-data" },
    el("caption", { class: "visually-hidden", text: caption }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: keyLabel }), series.map((s) => el("th", { scope: "col", text: s.label })))),
    el(
      "tbody",
      {},
      years.map((year) =>
        el("tr", {}, el("th", { scope: "row", text: String(year) }), series.map((s) => el("td", { class: "number", text: s.values[year] === undefined ? "—" : format(s.values[year]) }))),
      ),
    ),
  );
}

/** Releases the charts drawn inside `node` before it is redrawn (Chart.js keeps each one registered). */
export function destroyCharts(node) {
  if (!window.Chart) return;
  for (const canvas of node.querySelectorAll("canvas")) window.Chart.getChart(canvas)?.destroy();
}

/** Fills `figure` with a title, a chart of `series` over `years` and the same figures as a table. */
export function drawChart(figure, { title, kind, years, series, format, unit, keyLabel = t("chart.year") }) {
  destroyCharts(figure);
  figure.replaceChildren();
  const id = `${figure.id}-title`;
  figure.append(el("figcaption", { id }, el("span", { text: title }), unit ? el("span", { class: "muted", text: ` (${unit})` }) : null));
  const details = el("details", {}, el("summary", { text: t("chart.show_data") }), dataTable(title, years, series, format, keyLabel));
  if (!window.Chart) {
    details.open = true;
    figure.append(details);
    return;
  }
  const canvas = el("canvas", { role: "img", "aria-labelledby": id });
  figure.append(el("div", { class: "chart-box" }, canvas), details);
  new window.Chart(canvas, {
    type: kind,
    data: {
      labels: years.map(String),
      datasets: series.map((s, i) => ({
        label: s.label,
        data: years.map((year) => s.values[year] ?? null),
        backgroundColor: PALETTE[i % PALETTE.length],
        borderColor: PALETTE[i % PALETTE.length],
        spanGaps: true,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { position: "bottom" },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(item.parsed.y)}` } },
      },
      scales: { y: { ticks: { callback: (value) => formatNumber(value, 1) } } },
    },
  });
}

/** A small line over the years, beside a KPI; the card states its figures in words. */
export function sparkline(years, values) {
  if (!window.Chart) return null;
  const canvas = el("canvas", { class: "sparkline", "aria-hidden": "true", width: 120, height: 36 });
  new window.Chart(canvas, {
    type: "line",
    data: { labels: years.map(String), datasets: [{ data: years.map((y) => values[y] ?? null), borderColor: PALETTE[0], pointRadius: 2, borderWidth: 2, spanGaps: true }] },
    options: {
      responsive: false,
      animation: false,
      events: [],
      plugins: { legend: { display: false }, tooltip: { enabled: false } },
      scales: { x: { display: false }, y: { display: false } },
    },
  });
  return canvas;
}
