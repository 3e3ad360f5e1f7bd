"""A real 10-K through the whole pipeline: metadata from the cover, statement tables, full-text
search by line item, dense vectors for every chunk, and progress that ends at 100."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select, text

from enterprise.answers.vectors import collection_for
from enterprise.documents.models import Chunk
from enterprise.runtime import EnterpriseRuntime
from tests.factories import bearer

pytestmark = [pytest.mark.usefixtures("job_worker"), pytest.mark.corpus]  # the Apple 10-K through the real pipeline


def test_cover_page_metadata(apple_10k) -> None:  # type: ignore[no-untyped-def]
    _, _, document, _ = apple_10k
    assert document["status"] == "ready", document["error"]
    assert (document["company"], document["fiscal_year"], document["doc_type"]) == ("Apple Inc.", 2019, "report")
    assert document["period"] == "September 28, 2019"
    assert document["pages"] == 101
    assert document["pages_without_text"] == 0


def test_stages_and_progress(apple_10k) -> None:  # type: ignore[no-untyped-def]
    _, _, document, seen = apple_10k
    assert document["progress"] == 100
    assert {name: stage["status"] for name, stage in document["stages"].items()} == {
        "parse": "done",
        "tables": "done",
        "more_tables": "done",
        "vectors": "done",
        "facts": "done",
    }
    assert document["stages"]["tables"]["pages"] == 5  # the statement pages, before searchable
    assert document["stages"]["vectors"]["chunks"] == document["chunks"]
    assert document["searchable_at"] <= document["ready_at"]
    assert all(0 <= s["progress"] <= 100 for s in seen)


def test_statement_tables_with_pages_and_clean_numbers(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, token, document, _ = apple_10k
    tables = api.client.get(api.url(f"/documents/{document['id']}/tables"), headers=bearer(token)).json()
    assert document["tables"] == len(tables) >= 20
    income = next(t for t in tables if t["page"] == 32)
    assert income["scale"] == "millions"
    assert income["header"][1] == "September 28, 2019"
    assert len(income["bbox"]) == 4
    row = next(i for i, r in enumerate(income["rows"]) if r[0] == "Total net sales")
    assert income["values"][row][1:] == [260174.0, 265595.0, 229234.0]


def test_line_items_are_found_on_their_statement_page(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, token, _, _ = apple_10k
    for query, page in (
        ("Payments for dividends and dividend equivalents", 36),
        ("Total liabilities and shareholders equity", 34),
        ("Total net sales cost of sales gross margin", 32),
    ):
        hits = api.client.get(api.url("/search"), params={"q": query, "limit": 5}, headers=bearer(token)).json()
        assert page in [h["page"] for h in hits], (query, hits[:2])
        hit = next(h for h in hits if h["page"] == page)
        # A statement page says so in its own field; its section is the statement's title.
        assert hit["is_statement"] is True
        assert hit["section"].startswith("CONSOLIDATED STATEMENTS OF") or hit["section"].startswith(
            "CONSOLIDATED BALANCE"
        )


def test_search_by_meaning_finds_a_passage_in_other_words(apple_10k) -> None:  # type: ignore[no-untyped-def]
    """Asked about "lawsuits", the search by words finds the pages that print the word; the search
    by meaning also finds the risk factor that says "legal proceedings" and never "lawsuit"."""
    api, token, document, _ = apple_10k
    asked = {"q": "lawsuits against the company", "limit": 3}
    by_meaning = api.client.get(api.url("/search"), params={**asked, "mode": "meaning"}, headers=bearer(token))
    assert by_meaning.status_code == 200, by_meaning.text
    hits = by_meaning.json()
    risk = next(h for h in hits if h["page"] == 12)
    assert "legal proceedings" in risk["snippet"]
    assert "lawsuit" not in risk["snippet"].lower()
    assert {h["document_id"] for h in hits} == {document["id"]}
    by_words = api.client.get(api.url("/search"), params=asked, headers=bearer(token)).json()
    assert "lawsuit" in by_words[0]["snippet"].lower()
    wrong = api.client.get(api.url("/search"), params={**asked, "mode": "vibes"}, headers=bearer(token))
    assert wrong.status_code == 422
    assert "mode" in wrong.text


def test_statement_chunks_are_still_indexed_under_financial_statement(apple_10k) -> None:  # type: ignore[no-untyped-def]
    """The full-text index reads "Financial statement" before a statement chunk's title, as it did
    when the words were a prefix of its section."""
    api, _, document, _ = apple_10k
    runtime = EnterpriseRuntime.from_settings(api.settings, owner=True)
    if runtime.engine.dialect.name == "postgresql":
        indexed = text("search_vector @@ plainto_tsquery('english', 'financial statement')")
    else:
        indexed = text(
            "enterprise.chunks.id IN (SELECT chunk_id FROM enterprise.chunk_fts "
            "WHERE chunk_fts MATCH 'section:financial AND section:statement')"
        )
    statement_chunks = (
        select(func.count())
        .select_from(Chunk)
        .where(Chunk.document_id == uuid.UUID(document["id"]), Chunk.is_statement)
    )
    with runtime.session_factory() as session:
        statements = session.scalar(statement_chunks)
        matching = session.scalar(statement_chunks.where(indexed))
    runtime.engine.dispose()
    assert statements is not None
    assert statements >= 10
    assert matching == statements


def test_every_chunk_has_a_vector_in_the_enterprises_collection(apple_10k) -> None:  # type: ignore[no-untyped-def]
    api, _, document, _ = apple_10k
    runtime = EnterpriseRuntime.from_settings(api.settings)
    me = api.client.get(api.url("/me"), headers=bearer(apple_10k[1])).json()
    collection = collection_for(runtime.vector_client(), runtime.embedder(), uuid.UUID(me["enterprise"]["id"]))
    stored = collection.get(where={"document_id": document["id"]}, include=["metadatas"])
    assert len(stored["ids"]) == document["chunks"]
    assert {m["enterprise_id"] for m in stored["metadatas"]} == {me["enterprise"]["id"]}
    assert all(1 <= m["page"] <= 101 for m in stored["metadatas"])
    runtime.engine.dispose()
