"""Facts from a filing's statements, their checks, metrics across filings, and exports."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from enterprise.auth.models import User
from enterprise.documents import repository as documents
from enterprise.documents.models import Document
from enterprise.exports import table_bytes
from enterprise.finance import repository
from enterprise.finance.answers import answer_parsed, related_parsed
from enterprise.finance.books import FactBooks
from enterprise.finance.checks import failed_statements, run_checks
from enterprise.finance.metrics import (
    DEFINITIONS,
    FactBook,
    MetricValue,
    compute,
    is_currency,
    metric_statements,
    money_unit,
)
from enterprise.finance.models import FinancialFact, StatementCheck
from enterprise.finance.questions import ASKS_MORE, ASKS_WHY, named_metrics, parse_question
from enterprise.finance.statements import (
    StatementTable,
    extract_kind_facts,
    is_quarterly_report,
    primary_statement_pages,
    statement_kind,
)
from enterprise.finance.wording import formula_in
from shared.errors import InvalidInputError


@dataclass(frozen=True)
class ExtractionSummary:
    statements: dict[int, str]
    facts: int
    checks_passed: int
    checks_failed: int


def extract_document_facts(session: Session, document: Document, titles: dict[int, str]) -> ExtractionSummary:
    """Replace the document's facts and checks with those read from its statement tables."""
    repository.delete_for_document(session, document.enterprise_id, document.id)
    stored = documents.tables_of(session, document.enterprise_id, document.id)
    tables = [
        StatementTable(t.page, t.title, t.scale, t.header, t.rows, t.values, t.id, t.currency or "USD") for t in stored
    ]
    if document.file_format == "pdf":
        kinds = primary_statement_pages(titles)
        kinded = [(t, kinds[t.page]) for t in tables if t.page in kinds]
    else:
        # A sheet or a document's table is a statement by its own title ("Balance general"),
        # whatever page (a docx has one) it sits on.
        kinded = [(t, kind) for t in tables if (kind := statement_kind(t.title)) is not None]
        kinds = {t.page: kind for t, kind in kinded}
    cover = documents.first_pages_text(session, document.enterprise_id, document.id)
    drafts = extract_kind_facts(kinded, quarterly=is_quarterly_report(cover))
    results = run_checks(drafts)
    failed = failed_statements(results)
    rows: list[FinancialFact | StatementCheck] = [
        FinancialFact(
            enterprise_id=document.enterprise_id,
            document_id=document.id,
            table_id=d.table_id,
            company=document.company,
            fiscal_year=d.fiscal_year,
            period_label=d.period_label[:120],
            statement=d.statement,
            section=d.section[:300],
            line_item=d.line_item[:500],
            metric=d.metric,
            value=d.value,
            scale=d.scale,
            unit=d.unit,
            currency=d.unit[:3] if is_currency(d.unit[:3]) else "USD",
            page=d.page,
            row=d.row,
            column=d.column,
            flagged=(d.statement, d.fiscal_year) in failed,
        )
        for d in drafts
    ]
    rows += [
        StatementCheck(
            enterprise_id=document.enterprise_id,
            document_id=document.id,
            statement=r.statement,
            name=r.name[:300],
            fiscal_year=r.fiscal_year,
            expected=r.expected,
            actual=r.actual,
            passed=r.passed,
            core=r.core,
            pages=",".join(str(p) for p in r.pages),
        )
        for r in results
    ]
    repository.add_all(session, rows)
    return ExtractionSummary(kinds, len(drafts), sum(r.passed for r in results), sum(not r.passed for r in results))


def list_facts(
    session: Session, user: User, filters: repository.FactFilters, limit: int | None, offset: int
) -> tuple[Sequence[FinancialFact], int]:
    return repository.facts(session, user.enterprise_id, filters, limit, offset)


@dataclass(frozen=True)
class CompanyMetric:
    document: Document
    value: MetricValue


def _books(
    session: Session, books: FactBooks, enterprise_id: uuid.UUID, company: str | None
) -> list[tuple[Document, FactBook]]:
    with_facts = repository.documents_with_facts(session, enterprise_id)
    chosen = [
        d
        for d in documents.documents_by_ids(session, enterprise_id, list(with_facts))
        if not company or company.lower() in (d.company or "").lower()
    ]
    # The latest filing first: its figures for a shared year are the restated ones.
    chosen.sort(key=lambda d: (d.fiscal_year or 0, d.created_at), reverse=True)
    kept = books.books(session, enterprise_id, chosen)
    return [(d, kept[d.id]) for d in chosen]


def companies(session: Session, user: User) -> list[repository.CompanyYears]:
    return repository.companies(session, user.enterprise_id)


def metrics_for(
    session: Session,
    enterprise_id: uuid.UUID,
    company: str | None,
    fiscal_year: int | None = None,
    metric: str | None = None,
    names: Sequence[str] | None = None,
    books: FactBooks | None = None,
) -> list[CompanyMetric]:
    """Every metric (or `metric`, or those `names`) of every company and year the facts hold.
    `books`: the process's (the API's); without, each filing's facts are read for this call."""
    if metric is not None and metric not in DEFINITIONS:
        raise InvalidInputError(
            f"unknown metric {metric!r}; known: {', '.join(sorted(DEFINITIONS))}", field="query.metric"
        )
    names = [metric] if metric else list(names or DEFINITIONS)
    seen: set[tuple[str, str, int]] = set()
    found: list[CompanyMetric] = []
    for document, book in _books(session, books or FactBooks(max_facts=0), enterprise_id, company):
        years = [fiscal_year] if fiscal_year is not None else book.years()
        for year in years:
            for name in names:
                key = ((document.company or "").lower(), name, year)
                if key in seen:
                    continue
                value = compute(book, name, year)
                if value is not None:
                    seen.add(key)
                    found.append(CompanyMetric(document, value))
    found.sort(key=lambda m: ((m.document.company or ""), -m.value.fiscal_year, m.value.metric))
    return found


@dataclass(frozen=True)
class DocumentStatements:
    document: Document
    statements: list[dict[str, Any]]
    checks: Sequence[StatementCheck]


def statements_of(session: Session, user: User, document_id: object) -> DocumentStatements:
    document = documents.document(session, user.enterprise_id, document_id)
    facts, _ = repository.facts(session, user.enterprise_id, repository.FactFilters(document_id=document.id))
    checks = repository.checks_of(session, user.enterprise_id, document.id)
    pages: dict[str, dict[str, Any]] = {}
    for fact in facts:
        entry = pages.setdefault(
            fact.statement,
            {"statement": fact.statement, "pages": set(), "facts": 0, "fiscal_years": set(), "flagged": False},
        )
        entry["pages"].add(fact.page)
        entry["facts"] += 1
        entry["fiscal_years"].add(fact.fiscal_year)
        entry["flagged"] = entry["flagged"] or fact.flagged
    statements = [
        {**e, "pages": sorted(e["pages"]), "fiscal_years": sorted(e["fiscal_years"], reverse=True)}
        for e in pages.values()
    ]
    statements.sort(key=lambda e: min(e["pages"]))
    return DocumentStatements(document, statements, checks)


@dataclass(frozen=True)
class AnsweredFromFacts:
    """One exact figure (`exact`), or the figures a reasoned answer rests on."""

    document: Document
    answers: list[MetricValue]

    @property
    def exact(self) -> bool:
        return len(self.answers) == 1 and self.answers[0].previous is None


def answer_question(
    session: Session,
    books: FactBooks,
    enterprise_id: uuid.UUID,
    question: str,
    candidates: Sequence[Document],
    years: Sequence[int],
    company_words: frozenset[str],
) -> AnsweredFromFacts | None:
    """The question answered from the facts of the first candidate filing that can."""
    present, held = _filings_with_facts(session, books, enterprise_id, candidates)
    if not present:
        return None
    asked = parse_question(question, company_words)  # once, whatever the number of filings tried
    # The latest filing first; of one year, the fullest (an annual report before its earnings release).
    ordered = sorted(present, key=lambda d: (d.fiscal_year or 0, len(held[d.id].facts)), reverse=True)
    for document in ordered:
        book = held[document.id]
        answer = answer_parsed(asked, book, years)
        if answer is not None:
            return AnsweredFromFacts(document, [answer])
        related = related_parsed(asked, book, years)
        if related:
            return AnsweredFromFacts(document, related)
    return None


def _filings_with_facts(
    session: Session, books: FactBooks, enterprise_id: uuid.UUID, candidates: Sequence[Document]
) -> tuple[list[Document], dict[uuid.UUID, FactBook]]:
    """The candidates that have facts, and the book of each candidate."""
    held = books.books(session, enterprise_id, candidates)
    return [d for d in candidates if held[d.id].facts], held


@dataclass(frozen=True)
class StatementPages:
    """Where the statements a question's metrics come from are printed, in one filing."""

    document: Document
    pages: list[int]
    metrics: list[str]


def statement_pages_for(
    session: Session,
    books: FactBooks,
    enterprise_id: uuid.UUID,
    question: str,
    candidates: Sequence[Document],
    company_words: frozenset[str] = frozenset(),
) -> StatementPages | None:
    """For a question about a metric the facts could not answer (a cause, or a measure this
    company's statements do not print): the pages of the statements that metric reads. Not for
    a question about a part of the company, whose figures are elsewhere."""
    parsed = parse_question(question, company_words)
    about_the_metric = parsed.refused in {ASKS_WHY, ASKS_MORE} or (parsed.refused is None and parsed.target is not None)
    if not about_the_metric:
        return None
    metrics = named_metrics(question)[:MAX_NAMED_METRICS]
    kinds = [k for m in metrics for k in metric_statements(m)]
    if not kinds:
        return None
    present, held = _filings_with_facts(session, books, enterprise_id, candidates)
    if not present:
        return None
    document = max(present, key=lambda d: (d.fiscal_year or 0, len(held[d.id].facts)))
    printed: dict[str, set[int]] = {}
    for fact in held[document.id].facts:
        if fact.statement in kinds:
            printed.setdefault(fact.statement, set()).add(fact.page)
    # Every page of each statement (one printed over two pages has both), in the order asked.
    pages = list(dict.fromkeys(p for k in kinds for p in sorted(printed.get(k, ()))))
    return StatementPages(document, pages, metrics) if pages else None


MAX_NAMED_METRICS = 2


FACT_COLUMNS = [
    "company", "fiscal_year", "period_label", "statement", "section", "line_item", "metric", "value", "scale",
    "unit", "currency", "page", "flagged", "document_id",
]  # fmt: skip


def export_facts(rows: Sequence[FinancialFact], file_format: str) -> bytes:
    frame = pd.DataFrame(
        [{c: str(getattr(r, c)) if c == "document_id" else getattr(r, c) for c in FACT_COLUMNS} for r in rows],
        columns=FACT_COLUMNS,
    )
    return table_bytes(frame, file_format, "facts")


def export_metrics(rows: Sequence[CompanyMetric], file_format: str) -> bytes:
    frame = pd.DataFrame(
        [
            {
                "company": m.document.company,
                "fiscal_year": m.value.fiscal_year,
                "metric": m.value.metric,
                "label": m.value.label,
                "value": m.value.value,
                "unit": m.value.unit,
                "formula": m.value.formula,
                "inputs": "; ".join(f"{f.line_item} ({f.fiscal_year}) p.{f.page}" for f in m.value.inputs),
                "document": m.document.filename,
            }
            for m in rows
        ]
    )
    return table_bytes(frame, file_format, "metrics")


def facts_rows(figures: AnsweredFromFacts) -> list[dict[str, Any]]:
    """Every input of the figures once, as an answer's `facts` lists them, with its page."""
    document = figures.document
    seen: list[Any] = []
    rows = []
    for answer in figures.answers:
        for f in answer.inputs:
            if any(f is s for s in seen):
                continue
            seen.append(f)
            rows.append(
                {
                    "line_item": f.line_item,
                    "metric": f.metric,
                    "fiscal_year": f.fiscal_year,
                    "value": f.value,
                    "unit": money_unit(f),
                    "page": f.page,
                    "document_id": str(document.id),
                    "filename": document.filename,
                    "flagged": f.flagged,
                }
            )
    return rows


def figure_notes(figures: AnsweredFromFacts, language: str = "en") -> list[str]:
    """The formula of each figure, and a warning when a statement they rest on failed a check."""
    if language == "es":
        notes = [f"Fórmula: {formula_in(a.formula, 'es')}." for a in figures.answers]
        flagged = (
            "El estado financiero del que salen estas cifras no pasó un control contable "
            "(véase GET /documents/{id}/statements); compruébelas en la página citada."
        )
    else:
        notes = [f"Formula: {a.formula}." for a in figures.answers]
        flagged = (
            "The statement these figures come from failed an accounting check "
            "(see GET /documents/{id}/statements); check them against the cited page."
        )
    if any(a.flagged for a in figures.answers):
        notes.append(flagged)
    return notes
