"""The words of an executive report in each of our users' two languages, and its figures as each
language writes them."""

from __future__ import annotations

from datetime import datetime

from babel.numbers import format_decimal

from enterprise.finance.wording import SPANISH_LABELS, number_in, unit_in

_LOCALES = {"en": "en_US", "es": "es_ES"}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Executive report",
        "period": "Period",
        "generated": "Generated",
        "kpis": "Key figures",
        "kpis_none": "No financial statements have been read from this enterprise's documents yet.",
        "company": "Company",
        "metric": "Figure",
        "fiscal_year": "Fiscal year",
        "value": "Value",
        "year_change": "Change on the year before",
        "since_last": "Since the previous report",
        "pages": "Printed on",
        "page": "p.",
        "new": "new",
        "unchanged": "unchanged",
        "flagged": "its statement failed an accounting check",
        "notable": "Notable changes",
        "notable_none": "No figure moved by more than a few percent on the year before.",
        "failed_checks": "Accounting checks that failed",
        "check": "Check",
        "expected": "Expected",
        "found": "Found",
        "documents": "Documents",
        "new_documents": "New documents in the period",
        "failed_documents": "Documents that failed",
        "none": "None.",
        "filename": "File",
        "status": "Status",
        "reason": "Reason",
        "uploaded": "Uploaded",
        "questions": "Questions",
        "top_questions": "Most asked",
        "unanswered": "Not answered from the documents",
        "times": "Times",
        "usage": "Usage against quota",
        "questions_asked": "Questions asked in the period",
        "answer_rate": "Answered",
        "tokens": "Language-model tokens this month",
        "library": "Documents in the library",
        "of": "of",
        "open": "Open",
        "footer": "Figures are read from the documents' financial statements; each cites the page it is printed on.",
    },
    "es": {
        "title": "Informe ejecutivo",
        "period": "Periodo",
        "generated": "Generado",
        "kpis": "Cifras clave",
        "kpis_none": "Aún no se han leído estados financieros de los documentos de esta empresa.",
        "company": "Empresa",
        "metric": "Cifra",
        "fiscal_year": "Ejercicio",
        "value": "Valor",
        "year_change": "Variación sobre el año anterior",
        "since_last": "Desde el informe anterior",
        "pages": "Impreso en",
        "page": "pág.",
        "new": "nueva",
        "unchanged": "sin cambios",
        "flagged": "su estado financiero no superó una comprobación contable",
        "notable": "Cambios destacados",
        "notable_none": "Ninguna cifra varió más de unos pocos puntos sobre el año anterior.",
        "failed_checks": "Comprobaciones contables no superadas",
        "check": "Comprobación",
        "expected": "Esperado",
        "found": "Hallado",
        "documents": "Documentos",
        "new_documents": "Documentos nuevos en el periodo",
        "failed_documents": "Documentos con error",
        "none": "Ninguno.",
        "filename": "Archivo",
        "status": "Estado",
        "reason": "Motivo",
        "uploaded": "Subido",
        "questions": "Preguntas",
        "top_questions": "Las más preguntadas",
        "unanswered": "Sin respuesta en los documentos",
        "times": "Veces",
        "usage": "Uso frente a la cuota",
        "questions_asked": "Preguntas en el periodo",
        "answer_rate": "Respondidas",
        "tokens": "Tokens del modelo de lenguaje este mes",
        "library": "Documentos en la biblioteca",
        "of": "de",
        "open": "Abrir",
        "footer": (
            "Las cifras se leen de los estados financieros de los documentos; "
            "cada una cita la página en que se imprime."
        ),
    },
}


def words(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["en"])


def metric_label(metric: str, english: str, language: str) -> str:
    return SPANISH_LABELS.get(metric, english) if language == "es" else english


def figure(value: float, unit: str, language: str) -> str:
    """260,174 USD millions; 38.2 %; 1.54 (a ratio); as the reader's language writes them."""
    if unit == "%":
        return f"{decimals(value, 1, language)} %"
    if unit in ("ratio", "days"):
        return decimals(value, 2 if unit == "ratio" else 1, language) + (" d" if unit == "days" else "")
    return f"{number_in(round(value, 2), language)} {unit_in(unit, language)}".strip()


def change(value: float | None, unit: str, language: str) -> str:
    """A signed change: "-2.0 %" for an amount's growth, "+1.3 pp" for a margin, "+0.12" for a ratio."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    magnitude = decimals(abs(value), 2 if unit == "ratio" else 1, language)
    suffix = {"growth": " %", "%": " pp", "ratio": "", "days": " d"}.get(unit, "")
    return f"{sign}{magnitude}{suffix}"


def decimals(value: float, places: int, language: str) -> str:
    """Always `places` decimals: "38.2", "38,2" in Spanish."""
    pattern = "#,##0." + "0" * places
    return str(format_decimal(round(value, places), format=pattern, locale=_LOCALES.get(language, "en_US")))


def date(moment: datetime, language: str) -> str:
    return moment.strftime("%d/%m/%Y %H:%M") if language == "es" else moment.strftime("%Y-%m-%d %H:%M")
