"""The text helpers every domain shares: years, months, file names, accents, typed numbers."""

from __future__ import annotations

import pytest

from enterprise.numbers import parse_written_number
from enterprise.text import (
    file_name_parts,
    file_stem,
    fold_accents,
    is_filing_word,
    is_year,
    month_number,
    years_in,
)

pytestmark = pytest.mark.pure  # no database, no Redis


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("2023", True),
        ("1999", True),
        ("20230", False),
        ("$2,023", False),
        ("2,023", False),
        ("1899", False),
        ("FY2023", False),
    ],
)
def test_a_year_is_a_whole_word(word: str, expected: bool) -> None:
    assert is_year(word) is expected


def test_years_in_text_are_read_in_order_and_never_from_a_longer_number() -> None:
    assert years_in("Years ended December 31, 2023 and 2022 (12023 units)") == [2023, 2022]
    assert years_in("no year here, 20 of 2,019 items") == []


@pytest.mark.parametrize(
    ("word", "number"),
    [
        ("January", 1),
        ("enero", 1),
        ("Jan.", 1),
        ("ene", 1),
        ("Sept", 9),
        ("setiembre", 9),
        ("DICIEMBRE", 12),
        ("Mayo", 5),
    ],
)
def test_months_in_both_languages_and_their_abbreviations(word: str, number: int) -> None:
    assert month_number(word) == number


@pytest.mark.parametrize("word", ["Marketing", "decrease", "mayor", "junk", "octane", "", "2023"])
def test_a_word_that_starts_like_a_month_is_not_one(word: str) -> None:
    assert month_number(word) is None


def test_file_names_split_into_the_words_that_may_name_the_company() -> None:
    assert file_stem("APPLE_2019_10K.pdf") == "APPLE_2019_10K"
    assert file_name_parts("JOHNSON_JOHNSON_2022Q4_EARNINGS.pdf") == ["JOHNSON", "JOHNSON", "2022Q4", "EARNINGS"]
    assert file_name_parts("startup-x budget.2024.xlsx") == ["startup", "x", "budget", "2024"]
    assert [p for p in file_name_parts("AMD_10-K_annual_report_2022.pdf") if not is_filing_word(p)] == ["AMD", "K"]
    assert all(is_filing_word(w) for w in ("10K", "10-Q", "Annual", "informe", "2019"))
    assert not is_filing_word("Apple")


def test_accents_fold_once_for_every_domain() -> None:
    assert fold_accents("Cuánto RETENCIÓN Año") == "cuanto retencion ano"
    assert fold_accents("plain ascii") == "plain ascii"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.200.000", 1_200_000.0),
        ("1,200,000", 1_200_000.0),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("1.250", 1250.0),  # three digits after one dot: thousands, as Spanish groups them
        ("300", 300.0),
    ],
)
def test_a_number_typed_in_either_convention(typed: str, value: float) -> None:
    assert parse_written_number(typed) == value
