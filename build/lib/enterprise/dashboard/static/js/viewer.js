// A cited page, rendered by the server as an image with the cited words highlighted.
"use strict";

import { api, apiJson, el, t } from "./core.js";

const dialog = document.getElementById("viewer");
const image = document.getElementById("viewer-image");
const status = document.getElementById("viewer-status");
const tables = document.getElementById("viewer-tables");
let shownUrl = null;
let opener = null;

document.getElementById("viewer-close").addEventListener("click", () => dialog.close());
dialog.addEventListener("close", () => {
  if (shownUrl) URL.revokeObjectURL(shownUrl);
  shownUrl = null;
  image.hidden = true;
  image.removeAttribute("src");
  tables.replaceChildren();
  if (opener) opener.focus();
});

/** Opens page `page` of a document, marking each of `highlights` (words or a figure). */
export async function openPage(documentId, filename, page, highlights = []) {
  opener = document.activeElement;
  const title = t("viewer.title", { file: filename, page });
  document.getElementById("viewer-title").textContent = title;
  status.textContent = t("common.loading");
  image.hidden = true;
  tables.replaceChildren();
  dialog.showModal();
  if (!/\.pdf$/i.test(filename)) return showTables(documentId, page, highlights);
  const query = new URLSearchParams();
  for (const text of highlights.filter(Boolean).slice(0, 5)) query.append("highlight", text.slice(0, 300));
  try {
    const response = await api(`/documents/${documentId}/pages/${page}?${query}`);
    shownUrl = URL.createObjectURL(await response.blob());
    image.src = shownUrl;
    image.alt = title;
    image.hidden = false;
    status.textContent = "";
  } catch (error) {
    status.textContent = t("viewer.unavailable", { detail: error.message });
  }
}

/** Whether a table row is the cited one: it names a highlighted text or holds a highlighted figure. */
function isCited(label, values, highlights) {
  return highlights.some((text) => {
    const figure = Number(text.replace(/,/g, ""));
    if (text && !Number.isNaN(figure)) return values.some((v) => v !== null && Math.abs(v) === Math.abs(figure));
    return label.toLowerCase() === text.toLowerCase();
  });
}

/** A spreadsheet, CSV or docx has no printed page: its tables on that "page" (sheet), the cited rows marked. */
async function showTables(documentId, page, highlights) {
  try {
    const found = (await apiJson(`/documents/${documentId}/tables`)).filter((table) => table.page === page);
    tables.replaceChildren(
      ...found.map((table) =>
        el(
          "div",
          { class: "table-wrap", tabindex: 0 },
          el(
            "table",
            {},
            el("caption", { text: table.title }),
            el("thead", {}, el("tr", {}, table.header.map((h) => el("th", { scope: "col", text: h })))),
            el(
              "tbody",
              {},
              table.rows.map((cells, i) =>
                el("tr", { class: isCited(cells[0] ?? "", table.values[i] ?? [], highlights) ? "cited-row" : null }, cells.map((c) => el("td", { text: c }))),
              ),
            ),
          ),
        ),
      ),
    );
    status.textContent = found.length ? "" : t("viewer.no_tables");
  } catch (error) {
    status.textContent = t("viewer.unavailable", { detail: error.message });
  }
}

/** A button that opens a cited page: "p. 21", its file named for screen readers and on hover. */
export function pageButton(documentId, filename, page, highlights, label) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "page-link";
  button.title = t("viewer.open", { file: filename, page });
  const hidden = document.createElement("span");
  hidden.className = "visually-hidden";
  hidden.textContent = ` · ${filename}`;
  button.append(label ?? t("common.page", { page }), hidden);
  button.addEventListener("click", () => openPage(documentId, filename, page, highlights));
  return button;
}

/** How a figure is printed in an English-language filing, for finding it on the page. */
export function printed(value) {
  return Math.abs(value).toLocaleString("en-US", { maximumFractionDigits: 2 });
}
