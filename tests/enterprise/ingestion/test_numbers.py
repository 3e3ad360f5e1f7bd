from __future__ import annotations

import pytest

from enterprise.numbers import detect_scale, parse_number, parse_row_numbers, writes_decimal_comma

pytestmark = pytest.mark.pure  # no database, no Redis


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("213,883", 213883.0),
        ("(1,234)", -1234.0),
        ("$ (14,119)", -14119.0),
        ("$11.89", 11.89),
        ("-5.2", -5.2),
        ("−7", -7.0),
        ("37.8%", 37.8),
        ("(2.1)%", -2.1),
        ("1,500,000", 1_500_000.0),
        ("0", 0.0),
    ],
)
def test_printed_numbers(printed: str, value: float) -> None:
    assert parse_number(printed) == value


@pytest.mark.parametrize(
    "printed", ["—", "–", "-", "", "n/a", "$", "Total net sales", "September 28, 2019", "1.2.3", None]
)
def test_not_numbers(printed: str | None) -> None:
    assert parse_number(printed) is None


@pytest.mark.parametrize(
    ("heading", "scale"),
    [
        ("(In millions, except number of shares which are reflected in thousands and per share amounts)", "millions"),
        ("(Dollars in thousands)", "thousands"),
        ("(Millions)", "millions"),
        ("$ and shares in millions, except per share amounts", "millions"),
        ("Amounts in billions of euros", "billions"),
        ("Consolidated Statements of Operations", None),
    ],
)
def test_scale_from_heading(heading: str, scale: str | None) -> None:
    assert detect_scale(heading) == scale


@pytest.mark.parametrize(
    ("printed", "value"),
    [("1.250", 1250.0), ("2.315.400", 2315400.0), ("12,5 %", 12.5), ("(1.200)", -1200.0), ("€ 1.000", 1000.0)],
)
def test_numbers_written_with_a_decimal_comma(printed: str, value: float) -> None:
    assert parse_number(printed, decimal_comma=True) == value


def test_a_table_is_read_in_its_own_number_format() -> None:
    spanish = [["Ventas", "2.315.400", "850.250"], ["Margen", "12,5 %", "11,8 %"], ["Costos", "(1.200)", "1.250"]]
    assert writes_decimal_comma(c for row in spanish for c in row[1:])
    assert parse_row_numbers(spanish) == [[None, 2315400.0, 850250.0], [None, 12.5, 11.8], [None, -1200.0, 1250.0]]
    english = [["Sales", "2,315,400", "850.25"], ["Costs", "(1,200)", "1,250"]]
    assert not writes_decimal_comma(c for row in english for c in row[1:])
    assert parse_row_numbers(english) == [[None, 2315400.0, 850.25], [None, -1200.0, 1250.0]]
