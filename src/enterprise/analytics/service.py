"""Analytics of an enterprise: how its members ask (usage), what its library holds (content), and
its companies' financial KPIs from the facts. Each result is computed once and kept in
`analytics_cache` until its data changes or its time to live runs out."""

from __future__ import annotations

import math
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from enterprise.analytics import repository
from enterprise.analytics.models import AnalyticsCacheEntry
from enterprise.answers.models import Feedback
from enterprise.answers.text_match import content_terms
from enterprise.documents.models import DocumentStatus
from enterprise.exports import table_bytes, workbook_bytes
from enterprise.finance.kinds import Metric
from enterprise.finance.metrics import DEFINITIONS
from enterprise.finance.service import CompanyMetric, metrics_for
from enterprise.language import detect_language
from shared.database import session_scope
from shared.errors import InvalidInputError
from shared.settings import Settings

DELETED_MEMBER = "(former member)"
NO_COMPANY = "(none)"
TOP_QUESTIONS = 20
MAX_DAYS = 366
# The KPIs an executive reads first, in this order.
KPI_METRICS: tuple[Metric, ...] = (
    Metric.REVENUE,
    Metric.NET_INCOME,
    Metric.GROSS_MARGIN,
    Metric.OPERATING_MARGIN,
    Metric.NET_MARGIN,
    Metric.OPERATING_CASH_FLOW,
    Metric.INVESTING_CASH_FLOW,
    Metric.FINANCING_CASH_FLOW,
    Metric.FREE_CASH_FLOW,
    Metric.DEBT_TO_EQUITY,
    Metric.CURRENT_RATIO,
    Metric.CASH,
)


class AnalyticsKind(StrEnum):
    USAGE = "usage"
    CONTENT = "content"
    KPIS = "kpis"


# Which data each kind is computed from: a change there, and only there, makes it stale.
_SOURCE = {AnalyticsKind.USAGE: "queries", AnalyticsKind.CONTENT: "documents", AnalyticsKind.KPIS: "facts"}


@dataclass(frozen=True)
class Prices:
    """US dollars per million language-model tokens, for the estimated cost."""

    prompt: float
    completion: float

    @classmethod
    def of(cls, settings: Settings) -> Prices:
        return cls(settings.llm_prompt_cost_per_million, settings.llm_completion_cost_per_million)

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return round((prompt_tokens * self.prompt + completion_tokens * self.completion) / 1_000_000, 4)


@dataclass(frozen=True)
class AnalyticsResult:
    kind: AnalyticsKind
    parameters: dict[str, Any]
    summary: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]]
    computed_at: datetime
    expires_at: datetime
    cached: bool = False

    def table_bytes(self, table: str | None, file_format: str) -> tuple[bytes, str]:
        """One table as CSV or XLSX, or every table as the sheets of one XLSX; and its file name."""
        if table is None and file_format == "csv":
            raise InvalidInputError(
                f"a CSV file holds one table: add table= one of {', '.join(self.tables)}", field="query.table"
            )
        if table is not None and table not in self.tables:
            raise InvalidInputError(
                f"unknown table {table!r}; this result has {', '.join(self.tables)}", field="query.table"
            )
        if table is not None:
            return table_bytes(self._frame(table), file_format, table), f"{self.kind}-{table}"
        return workbook_bytes({name: self._frame(name) for name in self.tables}), str(self.kind)

    def _frame(self, table: str) -> pd.DataFrame:
        return pd.DataFrame(self.tables[table], columns=COLUMNS[self.kind][table])


# A result's summary figures and its tables' rows.
Computed = tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]
Compute = Callable[[], Computed]


@dataclass(frozen=True)
class Freshness:
    """How a result may be served: computed results live `ttl`; a reader takes one still valid
    `now`; the refresher, one still valid `ahead` from now (else it computes it first)."""

    ttl: timedelta
    now: datetime
    ahead: timedelta = timedelta(0)
    reading: bool = True


def _through_cache(
    session: Session,
    enterprise_id: uuid.UUID,
    kind: AnalyticsKind,
    parameters: dict[str, Any],
    freshness: Freshness,
    compute: Compute,
) -> AnalyticsResult:
    now = freshness.now
    key = ":".join([kind, *(f"{k}={v}" for k, v in sorted(parameters.items()))])[:200]
    version = repository.data_version(session, enterprise_id, _SOURCE[kind])
    entry = repository.cached(session, enterprise_id, key)
    if entry is not None and entry.data_version == version and entry.expires_at > now + freshness.ahead:
        if freshness.reading:
            entry.read_at = now
        payload = entry.payload
        return AnalyticsResult(
            kind, parameters, payload["summary"], payload["tables"], entry.computed_at, entry.expires_at, True
        )
    read_at = now if freshness.reading or entry is None else entry.read_at
    summary, tables = compute()
    fresh = AnalyticsCacheEntry(
        enterprise_id=enterprise_id,
        key=key,
        kind=str(kind),
        parameters=parameters,
        data_version=version,
        payload={"summary": summary, "tables": tables},
        computed_at=now,
        expires_at=now + freshness.ttl,
        read_at=read_at,
    )
    repository.store(session, fresh)
    return AnalyticsResult(kind, parameters, summary, tables, now, now + freshness.ttl, False)


# What the refresher keeps computed ahead of readers: results read within the last day, made
# again when their data changed or they expire within two minutes.
KEEP_WARM = timedelta(days=1)
REFRESH_AHEAD = timedelta(minutes=2)


def refresh(factory: sessionmaker[Session], ttl: timedelta, prices: Prices, now: datetime | None = None) -> int:
    """Pre-compute the results members read, so that the next reader is served from the cache.
    Returns how many were computed again."""
    now = now or datetime.now(UTC)
    with session_scope(factory) as session:
        warm = [
            (e.enterprise_id, e.kind, dict(e.parameters)) for e in repository.recently_read(session, now - KEEP_WARM)
        ]
    freshness = Freshness(ttl, now, REFRESH_AHEAD, reading=False)
    computed = 0
    for enterprise_id, kind, parameters in warm:
        with session_scope(factory) as session:
            result = compute_kind(session, enterprise_id, AnalyticsKind(kind), parameters, freshness, prices)
            computed += not result.cached
    return computed


def compute_kind(
    session: Session,
    enterprise_id: uuid.UUID,
    kind: AnalyticsKind,
    parameters: dict[str, Any],
    freshness: Freshness,
    prices: Prices,
) -> AnalyticsResult:
    if kind == AnalyticsKind.USAGE:
        return usage(session, enterprise_id, int(parameters["days"]), prices, freshness)
    if kind == AnalyticsKind.CONTENT:
        return content(session, enterprise_id, freshness)
    return kpis(session, enterprise_id, parameters.get("company") or None, freshness)


# ---- usage -------------------------------------------------------------------------------------


def usage(
    session: Session, enterprise_id: uuid.UUID, days: int, prices: Prices, freshness: Freshness
) -> AnalyticsResult:
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInputError(f"days must be between 1 and {MAX_DAYS}", field="query.days")
    now = freshness.now
    return _through_cache(
        session,
        enterprise_id,
        AnalyticsKind.USAGE,
        {"days": days},
        freshness,
        lambda: usage_tables(session, enterprise_id, now - timedelta(days=days), now, prices),
    )


def usage_tables(
    session: Session, enterprise_id: uuid.UUID, since: datetime, until: datetime, prices: Prices
) -> Computed:
    rows = repository.query_rows(session, enterprise_id, since, until)
    emails = repository.member_emails(session, enterprise_id)

    def member(user_id: uuid.UUID | None) -> str:
        return emails.get(user_id, DELETED_MEMBER) if user_id else DELETED_MEMBER

    answered = sum(1 for r in rows if r.found)
    up = sum(1 for r in rows if r.feedback == Feedback.UP)
    down = sum(1 for r in rows if r.feedback == Feedback.DOWN)
    prompt = sum(r.prompt_tokens for r in rows)
    completion = sum(r.completion_tokens for r in rows)
    latencies = sorted(r.latency_ms for r in rows)
    summary = {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "questions": len(rows),
        "answered": answered,
        "not_found": len(rows) - answered,
        "answer_rate": _share(answered, len(rows)),
        "not_found_rate": _share(len(rows) - answered, len(rows)),
        "latency_p50_ms": nearest_rank(latencies, 50),
        "latency_p95_ms": nearest_rank(latencies, 95),
        "feedback_up": up,
        "feedback_down": down,
        "feedback_positive_rate": _share(up, up + down),
        "members_asking": len({r.user_id for r in rows}),
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "estimated_cost_usd": prices.cost(prompt, completion),
    }
    tables = {
        "per_day": _per_day(rows),
        "per_member": _per_member(rows, member),
        "modes": [
            {"mode": str(mode), "questions": n, "share": _share(n, len(rows))}
            for mode, n in Counter(r.mode for r in rows).most_common()
        ],
        "top_questions": _grouped(rows, lambda r: True),
        "unanswered": _grouped(rows, lambda r: not r.found),
        "cost_per_member_month": _cost(rows, member, prices),
    }
    return summary, tables


USAGE_COLUMNS = {
    "per_day": ["day", "questions", "answered", "not_found", "feedback_up", "feedback_down"],
    "per_member": ["member", "questions", "answered", "answer_rate", "tokens", "last_asked"],
    "modes": ["mode", "questions", "share"],
    "top_questions": ["question", "times_asked", "answered", "wordings", "last_asked"],
    "unanswered": ["question", "times_asked", "answered", "wordings", "last_asked"],
    "cost_per_member_month": ["month", "member", "prompt_tokens", "completion_tokens", "tokens", "estimated_cost_usd"],
}


def nearest_rank(ordered: Sequence[int], percent: int) -> int | None:
    """The nearest-rank percentile of sorted values: the smallest value with `percent`% of all at or below it."""
    if not ordered:
        return None
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _per_day(rows: Sequence[Any]) -> list[dict[str, Any]]:
    days: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        day = days[r.created_at.astimezone(UTC).date().isoformat()]
        day["questions"] += 1
        day["answered"] += int(r.found)
        day["feedback_up"] += int(r.feedback == Feedback.UP)
        day["feedback_down"] += int(r.feedback == Feedback.DOWN)
    return [
        {
            "day": day,
            "questions": c["questions"],
            "answered": c["answered"],
            "not_found": c["questions"] - c["answered"],
            "feedback_up": c["feedback_up"],
            "feedback_down": c["feedback_down"],
        }
        for day, c in sorted(days.items())
    ]


def _per_member(rows: Sequence[Any], member: Callable[[uuid.UUID | None], str]) -> list[dict[str, Any]]:
    people: dict[str, dict[str, Any]] = {}
    for r in rows:
        entry = people.setdefault(member(r.user_id), {"questions": 0, "answered": 0, "tokens": 0, "last": r.created_at})
        entry["questions"] += 1
        entry["answered"] += int(r.found)
        entry["tokens"] += r.prompt_tokens + r.completion_tokens
        entry["last"] = max(entry["last"], r.created_at)
    ordered = sorted(people.items(), key=lambda item: (-item[1]["questions"], item[0]))
    return [
        {
            "member": name,
            "questions": e["questions"],
            "answered": e["answered"],
            "answer_rate": _share(e["answered"], e["questions"]),
            "tokens": e["tokens"],
            "last_asked": e["last"].isoformat(),
        }
        for name, e in ordered
    ]


# Members ask the same questions again: each wording's key is worked out once per process.
WORDING_KEYS_KEPT = 50_000


@lru_cache(maxsize=WORDING_KEYS_KEPT)
def wording_key(question: str) -> str:
    """What two questions worded alike share: their stemmed content words, in any order, so
    "What was revenue in FY2019?" and "Revenue for fiscal year 2019" are one question."""
    terms = content_terms(question, detect_language(question))
    return " ".join(sorted(set(terms))) or " ".join(question.lower().split())


def _grouped(rows: Sequence[Any], keep: Callable[[Any], bool]) -> list[dict[str, Any]]:
    keys: dict[str, str] = {}
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        if not keep(r):
            continue
        text = " ".join(r.question.split())
        key = keys.get(text.lower())
        if key is None:
            key = keys[text.lower()] = wording_key(text)
        group = groups.setdefault(key, {"wordings": Counter(), "answered": 0, "last": r.created_at})
        group["wordings"][text] += 1
        group["answered"] += int(r.found)
        group["last"] = max(group["last"], r.created_at)
    ranked = sorted(groups.values(), key=lambda g: (-g["wordings"].total(), -g["last"].timestamp()))
    return [
        {
            "question": g["wordings"].most_common(1)[0][0],
            "times_asked": g["wordings"].total(),
            "answered": g["answered"],
            "wordings": len(g["wordings"]),
            "last_asked": g["last"].isoformat(),
        }
        for g in ranked[:TOP_QUESTIONS]
    ]


def _cost(rows: Sequence[Any], member: Callable[[uuid.UUID | None], str], prices: Prices) -> list[dict[str, Any]]:
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        if not (r.prompt_tokens or r.completion_tokens):
            continue
        total = totals[(r.created_at.astimezone(UTC).strftime("%Y-%m"), member(r.user_id))]
        total[0] += r.prompt_tokens
        total[1] += r.completion_tokens
    return [
        {
            "month": month,
            "member": name,
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "tokens": prompt + completion,
            "estimated_cost_usd": prices.cost(prompt, completion),
        }
        for (month, name), (prompt, completion) in sorted(totals.items())
    ]


# ---- content -----------------------------------------------------------------------------------


def content(session: Session, enterprise_id: uuid.UUID, freshness: Freshness) -> AnalyticsResult:
    return _through_cache(
        session, enterprise_id, AnalyticsKind.CONTENT, {}, freshness, lambda: content_tables(session, enterprise_id)
    )


CONTENT_COLUMNS = {
    "by_type": ["doc_type", "documents"],
    "by_status": ["status", "documents"],
    "by_company": ["company", "documents", "pages", "bytes"],
    "by_month": ["month", "documents", "pages", "bytes", "failed"],
    "failures": ["filename", "error", "uploaded", "document_id"],
    "pages_without_text": ["filename", "pages", "pages_without_text", "document_id"],
}


def content_tables(session: Session, enterprise_id: uuid.UUID) -> Computed:
    rows = repository.document_rows(session, enterprise_id)
    failed = [r for r in rows if r.status == DocumentStatus.FAILED]
    without_text = [r for r in rows if r.pages_without_text]
    summary = {
        "documents": len(rows),
        "ready": sum(1 for r in rows if r.status == DocumentStatus.READY),
        "in_progress": sum(1 for r in rows if r.status in (DocumentStatus.QUEUED, DocumentStatus.PROCESSING)),
        "failed": len(failed),
        "pages": sum(r.pages for r in rows),
        "bytes": sum(r.size_bytes for r in rows),
        "pages_without_text": sum(r.pages_without_text for r in rows),
        "documents_with_pages_without_text": len(without_text),
    }
    tables = {
        "by_type": _counts(rows, lambda r: str(r.doc_type), "doc_type"),
        "by_status": _counts(rows, lambda r: str(r.status), "status"),
        "by_company": _volumes(rows, lambda r: r.company or NO_COMPANY, "company"),
        "by_month": _volumes(rows, lambda r: r.created_at.astimezone(UTC).strftime("%Y-%m"), "month", by_key=True),
        "failures": [
            {
                "filename": r.filename,
                "error": r.error or "",
                "uploaded": r.created_at.isoformat(),
                "document_id": str(r.id),
            }
            for r in sorted(failed, key=lambda r: r.created_at, reverse=True)
        ],
        "pages_without_text": [
            {
                "filename": r.filename,
                "pages": r.pages,
                "pages_without_text": r.pages_without_text,
                "document_id": str(r.id),
            }
            for r in sorted(without_text, key=lambda r: (-r.pages_without_text, r.filename))
        ],
    }
    return summary, tables


def _counts(rows: Iterable[Any], key: Callable[[Any], str], name: str) -> list[dict[str, Any]]:
    return [{name: value, "documents": n} for value, n in Counter(key(r) for r in rows).most_common()]


def _volumes(rows: Iterable[Any], key: Callable[[Any], str], name: str, by_key: bool = False) -> list[dict[str, Any]]:
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        total = totals[key(r)]
        total["documents"] += 1
        total["pages"] += r.pages
        total["bytes"] += r.size_bytes
        total["failed"] += int(r.status == DocumentStatus.FAILED)
    ordered = sorted(totals.items()) if by_key else sorted(totals.items(), key=lambda i: (-i[1]["documents"], i[0]))
    keep = ("documents", "pages", "bytes", "failed") if by_key else ("documents", "pages", "bytes")
    return [{name: value, **{k: total[k] for k in keep}} for value, total in ordered]


# ---- financial KPIs ----------------------------------------------------------------------------


def kpis(session: Session, enterprise_id: uuid.UUID, company: str | None, freshness: Freshness) -> AnalyticsResult:
    return _through_cache(
        session,
        enterprise_id,
        AnalyticsKind.KPIS,
        {"company": company or ""},
        freshness,
        lambda: kpi_tables(session, enterprise_id, company),
    )


KPI_COLUMNS = {
    "kpis": [
        "company",
        "fiscal_year",
        "metric",
        "label",
        "value",
        "unit",
        "previous",
        "change",
        "change_pct",
        "flagged",
        "pages",
        "filename",
        "document_id",
        "formula",
    ],
    "failed_checks": [
        "company",
        "filename",
        "statement",
        "check",
        "fiscal_year",
        "expected",
        "found",
        "pages",
        "document_id",
    ],
}


@dataclass(frozen=True)
class Kpi:
    """A KPI of one company and fiscal year, with the year before's value and where both are printed."""

    company: str
    figure: CompanyMetric
    previous: CompanyMetric | None

    @property
    def change(self) -> float | None:
        return None if self.previous is None else self.figure.value.value - self.previous.value.value

    @property
    def is_amount(self) -> bool:
        return DEFINITIONS[self.figure.value.metric].unit == "amount"

    @property
    def change_pct(self) -> float | None:
        """Growth on the year before, for an amount that was positive and still is; None otherwise
        (a margin or ratio moves in points, see `change`; growth from or into a loss says nothing)."""
        before = self.previous.value.value if self.previous else 0.0
        if not self.is_amount or before <= 0 or self.figure.value.value < 0:
            return None
        return (self.figure.value.value / before - 1) * 100

    @property
    def pages(self) -> list[tuple[str, int]]:
        found = sorted({(f.page) for f in self.figure.value.inputs})
        return [(self.figure.document.filename, page) for page in found]


def company_kpis(session: Session, enterprise_id: uuid.UUID, company: str | None) -> list[Kpi]:
    figures = metrics_for(session, enterprise_id, company, names=KPI_METRICS)
    by_key = {((m.document.company or NO_COMPANY), m.value.metric, m.value.fiscal_year): m for m in figures}
    order = {metric: i for i, metric in enumerate(KPI_METRICS)}
    kpis_found = [
        Kpi(name, m, by_key.get((name, m.value.metric, m.value.fiscal_year - 1))) for (name, _, _), m in by_key.items()
    ]
    kpis_found.sort(key=lambda k: (k.company, -k.figure.value.fiscal_year, order[Metric(k.figure.value.metric)]))
    return kpis_found


def kpi_unit(kpi: Kpi) -> str:
    """ "USD millions" for an amount (its facts' currency and scale), "%" or "ratio" otherwise."""
    return kpi.figure.value.unit


def kpi_tables(session: Session, enterprise_id: uuid.UUID, company: str | None) -> Computed:
    found = company_kpis(session, enterprise_id, company)
    rows = [
        {
            "company": k.company,
            "fiscal_year": k.figure.value.fiscal_year,
            "metric": k.figure.value.metric,
            "label": DEFINITIONS[k.figure.value.metric].label,
            "value": k.figure.value.value,
            "unit": kpi_unit(k),
            "previous": k.previous.value.value if k.previous else None,
            "change": k.change,
            "change_pct": None if k.change_pct is None else round(k.change_pct, 2),
            "flagged": k.figure.value.flagged,
            "pages": ", ".join(str(page) for _, page in k.pages),
            "filename": k.figure.document.filename,
            "document_id": str(k.figure.document.id),
            "formula": k.figure.value.formula,
        }
        for k in found
    ]
    checks = [
        {
            "company": c.company or NO_COMPANY,
            "filename": c.filename,
            "statement": c.statement,
            "check": c.name,
            "fiscal_year": c.fiscal_year,
            "expected": c.expected,
            "found": c.actual,
            "pages": c.pages,
            "document_id": str(c.document_id),
        }
        for c in repository.failed_checks(session, enterprise_id)
        if company is None or company.lower() in (c.company or "").lower()
    ]
    summary = {
        "companies": sorted({k.company for k in found}),
        "fiscal_years": sorted({k.figure.value.fiscal_year for k in found}),
        "kpis": len(rows),
        "flagged": sum(1 for r in rows if r["flagged"]),
        "failed_checks": len(checks),
    }
    return summary, {"kpis": rows, "failed_checks": checks}


# Each table's columns in order, also when it has no rows (a CSV still has its header).
COLUMNS: dict[AnalyticsKind, dict[str, list[str]]] = {
    AnalyticsKind.USAGE: USAGE_COLUMNS,
    AnalyticsKind.CONTENT: CONTENT_COLUMNS,
    AnalyticsKind.KPIS: KPI_COLUMNS,
}
