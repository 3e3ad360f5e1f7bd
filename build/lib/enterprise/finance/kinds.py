"""The kinds of financial statement, a closed set every finance module names the same way."""

from __future__ import annotations

from enum import StrEnum


class StatementKind(StrEnum):
    INCOME = "income"
    COMPREHENSIVE_INCOME = "comprehensive_income"
    BALANCE = "balance"
    CASH_FLOW = "cash_flow"
    EQUITY = "equity"
