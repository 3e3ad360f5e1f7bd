"""The metrics' names and formulas as a Spanish reader reads them, and numbers written the way
each language writes them: a Spanish question gets its answer from the facts in Spanish."""

from __future__ import annotations

import re

from babel.numbers import format_decimal

SPANISH_LABELS: dict[str, str] = {
    "revenue": "Ingresos",
    "cost_of_sales": "Costo de ventas",
    "gross_profit": "Utilidad bruta",
    "operating_income": "Utilidad operativa",
    "net_income": "Utilidad neta",
    "eps_diluted": "Utilidad por acción diluida",
    "eps_basic": "Utilidad por acción básica",
    "depreciation_amortization": "Depreciación y amortización",
    "capex": "Inversiones en propiedades, planta y equipo (capex)",
    "free_cash_flow": "Flujo de caja libre",
    "dividends_paid": "Dividendos pagados",
    "operating_cash_flow": "Flujo de efectivo de operación",
    "investing_cash_flow": "Flujo de efectivo de inversión",
    "financing_cash_flow": "Flujo de efectivo de financiamiento",
    "total_assets": "Activo total",
    "current_assets": "Activo corriente",
    "total_liabilities": "Pasivo total",
    "current_liabilities": "Pasivo corriente",
    "cash": "Efectivo y equivalentes",
    "inventories": "Inventarios",
    "receivables": "Cuentas por cobrar",
    "payables": "Cuentas por pagar",
    "ppe_net": "Propiedades, planta y equipo, neto",
    "long_term_debt": "Deuda a largo plazo",
    "total_equity": "Patrimonio total",
    "sga": "Gastos de venta, generales y de administración",
    "research_development": "Investigación y desarrollo",
    "interest_expense": "Gastos por intereses",
    "income_tax": "Impuesto sobre la renta",
    "working_capital": "Capital de trabajo",
    "gross_margin": "Margen bruto",
    "operating_margin": "Margen operativo",
    "net_margin": "Margen neto",
    "cogs_pct": "Costo de ventas sobre ingresos",
    "effective_tax_rate": "Tasa impositiva efectiva",
    "current_ratio": "Razón corriente",
    "quick_ratio": "Prueba ácida",
    "debt_to_equity": "Deuda sobre patrimonio",
    "roa": "Rentabilidad sobre activos (ROA)",
    "roe": "Rentabilidad sobre patrimonio (ROE)",
    "dso": "Días de cobro (DSO)",
    "dio": "Días de inventario (DIO)",
    "dpo": "Días de pago (DPO)",
    "capex_pct_revenue": "Capex sobre ingresos",
    "ebitda": "EBITDA",
    "ebitda_margin": "Margen EBITDA",
    "operating_cash_flow_ratio": "Razón de flujo de efectivo de operación",
    "inventory_turnover": "Rotación de inventarios",
    "asset_turnover": "Rotación de activos",
    "fixed_asset_turnover": "Rotación de activos fijos",
    "receivables_turnover": "Rotación de cuentas por cobrar",
    "payout_ratio": "Razón de pago de dividendos",
    "retention_ratio": "Razón de retención",
    "fcf_conversion": "Conversión de flujo de caja libre",
    "cash_conversion_cycle": "Ciclo de conversión de efectivo",
    "interest_coverage": "Cobertura de intereses",
}
# The words of the formulas, longest first so "current liabilities" goes before "liabilities".
_FORMULA_WORDS = {
    "operating cash flow": "flujo de efectivo de operación",
    "net cash from investing activities": "efectivo neto de las actividades de inversión",
    "net cash from financing activities": "efectivo neto de las actividades de financiamiento",
    "net cash from operating activities": "efectivo neto de las actividades de operación",
    "capital expenditures": "capex",
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
    "inventories": "inventarios",
    "revenue": "ingresos",
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
