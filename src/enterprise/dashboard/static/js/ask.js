// Ask: the answer streams in, then its citations, each opening the cited page as an image.
"use strict";

import { API, apiJson, detailOf, el, formatDate, formatNumber, session, showError, t, unitLabel } from "./core.js";
import { pageButton, printed } from "./viewer.js";

const form = document.getElementById("ask-form");
const question = document.getElementById("question");
const answer = document.getElementById("answer");
const answerText = document.getElementById("answer-text");
let currentQueryId = null;

/** Server-sent events from a POST response body: yields {event, data} as they arrive. */
async function* serverEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = block.split("\n").filter((line) => line.startsWith("data: ")).map((line) => line.slice(6)).join("\n");
      yield { event, data: JSON.parse(data) };
    }
  }
}

function factsTable(facts) {
  if (!facts.length) return null;
  const label = (f) => f.line_item ?? [f.table, f.column].filter(Boolean).join(" · ");
  return el(
    "div",
    { class: "table-wrap", tabindex: 0 },
    el(
      "table",
      { class: "facts" },
      el("caption", { text: t("ask.inputs") }),
      el("thead", {}, el("tr", {}, ["ask.item", "ask.year", "ask.value", "ask.page"].map((k) => el("th", { scope: "col", class: k === "ask.value" ? "number" : null, text: t(k) })))),
      el(
        "tbody",
        {},
        facts.map((f) =>
          el(
            "tr",
            {},
            el("td", { text: label(f) }),
            el("td", { text: f.fiscal_year ?? (f.row ? t("ask.row", { row: f.row }) : "—") }),
            el("td", { class: "number", text: `${formatNumber(f.value, 2)} ${unitLabel(f.unit)}`.trim() }),
            el("td", {}, f.page ? pageButton(f.document_id, f.filename, f.page, [f.line_item, f.value === null ? null : printed(f.value)]) : "—"),
          ),
        ),
      ),
    ),
  );
}

/** The words of a citation to mark on its page: its passage's first sentence or table row. */
function highlightOf(citation, result) {
  const marks = [];
  if (result.value !== null && result.mode === "facts") marks.push(printed(result.value));
  for (const fact of result.facts) {
    if (fact.document_id === citation.document_id && fact.page === citation.page && fact.line_item) marks.push(fact.line_item);
  }
  const firstLine = citation.snippet.split(/\n|(?<=[.;])\s/).find((line) => line.trim().split(/\s+/).length >= 3);
  if (firstLine) marks.push(firstLine.trim().slice(0, 300));
  return marks;
}

function showResult(result) {
  currentQueryId = result.query_id;
  answerText.textContent = result.answer;
  const badges = [el("span", { class: `badge mode-${result.mode}`, text: t(`mode.${result.mode}`) })];
  if (!result.found) badges.push(el("span", { class: "badge warning", text: t("ask.not_found") }));
  document.getElementById("answer-mode").replaceChildren(...badges);
  const facts = document.getElementById("answer-facts");
  facts.replaceChildren(...[result.note ? el("p", { class: "note", text: result.note }) : null, factsTable(result.facts)].filter(Boolean));
  const list = document.getElementById("citations");
  list.replaceChildren(
    ...result.citations.map((c) =>
      el(
        "li",
        {},
        el("span", { class: "citation-file", text: c.filename }),
        " ",
        pageButton(c.document_id, c.filename, c.page, highlightOf(c, result)),
        el("blockquote", { text: c.snippet }),
      ),
    ),
  );
  document.getElementById("citations-title").hidden = !result.citations.length;
  for (const button of document.querySelectorAll("#feedback button")) button.setAttribute("aria-pressed", "false");
  document.getElementById("feedback-status").textContent = "";
  document.getElementById("feedback").hidden = false;
}

async function ask(event) {
  event.preventDefault();
  const text = question.value.trim();
  if (!text) return;
  const submit = document.getElementById("ask-submit");
  submit.disabled = true;
  answer.hidden = false;
  answer.setAttribute("aria-busy", "true");
  answerText.textContent = t("ask.thinking");
  for (const id of ["answer-mode", "answer-facts", "citations"]) document.getElementById(id).replaceChildren();
  document.getElementById("citations-title").hidden = true;
  document.getElementById("feedback").hidden = true;
  try {
    const response = await fetch(`${API}/query`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream", Authorization: `Bearer ${session.token()}` },
      body: JSON.stringify({ question: text, stream: true }),
    });
    if (!response.ok) {
      const payload = await response.json().catch(() => ({}));
      answerText.textContent = t("error.api", { detail: detailOf(payload, response.statusText) });
      return;
    }
    let streamed = "";
    for await (const { event: name, data } of serverEvents(response)) {
      if (name === "token") {
        streamed += data.text;
        answerText.textContent = streamed;
      } else if (name === "answer") {
        showResult(data);
      }
    }
    await showRecent();
  } catch (error) {
    showError(error);
  } finally {
    submit.disabled = false;
    answer.setAttribute("aria-busy", "false");
  }
}

async function rate(event) {
  const button = event.target.closest("button[data-rating]");
  if (!button || !currentQueryId) return;
  try {
    await apiJson(`/queries/${currentQueryId}/feedback`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ rating: button.dataset.rating }),
    });
    for (const other of document.querySelectorAll("#feedback button")) other.setAttribute("aria-pressed", String(other === button));
    document.getElementById("feedback-status").textContent = t("ask.thanks");
  } catch (error) {
    showError(error);
  }
}

async function showRecent() {
  const page = await apiJson("/me/queries?limit=10");
  const list = document.getElementById("recent");
  if (!page.items.length) {
    list.replaceChildren(el("li", { class: "muted", text: t("ask.no_recent") }));
    return;
  }
  list.replaceChildren(
    ...page.items.map((q) =>
      el(
        "li",
        {},
        el("button", {
          type: "button",
          class: "link-button",
          text: q.question,
          onclick: () => {
            question.value = q.question;
            question.focus();
          },
        }),
        el("span", { class: "muted", text: ` · ${formatDate(q.created_at)} · ${t(`mode.${q.mode}`)}` }),
      ),
    ),
  );
}

export async function show() {
  form.addEventListener("submit", ask);
  question.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  document.getElementById("feedback").addEventListener("click", rate);
  await showRecent();
}
