// Admin: connectors (made here, access granted at the source, synced, paused, removed) and
// webhook endpoints (made with their secret shown once, tested, paused, their deliveries read).
"use strict";

import { apiJson, el, formatDate, formatNumber, showError, t } from "./core.js";

const POLL_MS = 2000;
let pollTimer = null;
let onChange = async () => {};

const json = (method, body) => ({ method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

function runSummary(run) {
  if (!run) return t("connectors.never_run");
  const counts = t("connectors.counts", {
    seen: formatNumber(run.items_seen, 0),
    added: formatNumber(run.items_added, 0),
    updated: formatNumber(run.items_updated, 0),
    removed: formatNumber(run.items_removed, 0),
    failed: formatNumber(run.items_failed, 0),
  });
  const when = formatDate(run.finished_at ?? run.started_at ?? run.created_at);
  return [
    el("span", { class: `status-${run.status === "succeeded" ? "ready" : run.status}`, text: t(`connectors.run.${run.status}`) }),
    ` ${when} · ${counts}`,
    run.error ? el("div", { class: "small error-text", text: run.error }) : null,
  ];
}

function actionButton(label, aria, handler, danger = false) {
  return el("button", {
    type: "button",
    class: `link-button${danger ? " danger" : ""}`,
    text: label,
    "aria-label": aria,
    onclick: () => handler().catch(showError),
  });
}

async function authorize(connector) {
  const consent = await apiJson(`/connectors/${connector.id}/authorize`, { method: "POST" });
  window.location.assign(consent.authorization_url);
}

function connectorActions(connector) {
  const name = connector.name;
  const actions = [];
  if (connector.status === "needs_authorization") {
    actions.push(actionButton(t("connectors.authorize"), t("connectors.authorize_of", { name }), () => authorize(connector)));
  }
  if (connector.status === "active") {
    actions.push(
      actionButton(t("connectors.sync"), t("connectors.sync_of", { name }), async () => {
        await apiJson(`/connectors/${connector.id}/sync`, { method: "POST" });
        await showConnectors();
      }),
      actionButton(t("connectors.pause"), t("connectors.pause_of", { name }), async () => {
        await apiJson(`/connectors/${connector.id}`, json("PATCH", { paused: true }));
        await showConnectors();
      }),
    );
  }
  if (connector.status === "paused") {
    actions.push(
      actionButton(t("connectors.resume"), t("connectors.resume_of", { name }), async () => {
        await apiJson(`/connectors/${connector.id}`, json("PATCH", { paused: false }));
        await showConnectors();
      }),
    );
  }
  actions.push(
    actionButton(
      t("connectors.remove"),
      t("connectors.remove_of", { name }),
      async () => {
        if (!window.confirm(t("connectors.confirm_remove", { name }))) return;
        const documents = window.confirm(t("connectors.confirm_documents", { name })) ? "remove" : "keep";
        const removed = await apiJson(`/connectors/${connector.id}?documents=${documents}`, { method: "DELETE" });
        document.getElementById("connector-status").textContent = t("connectors.removed", {
          name,
          count: formatNumber(removed.documents_removed, 0),
        });
        await Promise.all([showConnectors(), onChange()]);
      },
      true,
    ),
  );
  return actions.flatMap((action, index) => (index ? [" ", action] : [action]));
}

function connectorRow(connector) {
  const running = connector.last_run && ["pending", "running"].includes(connector.last_run.status);
  return el(
    "tr",
    { "data-status": connector.status },
    el("td", {}, connector.name, connector.scope.length ? el("div", { class: "small muted", text: connector.scope.join(", ") }) : null),
    el("td", { text: t(`connectors.kind.${connector.kind}`) }),
    el(
      "td",
      {},
      t(`connectors.status.${connector.status}`),
      connector.last_error && !running ? el("div", { class: "small error-text", text: connector.last_error }) : null,
    ),
    el("td", {}, runSummary(connector.last_run)),
    el("td", { text: connector.status === "active" ? formatDate(connector.next_sync_at) : "—" }),
    el("td", {}, connectorActions(connector)),
  );
}

export async function showConnectors() {
  const connectors = await apiJson("/connectors");
  document.querySelector("#connectors tbody").replaceChildren(...connectors.map(connectorRow));
  clearTimeout(pollTimer);
  // While a run waits or works, its counts move: follow them.
  if (connectors.some((c) => c.last_run && ["pending", "running"].includes(c.last_run.status))) {
    pollTimer = setTimeout(() => showConnectors().catch(showError), POLL_MS);
  }
}

async function createConnector(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const minutes = form.get("sync_minutes");
  const body = {
    kind: form.get("kind"),
    name: form.get("name"),
    scope: String(form.get("scope") || "")
      .split(/[\n,]/)
      .map((part) => part.trim())
      .filter(Boolean),
    sync_minutes: minutes ? Number(minutes) : null,
  };
  const status = document.getElementById("connector-status");
  try {
    const created = await apiJson("/connectors", json("POST", body));
    status.textContent = t("connectors.going_to_source");
    window.location.assign(created.authorization_url);
  } catch (error) {
    status.textContent = error.message;
  }
}

function deliveryLine(delivery) {
  if (!delivery) return t("webhooks.none_yet");
  const code = delivery.last_status_code ?? delivery.last_error ?? "—";
  return t("webhooks.delivery", {
    event: delivery.event,
    status: t(`webhooks.status.${delivery.status}`),
    attempts: formatNumber(delivery.attempts, 0),
    code,
    when: formatDate(delivery.delivered_at ?? delivery.created_at),
  });
}

async function webhookRow(webhook) {
  const page = await apiJson(`/webhooks/${webhook.id}/deliveries?limit=1`);
  const url = webhook.url;
  return el(
    "tr",
    {},
    el("td", {}, el("code", { text: url })),
    el("td", { class: "small", text: webhook.events.map((e) => t(`webhooks.event.${e}`)).join(", ") }),
    el("td", { text: webhook.is_active ? t("webhooks.active") : t("webhooks.paused") }),
    el("td", { class: "small", text: deliveryLine(page.items[0]) }),
    el(
      "td",
      {},
      actionButton(t("webhooks.ping"), t("webhooks.ping_of", { url }), async () => {
        await apiJson(`/webhooks/${webhook.id}/ping`, { method: "POST" });
        setTimeout(() => showWebhooks().catch(showError), POLL_MS);
      }),
      " ",
      actionButton(
        webhook.is_active ? t("webhooks.pause") : t("webhooks.resume"),
        t(webhook.is_active ? "webhooks.pause_of" : "webhooks.resume_of", { url }),
        async () => {
          await apiJson(`/webhooks/${webhook.id}`, json("PATCH", { is_active: !webhook.is_active }));
          await showWebhooks();
        },
      ),
      " ",
      actionButton(
        t("webhooks.delete"),
        t("webhooks.delete_of", { url }),
        async () => {
          if (!window.confirm(t("webhooks.confirm_delete", { url }))) return;
          await apiJson(`/webhooks/${webhook.id}`, { method: "DELETE" });
          await Promise.all([showWebhooks(), onChange()]);
        },
        true,
      ),
    ),
  );
}

export async function showWebhooks() {
  const webhooks = await apiJson("/webhooks");
  document.querySelector("#webhooks tbody").replaceChildren(...(await Promise.all(webhooks.map(webhookRow))));
}

async function createWebhook(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = { url: form.get("url"), events: form.getAll("events") };
  const shown = document.getElementById("webhook-created");
  try {
    const created = await apiJson("/webhooks", json("POST", body));
    shown.replaceChildren(
      el("p", { text: t("webhooks.secret_once", { url: created.url }) }),
      el("code", { class: "invite-link", id: "new-webhook-secret", text: created.secret }),
    );
    event.target.reset();
    await Promise.all([showWebhooks(), onChange()]);
  } catch (error) {
    shown.textContent = error.message;
  }
}

/** Wires the two forms; `changed` runs after anything that the audit log records. */
export function wireIntegrations(changed) {
  onChange = changed;
  document.getElementById("connector-form").addEventListener("submit", createConnector);
  document.getElementById("webhook-form").addEventListener("submit", createWebhook);
  const params = new URLSearchParams(window.location.search);
  if (params.get("authorized") === "1") {
    document.getElementById("connector-status").textContent = t("connectors.authorized");
  }
}
