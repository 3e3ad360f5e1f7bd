"""The documents a question may draw on, kept by each process between questions: reused while
unchanged, read again where they changed, never another enterprise's."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from enterprise.documents.catalogue import SearchableCatalogue
from enterprise.documents.repository import DocumentFilters
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from tests.enterprise.conftest import EnterpriseApi, upload_ready
from tests.factories import bearer, enterprise_token, make_enterprise

pytestmark = pytest.mark.usefixtures("job_worker")


def test_kept_while_unchanged_read_again_where_changed(enterprise_api: EnterpriseApi) -> None:
    api = enterprise_api
    ours = make_enterprise(api.settings, "catalogue")
    theirs = make_enterprise(api.settings, "catalogue-other")
    token = enterprise_token(api.client, api.prefix, ours.admin_email)
    other_token = enterprise_token(api.client, api.prefix, theirs.admin_email)
    memos = [
        upload_ready(api, token, f"memo-{n}.txt", f"Memo {n}: the Porto warehouse ships {n}00 pallets.")
        for n in (1, 2, 3)
    ]
    foreign = upload_ready(api, other_token, "their-memo.txt", "Their memo: the Vigo warehouse ships 900 pallets.")
    runtime = EnterpriseRuntime.from_settings(api.settings)
    catalogue = SearchableCatalogue()
    everything = DocumentFilters()

    def listed(enterprise_id: uuid.UUID, **filters: Any) -> list[Any]:
        with session_scope(runtime.session_factory) as session:
            documents = catalogue.searchable(
                session, enterprise_id, filters.pop("filters", everything), **filters
            ).documents
        return documents

    first = listed(ours.enterprise_id, document_ids=None)
    assert [d.filename for d in first] == ["memo-1.txt", "memo-2.txt", "memo-3.txt"]
    # Read after their session ended, and the same rows the next time: nothing was loaded again.
    assert [d.company for d in first] == [None, None, None]
    again = listed(ours.enterprise_id, document_ids=None)
    assert all(a is b for a, b in zip(first, again, strict=True))

    edited = api.client.patch(
        api.url(f"/documents/{memos[0]['id']}"), json={"company": "Porto Logistics"}, headers=bearer(token)
    )
    assert edited.status_code == 200, edited.text
    assert api.client.delete(api.url(f"/documents/{memos[2]['id']}"), headers=bearer(token)).status_code == 204
    after = listed(ours.enterprise_id, document_ids=None)
    assert [(d.filename, d.company) for d in after] == [("memo-1.txt", "Porto Logistics"), ("memo-2.txt", None)]
    assert after[1] is first[1]  # unchanged, so not read again
    only_porto = listed(ours.enterprise_id, document_ids=None, filters=DocumentFilters(company="porto"))
    assert [d.filename for d in only_porto] == ["memo-1.txt"]

    # Another enterprise's ids name nothing here, and its own list holds only its document.
    assert listed(ours.enterprise_id, document_ids=[uuid.UUID(foreign["id"])]) == []
    assert [d.filename for d in listed(theirs.enterprise_id, document_ids=None)] == ["their-memo.txt"]
    runtime.engine.dispose()
