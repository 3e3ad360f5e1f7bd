"""Writes the small marketing files under tests/data (run once; the outputs are committed)."""

from pathlib import Path

import docx
import pymupdf

HERE = Path(__file__).parent


def brochure() -> None:
    pdf = pymupdf.open()
    pages = [
        "Rize Cleaning Services\n\nWe clean homes and offices across Austin, Texas since 2012.\n"
        "Our teams use eco-friendly products that are safe for children and pets.",
        "Prices\n\nA standard home cleaning costs 120 dollars for up to three bedrooms.\n"
        "Deep cleaning costs 240 dollars and includes inside the oven and the fridge.\n"
        "Office cleaning is quoted per square foot after a free visit.",
    ]
    for text in pages:
        page = pdf.new_page()
        page.insert_textbox(pymupdf.Rect(50, 50, 550, 800), text, fontsize=12)
    pdf.save(HERE / "rize_cleaning_services.pdf")


def faq() -> None:
    document = docx.Document()
    document.add_heading("Frequently asked questions", level=1)
    document.add_heading("Do you bring your own supplies?", level=2)
    document.add_paragraph("Yes. Every team brings its own vacuum cleaners, mops and eco-friendly products.")
    document.add_heading("¿Hablan español?", level=2)
    document.add_paragraph("Sí. Todos nuestros supervisores hablan español e inglés con los clientes.")
    document.add_heading("Can I cancel a booking?", level=2)
    document.add_paragraph("Bookings can be cancelled free of charge up to 24 hours before the visit.")
    document.save(HERE / "rize_cleaning_faq.docx")


def hours() -> None:
    (HERE / "rize_cleaning_hours.txt").write_text(
        "Opening hours: Monday to Saturday from 7 am to 7 pm. We are closed on Sundays and public holidays.\n"
        "Call us at 512-555-0199 to book a visit.\n",
        encoding="utf-8",
    )


def png_named_pdf() -> None:
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 8, 8), False)
    (HERE / "png_named.pdf").write_bytes(pixmap.tobytes("png"))


if __name__ == "__main__":
    brochure()
    faq()
    hours()
    png_named_pdf()
