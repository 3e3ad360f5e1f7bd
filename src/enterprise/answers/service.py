"""Questions answered from an enterprise's documents: retrieval, then the answer (facts, a model or the
passages), logged through query_log."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy.orm import Session

from enterprise.answers import query_log
from enterprise.answers.answer_cache import AnswerBasis, AnswerKey, CachedAnswer
from enterprise.answers.extractive import Citation, Draft, extractive_answer, snippet
from enterprise.answers.glossary import Translation, english_terms, translations
from enterprise.answers.hybrid import (
    PageHit,
    best_pages,
    document_profiles,
    page_hits,
    rerank,
    retrieve,
)
from enterprise.answers.llm_answer import (
    LLMReply,
    LLMUnavailableError,
    UncitedAnswerError,
    build_messages,
    checked_draft,
    complete,
    stream,
)
from enterprise.answers.models import AnswerMode, QueryRecord
from enterprise.answers.routing import Route, route
from enterprise.auth.models import User
from enterprise.database import bind_enterprise
from enterprise.documents.catalogue import SearchableListing
from enterprise.documents.models import Document
from enterprise.documents.repository import DocumentFilters, searchable_stamp
from enterprise.finance import service as finance_service
from enterprise.finance.answers import describe
from enterprise.finance.books import FactBooks
from enterprise.finance.metrics import Fact
from enterprise.finance.questions import parse_question, search_text, spelled_out
from enterprise.finance.service import AnsweredFromFacts
from enterprise.language import detect_language
from enterprise.runtime import EnterpriseRuntime
from enterprise.tables import service as tables_service
from enterprise.tables.service import TABLE_FORMATS, TableAnswer

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Question:
    text: str
    document_ids: list[uuid.UUID] | None = None
    filters: DocumentFilters = field(default_factory=DocumentFilters)
    top_k: int = 5
    request: dict[str, Any] = field(default_factory=dict)


@dataclass
class Answered:
    record: QueryRecord
    draft: Draft
    language: str
    from_cache: bool = False


@dataclass
class _Context:
    language: str
    pages: list[PageHit]
    started: float
    subject: str
    from_facts: Draft | None = None
    figures: AnsweredFromFacts | None = None  # the figures a reasoned answer rests on
    asked: str | None = None  # the question as written, for its unit and whether it wants a number
    translated: list[Translation] = field(default_factory=list)  # its terms in the documents' other languages
    spelled: list[tuple[str, str]] = field(default_factory=list)  # its abbreviations spelled out
    basis: AnswerBasis | None = None  # what the answer read besides the question (the answer cache's check)


@dataclass(frozen=True)
class _Routing:
    """How a question reads against the documents it may draw on, before any search."""

    language: str
    wording: str
    languages: frozenset[str]
    translated: list[Translation]
    chosen: Route
    companies: frozenset[str]


def _routing(question: Question, listing: SearchableListing) -> _Routing:
    language = detect_language(question.text)
    # Routing reads the question with its financial terms in English too (filings are in English);
    # the facts read it as asked when they understand it, and the search in every language the
    # documents are written in.
    wording = question.text if language == "en" else f"{question.text} {english_terms(question.text)}".strip()
    languages = listing.derived("languages", _languages)
    translated = [t for into in sorted(languages - {language}) for t in translations(question.text, into)]
    chosen = route(wording, listing.derived("profiles", document_profiles))
    companies = frozenset(listing.derived("companies", _companies))
    return _Routing(language, wording, frozenset(languages), translated, chosen, companies)


def _basis(allowed: list[Document], routing: _Routing, widened: bool) -> AnswerBasis:
    """What an answer with this routing reads besides the question: the documents searched (the
    routed ones, or all), whose facts and statements are among them, and every spreadsheet (a
    table may answer whatever was searched)."""
    searched = allowed if widened or routing.chosen.document_ids is None else _routed(allowed, routing.chosen)
    tabled = [d for d in allowed if d.file_format in TABLE_FORMATS]
    read = frozenset((d.id, d.updated_at) for d in (*searched, *tabled))
    unnamed_among_several = routing.chosen.company is None and len(routing.companies) > 1
    return AnswerBasis(routing.chosen, routing.languages, unnamed_among_several, read, widened)


def _prepare(
    session: Session, runtime: EnterpriseRuntime, user: User, question: Question, stamp: str | None = None
) -> _Context:
    """`stamp`: the documents' digest when the caller has just read it (the answer cache's key)."""
    started = time.perf_counter()
    listing = runtime.document_catalogue.searchable(
        session, user.enterprise_id, question.filters, question.document_ids, stamp
    )
    allowed = listing.documents
    whole = question.document_ids is None and question.filters == DocumentFilters()
    routing = _routing(question, listing)
    language, wording, translated, chosen = routing.language, routing.wording, routing.translated, routing.chosen
    figures = (
        _from_facts(
            session,
            runtime.fact_books,
            user,
            _facts_wording(question.text, wording, chosen),
            allowed,
            chosen,
            routing.companies,
        )
        if runtime.settings.enable_financial_parsing
        else None
    )
    # Role-play, rounding and unit instructions are not what the question is about.
    searched = search_text(" ".join([question.text, *(t.text for t in translated)]))
    found = retrieve(
        session, runtime.dense_searcher(), runtime.chunk_cache, user.enterprise_id, searched, allowed, whole, chosen
    )
    widened = chosen.document_ids is not None and len(found.searched) > len(_routed(allowed, chosen))
    basis = _basis(allowed, routing, widened)
    # Inside the named company's filings its name tells nothing apart: rank on the rest.
    subject = found.route.without_company(searched)
    # Translations are other wordings of the question's own terms; so are the English words an
    # abbreviation is spelled out in, for a question in another language (in English they are
    # the filing's own words and count as the question's).
    spelled = spelled_out(question.text) if language != "en" else []
    pairs = [(t.source, t.target) for t in translated] + spelled
    pages = best_pages(rerank(subject, found.passages, language, pairs, question.text), question.top_k)
    from_table = tables_service.answer_question(
        session,
        user.enterprise_id,
        question.text,
        language,
        allowed,
        {p.chunk.table_id for p in found.passages if p.chunk.table_id is not None},
    )
    if from_table is not None:
        # Every word of the question is a heading, a cell or the table's title: its cells answer it.
        return _Context(language, [], started, wording, _table_draft(from_table), basis=basis)
    if figures is not None and figures.exact:
        # The figure's own pages first; then where the filing discusses it.
        draft = _exact_draft(figures, pages, question.top_k, language)
        return _Context(language, [], started, wording, draft, basis=basis)
    if figures is not None:
        # A reasoned answer: the pages its figures come from, then what the search found.
        pages = _figure_pages(session, user, figures, pages, question.top_k)
    elif runtime.settings.enable_financial_parsing:
        books = runtime.fact_books
        pages = _with_statement_pages(session, books, user, wording, allowed, chosen, pages, question.top_k)
    return _Context(language, pages, started, subject, None, figures, question.text, translated, spelled, basis)


def _facts_wording(asked: str, wording: str, chosen: Route) -> str:
    """The question as asked when the facts' parser reads a figure in it ("margen bruto porcentual");
    else with its terms in English ("pasivos totales" → "total liabilities")."""
    if asked == wording or parse_question(asked, chosen.company_words).target is not None:
        return asked
    return wording


def _languages(allowed: list[Document]) -> set[str]:
    """The languages the documents are written in (English when not known: filings read before
    languages were recorded)."""
    return {d.language or "en" for d in allowed}


def _with_statement_pages(
    session: Session,
    books: FactBooks,
    user: User,
    wording: str,
    allowed: list[Document],
    chosen: Route,
    found: list[PageHit],
    top_k: int,
) -> list[PageHit]:
    """A question about a metric the facts could not give (what drove it, or a measure this
    company does not print): the statement it reads from is among the sources, after the best
    passage found."""
    candidates = _routed(allowed, chosen)
    if chosen.company is None and len(_companies(candidates)) > 1:
        return found
    located = finance_service.statement_pages_for(
        session, books, user.enterprise_id, wording, candidates, chosen.company_words
    )
    if located is None:
        return found
    taken = {(p.document.id, p.page) for p in found}
    statements = [
        p
        for p in page_hits(session, user.enterprise_id, located.document, located.pages)
        if (p.document.id, p.page) not in taken
    ]
    if not statements:
        return found
    keep = max(1, top_k - len(statements))
    return (found[:1] + statements + found[1:keep])[:top_k]


def _from_facts(
    session: Session,
    books: FactBooks,
    user: User,
    wording: str,
    allowed: list[Document],
    chosen: Route,
    companies: AbstractSet[str],
) -> AnsweredFromFacts | None:
    """The question's figures from the financial facts: one exact value, or those a reasoned answer
    rests on. `companies`: those of `allowed`."""
    if chosen.company is None and len(companies) > 1:
        return None  # several companies and none named: a figure of which one?
    candidates = _routed(allowed, chosen)
    if len(_companies(candidates)) > 1 and chosen.company_words:
        # The question's words name more than one company: only the one routing chose answers.
        candidates = [d for d in candidates if _company(d) == (chosen.company or "").lower()]
        if not candidates:
            return None
    return finance_service.answer_question(
        session, books, user.enterprise_id, wording, candidates, chosen.years, chosen.company_words
    )


def _routed(allowed: list[Document], chosen: Route) -> list[Document]:
    if chosen.document_ids is None:
        return allowed
    wanted = set(chosen.document_ids)
    return [d for d in allowed if d.id in wanted]


def _company(document: Document) -> str:
    return (document.company or "").lower()


def _companies(documents: list[Document]) -> set[str]:
    """The companies the documents are of; one with no company (a contract, a policy) is none of them."""
    return {_company(d) for d in documents} - {""}


def _exact_draft(figures: AnsweredFromFacts, found: list[PageHit], top_k: int, language: str = "en") -> Draft:
    """One figure of the statements, exactly, with the page of every input, then the pages the
    search found (where the filing discusses the figure)."""
    answer, document = figures.answers[0], figures.document
    citations: list[Citation] = []
    for fact in answer.inputs:
        if all(c.page != fact.page for c in citations):
            snippet = f"{fact.line_item} | {fact.fiscal_year}: {fact.value:,.2f}".replace(".00", "")
            citations.append(Citation(document, fact.page, snippet, 1.0))
    cited = {(document.id, c.page) for c in citations}
    extra = [p for p in found if (p.document.id, p.page) not in cited]
    citations += _page_citations(extra[: max(0, top_k - len(citations))])
    draft = Draft(describe(answer, language=language), answer.value, answer.unit, citations, found=True)
    draft.facts = finance_service.facts_rows(figures)
    draft.notes.extend(finance_service.figure_notes(figures, language))
    return draft


def _table_draft(answer: TableAnswer) -> Draft:
    draft = Draft(
        answer.answer, answer.value, answer.unit, [Citation(answer.document, answer.page, answer.location, 1.0)], True
    )
    draft.facts = answer.cells
    return draft


def _figure_pages(
    session: Session, user: User, figures: AnsweredFromFacts, found: list[PageHit], top_k: int
) -> list[PageHit]:
    wanted = list(dict.fromkeys(f.page for a in figures.answers for f in a.inputs))
    first = page_hits(session, user.enterprise_id, figures.document, wanted)
    taken = {(p.document.id, p.page) for p in first}
    rest = [p for p in found if (p.document.id, p.page) not in taken]
    return (first + rest)[: max(top_k, len(first))]


def _marker(pages: list[PageHit], figures: AnsweredFromFacts) -> Callable[[Fact], int]:
    numbers = {(p.document.id, p.page): n for n, p in enumerate(pages, 1)}
    return lambda fact: numbers.get((figures.document.id, fact.page), 1)


def _figure_lines(context: _Context) -> list[str]:
    assert context.figures is not None
    marker = _marker(context.pages, context.figures)
    return [describe(answer, marker, context.language) for answer in context.figures.answers]


def _extractive(context: _Context) -> Draft:
    """The passages found; for a reasoned question, the figures first, no single value stated."""
    draft = extractive_answer(
        context.subject, context.pages, context.language, context.asked, context.translated, context.spelled
    )
    if context.figures is None:
        return draft
    lines = _figure_lines(context)
    if draft.found:
        lines += [FROM_THE_FILING[context.language], draft.answer]
    citations = draft.citations if draft.found else _page_citations(context.pages)
    reasoned = Draft("\n".join(lines), None, None, citations, found=True)
    reasoned.facts = finance_service.facts_rows(context.figures)
    reasoned.notes.extend(
        [*finance_service.figure_notes(context.figures, context.language), NOT_JUDGED[context.language]]
    )
    return reasoned


FROM_THE_FILING = {"en": "From the filing:", "es": "Del documento:"}
NOT_JUDGED = {
    "en": "The figures are computed from the statements; whether they suit this company's business is not judged.",
    "es": "Las cifras se calculan de los estados financieros; no se juzga si son adecuadas para este negocio.",
}


def _page_citations(pages: list[PageHit]) -> list[Citation]:
    return [Citation(p.document, p.page, snippet(p.passages[0].chunk.text), p.score) for p in pages]


def _model_question(question: Question, context: _Context) -> str:
    """The question for the model, with the figures computed from the statements and their sources."""
    if context.figures is None:
        return question.text
    figures = "\n".join(f"- {line}" for line in _figure_lines(context))
    return (
        f"{question.text}\n\nFigures computed exactly from the financial statements (each cites its source; "
        f"use them as they are):\n{figures}"
    )


@dataclass
class StreamEvent:
    kind: str  # "token", then one "answer"
    text: str = ""
    answered: Answered | None = None


def ask(
    session: Session, runtime: EnterpriseRuntime, model: BaseChatModel | None, user: User, question: Question
) -> Answered:
    for event in _answer(session, runtime, model, user, question, streaming=False):
        if event.answered is not None:
            return event.answered
    raise AssertionError("an answer pipeline always ends with its answer")


def ask_streaming(
    runtime: EnterpriseRuntime,
    model: BaseChatModel | None,
    enterprise_id: uuid.UUID,
    user_id: uuid.UUID,
    question: Question,
) -> Iterator[StreamEvent]:
    """The model's words as they come, then the checked answer (which may differ: see llm_answer).
    Runs in its own session: the response streams after the request's session has closed."""
    with runtime.session_factory() as session:
        bind_enterprise(session, enterprise_id)
        with session.begin():
            user = session.get(User, user_id)
            assert user is not None
            yield from _answer(session, runtime, model, user, question, streaming=True)


def _answer(
    session: Session,
    runtime: EnterpriseRuntime,
    model: BaseChatModel | None,
    user: User,
    question: Question,
    streaming: bool,
) -> Iterator[StreamEvent]:
    """The one answer pipeline, plain or streamed: facts first, else the model on the cited pages,
    else the passages; `token` events only while a streamed model writes."""
    started = time.perf_counter()
    key = _cache_key(session, runtime, user, question, with_model=model is not None)
    known = _from_cache(session, runtime, user, question, key, started)
    if known is not None:
        answered = _finish(session, user, question, known[0], known[1], known[2])
        answered.from_cache = True
        yield StreamEvent("answer", answered=answered)
        return
    context = _prepare(session, runtime, user, question, key.stamp if key is not None else None)
    if context.from_facts is not None:
        answered = _finish(session, user, question, context, context.from_facts, AnswerMode.FACTS)
        _remember(runtime, key, context, answered, AnswerMode.FACTS)
        yield StreamEvent("answer", answered=answered)
        return
    if model is not None and not streaming:
        query_log.check_quota(session, user.enterprise_id)  # a streamed answer is checked before it starts
    if model is None or not context.pages:
        mode = AnswerMode.FACTS if context.figures is not None else AnswerMode.EXTRACTIVE
        answered = _finish(session, user, question, context, _extractive(context), mode)
        _remember(runtime, key, context, answered, mode)
        yield StreamEvent("answer", answered=answered)
        return
    messages = build_messages(_model_question(question, context), context.pages, context.language)
    reply = LLMReply("")
    try:
        if streaming:
            yield from (StreamEvent("token", piece) for piece in stream(model, messages, reply))
        else:
            reply = complete(model, messages)
        draft = checked_draft(question.text, reply.text, context.pages, context.language)
    except (LLMUnavailableError, UncitedAnswerError) as exc:
        yield StreamEvent("answer", answered=_fallback(session, user, question, context, reply, exc))
        return
    yield StreamEvent("answer", answered=_finish(session, user, question, context, draft, AnswerMode.LLM, reply))


@dataclass(frozen=True)
class _CacheLookup:
    key: AnswerKey
    stamp: str  # the digest of the documents the question may draw on, as they are now


def _cache_key(
    session: Session, runtime: EnterpriseRuntime, user: User, question: Question, with_model: bool
) -> _CacheLookup | None:
    if not runtime.answer_cache.enabled:
        return None
    stamp = searchable_stamp(session, user.enterprise_id, question.filters, question.document_ids)
    scope = (tuple(sorted(question.document_ids)) if question.document_ids is not None else None, question.filters)
    return _CacheLookup(AnswerKey(user.enterprise_id, question.text, scope, question.top_k, with_model), stamp)


def _from_cache(
    session: Session,
    runtime: EnterpriseRuntime,
    user: User,
    question: Question,
    lookup: _CacheLookup | None,
    started: float,
) -> tuple[_Context, Draft, AnswerMode] | None:
    if lookup is None:
        return None

    def basis_now(kept: AnswerBasis) -> AnswerBasis:
        listing = runtime.document_catalogue.searchable(
            session, user.enterprise_id, question.filters, question.document_ids, lookup.stamp
        )
        return _basis(listing.documents, _routing(question, listing), kept.widened)

    cached = runtime.answer_cache.get(lookup.key, lookup.stamp, basis_now)
    draft = cached.draft(session, user.enterprise_id) if cached is not None else None
    if cached is None or draft is None:
        return None
    return _Context(cached.language, [], started, ""), draft, cached.mode


def _remember(
    runtime: EnterpriseRuntime, lookup: _CacheLookup | None, context: _Context, answered: Answered, mode: AnswerMode
) -> None:
    """Answers a language model wrote are not kept: only those the documents alone determine."""
    if lookup is not None and context.basis is not None:
        answer = CachedAnswer.of(answered.draft, mode, answered.language)
        runtime.answer_cache.put(lookup.key, lookup.stamp, context.basis, answer)


def _fallback(
    session: Session, user: User, question: Question, context: _Context, reply: LLMReply, reason: Exception
) -> Answered:
    log.warning("query.llm_fallback", reason=str(reason), enterprise_id=str(user.enterprise_id))
    draft = _extractive(context)
    if isinstance(reason, UncitedAnswerError):
        draft.notes.append(
            f"The language model's answer was withheld because it was not fully cited ({reason}); "
            "these are the passages found."
        )
    else:
        draft.notes.append(f"Answered without the language model: {reason}.")
    return _finish(session, user, question, context, draft, AnswerMode.EXTRACTIVE, reply)


def _finish(
    session: Session,
    user: User,
    question: Question,
    context: _Context,
    draft: Draft,
    mode: AnswerMode,
    reply: LLMReply | None = None,
) -> Answered:
    record = query_log.record_answer(
        session,
        user,
        query_log.Asked(question.text, question.request, context.started),
        draft,
        mode,
        reply.prompt_tokens if reply else 0,
        reply.completion_tokens if reply else 0,
    )
    return Answered(record, draft, context.language)
