"""The metrics' names and formulas as a Spanish reader reads them, and numbers written the way
each language writes them: a Spanish question gets its answer from the facts in Spanish."""

from __future__ import annotations

import re

from babel.numbers import format_decimal

from enterprise.finance.kinds import Metric

SPANISH_LABELS: dict[str, str] = {
    Metric.REVENUE: "Ingresos",
    Metric.COST_OF_SALES: "Costo de ventas",
    Metric.GROSS_PROFIT: "Utilidad bruta",
    Metric.OPERATING_INCOME: "Utilidad operativa",
    Metric.NET_INCOME: "Utilidad neta",
    Metric.EPS_DILUTED: "Utilidad por acción diluida",
    Metric.EPS_BASIC: "Utilidad por acción básica",
    Metric.DEPRECIATION_AMORTIZATION: "Depreciación y amortización",
    Metric.CAPEX: "Inversiones en propiedades, planta y equipo (capex)",
    Metric.FREE_CASH_FLOW: "Flujo de caja libre",
    Metric.DIVIDENDS_PAID: "Dividendos pagados",
    Metric.OPERATING_CASH_FLOW: "Flujo de efectivo de operación",
    Metric.INVESTING_CASH_FLOW: "Flujo de efectivo de inversión",
    Metric.FINANCING_CASH_FLOW: "Flujo de efectivo de financiamiento",
    Metric.TOTAL_ASSETS: "Activo total",
    Metric.CURRENT_ASSETS: "Activo corriente",
    Metric.TOTAL_LIABILITIES: "Pasivo total",
    Metric.CURRENT_LIABILITIES: "Pasivo corriente",
    Metric.CASH: "Efectivo y equivalentes",
    Metric.INVENTORIES: "Inventarios",
    Metric.RECEIVABLES: "Cuentas por cobrar",
    Metric.PAYABLES: "Cuentas por pagar",
    Metric.PPE_NET: "Propiedades, planta y equipo, neto",
    Metric.LONG_TERM_DEBT: "Deuda a largo plazo",
    Metric.TOTAL_EQUITY: "Patrimonio total",
    Metric.SGA: "Gastos de venta, generales y de administración",
    Metric.RESEARCH_DEVELOPMENT: "Investigación y desarrollo",
    Metric.INTEREST_EXPENSE: "Gastos por intereses",
    Metric.INCOME_TAX: "Impuesto sobre la renta",
    Metric.WORKING_CAPITAL: "Capital de trabajo",
    Metric.GROSS_MARGIN: "Margen bruto",
    Metric.OPERATING_MARGIN: "Margen operativo",
    Metric.NET_MARGIN: "Margen neto",
    Metric.COGS_PCT: "Costo de ventas sobre ingresos",
    Metric.EFFECTIVE_TAX_RATE: "Tasa impositiva efectiva",
    Metric.CURRENT_RATIO: "Razón corriente",
    Metric.QUICK_RATIO: "Prueba ácida",
    Metric.DEBT_TO_EQUITY: "Deuda sobre patrimonio",
    Metric.ROA: "Rentabilidad sobre activos (ROA)",
    Metric.ROE: "Rentabilidad sobre patrimonio (ROE)",
    Metric.DSO: "Días de cobro (DSO)",
    Metric.DIO: "Días de inventario (DIO)",
    Metric.DPO: "Días de pago (DPO)",
    Metric.CAPEX_PCT_REVENUE: "Capex sobre ingresos",
    Metric.EBITDA: "EBITDA",
    Metric.EBITDA_MARGIN: "Margen EBITDA",
    Metric.OPERATING_CASH_FLOW_RATIO: "Razón de flujo de efectivo de operación",
    Metric.INVENTORY_TURNOVER: "Rotación de inventarios",
    Metric.ASSET_TURNOVER: "Rotación de activos",
    Metric.FIXED_ASSET_TURNOVER: "Rotación de activos fijos",
    Metric.RECEIVABLES_TURNOVER: "Rotación de cuentas por cobrar",
    Metric.PAYOUT_RATIO: "Razón de pago de dividendos",
    Metric.RETENTION_RATIO: "Razón de retención",
    Metric.FCF_CONVERSION: "Conversión de flujo de caja libre",
    Metric.CASH_CONVERSION_CYCLE: "Ciclo de conversión de efectivo",
    Metric.INTEREST_COVERAGE: "Cobertura de intereses",
}
# The words of the formulas, longest first so "current liabilities" goes before "liabilities".
_FORMULA_WORDS = {
    "operating cash flow": "flujo de efectivo de operación",
    "net cash from investing activities": "efectivo neto de las actividades de inversión",
    "net cash from financing activities": "efectivo neto de las actividades de financiamiento",
    "net cash from operating activities": "efectivo neto de las actividades de operación",
    "capital expenditures": Metric.CAPEX,
    "current liabilities": "pasivo corriente",
    "current assets": "activo corriente",
    "total liabilities": "pasivo total",
    "total assets": "activo total",
    "total equity": "patrimonio total",
    "long-term debt": "deuda a largo plazo",
    "net income": "utilidad neta",
    "gross profit": "utilidad bruta",
    "operating income": "utilidad operativa",
    "cost of sales": "costo de ventas",
    "income before income taxes": "utilidad antes de impuestos",
    "income tax expense": "impuesto sobre la renta",
    "provision for income taxes": "impuesto sobre la renta",
    "interest expense": "gastos por intereses",
    "depreciation and amortization": "depreciación y amortización",
    Metric.INVENTORIES: "inventarios",
    Metric.REVENUE: "ingresos",
    "average": "promedio",
    "as printed": "tal como figura",
    "dividends paid": "dividendos pagados",
}
_FORMULA_PATTERN = re.compile("|".join(re.escape(w) for w in sorted(_FORMULA_WORDS, key=len, reverse=True)))
_LOCALES = {"es": "es_ES", "en": "en_US"}


def label_in(metric: str, english: str, language: str) -> str:
    return SPANISH_LABELS.get(metric, english) if language == "es" else english


def formula_in(formula: str, language: str) -> str:
    if language != "es":
        return formula
    return _FORMULA_PATTERN.sub(lambda m: _FORMULA_WORDS[m.group(0)], formula)


_SPANISH_SCALES = {"thousands": "miles", "millions": "millones", "billions": "miles de millones"}


def unit_in(unit: str, language: str) -> str:
    """ "EUR thousands" is "miles de EUR" to a Spanish reader; "USD per share", "USD por acción"."""
    if language != "es":
        return unit
    currency, _, rest = unit.partition(" ")
    if rest in _SPANISH_SCALES:
        return f"{_SPANISH_SCALES[rest]} de {currency}"
    return unit.replace("per share", "por acción").replace("shares", "acciones")


def number_in(value: float, language: str) -> str:
    """1,234.5 in English, 1.234,5 in Spanish; up to four decimals, none for a whole number."""
    pattern = "#,##0" if value % 1 == 0 else "#,##0.####"
    return str(format_decimal(value, format=pattern, locale=_LOCALES.get(language, "en_US")))
