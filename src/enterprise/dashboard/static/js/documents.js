// The library: filters, uploads with a progress bar each (bytes, then the document's own
// processing until ready or failed), delete, reindex, and each filing's statements page.
"use strict";

import { API, ROOT, apiJson, applyRoles, detailOf, el, formatBytes, formatDate, hasRole, session, showError, t } from "./core.js";

const PAGE_SIZE = 50;
const POLL_MS = 1000;
const tbody = document.querySelector("#documents tbody");
const filters = document.getElementById("filters");
let user = null;
let shown = 0;

function query(offset) {
  const params = new URLSearchParams({ limit: PAGE_SIZE, offset });
  for (const [name, value] of new FormData(filters)) if (String(value).trim()) params.set(name, String(value).trim());
  return params;
}

function statusCell(doc) {
  const label = t(`status.${doc.status}`);
  const cell = el("td", { class: `status status-${doc.status}` }, label);
  if (doc.status === "processing" || doc.status === "queued") {
    cell.append(" ", el("progress", { max: 100, value: doc.progress, "aria-label": t("upload.processing", { file: doc.filename, percent: doc.progress }) }), ` ${doc.progress} %`);
  }
  if (doc.status === "failed" && doc.error) cell.append(el("p", { class: "error small", text: doc.error }));
  return cell;
}

function actions(doc) {
  const cell = el("td", { class: "actions" });
  if (doc.status === "ready" && doc.tables > 0) {
    cell.append(el("a", { href: `${ROOT}/documents/${doc.id}/statements`, text: t("documents.statements"), "aria-label": t("documents.statements_of", { file: doc.filename }) }));
  }
  if (!hasRole(user, "analyst")) return cell;
  cell.append(
    el("button", { type: "button", class: "link-button", text: t("documents.reindex"), "aria-label": t("documents.reindex_of", { file: doc.filename }), onclick: () => reindex(doc) }),
    el("button", { type: "button", class: "link-button danger", text: t("documents.delete"), "aria-label": t("documents.delete_of", { file: doc.filename }), onclick: () => remove(doc) }),
  );
  return cell;
}

// The column headings, repeated on each cell for the phone layout, where rows become cards.
const HEADINGS = [...document.querySelectorAll("#documents thead th")].map((th) => th.textContent);

function labelled(tr) {
  [...tr.children].forEach((cell, i) => cell.setAttribute("data-label", HEADINGS[i]));
  return tr;
}

function row(doc) {
  return labelled(el(
    "tr",
    { "data-document": doc.id },
    el("td", { class: "filename" }, el("span", { text: doc.filename }), doc.tags.length ? el("span", { class: "tags", text: doc.tags.join(", ") }) : null),
    el("td", { text: t(`doctype.${doc.doc_type}`) }),
    el("td", { text: doc.company ?? "—" }),
    el("td", { text: doc.fiscal_year ?? "—" }),
    statusCell(doc),
    el("td", { class: "number", text: doc.pages || "—" }),
    el("td", { text: formatDate(doc.created_at) }),
    actions(doc),
  ));
}

async function load(append = false) {
  const offset = append ? shown : 0;
  const page = await apiJson(`/documents?${query(offset)}`);
  const rows = page.items.map(row);
  if (append) tbody.append(...rows);
  else tbody.replaceChildren(...rows);
  shown = offset + page.items.length;
  document.getElementById("documents-status").textContent = t("documents.count", { shown, total: page.total });
  document.getElementById("more").hidden = shown >= page.total;
}

async function reindex(doc) {
  try {
    await apiJson(`/documents/${doc.id}/reindex`, { method: "POST" });
    await load();
    follow(doc.id, null);
  } catch (error) {
    showError(error);
  }
}

async function remove(doc) {
  if (!window.confirm(t("documents.confirm_delete", { file: doc.filename }))) return;
  try {
    await apiJson(`/documents/${doc.id}`, { method: "DELETE" });
    await load();
  } catch (error) {
    showError(error);
  }
}

/** Polls a document until it is ready or failed, updating its upload line and its table row. */
async function follow(documentId, line) {
  for (;;) {
    const doc = await apiJson(`/documents/${documentId}`);
    if (line) line.update(doc);
    const current = tbody.querySelector(`tr[data-document="${doc.id}"]`);
    if (current) current.replaceWith(row(doc));
    if (doc.status === "ready" || doc.status === "failed") return doc;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function uploadLine(file) {
  const bar = el("progress", { max: 100, value: 0, "aria-label": t("upload.bytes", { file: file.name, percent: 0 }) });
  const state = el("span", { class: "upload-state", text: t("upload.sending") });
  const item = el("li", { class: "upload-item" }, el("span", { class: "filename", text: `${file.name} (${formatBytes(file.size)})` }), bar, state);
  document.getElementById("uploads").prepend(item);
  return {
    item,
    sent(percent) {
      bar.value = percent;
      bar.setAttribute("aria-label", t("upload.bytes", { file: file.name, percent }));
    },
    update(doc) {
      item.dataset.status = doc.status;
      bar.value = doc.status === "ready" ? 100 : doc.progress;
      bar.setAttribute("aria-label", t("upload.processing", { file: file.name, percent: bar.value }));
      state.textContent = doc.status === "failed" ? `${t("status.failed")}: ${doc.error ?? ""}` : `${t(`status.${doc.status}`)} · ${bar.value} %`;
      state.className = `upload-state status-${doc.status}`;
    },
    fail(message) {
      item.dataset.status = "refused";
      state.textContent = message;
      state.className = "upload-state error";
    },
  };
}

/** Sends one file with XMLHttpRequest, the browser API that reports upload progress. */
function send(file, line) {
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open("POST", `${API}/documents`);
    request.setRequestHeader("Authorization", `Bearer ${session.token()}`);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) line.sent(Math.round((event.loaded / event.total) * 100));
    });
    request.addEventListener("load", () => {
      let payload = {};
      try {
        payload = JSON.parse(request.responseText);
      } catch {
        // an empty or non-JSON body: reported by status below
      }
      if (request.status >= 200 && request.status < 300) return resolve(payload);
      line.fail(t("upload.refused", { detail: detailOf(payload, request.statusText) }));
      resolve(null);
    });
    request.addEventListener("error", () => {
      line.fail(t("error.network"));
      resolve(null);
    });
    const body = new FormData();
    body.append("file", file);
    request.send(body);
  });
}

async function upload(files) {
  const started = [...files].map(async (file) => {
    const line = uploadLine(file);
    const doc = await send(file, line);
    if (!doc) return;
    line.update(doc);
    await load();
    await follow(doc.id, line);
  });
  await Promise.all(started);
}

function setUpUploads() {
  const input = document.getElementById("upload-files");
  input.addEventListener("change", () => {
    upload(input.files);
    input.value = "";
  });
  const zone = document.getElementById("drop-zone");
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    upload(event.dataTransfer.files);
  });
}

export async function show(signedIn) {
  user = signedIn;
  applyRoles(user);
  if (hasRole(user, "analyst")) setUpUploads();
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    load().catch(showError);
  });
  filters.addEventListener("reset", () => setTimeout(() => load().catch(showError)));
  document.getElementById("more").addEventListener("click", () => load(true).catch(showError));
  await load();
}
