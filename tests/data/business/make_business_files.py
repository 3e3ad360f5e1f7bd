"""Writes a small Spanish company's everyday documents (run once; the outputs are committed).

Comercial Iberia S.L. keeps its sales by month and region in a semicolon CSV written the
Spanish way, its financial statements in an xlsx labelled in Spanish (thousands of euros),
a supply contract in docx, a quarterly report in PDF, a travel policy in txt and its
commercial KPIs in JSON. `questions.jsonl` beside them holds what users ask of them.
"""

from __future__ import annotations

import json
from pathlib import Path

import docx
import openpyxl
import pymupdf

HERE = Path(__file__).parent

MONTHS = ["Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio"]
REGIONS = ["Norte", "Centro", "Sur"]
# Sales in euros by region and month; costs are a fixed share of them plus a fixed amount.
SALES = {
    "Norte": [850_250, 812_400, 905_730, 921_100, 968_420, 1_012_660],
    "Centro": [1_204_300, 1_150_820, 1_230_560, 1_198_450, 1_275_900, 1_310_250],
    "Sur": [640_120, 655_480, 701_300, 688_940, 730_150, 802_310],
}
UNITS = {
    "Norte": [1_204, 1_150, 1_280, 1_301, 1_366, 1_429],
    "Centro": [1_702, 1_627, 1_740, 1_694, 1_803, 1_851],
    "Sur": [905, 927, 991, 974, 1_032, 1_134],
}


def spanish(number: float, decimals: int = 0) -> str:
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def costs(region: str, month: int) -> int:
    return round(SALES[region][month] * 0.72 + 1_500)


def sales_csv() -> None:
    lines = [
        "Comercial Iberia S.L. - Ventas por mes y región, primer semestre 2024 (importes en euros)",
        "",
        "Mes;Trimestre;Región;Ventas (€);Costes (€);Unidades;Margen bruto %",
    ]
    for month, name in enumerate(MONTHS):
        quarter = "1T 2024" if month < 3 else "2T 2024"
        for region in REGIONS:
            sales, cost = SALES[region][month], costs(region, month)
            margin = (sales - cost) / sales * 100
            lines.append(
                f"{name};{quarter};{region};{spanish(sales)};{spanish(cost)};{spanish(UNITS[region][month])};"
                f"{spanish(margin, 1)} %"
            )
    (HERE / "ventas_2024.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


BALANCE = [
    ("Activo corriente", None, None),
    ("Efectivo y equivalentes de efectivo", 1_850, 1_420),
    ("Cuentas por cobrar", 2_340, 2_105),
    ("Inventarios", 1_980, 1_760),
    ("Total activo corriente", 6_170, 5_285),
    ("Activo no corriente", None, None),
    ("Propiedades, planta y equipo", 4_420, 4_150),
    ("Activos intangibles", 610, 655),
    ("Total activo no corriente", 5_030, 4_805),
    ("Total activo", 11_200, 10_090),
    ("Pasivo corriente", None, None),
    ("Proveedores", 1_730, 1_590),
    ("Deuda financiera a corto plazo", 620, 700),
    ("Otros pasivos corrientes", 450, 410),
    ("Total pasivo corriente", 2_800, 2_700),
    ("Pasivo no corriente", None, None),
    ("Deuda a largo plazo", 2_900, 3_100),
    ("Total pasivo no corriente", 2_900, 3_100),
    ("Total pasivo", 5_700, 5_800),
    ("Patrimonio neto", None, None),
    ("Capital social", 2_000, 2_000),
    ("Resultados acumulados", 3_500, 2_290),
    ("Total patrimonio neto", 5_500, 4_290),
    ("Total pasivo y patrimonio neto", 11_200, 10_090),
]
INCOME = [
    ("Ingresos por ventas", 16_420, 14_850),
    ("Costo de ventas", -11_330, -10_395),
    ("Utilidad bruta", 5_090, 4_455),
    ("Gastos de administración y ventas", -2_860, -2_640),
    ("Depreciación y amortización", -540, -505),
    ("Utilidad operativa", 1_690, 1_310),
    ("Gastos financieros", -210, -236),
    ("Utilidad antes de impuestos", 1_480, 1_074),
    ("Impuesto sobre la renta", -370, -268),
    ("Utilidad neta", 1_110, 806),
]
CASH_FLOW = [
    ("Actividades de operación", None, None),
    ("Utilidad neta", 1_110, 806),
    ("Depreciación y amortización", 540, 505),
    ("Variación del capital de trabajo", -175, -212),
    ("Flujo de efectivo de actividades de operación", 1_475, 1_099),
    ("Actividades de inversión", None, None),
    ("Adquisición de propiedades, planta y equipo", -765, -610),
    ("Flujo de efectivo de actividades de inversión", -765, -610),
    ("Actividades de financiamiento", None, None),
    ("Pago de deuda", -280, -240),
    ("Dividendos pagados", 0, -150),
    ("Flujo de efectivo de actividades de financiamiento", -280, -390),
    ("Aumento neto de efectivo", 430, 99),
]


def statements_xlsx() -> None:
    workbook = openpyxl.Workbook()
    sheets = [
        ("Balance general", "Balance general al 31 de diciembre", ["31/12/2024", "31/12/2023"], BALANCE),
        ("Estado de resultados", "Estado de resultados del ejercicio", ["2024", "2023"], INCOME),
        ("Flujos de efectivo", "Estado de flujos de efectivo", ["2024", "2023"], CASH_FLOW),
    ]
    first = True
    for name, title, columns, rows in sheets:
        sheet = workbook.active if first else workbook.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = name
        sheet.append(["Comercial Iberia S.L."])
        sheet.append([title])
        sheet.append(["(en miles de euros)"])
        sheet.append([])
        sheet.append(["Concepto", *columns])
        for label, current, previous in rows:
            sheet.append([label, current, previous])
    workbook.save(HERE / "estados_financieros_2024.xlsx")


CLAUSES = [
    ("1. Objeto", "El Proveedor suministrará al Comprador aceite de oliva y conservas según los pedidos mensuales."),
    (
        "2. Vigencia",
        "El presente contrato tendrá una vigencia de 24 meses a partir del 1 de marzo de 2024, prorrogable por "
        "periodos de 12 meses si ninguna de las partes lo denuncia.",
    ),
    ("3. Precios", "Los precios unitarios, sin IVA, son los de la tabla siguiente y se revisarán cada año con el IPC."),
    (
        "4. Forma de pago",
        "El Comprador pagará cada factura en un plazo de 60 días desde su recepción, mediante transferencia bancaria.",
    ),
    (
        "5. Entregas y penalizaciones",
        "Las entregas se harán en un plazo máximo de 5 días hábiles desde el pedido. Por cada semana de retraso "
        "el Proveedor abonará una penalización del 2 % del valor del pedido afectado, hasta un máximo del 10 %.",
    ),
    (
        "6. Terminación",
        "Cualquiera de las partes podrá resolver el contrato con un preaviso de 90 días comunicado por escrito.",
    ),
    (
        "7. Confidencialidad",
        "Las partes mantendrán la confidencialidad de la información comercial durante la vigencia del contrato "
        "y los 3 años siguientes a su terminación.",
    ),
    ("8. Jurisdicción", "Las partes se someten a los juzgados y tribunales de Valencia."),
]
PRICES = [
    ("Aceite de oliva virgen extra 5 L", "Garrafa", "32,50"),
    ("Aceite de oliva virgen extra 1 L", "Botella", "7,20"),
    ("Atún en aceite de oliva 250 g", "Lata", "3,15"),
    ("Pimientos del piquillo 390 g", "Frasco", "2,85"),
]


def contract_docx() -> None:
    document = docx.Document()
    document.add_heading("Contrato de suministro", level=1)
    document.add_paragraph(
        "Entre Aceites del Turia S.A. (el Proveedor) y Comercial Iberia S.L. (el Comprador), firmado en Valencia "
        "el 15 de febrero de 2024."
    )
    for heading, text in CLAUSES:
        document.add_heading(heading, level=2)
        document.add_paragraph(text)
        if heading.startswith("3."):
            table = document.add_table(rows=1, cols=3)
            for cell, text_ in zip(table.rows[0].cells, ["Producto", "Formato", "Precio unitario (€)"], strict=True):
                cell.text = text_
            for row in PRICES:
                cells = table.add_row().cells
                for cell, text_ in zip(cells, row, strict=True):
                    cell.text = text_
    document.save(HERE / "contrato_suministro.docx")


REPORT_PAGES = [
    "Comercial Iberia S.L.\nInforme trimestral - segundo trimestre de 2024\n\n"
    "Resumen del trimestre\n\n"
    "En el segundo trimestre de 2024 las ventas alcanzaron 8,9 millones de euros, un 12,4 % más que en el "
    "mismo trimestre de 2023. El EBITDA del trimestre fue de 1,1 millones de euros y el margen EBITDA se situó "
    "en el 12,8 %.\n\n"
    "La región Centro aportó el 42 % de las ventas del trimestre. La plantilla era de 148 empleados al 30 de "
    "junio de 2024, frente a 131 un año antes.",
    "Hechos destacados\n\n"
    "Durante el trimestre se abrieron 3 tiendas nuevas, en Bilbao, Zaragoza y Murcia, con una inversión total "
    "de 420.000 euros. La cartera de pedidos pendientes al cierre del trimestre ascendía a 2,3 millones de "
    "euros.\n\n"
    "Perspectivas\n\n"
    "La dirección espera cerrar 2024 con unas ventas de 34 millones de euros y prevé contratar 20 personas "
    "más en el segundo semestre.",
]


def quarterly_pdf() -> None:
    pdf = pymupdf.open()
    for text in REPORT_PAGES:
        page = pdf.new_page()
        page.insert_textbox(pymupdf.Rect(50, 50, 550, 800), text, fontsize=11)
    pdf.save(HERE / "informe_trimestral_2T2024.pdf")


POLICY = """Comercial Iberia S.L.
Política de viajes y gastos de representación (vigente desde el 1 de enero de 2024)

1. Alojamiento
El límite de hotel es de 150 euros por noche en ciudades nacionales y 220 euros por noche en el extranjero.

2. Dietas
Las dietas diarias son de 45 euros en España y de 70 euros en el extranjero.

3. Transporte
Los vuelos se reservan con al menos 15 días de antelación y en clase turista. El uso de vehículo propio se
reembolsa a 0,26 euros por kilómetro.

4. Liquidación de gastos
Los gastos se presentan en un plazo máximo de 30 días desde el regreso del viaje, con sus facturas.
"""


def travel_policy_txt() -> None:
    (HERE / "politica_viajes.txt").write_text(POLICY, encoding="utf-8")


KPIS = {
    "empresa": "Comercial Iberia S.L.",
    "periodo": "2024",
    "kpis_comerciales": {
        "clientes_activos": 1240,
        "tasa_retencion_clientes_pct": 87.5,
        "ticket_medio_eur": 356.4,
        "nps": 42,
        "por_region": {
            "Norte": {"clientes_activos": 410, "nps": 47},
            "Centro": {"clientes_activos": 520, "nps": 39},
            "Sur": {"clientes_activos": 310, "nps": 40},
        },
    },
}


def kpis_json() -> None:
    (HERE / "kpis_comerciales.json").write_text(json.dumps(KPIS, ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    sales_csv()
    statements_xlsx()
    contract_docx()
    quarterly_pdf()
    travel_policy_txt()
    kpis_json()
