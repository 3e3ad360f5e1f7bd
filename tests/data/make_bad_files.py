"""Writes the malformed and edge-case files of tests/data (run once; the outputs are committed)."""

import io
import json
import zipfile
from pathlib import Path

import docx
import openpyxl
import pymupdf

HERE = Path(__file__).parent


def corrupt_pdf() -> None:
    (HERE / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 2 0 R>>\n" + bytes(range(256)) * 8)


def encrypted_pdf() -> None:
    document = pymupdf.open()
    page = document.new_page()
    page.insert_text((72, 72), "Confidential balance sheet")
    document.save(
        HERE / "encrypted.pdf",
        encryption=pymupdf.PDF_ENCRYPT_AES_256,
        owner_pw="owner-secret",
        user_pw="user-secret",
    )


def truncated_docx() -> None:
    document = docx.Document()
    for index in range(200):
        document.add_paragraph(f"Clause {index}: the supplier delivers the goods within thirty days.")
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    (HERE / "truncated.docx").write_bytes(data[: len(data) // 2])


def zip_bomb_xlsx() -> None:
    """A small file whose one member expands to 600 MB of zeros."""
    with zipfile.ZipFile(HERE / "zip_bomb.xlsx", "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"0" * (1 << 20)
            for _ in range(600):
                member.write(block)


def latin1_csv() -> None:
    rows = ["Región;Ventas 2019;Ventas 2020", "México;1.250;1.410", "Perú;830;905", "España;2.100;1.980"]
    (HERE / "ventas_latin1.csv").write_bytes("\n".join(rows).encode("latin-1"))


def deep_json() -> None:
    (HERE / "deep.json").write_text("[" * 10_000 + "]" * 10_000)


def nested_json() -> None:
    data = {
        "company": "Startup X",
        "fiscal_year": 2024,
        "kpis": {"arr_usd": 1_250_000, "customers": [{"name": "Acme", "seats": 40}]},
    }
    (HERE / "kpis.json").write_text(json.dumps(data, indent=2))


def contract_docx() -> None:
    document = docx.Document()
    document.add_heading("Supply agreement", level=1)
    document.add_paragraph("This agreement is made between Coca-Cola Bottling and Envases del Norte (the parties).")
    document.add_heading("Payment terms", level=2)
    document.add_paragraph("Invoices are paid within 45 days of delivery.")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [
            ["Product", "Unit price", "Minimum volume"],
            ["PET bottle 500 ml", "0.08", "2,000,000"],
            ["Aluminium can", "0.11", "1,500,000"],
        ]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.save(HERE / "supply_agreement.docx")


def budget_xlsx() -> None:
    """Two sheets, one with a formula whose cached value is written as Excel would."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Budget"
    sheet.append(["Line", "Q1", "Q2"])
    sheet.append(["Marketing", 100, 120])
    sheet.append(["Total", "=B2*2", "=C2*2"])
    second = workbook.create_sheet("Headcount")
    second.append(["Team", "People"])
    second.append(["Sales", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(buffer)
    with zipfile.ZipFile(HERE / "budget.xlsx", "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<f>B2*2</f><v></v>", b"<f>B2*2</f><v>200</v>").replace(
                    b"<f>C2*2</f><v></v>", b"<f>C2*2</f><v>240</v>"
                )
                data = data.replace(b"<f>B2*2</f>", b"<f>B2*2</f><v>200</v>") if b"<v>200</v>" not in data else data
                data = data.replace(b"<f>C2*2</f>", b"<f>C2*2</f><v>240</v>") if b"<v>240</v>" not in data else data
            target.writestr(item, data)


if __name__ == "__main__":
    corrupt_pdf()
    encrypted_pdf()
    truncated_docx()
    zip_bomb_xlsx()
    latin1_csv()
    deep_json()
    nested_json()
    contract_docx()
    budget_xlsx()
