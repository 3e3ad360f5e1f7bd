"""A filing's facts, kept by each process between questions: the same book while its document is
unchanged, read again once it changed, never another enterprise's, within their bound."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from enterprise.documents.models import Document
from enterprise.finance.books import FactBooks
from enterprise.finance.metrics import FactBook
from enterprise.ingestion.pipeline import reread_statements
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from tests.business_questions import BUSINESS
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import bearer, enterprise_token, make_enterprise

pytestmark = pytest.mark.usefixtures("job_worker")

WORKBOOK = "estados_financieros_2024.xlsx"


def _book(books: FactBooks, session: Session, enterprise_id: uuid.UUID, document_id: str) -> FactBook:
    document = session.get(Document, uuid.UUID(document_id))
    assert document is not None
    return books.books(session, enterprise_id, [document])[document.id]


def test_a_filings_book_is_kept_until_its_document_changes(enterprise_api: EnterpriseApi) -> None:
    api = enterprise_api
    ours = make_enterprise(api.settings, "fact-books")
    theirs = make_enterprise(api.settings, "fact-books-other")
    token = enterprise_token(api.client, api.prefix, ours.admin_email)
    with (BUSINESS / WORKBOOK).open("rb") as handle:
        uploaded = api.client.post(api.url("/documents"), files={"file": (WORKBOOK, handle)}, headers=bearer(token))
    assert uploaded.status_code == 202, uploaded.text
    document = wait_for_document(api, token, uploaded.json()["id"])
    assert document["status"] == "ready", document["error"]
    runtime = EnterpriseRuntime.from_settings(api.settings, owner=True)
    books = FactBooks()

    with session_scope(runtime.session_factory) as session:
        first = _book(books, session, ours.enterprise_id, document["id"])
    # Read after its session ended: the figures of the workbook's balance sheet and income statement.
    assert first.get("total_assets", 2024) is not None
    assert first.get("total_assets", 2024).value == 11_200  # type: ignore[union-attr]
    assert first.get("net_income", 2024).value == 1_110  # type: ignore[union-attr]
    with session_scope(runtime.session_factory) as session:
        assert _book(books, session, ours.enterprise_id, document["id"]) is first  # not read again
        # Another enterprise asking for this document's facts finds none.
        assert _book(books, session, theirs.enterprise_id, document["id"]).facts == []

    # The statements read again (the facts replaced): the document changed, so its book is read again.
    stage = reread_statements(runtime, uuid.UUID(document["id"]))
    assert stage["status"] == "done"
    with session_scope(runtime.session_factory) as session:
        again = _book(books, session, ours.enterprise_id, document["id"])
    assert again is not first
    assert [(f.metric, f.fiscal_year, f.value, f.page) for f in again.facts] == [
        (f.metric, f.fiscal_year, f.value, f.page) for f in first.facts
    ]

    # A book larger than the bound is not kept; none is with 0.
    for bound in (len(first.facts) - 1, 0):
        small = FactBooks(max_facts=bound)
        with session_scope(runtime.session_factory) as session:
            one = _book(small, session, ours.enterprise_id, document["id"])
            assert _book(small, session, ours.enterprise_id, document["id"]) is not one
    runtime.engine.dispose()
