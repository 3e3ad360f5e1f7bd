"""What an executive report says: gathered from the facts, the library and the query log of one
enterprise for one period, then written as HTML and as a PDF (PyMuPDF, in-process)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pymupdf
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from enterprise.analytics import repository as analytics_repository
from enterprise.analytics.service import NO_COMPANY, Kpi, company_kpis, kpi_unit, usage_tables
from enterprise.analytics.service import Prices as TokenPrices
from enterprise.answers.query_log import enterprise_usage
from enterprise.auth.models import Enterprise
from enterprise.documents.models import DocumentStatus
from enterprise.finance.metrics import DEFINITIONS
from enterprise.reports import wording

TEMPLATES = Path(__file__).parent / "templates"
# A move on the year before is notable from this size: percent for amounts, points for margins.
NOTABLE_GROWTH = 5.0
NOTABLE_POINTS = 1.0
NOTABLE_LINES = 8
LISTED = 10


@dataclass(frozen=True)
class KpiLine:
    company: str
    metric: str
    label: str
    fiscal_year: int
    value: str
    year_change: str
    since_last: str
    pages: list[tuple[str, int, str]]  # filename, page, link
    flagged: bool
    size: float  # how far it moved on the year before, for ranking notable changes


@dataclass
class ReportContent:
    enterprise: str
    language: str
    title: str
    period_start: datetime
    period_end: datetime
    generated_at: datetime
    kpis: list[KpiLine] = field(default_factory=list)
    notable: list[KpiLine] = field(default_factory=list)
    failed_checks: list[dict[str, Any]] = field(default_factory=list)
    new_documents: list[dict[str, Any]] = field(default_factory=list)
    failed_documents: list[dict[str, Any]] = field(default_factory=list)
    top_questions: list[dict[str, Any]] = field(default_factory=list)
    unanswered: list[dict[str, Any]] = field(default_factory=list)
    usage: dict[str, Any] = field(default_factory=dict)
    # The figures shown, keyed "company|metric": the next report's "since the previous report".
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime


def gather(
    session: Session,
    enterprise_id: uuid.UUID,
    period: Period,
    language: str,
    previous_figures: dict[str, dict[str, Any]],
    links: Links,
    now: datetime,
) -> ReportContent:
    enterprise = session.get(Enterprise, enterprise_id)
    assert enterprise is not None
    words = wording.words(language)
    content = ReportContent(
        enterprise=enterprise.name,
        language=language,
        title=f"{words['title']}: {enterprise.name}",
        period_start=period.start,
        period_end=period.end,
        generated_at=now,
    )
    _figures(session, enterprise_id, content, previous_figures, links)
    documents = analytics_repository.document_rows(session, enterprise_id)
    _documents(documents, content, period, links)
    _questions_and_usage(session, enterprise, content, period, len(documents))
    return content


@dataclass(frozen=True)
class Links:
    """Where a reader opens what the report cites: the dashboard, at the service's public address."""

    base: str

    def statements(self, document_id: str) -> str:
        return f"{self.base}/dashboard/documents/{quote(document_id)}/statements"

    def documents(self) -> str:
        return f"{self.base}/dashboard/documents"


def _figures(
    session: Session,
    enterprise_id: uuid.UUID,
    content: ReportContent,
    previous: dict[str, dict[str, Any]],
    links: Links,
) -> None:
    found = company_kpis(session, enterprise_id, None)
    latest: dict[str, int] = {}
    for kpi in found:
        latest[kpi.company] = max(latest.get(kpi.company, 0), kpi.figure.value.fiscal_year)
    for kpi in found:
        line = _line(kpi, content.language, previous, links)
        if kpi.figure.value.fiscal_year == latest[kpi.company]:
            content.kpis.append(line)
            content.figures[f"{kpi.company}|{kpi.figure.value.metric}"] = {
                "fiscal_year": kpi.figure.value.fiscal_year,
                "value": kpi.figure.value.value,
            }
        if _notable(kpi):
            content.notable.append(line)
    content.notable.sort(key=lambda line: -line.size)
    content.notable = content.notable[:NOTABLE_LINES]
    for check in analytics_repository.failed_checks(session, enterprise_id)[:LISTED]:
        content.failed_checks.append(
            {
                "company": check.company or NO_COMPANY,
                "filename": check.filename,
                "check": check.name,
                "fiscal_year": check.fiscal_year,
                "expected": wording.decimals(check.expected, 0, content.language),
                "found": wording.decimals(check.actual, 0, content.language),
                "pages": check.pages,
                "link": links.statements(str(check.document_id)),
            }
        )


def _notable(kpi: Kpi) -> bool:
    if kpi.change_pct is not None:
        return abs(kpi.change_pct) >= NOTABLE_GROWTH
    return kpi.figure.value.unit == "%" and kpi.change is not None and abs(kpi.change) >= NOTABLE_POINTS


def _line(kpi: Kpi, language: str, previous: dict[str, dict[str, Any]], links: Links) -> KpiLine:
    value = kpi.figure.value
    unit = kpi_unit(kpi)
    words = wording.words(language)
    if kpi.change_pct is not None:
        year_change, size = wording.change(kpi.change_pct, "growth", language), abs(kpi.change_pct)
    elif kpi.is_amount:
        # From or into a loss, or an outflow: the change itself, in the figure's unit.
        year_change, size = _signed(kpi.change, unit, language), 0.0
    else:
        year_change, size = wording.change(kpi.change, value.unit, language), abs(kpi.change or 0.0)
    before = previous.get(f"{kpi.company}|{value.metric}")
    if before is None:
        since_last = words["new"]
    elif before["value"] == value.value and before["fiscal_year"] == value.fiscal_year:
        since_last = words["unchanged"]
    else:
        moved = _signed(value.value - float(before["value"]), unit, language)
        since_last = f"{moved} ({before['fiscal_year']} → {value.fiscal_year})"
    document_id = str(kpi.figure.document.id)
    return KpiLine(
        company=kpi.company,
        metric=value.metric,
        label=wording.metric_label(value.metric, DEFINITIONS[value.metric].label, language),
        fiscal_year=value.fiscal_year,
        value=wording.figure(value.value, unit, language),
        year_change=year_change,
        since_last=since_last,
        pages=[(name, page, links.statements(document_id)) for name, page in kpi.pages],
        flagged=value.flagged,
        size=size,
    )


def _signed(change: float | None, unit: str, language: str) -> str:
    if change is None:
        return "–"
    return ("+" if change > 0 else "") + wording.figure(change, unit, language)


def _documents(rows: Sequence[Any], content: ReportContent, period: Period, links: Links) -> None:
    new = [r for r in rows if period.start <= r.created_at < period.end]
    failed = [r for r in rows if r.status == DocumentStatus.FAILED and r.updated_at >= period.start]
    for r in sorted(new, key=lambda r: r.created_at, reverse=True)[:LISTED]:
        content.new_documents.append(
            {
                "filename": r.filename,
                "status": str(r.status),
                "uploaded": wording.date(r.created_at, content.language),
                "link": links.documents(),
            }
        )
    for r in sorted(failed, key=lambda r: r.updated_at, reverse=True)[:LISTED]:
        content.failed_documents.append({"filename": r.filename, "reason": r.error or "", "link": links.documents()})


def _questions_and_usage(
    session: Session, enterprise: Enterprise, content: ReportContent, period: Period, documents: int
) -> None:
    summary, tables = usage_tables(session, enterprise.id, period.start, period.end, TokenPrices(0.0, 0.0))
    content.top_questions = tables["top_questions"][:LISTED]
    content.unanswered = tables["unanswered"][:LISTED]
    tokens = enterprise_usage(session, enterprise.id)
    content.usage = {
        "questions": summary["questions"],
        "answer_rate": "–"
        if summary["answer_rate"] is None
        else f"{wording.decimals(summary['answer_rate'] * 100, 1, content.language)} %",
        "tokens": wording.decimals(tokens.total_tokens, 0, content.language),
        "token_quota": wording.decimals(tokens.monthly_token_quota, 0, content.language),
        "documents": wording.decimals(documents, 0, content.language),
        "max_documents": wording.decimals(enterprise.max_documents, 0, content.language),
    }


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def render_html(content: ReportContent) -> str:
    return (
        _environment()
        .get_template("report.html")
        .render(report=content, words=wording.words(content.language), date=wording.date, css=stylesheet())
    )


# The PDF is the same HTML laid out by PyMuPDF's Story on A4 pages with a margin.
_A4 = pymupdf.paper_rect("a4")
_MARGIN = 42


def render_pdf(html: str) -> bytes:
    story = pymupdf.Story(html=html, user_css=stylesheet())  # type: ignore[no-untyped-call]
    out = io.BytesIO()
    writer = pymupdf.DocumentWriter(out)  # type: ignore[no-untyped-call]
    area = pymupdf.Rect(_A4.x0 + _MARGIN, _A4.y0 + _MARGIN, _A4.x1 - _MARGIN, _A4.y1 - _MARGIN)  # type: ignore[no-untyped-call]
    more = True
    while more:
        device = writer.begin_page(_A4)  # type: ignore[no-untyped-call]
        more, _ = story.place(area)  # type: ignore[no-untyped-call]
        story.draw(device)  # type: ignore[no-untyped-call]
        writer.end_page()  # type: ignore[no-untyped-call]
    writer.close()  # type: ignore[no-untyped-call]
    # Only the glyphs used: a question in Chinese or a warning sign otherwise embeds a whole
    # fallback font (4 MB for a two-page report, 80 KB subset).
    written = pymupdf.open(stream=out.getvalue(), filetype="pdf")  # type: ignore[no-untyped-call]
    written.subset_fonts()
    return bytes(written.tobytes(garbage=3, deflate=True))  # type: ignore[no-untyped-call]


@cache
def stylesheet() -> str:
    return (TEMPLATES / "report.css").read_text()
