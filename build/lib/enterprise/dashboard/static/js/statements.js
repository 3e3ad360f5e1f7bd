// A filing's statements and every accounting check run on them.
"use strict";

import { apiJson, el, formatNumber, t } from "./core.js";
import { pageButton } from "./viewer.js";

function pages(doc, list) {
  return list.map((page) => pageButton(doc.document_id, doc.filename, page, []));
}

export async function show() {
  const documentId = document.body.dataset.document;
  const doc = await apiJson(`/documents/${documentId}/statements`);
  document.getElementById("statements-title").textContent = t("statements.title_of", { file: doc.filename });
  document.getElementById("statements-summary").textContent = t("statements.summary", {
    statements: doc.statements.length,
    passed: doc.checks_passed,
    failed: doc.checks_failed,
  });
  document.querySelector("#statements tbody").replaceChildren(
    ...doc.statements.map((s) =>
      el(
        "tr",
        {},
        el("th", { scope: "row", text: t(`statement.${s.statement}`) }),
        el("td", { text: s.fiscal_years.join(", ") }),
        el("td", { class: "number", text: formatNumber(s.facts, 0) }),
        el("td", {}, pages(doc, s.pages)),
        el("td", { class: s.flagged ? "bad" : "good", text: s.flagged ? t("statements.flagged") : t("statements.all_passed") }),
      ),
    ),
  );
  document.querySelector("#checks tbody").replaceChildren(
    ...doc.checks.map((c) =>
      el(
        "tr",
        { class: c.passed ? "" : "failed" },
        el("td", { text: t(`statement.${c.statement}`) }),
        el("td", { text: c.name }),
        el("td", { text: c.fiscal_year }),
        el("td", { class: "number", text: formatNumber(c.expected, 2) }),
        el("td", { class: "number", text: formatNumber(c.actual, 2) }),
        el("td", { class: c.passed ? "good" : "bad" }, el("span", { "aria-hidden": "true", text: c.passed ? "✓ " : "✗ " }), c.passed ? t("statements.passed") : c.core ? t("statements.failed_core") : t("statements.failed")),
        el("td", {}, pages(doc, c.pages.split(",").filter(Boolean).map(Number))),
      ),
    ),
  );
}
