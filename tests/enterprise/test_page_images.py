"""A cited page as an image: rendered from the stored original, the cited words highlighted,
cached until the original is deleted, and scoped like every read of a document."""

from __future__ import annotations

import io
from typing import Any

import pymupdf
import pytest

from enterprise.documents.storage import original_store
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import bearer, enterprise_token, make_enterprise

APPLE_INCOME_STATEMENT_PAGE = 32


def _yellow_pixels(png: bytes) -> int:
    """Pixels of the highlight colour: strong red and green, little blue."""
    pixmap = pymupdf.Pixmap(png)
    samples, n = pixmap.samples, pixmap.n
    return sum(
        1 for i in range(0, len(samples), n) if samples[i] > 230 and samples[i + 1] > 190 and samples[i + 2] < 90
    )


def _page(api: EnterpriseApi, token: str, document_id: str, page: int, **params: Any) -> Any:
    return api.client.get(api.url(f"/documents/{document_id}/pages/{page}"), params=params, headers=bearer(token))


def _memo_pdf() -> bytes:
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_text((72, 100), "Board memo: the dividend rises to 0.42 per share.", fontsize=12)
    page.insert_text((72, 130), "Capital spending stays at 1,250 thousand euros.", fontsize=12)
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def test_a_cited_page_comes_back_as_a_png_with_the_figure_highlighted(apple_10k: Any) -> None:
    api, token, document, _ = apple_10k
    plain = _page(api, token, document["id"], APPLE_INCOME_STATEMENT_PAGE)
    marked = _page(api, token, document["id"], APPLE_INCOME_STATEMENT_PAGE, highlight=["260,174", "Total net sales"])
    assert plain.status_code == marked.status_code == 200
    assert marked.headers["content-type"] == "image/png"
    assert marked.content.startswith(b"\x89PNG")
    pixmap = pymupdf.Pixmap(marked.content)
    assert (pixmap.width, pixmap.height) == (918, 1188)  # a US Letter page at 1.5×
    assert _yellow_pixels(plain.content) == 0
    assert _yellow_pixels(marked.content) > 500


def test_a_sentence_that_is_not_printed_whole_is_highlighted_by_its_pieces(apple_10k: Any) -> None:
    api, token, document, _ = apple_10k
    # A passage as the index holds it: cells of a table row joined, not a string the page prints.
    passage = "Total net sales 260,174 265,595 229,234 Total cost of sales 161,782 163,756 141,048"
    marked = _page(api, token, document["id"], APPLE_INCOME_STATEMENT_PAGE, highlight=passage)
    assert _yellow_pixels(marked.content) > 500


def test_a_page_image_is_cached_revalidated_and_removed_with_its_original(enterprise_api: EnterpriseApi) -> None:
    api = enterprise_api
    account = make_enterprise(api.settings, "pages")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    uploaded = api.client.post(
        api.url("/documents"), files={"file": ("board-memo.pdf", _memo_pdf())}, headers=bearer(token)
    )
    document = wait_for_document(api, token, uploaded.json()["id"])
    assert document["status"] == "ready"
    first = _page(api, token, document["id"], 1, highlight="0.42 per share")
    assert first.status_code == 200
    assert _yellow_pixels(first.content) > 50
    etag = first.headers["etag"]
    again = api.client.get(
        api.url(f"/documents/{document['id']}/pages/1"),
        params={"highlight": "0.42 per share"},
        headers={**bearer(token), "If-None-Match": etag},
    )
    assert again.status_code == 304
    store = original_store(api.settings)
    cached = store.derived_dir(account.enterprise_id, document["sha256"]) / "pages"
    assert [p.name for p in cached.iterdir()] == [etag.strip('"') + ".png"]
    beyond = _page(api, token, document["id"], 2)
    assert beyond.status_code == 404
    assert "beyond the last page of board-memo.pdf (1 pages)" in beyond.json()["detail"]
    assert api.client.delete(api.url(f"/documents/{document['id']}"), headers=bearer(token)).status_code == 204
    assert not cached.parent.exists()
    assert _page(api, token, document["id"], 1).status_code == 404


def test_another_enterprise_gets_404_for_a_page_image(apple_10k: Any) -> None:
    api, _, document, _ = apple_10k
    outsider = make_enterprise(api.settings, "page-thief")
    token = enterprise_token(api.client, api.prefix, outsider.admin_email)
    response = _page(api, token, document["id"], APPLE_INCOME_STATEMENT_PAGE)
    assert response.status_code == 404
    assert "PNG" not in response.text


def test_a_document_without_pages_says_so(enterprise_api: EnterpriseApi) -> None:
    api = enterprise_api
    account = make_enterprise(api.settings, "pages-txt")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    uploaded = api.client.post(
        api.url("/documents"), files={"file": ("notes.txt", b"Plain notes, no pages.")}, headers=bearer(token)
    )
    response = _page(api, token, uploaded.json()["id"], 1)
    assert response.status_code == 404
    assert response.json()["detail"] == "notes.txt has no page images: only PDF pages are rendered as images"


@pytest.mark.parametrize(
    ("page", "params", "status"),
    [
        (0, {}, 422),
        (-3, {}, 422),
        (1, {"highlight": ["a", "b", "c", "d", "e", "f"]}, 422),
        (1, {"highlight": "x" * 301}, 422),
    ],
)
def test_bad_page_requests_are_refused_with_a_reason(
    apple_10k: Any, page: int, params: dict[str, Any], status: int
) -> None:
    api, token, document, _ = apple_10k
    response = _page(api, token, document["id"], page, **params)
    assert response.status_code == status
    assert response.json()["detail"]
