"""Answers from a tenant's marketing documents: the LLM when configured, else the best sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

NOT_FOUND = "I couldn't find that in our documents. Could you rephrase, or ask about something else?"
# Cosine similarity below which a chunk is not evidence for the question.
MIN_RELEVANCE = 0.25
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_STOPWORDS = frozenset(
    (
        "a an the of to in on for and or is are was were do does did what which who how when where why "
        "you your we our us i me my it its be can with by at from this that "
        "el la los las de del y o en que como cual cuales por para con un una es son"
    ).split()
)


@dataclass(frozen=True)
class Passage:
    document_id: str
    filename: str
    page: int
    text: str
    score: float


@dataclass(frozen=True)
class Answer:
    text: str
    passages: list[Passage]
    mode: str


def _content_words(text: str) -> set[str]:
    return {w for w in (m.group().lower() for m in _WORD.finditer(text)) if w not in _STOPWORDS and len(w) > 1}


def extractive_answer(question: str, passages: list[Passage]) -> Answer:
    relevant = [p for p in passages if p.score >= MIN_RELEVANCE]
    if not relevant:
        return Answer(NOT_FOUND, [], "extractive")
    wanted = _content_words(question)
    scored: list[tuple[float, str, Passage]] = []
    for passage in relevant:
        for sentence in _SENTENCE_END.split(passage.text.replace("\n", " ")):
            overlap = len(wanted & _content_words(sentence))
            if overlap:
                scored.append((overlap + passage.score, sentence.strip(), passage))
    if not scored:
        best = relevant[0]
        return Answer(best.text[:400], [best], "extractive")
    scored.sort(key=lambda item: item[0], reverse=True)
    chosen = scored[:2]
    text = " ".join(sentence for _, sentence, _ in chosen)
    cited = list({id(p): p for _, _, p in chosen}.values())
    return Answer(text, cited, "extractive")


def llm_answer(model: BaseChatModel, tenant_name: str, question: str, passages: list[Passage]) -> Answer:
    relevant = [p for p in passages if p.score >= MIN_RELEVANCE]
    if not relevant:
        return Answer(NOT_FOUND, [], "llm")
    context = "\n\n".join(f"[{i}] ({p.filename}, page {p.page})\n{p.text}" for i, p in enumerate(relevant, 1))
    system = (
        f"You are the website assistant of {tenant_name}. Answer only from the numbered sources, "
        "in the language of the question, briefly, and cite sources as [n]. If the sources do not "
        "answer the question, say you don't know."
    )
    reply = model.invoke([SystemMessage(system), HumanMessage(f"Sources:\n{context}\n\nQuestion: {question}")])
    text = str(reply.content).strip()
    cited_numbers = {int(n) for n in re.findall(r"\[(\d+)\]", text) if 0 < int(n) <= len(relevant)}
    cited = [relevant[n - 1] for n in sorted(cited_numbers)] or relevant[:1]
    return Answer(text, cited, "llm")
