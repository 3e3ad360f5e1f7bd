// Admin: usage against the quota, users (invite, role, disable), API keys, connectors and
// webhooks (integrations.js), the audit log.
"use strict";

import { ROLES, ROOT, apiJson, el, formatDate, formatNumber, showError, t } from "./core.js";
import { showConnectors, showWebhooks, wireIntegrations } from "./integrations.js";

const AUDIT_PAGE = 50;
let auditShown = 0;
let me = null;

function meter(label, used, limit) {
  const percent = limit ? Math.min(100, Math.round((used / limit) * 100)) : 0;
  return [
    el("dt", { text: label }),
    el(
      "dd",
      {},
      el("meter", { min: 0, max: limit || 1, value: used, "aria-label": label }),
      ` ${t("admin.used_of", { used: formatNumber(used, 0), limit: formatNumber(limit, 0), percent: formatNumber(percent, 0) })}`,
    ),
  ];
}

async function showUsage() {
  const [usage, documents] = await Promise.all([apiJson("/usage"), apiJson("/documents?limit=1")]);
  document.getElementById("usage").replaceChildren(
    ...meter(t("admin.tokens", { month: usage.month }), usage.total_tokens, usage.monthly_token_quota),
    el("dt", { text: t("admin.requests") }),
    el("dd", { text: formatNumber(usage.requests, 0) }),
    ...meter(t("admin.documents"), documents.total, me.enterprise.max_documents),
  );
}

async function updateUser(user, change, status) {
  try {
    await apiJson(`/users/${user.id}`, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify(change) });
    await Promise.all([showUsers(), showAudit()]);
    document.getElementById("users-status").textContent = t("admin.saved_user", { email: user.email });
  } catch (error) {
    status.textContent = error.message;
  }
}

function userRow(user) {
  const status = el("span", { role: "status", class: "small" });
  const self = user.id === me.id;
  const roleSelect = el(
    "select",
    { "aria-label": t("admin.role_of", { email: user.email }), disabled: self },
    ROLES.map((role) => el("option", { value: role, text: t(`role.${role}`), selected: role === user.role })),
  );
  roleSelect.addEventListener("change", () => updateUser(user, { role: roleSelect.value }, status));
  const toggle = el("button", {
    type: "button",
    class: "link-button",
    disabled: self,
    text: user.is_active ? t("admin.disable") : t("admin.enable"),
    "aria-label": t(user.is_active ? "admin.disable_of" : "admin.enable_of", { email: user.email }),
    onclick: () => updateUser(user, { is_active: !user.is_active }, status),
  });
  const state = !user.is_active ? t("admin.disabled") : user.invitation_pending ? t("admin.invited") : t("admin.active");
  return el(
    "tr",
    {},
    el("td", { text: user.email }),
    el("td", { text: user.full_name || "—" }),
    el("td", {}, roleSelect),
    el("td", { text: state }),
    el("td", { text: formatDate(user.last_login_at) }),
    el("td", {}, toggle, " ", status),
  );
}

async function showUsers() {
  const users = await apiJson("/users");
  document.querySelector("#users tbody").replaceChildren(...users.map(userRow));
}

async function invite(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const body = { email: form.get("email"), role: form.get("role"), full_name: form.get("full_name") || "" };
  const result = document.getElementById("invite-result");
  try {
    const created = await apiJson("/users", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const link = `${window.location.origin}${ROOT}/invite#${created.invite_token}`;
    result.replaceChildren(t("admin.invited_link", { email: created.email }), " ", el("code", { class: "invite-link", text: link }));
    event.target.reset();
    await Promise.all([showUsers(), showAudit()]);
  } catch (error) {
    result.textContent = error.message;
  }
}

function keyRow(key) {
  const revoke = key.revoked_at
    ? t("keys.revoked_on", { when: formatDate(key.revoked_at) })
    : el("button", {
        type: "button",
        class: "link-button danger",
        text: t("keys.revoke"),
        "aria-label": t("keys.revoke_of", { name: key.name }),
        onclick: async () => {
          if (!window.confirm(t("keys.confirm_revoke", { name: key.name }))) return;
          await apiJson(`/api-keys/${key.id}`, { method: "DELETE" }).catch(showError);
          await Promise.all([showKeys(), showAudit()]);
        },
      });
  return el(
    "tr",
    {},
    el("td", { text: key.name }),
    el("td", {}, el("code", { text: `${key.prefix}…` })),
    el("td", { text: t(`role.${key.role}`) }),
    el("td", { text: key.expires_at ? formatDate(key.expires_at) : t("keys.never") }),
    el("td", { text: formatDate(key.last_used_at) }),
    el("td", {}, revoke),
  );
}

async function showKeys() {
  const keys = await apiJson("/api-keys");
  document.querySelector("#keys tbody").replaceChildren(...keys.map(keyRow));
}

async function createKey(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const expires = form.get("expires");
  const body = { name: form.get("name"), role: form.get("role"), expires_at: expires ? new Date(`${expires}T23:59:59`).toISOString() : null };
  const shown = document.getElementById("key-created");
  try {
    const created = await apiJson("/api-keys", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    shown.replaceChildren(el("p", { text: t("keys.shown_once", { name: created.name }) }), el("code", { class: "invite-link", id: "new-key", text: created.key }));
    event.target.reset();
    await Promise.all([showKeys(), showAudit()]);
  } catch (error) {
    shown.textContent = error.message;
  }
}

function auditDetail(event) {
  return Object.entries(event.detail || {}).map(([key, value]) => `${key}: ${value}`).join(", ");
}

async function showAudit(append = false) {
  const offset = append ? auditShown : 0;
  const page = await apiJson(`/audit?limit=${AUDIT_PAGE}&offset=${offset}`);
  const rows = page.items.map((event) =>
    el(
      "tr",
      {},
      el("td", { text: formatDate(event.created_at) }),
      el("td", { text: event.actor_email ?? "—" }),
      el("td", { text: t(`audit.${event.action}`) }),
      el("td", { text: event.target_type ? `${event.target_type} ${event.target_id ?? ""}`.trim() : "—" }),
      el("td", { class: "small", text: auditDetail(event) }),
    ),
  );
  const tbody = document.querySelector("#audit tbody");
  if (append) tbody.append(...rows);
  else tbody.replaceChildren(...rows);
  auditShown = offset + page.items.length;
  document.getElementById("audit-more").hidden = auditShown >= page.total;
}

export async function show(user) {
  me = user;
  if (user.role !== "admin") {
    document.getElementById("page").replaceChildren(el("p", { class: "error", role: "alert", text: t("admin.only") }));
    return;
  }
  document.getElementById("invite-form").addEventListener("submit", invite);
  document.getElementById("key-form").addEventListener("submit", createKey);
  document.getElementById("audit-more").addEventListener("click", () => showAudit(true).catch(showError));
  wireIntegrations(() => showAudit());
  await Promise.all([showUsage(), showUsers(), showKeys(), showConnectors(), showWebhooks(), showAudit()]);
}
