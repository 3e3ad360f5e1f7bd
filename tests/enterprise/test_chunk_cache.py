"""The passages questions read, kept by each process: the same rows while their document is
unchanged, none of a document read again since, never another enterprise's, within the bound."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from enterprise.documents.chunk_cache import ChunkCache
from enterprise.documents.models import Chunk, Document
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from shared.settings import Settings
from tests.enterprise.conftest import EnterpriseApi, upload_ready, wait_for_document
from tests.factories import bearer, enterprise_token, make_enterprise

pytestmark = pytest.mark.usefixtures("job_worker")

MEMO = "\n\n".join(
    f"Section {n}. The Porto warehouse shipped {n}00 pallets of olive oil to {city} in week {n}; "
    f"returns stayed under {n} percent and the carrier {carrier} was on time."
    for n, city, carrier in [(1, "Lyon", "Atlas"), (2, "Milan", "Boreal"), (3, "Ghent", "Cobalt")]
)


def test_passages_are_kept_until_their_document_changes(enterprise_api: EnterpriseApi) -> None:
    api = enterprise_api
    ours = make_enterprise(api.settings, "chunk-cache")
    theirs = make_enterprise(api.settings, "chunk-cache-other")
    token = enterprise_token(api.client, api.prefix, ours.admin_email)
    other_token = enterprise_token(api.client, api.prefix, theirs.admin_email)
    memo = upload_ready(api, token, "porto-memo.txt", MEMO)
    foreign = upload_ready(api, other_token, "vigo-memo.txt", "Their memo: the Vigo warehouse ships 900 pallets.")
    second = upload_ready(api, token, "lyon-memo.txt", "Lyon memo: the Lyon depot received 300 pallets of olive oil.")
    runtime = EnterpriseRuntime.from_settings(api.settings, owner=True)
    cache = ChunkCache()

    def read(
        enterprise_id: uuid.UUID, document_ids: list[str], ids: list[uuid.UUID] | None = None, held: ChunkCache = cache
    ) -> list[Chunk]:
        with session_scope(runtime.session_factory) as session:
            documents = [session.get(Document, uuid.UUID(i)) for i in document_ids]
            listed = {d.id: d for d in documents if d is not None}
            for document in listed.values():
                session.expunge(document)
            wanted = ids or list(session.scalars(select(Chunk.id).where(Chunk.document_id.in_(list(listed)))))
            return held.chunks(session, enterprise_id, wanted, listed)

    first = read(ours.enterprise_id, [memo["id"]])
    # Read after their session ended, and the same rows the next time: nothing was read again.
    assert first
    assert all("Porto warehouse" in c.text for c in first)
    again = read(ours.enterprise_id, [memo["id"]], [c.id for c in first])
    assert all(a is b for a, b in zip(first, again, strict=True))
    # Another enterprise's passages are not this one's to read, held or not; nor those of a
    # document the question may not draw on.
    assert read(ours.enterprise_id, [foreign["id"]]) == []
    assert read(theirs.enterprise_id, [memo["id"]], [c.id for c in first]) == []
    assert read(ours.enterprise_id, [second["id"]], [c.id for c in first]) == []

    # The document read again: its old passages are gone and none is served from the cache.
    reindexed = api.client.post(api.url(f"/documents/{memo['id']}/reindex"), headers=bearer(token))
    assert reindexed.status_code == 202, reindexed.text
    assert wait_for_document(api, token, memo["id"])["status"] == "ready"
    assert read(ours.enterprise_id, [memo["id"]], [c.id for c in first]) == []
    current = read(ours.enterprise_id, [memo["id"]])
    assert current
    assert {c.id for c in current}.isdisjoint(c.id for c in first)
    assert sorted(c.text for c in current) == sorted(c.text for c in first)

    # Within the bound: with one passage held, of two read together only the later is kept.
    one = ChunkCache(max_chunks=1)
    both = [current[0].id, read(ours.enterprise_id, [second["id"]])[0].id]
    held = read(ours.enterprise_id, [memo["id"], second["id"]], both, one)
    later = read(ours.enterprise_id, [memo["id"], second["id"]], both, one)
    assert sorted(c.id for c in held) == sorted(both)
    assert sorted(c.id for c in later) == sorted(both)
    assert sum(any(c is h for h in held) for c in later) == 1  # one kept, the other read again
    runtime.engine.dispose()


def test_the_bounds_come_from_the_settings() -> None:
    runtime = EnterpriseRuntime.from_settings(Settings(chunk_cache_rows=7, facts_cache_rows=9))
    try:
        assert runtime.chunk_cache.max_chunks == 7
        assert runtime.fact_books.max_facts == 9
    finally:
        runtime.engine.dispose()
