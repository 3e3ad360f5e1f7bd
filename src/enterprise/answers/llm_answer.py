"""Answers written by a language model from the retrieved pages, every claim cited.

The model sees the pages as numbered sources and must mark each sentence with the sources it
rests on. The reply is checked before anyone sees it as final: a sentence without a marker, or
a marker that names no source, makes the whole reply fall back to the extractive answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage

from enterprise.answers.extractive import NOT_FOUND, Citation, Draft, asks_for_number, sentence_value, snippet
from enterprise.answers.hybrid import PageHit
from enterprise.answers.text_match import content_terms

if TYPE_CHECKING:  # the OpenAI client and LangChain's chat models load with the first model call
    import openai
    from langchain_core.language_models.chat_models import BaseChatModel

NOT_FOUND_REPLY = "NOT_FOUND"
SOURCE_CHARS = 2400
_MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z¿¡\"“(])")
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}
SYSTEM_PROMPT = (
    "You answer questions about a company's own documents. Use only the numbered sources below. "
    "End every sentence with the number of the source it comes from in square brackets, like [2]; "
    "cite two sources as [1][3]. Quote figures exactly as printed, with their unit and period. "
    "If the sources do not answer the question, reply with exactly NOT_FOUND and nothing else. "
    "Reply in {language}."
)


class LLMUnavailableError(Exception):
    """The model did not answer: timeout, rate limit, server error or unreachable."""


class UncitedAnswerError(Exception):
    """The model answered, but not every claim maps to a retrieved source."""


@dataclass
class LLMReply:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    pieces: list[str] = field(default_factory=list)


def build_messages(question: str, pages: Sequence[PageHit], language: str) -> list[BaseMessage]:
    sources = []
    for number, page in enumerate(pages, 1):
        body = "\n".join(p.chunk.text for p in page.passages)[:SOURCE_CHARS]
        sources.append(f"[{number}] {page.document.filename}, page {page.page}\n{body}")
    user = "Sources:\n\n" + "\n\n".join(sources) + f"\n\nQuestion: {question}"
    return [SystemMessage(SYSTEM_PROMPT.format(language=LANGUAGE_NAMES.get(language, "English"))), HumanMessage(user)]


def _usage(message: AIMessage | AIMessageChunk, reply: LLMReply) -> None:
    usage = message.usage_metadata
    if usage:
        reply.prompt_tokens = int(usage.get("input_tokens", 0))
        reply.completion_tokens = int(usage.get("output_tokens", 0))


def complete(model: BaseChatModel, messages: list[BaseMessage]) -> LLMReply:
    import openai

    try:
        message = model.invoke(messages)
    except openai.APIError as exc:
        raise LLMUnavailableError(_reason(exc)) from exc
    reply = LLMReply(str(message.content))
    if isinstance(message, AIMessage):
        _usage(message, reply)
    return reply


def stream(model: BaseChatModel, messages: list[BaseMessage], reply: LLMReply) -> Iterator[str]:
    """Yield the reply's text as it arrives; `reply` holds the whole text and usage at the end."""
    import openai

    try:
        for chunk in model.stream(messages, stream_usage=True):
            piece = str(chunk.content)
            if isinstance(chunk, AIMessageChunk):
                _usage(chunk, reply) if chunk.usage_metadata else None
            if piece:
                reply.pieces.append(piece)
                yield piece
    except openai.APIError as exc:
        raise LLMUnavailableError(_reason(exc)) from exc
    reply.text = "".join(reply.pieces)


def _reason(exc: openai.APIError) -> str:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "the language model timed out"
    if isinstance(exc, openai.RateLimitError):
        return "the language model is rate limited (429)"
    if isinstance(exc, openai.APIStatusError):
        return f"the language model returned an error ({exc.status_code})"
    if isinstance(exc, openai.APIConnectionError):
        return "the language model could not be reached"
    return f"the language model failed ({type(exc).__name__})"


def checked_draft(question: str, text: str, pages: Sequence[PageHit], language: str) -> Draft:
    """The reply as an answer whose markers point at citations, or UncitedAnswerError."""
    reply = text.strip()
    if not reply or reply.rstrip(".").upper() == NOT_FOUND_REPLY:
        return Draft(NOT_FOUND[language], None, None, [], found=False)
    cited: list[int] = []
    for sentence in _SENTENCE.split(reply):
        numbers = [int(n) for group in _MARKER.findall(sentence) for n in group.split(",")]
        if not numbers and _is_claim(sentence):
            raise UncitedAnswerError(f"a sentence has no citation: {sentence[:120]!r}")
        for number in numbers:
            if not 1 <= number <= len(pages):
                raise UncitedAnswerError(f"citation [{number}] names no retrieved source")
            if number not in cited:
                cited.append(number)
    if not cited:
        raise UncitedAnswerError("the answer cites no source")
    order = cited + [n for n in range(1, len(pages) + 1) if n not in cited]
    renumber = {old: new for new, old in enumerate(order, 1)}
    answer = _MARKER.sub(lambda m: "".join(f"[{renumber[int(n)]}]" for n in m.group(1).split(",")), reply)
    citations = [
        Citation(
            pages[n - 1].document, pages[n - 1].page, snippet(pages[n - 1].passages[0].chunk.text), pages[n - 1].score
        )
        for n in order
    ]
    plain = _MARKER.sub("", answer)
    value, unit = (None, None)
    if asks_for_number(question) and _says_what_was_asked(question, plain, language):
        value, unit = sentence_value(plain)
    return Draft(answer, value, unit, citations, found=True)


# The model's figure is stated as the answer's value only when its sentence names at least this
# share of what the question asks about: a reply about delivery times to a question about
# penalties keeps its words, not a value.
MODEL_VALUE_COVERAGE = 0.5


def _says_what_was_asked(question: str, answer: str, language: str) -> bool:
    asked = set(content_terms(question, language))
    if not asked:
        return False
    said = set(content_terms(answer, language))
    return len(asked & said) / len(asked) >= MODEL_VALUE_COVERAGE


def _is_claim(sentence: str) -> bool:
    """A sentence that states something (not a short lead-in such as 'In summary:')."""
    plain = _MARKER.sub("", sentence).strip()
    return any(c.isdigit() for c in plain) or len(plain.split()) > 4
