"""Business terms in Spanish and English, for questions asked in one language of documents
written in the other.

Our users ask in Spanish as often as in English, while their documents are in either. A
question is searched with its own words plus the other language's wording of the terms it
holds, so "¿Cuáles fueron los pasivos totales?" finds the row "Total liabilities" and "What is
the hotel limit abroad?" finds "límite de hotel … en el extranjero". Longer phrases are matched
first; each phrase of the question is translated once. `bench/eval_business.py` measures it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from enterprise.text import fold_accents

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
# Everyday business wording, Spanish first (with its accents, as documents print it), the English
# alternatives split by "|": policies, contracts, reports, people, sales.
BUSINESS_TERMS: list[tuple[str, str]] = [
    ("límite", "limit|cap"),
    ("límites", "limits"),
    ("hotel", "hotel"),
    ("alojamiento", "accommodation|lodging"),
    ("noche", "night"),
    ("por noche", "per night"),
    ("ciudades nacionales", "domestic cities"),
    ("nacional", "domestic|national"),
    ("nacionales", "domestic|national"),
    ("ciudad", "city"),
    ("ciudades", "cities"),
    ("en el extranjero", "abroad|overseas|international"),
    ("extranjero", "abroad|foreign"),
    ("internacional", "international"),
    ("dietas", "per diem|daily allowance|meal allowance|allowance"),
    ("dieta", "per diem|allowance"),
    ("diarias", "daily"),
    ("diario", "daily"),
    ("viaje", "trip|travel"),
    ("viajes", "travel|trips"),
    ("vuelos", "flights"),
    ("vuelo", "flight"),
    ("reservar", "book|booking"),
    ("reservan", "booked"),
    ("antelación", "in advance|advance"),
    ("clase turista", "economy class"),
    ("vehículo propio", "own car|private vehicle|own vehicle"),
    ("kilómetro", "kilometre|kilometer|km"),
    ("kilometraje", "mileage"),
    ("reembolso", "reimbursement|refund"),
    ("reembolsa", "reimbursed|reimburses"),
    ("gastos", "expenses|costs"),
    ("gasto", "expense|cost"),
    ("liquidación de gastos", "expense report|expense claim"),
    ("facturas", "invoices|receipts"),
    ("factura", "invoice"),
    ("regreso", "return|returning"),
    ("presentan", "submitted|submit"),
    ("presentar", "submit|file"),
    ("plazo", "term|deadline|period"),
    ("plazo máximo", "maximum period|deadline"),
    ("plazo de pago", "payment term|payment terms"),
    ("pago", "payment"),
    ("pagará", "will pay|pays"),
    ("pagar", "pay"),
    ("transferencia bancaria", "bank transfer|wire transfer"),
    ("contrato", "contract|agreement"),
    ("contrato de suministro", "supply contract|supply agreement"),
    ("suministro", "supply"),
    ("proveedor", "supplier|provider|vendor"),
    ("comprador", "buyer|purchaser"),
    ("cliente", "customer|client"),
    ("clientes", "customers|clients"),
    ("clientes activos", "active customers|active clients"),
    ("vigencia", "term|duration|validity|length"),
    ("duración", "duration|length"),
    ("prorrogable", "renewable"),
    ("prórroga", "renewal|extension"),
    ("renovación", "renewal"),
    ("resolver el contrato", "terminate the contract|terminate the agreement"),
    ("terminación", "termination"),
    ("rescisión", "termination"),
    ("preaviso", "notice|notice period"),
    ("penalización", "penalty"),
    ("penalizaciones", "penalties"),
    ("multa", "fine"),
    ("retraso", "delay|late|lateness"),
    ("entregas", "deliveries"),
    ("entrega", "delivery"),
    ("pedido", "order"),
    ("pedidos", "orders"),
    ("cartera de pedidos", "order backlog|backlog"),
    ("confidencialidad", "confidentiality"),
    ("jurisdicción", "jurisdiction"),
    ("juzgados", "courts"),
    ("tribunales", "courts|tribunals"),
    ("cláusula", "clause"),
    ("cláusulas", "clauses"),
    ("las partes", "the parties"),
    ("precio", "price"),
    ("precios", "prices"),
    ("precio unitario", "unit price"),
    ("tarifa", "rate|fee"),
    ("descuento", "discount"),
    ("iva", "vat"),
    ("empleados", "employees|staff"),
    ("plantilla", "workforce|headcount|employees"),
    ("personas", "people"),
    ("contratar", "hire"),
    ("contratación", "hiring"),
    ("salario", "salary"),
    ("sueldo", "salary|wage"),
    ("vacaciones", "vacation|holidays"),
    ("tiendas", "stores|shops"),
    ("tienda", "store|shop"),
    ("tiendas nuevas", "new stores|new shops"),
    ("nuevas", "new"),
    ("nuevos", "new"),
    ("abrieron", "opened"),
    ("apertura", "opening"),
    ("aperturas", "openings"),
    ("inversión", "investment"),
    ("invertir", "invest"),
    ("trimestre", "quarter"),
    ("segundo trimestre", "second quarter"),
    ("primer trimestre", "first quarter"),
    ("tercer trimestre", "third quarter"),
    ("cuarto trimestre", "fourth quarter"),
    ("semestre", "half|semester"),
    ("primer semestre", "first half"),
    ("segundo semestre", "second half"),
    ("mes", "month"),
    ("meses", "months"),
    ("días", "days"),
    ("día", "day"),
    ("semana", "week"),
    ("semanas", "weeks"),
    ("años", "years"),
    ("crecimiento", "growth"),
    ("crecieron", "grew"),
    ("aumento", "increase"),
    ("disminución", "decrease"),
    ("margen ebitda", "ebitda margin"),
    ("perspectivas", "outlook"),
    ("previsión", "forecast|guidance"),
    ("objetivo", "target|goal"),
    ("presupuesto", "budget"),
    ("región", "region"),
    ("regiones", "regions"),
    ("tasa de retención", "retention rate"),
    ("retención", "retention"),
    ("ticket medio", "average ticket|average order value|average sale"),
    ("satisfacción", "satisfaction"),
    ("política", "policy"),
    ("empresa", "company"),
    ("informe", "report"),
    ("informe trimestral", "quarterly report"),
    ("informe anual", "annual report"),
    ("resumen", "summary"),
    ("hechos destacados", "highlights"),
    ("riesgo", "risk"),
    ("seguro", "insurance"),
    ("garantía", "warranty|guarantee"),
    ("responsabilidad", "liability"),
    ("indemnización", "indemnification|compensation"),
    ("propiedad intelectual", "intellectual property"),
    ("firmado", "signed"),
    ("firma", "signature"),
    ("dirección", "management"),
    ("enero", "january"),
    ("febrero", "february"),
    ("marzo", "march"),
    ("abril", "april"),
    ("mayo", "may"),
    ("junio", "june"),
    ("julio", "july"),
    ("agosto", "august"),
    ("septiembre", "september"),
    ("octubre", "october"),
    ("noviembre", "november"),
    ("diciembre", "december"),
    ("al cierre", "at the end|at year end"),
    ("a finales de", "at the end of"),
    ("consejo de administración", "board of directors"),
    ("accionistas", "shareholders|stockholders"),
]


@dataclass(frozen=True)
class Translation:
    source: str  # the phrase as the question words it (folded)
    target: str  # its wordings in the other language, split by "|"

    @property
    def wordings(self) -> list[str]:
        return self.target.split("|")

    @property
    def text(self) -> str:
        """Every wording, for a search."""
        return " ".join(self.wordings)


def _index(pairs: list[tuple[str, str]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for source, target in pairs:
        found.setdefault(source, target)
    return found


_TO_ENGLISH = _index([*SPANISH_TO_ENGLISH.items(), *((fold_accents(es), en) for es, en in BUSINESS_TERMS)])
_TO_SPANISH = _index(
    [(alternative, es) for es, en in BUSINESS_TERMS for alternative in en.split("|")]
    + [(en, es) for es, en in SPANISH_TO_ENGLISH.items() if " " not in en or len(en.split()) <= 3]
)
_DICTIONARIES = {"en": _TO_ENGLISH, "es": _TO_SPANISH}
_ORDER = {language: sorted(terms, key=len, reverse=True) for language, terms in _DICTIONARIES.items()}


def translations(question: str, into: str) -> list[Translation]:
    """The phrases of `question` that the glossary knows, each with its wording in `into` ("en" or
    "es"); the longest phrase first wins its words."""
    dictionary = _DICTIONARIES[into]
    remaining = f" {' '.join(re.findall(r'[a-z0-9]+', fold_accents(question)))} "
    found: list[Translation] = []
    for phrase in _ORDER[into]:
        if f" {phrase} " in remaining:
            found.append(Translation(phrase, dictionary[phrase]))
            remaining = remaining.replace(f" {phrase} ", " | ")
    # A phrase's words alone too: "payment term" is "plazo de pago", and a contract may say
    # "pagará … en un plazo de 60 días".
    for translation in list(found):
        for word in translation.source.split():
            if word != translation.source and word in dictionary:
                found.append(Translation(word, dictionary[word]))
    return found


_FINANCE_ORDER = sorted(SPANISH_TO_ENGLISH, key=len, reverse=True)


def english_terms(question: str) -> str:
    """The English wording of the Spanish financial terms in `question` ("pasivos totales" → "total
    liabilities"), or '' when none is there: what the statements' line items and the facts read."""
    remaining = f" {' '.join(re.findall(r'[a-z0-9]+', fold_accents(question)))} "
    found: list[str] = []
    for phrase in _FINANCE_ORDER:
        if f" {phrase} " in remaining:
            found.append(SPANISH_TO_ENGLISH[phrase])
            remaining = remaining.replace(f" {phrase} ", " | ")
    return " ".join(found)
