"""Spanish financial and business terms with their English wording in filings.

Our users ask in Spanish as often as in English, while many filings are in English and the
packaged embedding model reads English only. A Spanish question is searched with its own
words plus the English terms below, so "¿Cuáles fueron los pasivos totales?" finds the row
"Total liabilities". Longer phrases are matched first.
"""

from __future__ import annotations

import re

from enterprise.retrieval.text_match import fold_accents

SPANISH_TO_ENGLISH: dict[str, str] = {
    "utilidad neta": "net income",
    "ingreso neto": "net income",
    "ingresos netos": "net income",
    "resultado neto": "net income",
    "ganancia neta": "net income",
    "utilidad por accion diluida": "diluted earnings per share",
    "utilidad por accion": "earnings per share",
    "ganancias por accion": "earnings per share",
    "ventas netas": "net sales",
    "ventas": "sales revenue",
    "ingresos": "revenue",
    "ingresos operativos": "operating revenues",
    "costo de ventas": "cost of sales",
    "costo de los bienes vendidos": "cost of goods sold",
    "margen bruto": "gross margin",
    "utilidad bruta": "gross profit",
    "utilidad operativa": "operating income",
    "resultado operativo": "operating income",
    "ingreso operativo": "operating income",
    "gastos operativos": "operating expenses",
    "impuesto sobre la renta": "income taxes",
    "tasa impositiva efectiva": "effective tax rate",
    "tasa efectiva": "effective tax rate",
    "activos totales": "total assets",
    "activo total": "total assets",
    "activos corrientes": "current assets",
    "activos": "assets",
    "pasivos totales": "total liabilities",
    "pasivo total": "total liabilities",
    "pasivos corrientes": "current liabilities",
    "pasivos": "liabilities",
    "patrimonio": "equity stockholders shareholders",
    "capital contable": "stockholders equity",
    "deuda a largo plazo": "long-term debt",
    "deuda": "debt",
    "efectivo y equivalentes": "cash and cash equivalents",
    "efectivo": "cash",
    "flujo de efectivo": "cash flows",
    "flujos de efectivo": "cash flows",
    "actividades de operacion": "operating activities",
    "actividades de inversion": "investing activities",
    "actividades de financiamiento": "financing activities",
    "gastos de capital": "capital expenditures purchases of property plant and equipment",
    "inversiones de capital": "capital expenditures",
    "dividendos": "dividends",
    "recompra de acciones": "share repurchase",
    "inventarios": "inventories",
    "cuentas por cobrar": "accounts receivable",
    "cuentas por pagar": "accounts payable",
    "depreciacion": "depreciation",
    "amortizacion": "amortization",
    "empleados": "employees",
    "auditor": "auditor independent registered public accounting firm",
    "auditoria": "audit",
    "segmentos": "segments",
    "segmento": "segment",
    "sede": "headquarters",
    "oficinas centrales": "headquarters principal executive offices",
    "adquisicion": "acquisition",
    "adquirir": "acquire",
    "fusion": "merger",
    "contrato": "agreement contract",
    "arrendamiento": "lease",
    "arrendamientos": "leases",
    "obligaciones contractuales": "contractual obligations",
    "riesgos": "risk factors",
    "balance general": "balance sheet",
    "estado de resultados": "statement of operations income",
    "estado de flujos de efectivo": "statement of cash flows",
}
_PHRASES = sorted(SPANISH_TO_ENGLISH, key=len, reverse=True)


def english_terms(question: str) -> str:
    """The English wording of the Spanish terms in `question`, or '' when none is there."""
    remaining = f" {' '.join(re.findall(r'[a-z0-9]+', fold_accents(question)))} "
    found: list[str] = []
    for phrase in _PHRASES:
        if f" {phrase} " in remaining:
            found.append(SPANISH_TO_ENGLISH[phrase])
            remaining = remaining.replace(f" {phrase} ", " | ")
    return " ".join(found)
