"""Which documents a question is about, from the company and the year it names.

A question that names a company ("Apple", "AMD", "American Water Works") and a year is
answered from that company's filing that covers the year; the rest of the enterprise's
documents only add noise. Names are matched against each document's company, the company's
initials and the first word of its file name, so 'AMD' finds 'Advanced Micro Devices, Inc.'.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from enterprise.finance.periods import named_years
from enterprise.text import file_name_parts, fold_accents, is_filing_word

_WORD = re.compile(r"[a-z0-9&]+")
_POSSESSIVE = re.compile(r"'s\b")
_INITIALS_SKIP = {"of", "and", "&", "for", "y", "e", "del"}
_LEGAL_SUFFIXES = {
    "inc", "incorporated", "corp", "corporation", "co", "company", "companies", "ltd", "limited",
    "llc", "plc", "sa", "s", "a", "de", "cv", "the", "group", "holdings", "com", "ag", "nv", "se",
}  # fmt: skip
_FORWARD_LOOKING = re.compile(
    r"\b(expect\w*|guidance|outlook|forecast\w*|project(ed|ion)s?|anticipat\w*|will|plans? to|"
    r"se espera|perspectivas)\b",
    re.IGNORECASE,
)
# A document covers the year of its fiscal year and the comparative years it shows.
COMPARATIVE_YEARS = 2
MIN_JOINED_ALIAS = 5


@dataclass(frozen=True)
class DocumentProfile:
    id: uuid.UUID
    filename: str
    company: str | None
    fiscal_year: int | None


@dataclass(frozen=True)
class Route:
    document_ids: list[uuid.UUID] | None
    company: str | None
    years: list[int]
    # The words that named the company: inside its own filings they tell nothing apart.
    company_words: frozenset[str] = frozenset()

    def without_company(self, question: str) -> str:
        if not self.company_words:
            return question
        kept = [w for w in question.split() if not (set(_words(w)) and set(_words(w)) <= self.company_words)]
        return " ".join(kept) or question


def _fold(text: str) -> str:
    plain = fold_accents(text)
    return _POSSESSIVE.sub("", plain.replace("\u2019", "'")).replace("'", "")


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


# A question is routed against every searchable document of the enterprise (10,000 of them at
# most): what each document's name and company are called is worked out once per process.
_NAMES_CACHED = 65_536


def company_aliases(profile: DocumentProfile) -> frozenset[str]:
    """Word sequences that name the document's company in a question."""
    return _aliases(profile.company, profile.filename)


@lru_cache(maxsize=_NAMES_CACHED)
def _aliases(company: str | None, filename: str) -> frozenset[str]:
    aliases: set[str] = set()
    if company:
        words = _words(company)
        core = [w for w in words if w not in _LEGAL_SUFFIXES] or words
        if core:
            aliases.add(" ".join(core))
    for part in file_name_parts(filename):
        if not is_filing_word(part):
            aliases.add(" ".join(_words(part)))
            break
    return frozenset(a for a in aliases if len(a) >= 2)


def company_abbreviations(profile: DocumentProfile) -> frozenset[str]:
    """Initials ("amd") and short names ("jnj", "amex"): they name the company only where the
    question writes them with a capital ("AMD", "JnJ", "Amex"), never as a common word ("as")."""
    return _abbreviations(profile.company) if profile.company else frozenset()


@lru_cache(maxsize=_NAMES_CACHED)
def _abbreviations(company: str) -> frozenset[str]:
    words = _words(company)
    core = [w for w in words if w not in _LEGAL_SUFFIXES] or words
    initials = "".join(w[0] for w in core if w not in _INITIALS_SKIP)
    names = {initials} | _short_names(company, core)
    return frozenset(n for n in names if len(n) >= 2)


def _short_names(company: str, core: list[str]) -> set[str]:
    """How analysts shorten a name: "J&J" and "JnJ" for Johnson & Johnson, "Amex" for American
    Express (the first two letters of each word)."""
    names: set[str] = set()
    words = [w for w in core if w not in _INITIALS_SKIP]
    if "&" in company and len(words) == 2:
        names.add(f"{words[0][0]}n{words[1][0]}")
    if len(words) == 2 and all(len(w) >= 4 for w in words):
        names.add(words[0][:2] + words[1][:2])
    return names


def _ticker_like(question: str, profiles: Sequence[DocumentProfile]) -> list[DocumentProfile]:
    """Companies a capitalised short word stands for as the start of their name ("JPM" for
    JPMorgan Chase), when no other alias names a company."""
    tickers = {w.lower() for w in re.findall(r"\b[A-Z]{3,5}\b", question)}
    if not tickers:
        return []
    found = []
    for profile in profiles:
        first = _first_name_word(profile.company or "")
        if any(len(first) >= len(t) and first.startswith(t) for t in tickers):
            found.append(profile)
    return found


@lru_cache(maxsize=_NAMES_CACHED)
def _first_name_word(company: str) -> str:
    return next((w for w in _words(company) if w not in _LEGAL_SUFFIXES), "")


@lru_cache(maxsize=_NAMES_CACHED)
def _company_key(filename: str) -> str:
    """The first word of the file name ("JOHNSON" of JOHNSON_JOHNSON_2022Q4_EARNINGS.pdf)."""
    return next((p.lower() for p in file_name_parts(filename) if not is_filing_word(p)), "")


def _with_same_company(named: list[DocumentProfile], profiles: Sequence[DocumentProfile]) -> list[DocumentProfile]:
    """The other filings of a named company: the same company name, or the same first word of
    the file name with no other company name ("Johnson" earnings releases of Johnson & Johnson)."""
    if not named:
        return named
    taken = {p.id for p in named}
    companies = {(p.company or "").lower() for p in named}
    keys = {_company_key(p.filename) for p in named} - {""}
    extra = [
        p
        for p in profiles
        if p.id not in taken and ((p.company or "").lower() in companies or _company_key(p.filename) in keys)
    ]
    return named + extra


def _mentions(question_words: list[str], joined: str, alias: str) -> bool:
    if f" {alias} " in f" {' '.join(question_words)} ":
        return True
    # 'AmericanWaterWorks' in a file name against 'American Water Works' in the question.
    return " " not in alias and len(alias) >= MIN_JOINED_ALIAS and alias in joined


def route(question: str, profiles: Sequence[DocumentProfile]) -> Route:
    """The documents the question names, or None for all of `profiles`."""
    words = _words(question)
    joined = "".join(words)
    years = named_years(question)
    if _FORWARD_LOOKING.search(question):
        # What was expected of a year is said in the filings of the year before it.
        years = sorted(set(years) | {y - 1 for y in years})
    named: list[DocumentProfile] = []
    said: set[str] = set()
    capitalised = {_fold(w) for w in re.findall(r"[\w&]+", question) if not w.islower() and not w.isdigit()}
    for profile in profiles:
        aliases = [a for a in company_aliases(profile) if _mentions(words, joined, a)]
        aliases += [a for a in company_abbreviations(profile) if a in capitalised or a.replace("&", "") in capitalised]
        if aliases:
            named.append(profile)
            said.update(w for alias in aliases for w in alias.split() if w in words)
    if not named:
        named = _ticker_like(question, profiles)
        said.update(w.lower() for w in re.findall(r"\b[A-Z]{3,5}\b", question) if named)
    named = _with_same_company(named, profiles)
    if not named:
        # A document of no company (a contract, a policy) is not another company's.
        companies = {(p.company or "").lower() for p in profiles} - {""}
        # One company's own library ("our 2019 report"): the year alone decides.
        pool = list(profiles) if len(companies) == 1 else []
    else:
        pool = named
    if not pool:
        return _latest_year_only(profiles, years)
    chosen = _covering_years(pool, years) if years else pool
    if years and chosen:
        # A document of unknown year (a KPI export, a policy) may be about the year named.
        chosen += [p for p in pool if p.fiscal_year is None and p not in chosen]
    company = named[0].company if named else None
    company_words = frozenset(said)
    if len(chosen) == len(profiles):
        return Route(None, company, years, company_words)
    return Route([p.id for p in chosen], company, years, company_words)


def _latest_year_only(profiles: Sequence[DocumentProfile], years: list[int]) -> Route:
    """No company named: a question about the latest year it names ("between FY2023 and Q2 of
    FY2024") is about the filings of that year, whoever filed them; with none, all documents."""
    latest = [p for p in profiles if years and p.fiscal_year == max(years)]
    latest += [p for p in profiles if latest and p.fiscal_year is None]
    if not latest or len(latest) == len(profiles):
        return Route(None, None, years)
    return Route([p.id for p in latest], None, years)


def _covering_years(pool: list[DocumentProfile], years: list[int]) -> list[DocumentProfile]:
    """Filings of the named years; else the earliest later filings that show them as comparatives."""
    exact = [p for p in pool if p.fiscal_year in years]
    if exact:
        return exact
    covering = [
        p for p in pool if p.fiscal_year is not None and any(0 < p.fiscal_year - y <= COMPARATIVE_YEARS for y in years)
    ]
    if not covering:
        return pool
    nearest = min(p.fiscal_year or 0 for p in covering)
    return [p for p in covering if p.fiscal_year == nearest]
