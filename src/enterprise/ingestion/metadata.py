"""Company, fiscal year and document type read from a document's first pages or its name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from enterprise.documents.models import DocumentType
from enterprise.finance.periods import fiscal_year_of
from enterprise.text import file_stem, fold_accents, is_filing_word, years_in

_FISCAL_YEAR_END = re.compile(
    r"for\s+the\s+fiscal\s+year\s+ended\s*:?\s*([A-Za-z]+\s+\d{1,2}\s*,?\s*(\d{4}))", re.IGNORECASE
)
_EXACT_NAME = re.compile(r"^\s*(.+?)\s*\n\s*\(\s*exact\s+name\s+of\s+registrant", re.IGNORECASE | re.MULTILINE)
_FORM_10K = re.compile(r"form\s*10\s*-?\s*k\b", re.IGNORECASE)
_FORM_10Q = re.compile(r"form\s*10\s*-?\s*q\b", re.IGNORECASE)
_CONTRACT_WORDS = re.compile(
    r"\b(agreement|contract|hereinafter|whereas|the parties|contrato|las partes)\b", re.IGNORECASE
)
_BALANCE_WORDS = re.compile(r"\b(balance sheet|statement of financial position|balance general)\b", re.IGNORECASE)
_REPORT_WORDS = re.compile(r"\b(annual report|quarterly report|informe|report)\b", re.IGNORECASE)
# A company named with its legal form near the top of a document: "Comercial Iberia S.L.",
# "Grupo Bimbo, S.A.B. de C.V.", "Acme Holdings Inc.".
_LEGAL_NAME = re.compile(
    r"(?<![\w.])([A-ZÁÉÍÓÚÑ0-9][\w&'.-]*(?:\s+(?:de|del|la|las|los|y|of|and|&|[A-ZÁÉÍÓÚÑ0-9][\w&'.-]*)){0,5}?"
    r",?\s+(?:S\.\s?A\.(?:\s?B\.)?(?:\s+de\s+C\.\s?V\.)?|S\.\s?L\.(?:U\.)?|S\.\s?A\.\s?S\.|S\.\s?R\.\s?L\.|S\.\s?p\.\s?A\.|"
    r"Inc\.|Corp(?:oration|\.)|LLC|L\.L\.C\.|Ltd\.?|Limited|GmbH|PLC|plc|N\.V\.|AG|SE))(?![\w])"
)
# First words of file names that say what a document is, not whose: "ventas_2024.csv", "budget.xlsx".
_DOCUMENT_WORDS = frozenset(
    "ventas sales budget presupuesto estados estado financial financieros statements balance balances "
    "resultados results informe informes report reports contrato contratos contract contracts agreement "
    "politica policy policies kpi kpis metrics metricas facturas invoices nomina payroll plan forecast "
    "prevision cuentas accounts acta minutes memo presentacion presentation datos data export trimestral "
    "anual mensual semestral quarterly monthly weekly semanal".split()
)


@dataclass(frozen=True)
class InferredMetadata:
    company: str | None
    fiscal_year: int | None
    period: str | None
    doc_type: DocumentType


def _clean_company(raw: str) -> str | None:
    name = " ".join(raw.replace("\u2019", "'").split()).strip(" ,")
    if not name or len(name) > 120:
        return None
    return name.title() if name.isupper() else name


def _company_from_filename(filename: str) -> str | None:
    """The first part of names like 'APPLE_2019_10K.pdf' or 'startup-x_budget_2024.xlsx'; a part
    joined by hyphens keeps its words but not its years ('ventas-2024' is 'ventas', a document word)."""
    for part in re.split(r"[_\s]+", file_stem(filename)):
        if not part or is_filing_word(part):
            continue
        words = [w for w in part.split("-") if w and not is_filing_word(w)]
        if words:
            return None if fold_accents(words[0].lower()) in _DOCUMENT_WORDS else "-".join(words).title()
    return None


def _legal_name(cover: str) -> str | None:
    match = _LEGAL_NAME.search(cover[:3000])
    return _clean_company(match.group(1)) if match else None


def infer_metadata(first_pages_text: str, filename: str) -> InferredMetadata:
    cover = first_pages_text[:20_000]
    company: str | None = None
    fiscal_year: int | None = None
    period: str | None = None
    if match := _EXACT_NAME.search(cover):
        company = _clean_company(match.group(1).splitlines()[-1])
    if match := _FISCAL_YEAR_END.search(cover):
        fiscal_year = fiscal_year_of(match.group(1))
        period = " ".join(match.group(1).split())
    doc_type = _document_type(cover)
    if company is None:
        company = _company_from_filename(filename)
    if company is None and doc_type != DocumentType.CONTRACT:
        # "ventas_2024.csv" says what, not whose: the legal name at the top of it does. A
        # contract names two parties, and which is the enterprise's counterpart it does not say.
        company = _legal_name(cover)
    if fiscal_year is None and (years := years_in(filename)):
        fiscal_year = years[-1]
    return InferredMetadata(company, fiscal_year, period, doc_type)


def _document_type(cover: str) -> DocumentType:
    if _FORM_10K.search(cover) or _FORM_10Q.search(cover):
        return DocumentType.REPORT
    if _CONTRACT_WORDS.search(cover[:5000]):
        return DocumentType.CONTRACT
    if _BALANCE_WORDS.search(cover[:5000]):
        return DocumentType.BALANCE
    if _REPORT_WORDS.search(cover[:5000]):
        return DocumentType.REPORT
    return DocumentType.OTHER
