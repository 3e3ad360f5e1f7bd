from __future__ import annotations

import pymupdf
import pytest

from enterprise.documents.models import DocumentType
from enterprise.ingestion.metadata import infer_metadata
from tests.shared_data import CORPUS, corpus

pytestmark = pytest.mark.pure  # no database, no Redis


@corpus[0]
@corpus[1]
@pytest.mark.parametrize(
    ("filing", "company", "year", "period"),
    [
        ("APPLE_2019_10K.pdf", "Apple Inc.", 2019, "September 28, 2019"),
        ("AMAZON_2020_10K.pdf", "Amazon.Com, Inc.", 2020, "December 31, 2020"),
        ("AMD_2020_10K.pdf", "Advanced Micro Devices, Inc.", 2020, "December 26, 2020"),
        ("BESTBUY_2020_10K.pdf", "Best Buy Co., Inc.", 2020, "February 1, 2020"),
        ("AMERICANWATERWORKS_2018_10K.pdf", "American Water Works Company, Inc.", 2018, "December 31, 2018"),
    ],
)
def test_cover_page_of_a_10k(filing: str, company: str, year: int, period: str) -> None:
    with pymupdf.open(CORPUS / filing) as document:
        text = "\n".join(document[i].get_text() for i in range(3))
    inferred = infer_metadata(text, filing)
    assert inferred.company == company
    assert (inferred.fiscal_year, inferred.period) == (year, period)
    assert inferred.doc_type == DocumentType.REPORT


def test_file_name_when_the_content_says_nothing() -> None:
    inferred = infer_metadata("Minutes of the weekly sales meeting.", "startup-x_budget_2024.xlsx")
    assert inferred.fiscal_year == 2024
    assert inferred.company == "Startup-X"


def test_contract_by_its_wording() -> None:
    inferred = infer_metadata("This Agreement is entered into by and between the parties hereinafter", "nda.docx")
    assert inferred.doc_type == DocumentType.CONTRACT
