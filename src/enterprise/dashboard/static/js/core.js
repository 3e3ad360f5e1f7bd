// What every page shares: the session token, API calls, messages and number formats of the
// chosen language, and a DOM builder that never parses text as HTML.
"use strict";

const body = document.body;
export const API = body.dataset.api;
export const ROOT = body.dataset.root;
export const LOCALE = body.dataset.locale;
export const LANGUAGE = body.dataset.language;
const MESSAGES = JSON.parse(document.getElementById("messages").textContent);
const TOKEN_KEY = "eab-token";
export const ROLES = ["viewer", "analyst", "executive", "admin"];

/** A message of the page's language, with {name} placeholders filled in. */
export function t(key, values = {}) {
  const text = MESSAGES[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

export const session = {
  token: () => sessionStorage.getItem(TOKEN_KEY),
  save: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** The detail of an API error body (a sentence, or a validation error's messages), else `fallback`. */
export function detailOf(payload, fallback) {
  if (typeof payload?.detail === "string") return payload.detail;
  if (Array.isArray(payload?.detail)) return payload.detail.map((d) => d.msg).join("; ");
  return fallback;
}

/** The detail an API error response carries, as its text. */
async function errorDetail(response) {
  const payload = await response.json().catch(() => null);
  return detailOf(payload, `${response.status} ${response.statusText}`);
}

/** fetch against the enterprise API with the session's token; throws ApiError when not ok. */
export async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const token = session.token();
  if (token) headers.set("Authorization", `Bearer ${token}`);
  const response = await fetch(`${API}${path}`, { ...options, headers });
  if (response.status === 401 && token) {
    session.clear();
    window.location.reload();
  }
  if (!response.ok) throw new ApiError(response.status, await errorDetail(response));
  return response;
}

export async function apiJson(path, options = {}) {
  const response = await api(path, options);
  return response.status === 204 ? null : response.json();
}

export function hasRole(user, role) {
  return ROLES.indexOf(user.role) >= ROLES.indexOf(role);
}

/** Shows the elements marked data-min-role only to users with that role or a higher one. */
export function applyRoles(user, root = document) {
  for (const node of root.querySelectorAll("[data-min-role]")) {
    node.hidden = !hasRole(user, node.dataset.minRole);
  }
}

/** Builds an element; children are nodes or text (never parsed as HTML). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Grouping always, as finance prints it: 1.234,5 in Spanish (CLDR leaves 4-digit numbers ungrouped).
const numberFormats = new Map();
function numberFormat(digits, fixed) {
  const key = `${digits}:${fixed}`;
  if (!numberFormats.has(key)) {
    const minimumFractionDigits = fixed ? digits : 0;
    numberFormats.set(key, new Intl.NumberFormat(LOCALE, { useGrouping: "always", minimumFractionDigits, maximumFractionDigits: digits }));
  }
  return numberFormats.get(key);
}

/** A number in the page's language; `fixed` keeps trailing zeros (a change of 2.0 %). */
export function formatNumber(value, digits = 1, fixed = false) {
  return value === null || value === undefined ? "—" : numberFormat(digits, fixed).format(value);
}

/** An amount with its unit as the API states it ("USD millions", "USD per share"). */
export function formatAmount(value, unit) {
  const digits = Math.abs(value) < 100 ? 2 : 0;
  return `${formatNumber(value, digits)} ${unitLabel(unit)}`.trim();
}

export function unitLabel(unit) {
  if (!unit) return "";
  const [currency, scale] = unit.split(" ");
  if (!/^[A-Z]{3}$/.test(currency)) return unit;
  const scaleWord = scale ? t(`scale.${scale}`) : "";
  return scale === "per" ? t("unit.per_share", { currency }) : `${scaleWord} ${currency}`.trim();
}

export function formatMetric(value, unit) {
  if (unit === "%") return `${formatNumber(value, 1, true)} %`;
  if (unit === "ratio") return formatNumber(value, 2, true);
  if (unit === "days") return t("unit.days", { n: formatNumber(value, 0) });
  return formatAmount(value, unit);
}

export function formatDate(iso) {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function formatBytes(size) {
  const units = ["B", "KB", "MB", "GB"];
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${formatNumber(value, unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function showError(error) {
  const box = document.getElementById("page-error");
  box.textContent = error instanceof ApiError ? t("error.api", { detail: error.message }) : t("error.network");
  box.hidden = false;
}

/** Saves what the API answers at `path` as a file (the token rides in a header, so no plain link). */
export async function download(path, filename) {
  const response = await api(path);
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A table of `rows` with the given columns: [key, header, format?] each; numbers align right. */
export function dataTable(caption, columns, rows) {
  return el(
    "div",
    { class: "table-wrap", tabindex: 0 },
    el(
      "table",
      {},
      el("caption", { class: "visually-hidden", text: caption }),
      el("thead", {}, el("tr", {}, columns.map(([, header]) => el("th", { scope: "col", text: header })))),
      el(
        "tbody",
        {},
        rows.map((row) =>
          el(
            "tr",
            {},
            columns.map(([key, header, format]) => {
              const value = row[key];
              const shown = format ? format(value, row) : value ?? "—";
              return el("td", { class: typeof value === "number" ? "number" : null, "data-label": header }, shown);
            }),
          ),
        ),
      ),
    ),
  );
}
