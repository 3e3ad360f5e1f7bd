"""The figure a sentence gives for what was asked, with its unit."""

from __future__ import annotations

import pytest

from enterprise.answers.prose_figures import figure_for, figures_in
from enterprise.answers.text_match import content_terms

pytestmark = pytest.mark.pure  # no database, no Redis

HOTEL = "El límite de hotel es de 150 euros por noche en ciudades nacionales y 220 euros por noche en el extranjero."


def pick(
    sentence: str, question: str, language: str = "es", decimal_comma: bool = True
) -> tuple[float, str | None] | None:
    def terms(text: str) -> list[str]:
        return content_terms(text, language)

    figure = figure_for(sentence, set(terms(question)), terms, decimal_comma)
    return (figure.value, figure.unit) if figure else None


def test_the_clause_the_question_names_gives_the_figure() -> None:
    assert pick(HOTEL, "¿Cuál es el límite de hotel por noche en el extranjero?") == (220, "EUR")
    assert pick(HOTEL, "¿Límite de hotel en ciudades nacionales?") == (150, "EUR")
    # Both clauses are limits of the hotel: asked about neither place, neither is the answer.
    assert pick(HOTEL, "¿Cuál es el límite de hotel por noche?") is None


def test_a_cap_or_an_extension_qualifies_the_figure_before_it() -> None:
    penalty = (
        "Por cada semana de retraso el Proveedor abonará una penalización del 2 % del valor del pedido afectado, "
        "hasta un máximo del 10 %."
    )
    term = (
        "El contrato tendrá una vigencia de 24 meses a partir del 1 de marzo de 2024, "
        "prorrogable por periodos de 12 meses."
    )
    assert pick(penalty, "¿Cuál es la penalización por semana de retraso?") == (2, "%")
    assert pick(term, "¿Cuál es la vigencia del contrato?") == (24, "months")


def test_the_subjects_own_figure_beside_another_measure() -> None:
    sentence = "El EBITDA del trimestre fue de 1,1 millones de euros y el margen EBITDA se situó en el 12,8 %."
    assert pick(sentence, "¿Cuál fue el EBITDA del trimestre?") == (1.1, "EUR millions")


def test_units_in_spanish_and_english() -> None:
    assert [(f.value, f.unit) for f in figures_in("ventas de 8,9 millones de euros, un 12,4 % más", True)] == [
        (8.9, "EUR millions"),
        (12.4, "%"),
    ]
    assert [(f.value, f.unit) for f in figures_in("a notice of 90 days and $175 billion", False)] == [
        (90, "days"),
        (175, "USD billions"),
    ]
    # Dates are not figures: "al 30 de junio de 2024".
    assert [f.value for f in figures_in("148 empleados al 30 de junio de 2024", True)] == [148]


def test_a_field_takes_its_unit_from_its_name() -> None:
    assert [(f.value, f.unit) for f in figures_in("kpis › tasa retencion clientes pct: 87.5", False)] == [(87.5, "%")]


def test_two_figures_of_one_clause_state_neither() -> None:
    sentence = "The Board raised the authorization from $100 billion to $175 billion."
    assert pick(sentence, "How much is the share repurchase authorization?", "en", False) is None
