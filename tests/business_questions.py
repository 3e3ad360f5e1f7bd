"""The business-document question set (tests/data/business) and how an answer to one is judged.

Shared by the tests that assert each answer and by `bench/eval_business.py` that scores them.
A question expects a figure (`value`, in `unit`), a phrase, or both (the month that had the
best sales, and the sales); `doc` and `page` are where its evidence is.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BUSINESS = Path(__file__).parent / "data" / "business"
QUESTIONS = BUSINESS / "questions.jsonl"
FILING_QUESTIONS = BUSINESS / "filing_questions.jsonl"
DOCUMENTS = [
    "ventas_2024.csv",
    "estados_financieros_2024.xlsx",
    "contrato_suministro.docx",
    "informe_trimestral_2T2024.pdf",
    "politica_viajes.txt",
    "kpis_comerciales.json",
]
_SCALES = {"thousands": 1e3, "millions": 1e6, "billions": 1e9}


def load(path: Path = QUESTIONS) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def _in_units(value: float, unit: str | None) -> float:
    """A value in units of its currency: 8.9 EUR millions and 8,900,000 EUR are the same figure."""
    words = (unit or "").split()
    return value * _SCALES.get(words[-1], 1.0) if words else value


def same_figure(stated: float, unit: str | None, expected: float, expected_unit: str | None) -> bool:
    """Equal to the precision the expected figure is written with (2.20 is right for 2.2036)."""
    a, b = _in_units(stated, unit), _in_units(expected, expected_unit)
    return abs(a - b) <= max(abs(b) * 0.001, 0.0051 * _in_units(1.0, expected_unit))


@dataclass(frozen=True)
class Verdict:
    right: bool
    stated_value: bool
    wrong_value: bool
    cited_document: bool
    cited_page: bool


def judge(question: dict[str, Any], response: dict[str, Any], *, value_required: bool = True) -> Verdict:
    """Right: the figure stated as `value` (or, with `value_required` off, written in the answer)
    and the phrase in the answer. A stated value that is not the expected figure is wrong; so is
    any value stated for a question that asks for a phrase only."""
    value, unit = response.get("value"), response.get("unit")
    answer = _fold(response.get("answer") or "")
    expected = question.get("value")
    stated = value is not None
    value_right = expected is not None and stated and same_figure(value, unit, expected, question.get("unit"))
    if expected is not None and not stated and not value_required:
        value_right = _written(answer, expected)
    phrase = question.get("phrase")
    phrase_right = phrase is None or _fold(phrase) in answer
    right = phrase_right and (expected is None or value_right)
    wrong = stated and (expected is None or not value_right)
    citations = response.get("citations") or []
    on_document = [c for c in citations if c.get("filename") == question["doc"]]
    page = question.get("page")
    return Verdict(
        right,
        stated,
        wrong,
        bool(on_document),
        bool(on_document) and (page is None or any(c.get("page") == page for c in on_document)),
    )


def _written(answer: str, expected: float) -> bool:
    plain = f"{expected:,.2f}".rstrip("0").rstrip(".")
    spanish = plain.replace(",", "_").replace(".", ",").replace("_", ".")
    return any(form in answer for form in {plain, spanish, plain.replace(",", "")})
