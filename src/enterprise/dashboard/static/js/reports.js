// Reports: ask for one (a worker writes it; its progress shows here), open it as a page or save its
// PDF, and (admins) set when they are made, in which language, and who receives them by e-mail.
"use strict";

import { api, apiJson, download, el, formatDate, hasRole, showError, t } from "./core.js";

const POLL_MS = 1000;
let polling = null;

function period(report) {
  return t("reports.period_value", { from: formatDate(report.period_start), to: formatDate(report.period_end) });
}

function statusCell(report) {
  if (report.status === "done") return el("span", { text: t("report_status.done") });
  if (report.status === "failed") return el("span", { class: "error", text: t("reports.failed", { reason: report.error ?? "" }) });
  return [
    el("progress", { max: 100, value: report.progress, "aria-label": t("reports.progress", { percent: report.progress }) }),
    ` ${t(`report_status.${report.status}`)} ${report.progress} %`,
  ];
}

async function openPage(report) {
  // The page is fetched with the token and shown from a blob: a new tab cannot send the header.
  const tab = window.open("", "_blank");
  const response = await api(`/reports/${report.id}/html`);
  const url = URL.createObjectURL(new Blob([await response.text()], { type: "text/html" }));
  if (tab) tab.location.href = url;
  else window.location.assign(url);
}

function actions(report) {
  if (report.status !== "done") return "—";
  const name = report.title || t("reports.report");
  return [
    el("button", { type: "button", class: "link-button", text: t("reports.open"), "aria-label": t("reports.open_of", { report: name }), onclick: () => openPage(report).catch(showError) }),
    " ",
    el("button", {
      type: "button",
      class: "link-button",
      text: t("reports.pdf"),
      "aria-label": t("reports.pdf_of", { report: name }),
      onclick: () => download(`/reports/${report.id}/pdf`, `report-${report.period_end.slice(0, 10)}.pdf`).catch(showError),
    }),
  ];
}

async function showReports() {
  const page = await apiJson("/reports?limit=50");
  document.getElementById("reports-empty").hidden = page.items.length > 0;
  document.querySelector("#reports tbody").replaceChildren(
    ...page.items.map((report) =>
      el(
        "tr",
        { "data-report": report.id, "data-status": report.status },
        el("td", { "data-label": t("reports.report") }, report.title || t(`report_trigger.${report.trigger}`), el("br"), el("span", { class: "muted small", text: t(`report_trigger.${report.trigger}`) })),
        el("td", { "data-label": t("reports.period"), text: period(report) }),
        el("td", { "data-label": t("documents.status") }, statusCell(report)),
        el("td", { "data-label": t("reports.sent_to"), text: report.delivered_to.length ? report.delivered_to.join(", ") : "—" }),
        el("td", { "data-label": t("documents.actions") }, actions(report)),
      ),
    ),
  );
  const busy = page.items.some((r) => r.status === "pending" || r.status === "running");
  clearTimeout(polling);
  if (busy) polling = setTimeout(() => showReports().catch(showError), POLL_MS);
}

async function requestReport(event) {
  event.preventDefault();
  const status = document.getElementById("new-report-status");
  const form = new FormData(event.target);
  try {
    await apiJson("/reports", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ days: Number(form.get("days")), language: form.get("language") }),
    });
    status.textContent = t("reports.requested");
    await showReports();
  } catch (error) {
    status.textContent = error.message;
  }
}

function describe(schedule) {
  if (!schedule.service_enabled) return t("reports.service_off");
  if (!schedule.enabled) return t("reports.paused");
  const mail = schedule.recipients.length && schedule.mail_configured ? t("reports.mailed_to", { n: schedule.recipients.length }) : t("reports.not_mailed");
  return t("reports.next_run", { when: formatDate(schedule.next_run), cron: schedule.cron, timezone: schedule.timezone, mail });
}

function fillSchedule(schedule) {
  document.getElementById("schedule-summary").textContent = describe(schedule);
  document.getElementById("schedule-enabled").checked = schedule.enabled || !schedule.service_enabled;
  document.getElementById("schedule-cron").value = schedule.cron;
  document.getElementById("schedule-timezone").value = schedule.timezone;
  document.getElementById("schedule-language").value = schedule.language;
  document.getElementById("schedule-recipients").value = schedule.recipients.join("\n");
}

async function saveSchedule(event) {
  event.preventDefault();
  const status = document.getElementById("schedule-status");
  const form = new FormData(event.target);
  const recipients = String(form.get("recipients")).split(/[\s,;]+/).filter(Boolean);
  try {
    const schedule = await apiJson("/reports/schedule", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ enabled: form.get("enabled") === "on", cron: form.get("cron"), timezone: form.get("timezone"), language: form.get("language"), recipients }),
    });
    fillSchedule(schedule);
    status.textContent = t("reports.saved");
  } catch (error) {
    status.textContent = error.message;
  }
}

export async function show(user) {
  if (!hasRole(user, "executive")) {
    document.getElementById("page").replaceChildren(el("p", { class: "error", role: "alert", text: t("analytics.executives_only") }));
    return;
  }
  document.getElementById("new-report").addEventListener("submit", requestReport);
  if (hasRole(user, "admin")) document.getElementById("schedule-form").addEventListener("submit", saveSchedule);
  const [schedule] = await Promise.all([apiJson("/reports/schedule"), showReports()]);
  fillSchedule(schedule);
}
