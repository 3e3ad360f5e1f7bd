"""Uploading and ingesting documents of every format, bad input, limits, isolation and roles."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from enterprise.auth.models import Enterprise, Role
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import EnterpriseAccount, add_user, bearer, enterprise_token, make_enterprise

DATA = Path(__file__).parents[1] / "data"
pytestmark = pytest.mark.usefixtures("job_worker")


@pytest.fixture
def account(enterprise_api: EnterpriseApi) -> EnterpriseAccount:
    return make_enterprise(enterprise_api.settings, "docs")


@pytest.fixture
def token(enterprise_api: EnterpriseApi, account: EnterpriseAccount) -> str:
    return enterprise_token(enterprise_api.client, enterprise_api.prefix, account.admin_email)


def upload(api: EnterpriseApi, token: str, name: str, content: bytes | None = None, **fields: str):  # type: ignore[no-untyped-def]
    data = content if content is not None else (DATA / name).read_bytes()
    return api.client.post(api.url("/documents"), files={"file": (name, data)}, data=fields, headers=bearer(token))


def ingest(api: EnterpriseApi, token: str, name: str, **fields: str) -> dict:  # type: ignore[type-arg]
    response = upload(api, token, name, **fields)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "queued"
    return wait_for_document(api, token, response.json()["id"])


def search(api: EnterpriseApi, token: str, q: str, **params: object) -> list[dict]:  # type: ignore[type-arg]
    response = api.client.get(api.url("/search"), params={"q": q, **params}, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_text_file_becomes_searchable_and_its_original_is_kept(enterprise_api: EnterpriseApi, token: str) -> None:
    original = b"Quarterly board memo.\n\nThe Lisbon plant will double bottling capacity by March 2026.\n"
    response = upload(enterprise_api, token, "board_memo.txt", original, tags="board, ops", doc_type="report")
    assert response.status_code == 202
    document = wait_for_document(enterprise_api, token, response.json()["id"])
    assert document["status"] == "ready", document["error"]
    assert document["progress"] == 100
    assert document["searchable"] is True
    assert document["chunks"] >= 1
    assert document["tags"] == ["board", "ops"]
    assert document["doc_type"] == "report"
    assert document["stages"]["vectors"]["status"] == "done"
    # Each stage names the worker process (host:pid) that ran it.
    assert document["stages"]["parse"]["worker"].rsplit(":", 1)[1].isdigit()
    assert document["stages"]["vectors"]["worker"].rsplit(":", 1)[1].isdigit()
    hits = search(enterprise_api, token, "Lisbon bottling capacity")
    assert hits[0]["document_id"] == document["id"]
    assert hits[0]["page"] == 1
    download = enterprise_api.client.get(enterprise_api.url(f"/documents/{document['id']}/file"), headers=bearer(token))
    assert download.status_code == 200
    assert download.content == original
    again = upload(enterprise_api, token, "copy_of_memo.txt", original)
    assert again.status_code == 200
    assert again.json()["id"] == document["id"]
    listing = enterprise_api.client.get(enterprise_api.url("/documents"), headers=bearer(token)).json()
    assert listing["total"] == 1


def test_a_pdf_whose_bullets_read_as_nul_is_ingested(enterprise_api: EnterpriseApi, token: str) -> None:
    """A bullet drawn from a private-use glyph (the Symbol font's) comes out of the PDF as NUL,
    which PostgreSQL refuses in text: the document is read without it, not failed."""
    import pymupdf

    with pymupdf.open() as pdf:
        pdf.new_page().insert_htmlbox(
            pymupdf.Rect(36, 36, 560, 760),
            "<p>Risk factors</p><p>\uf0b7 the duration and severity of the Lisbon drought</p>"
            "<p>\uf0b7 the price of aluminium cans</p>",
        )
        content = pdf.tobytes()
    assert "\x00" in pymupdf.open(stream=content)[0].get_text()  # the file is what the test says
    response = upload(enterprise_api, token, "risks.pdf", content)
    assert response.status_code == 202, response.text
    document = wait_for_document(enterprise_api, token, response.json()["id"])
    assert document["status"] == "ready", document["error"]
    hits = search(enterprise_api, token, "Lisbon drought")
    assert hits[0]["document_id"] == document["id"]
    assert "\x00" not in hits[0]["snippet"]


def test_docx_contract_keeps_headings_and_table(enterprise_api: EnterpriseApi, token: str) -> None:
    document = ingest(enterprise_api, token, "supply_agreement.docx")
    assert document["status"] == "ready", document["error"]
    assert document["doc_type"] == "contract"
    assert document["tables"] == 1
    tables = enterprise_api.client.get(
        enterprise_api.url(f"/documents/{document['id']}/tables"), headers=bearer(token)
    ).json()
    assert tables[0]["header"] == ["Product", "Unit price", "Minimum volume"]
    assert tables[0]["values"][0] == [None, 0.08, 2_000_000]
    hit = search(enterprise_api, token, "aluminium can minimum volume")[0]
    assert hit["kind"] == "table"
    assert "Minimum volume: 1,500,000" in hit["snippet"]
    payment = search(enterprise_api, token, "invoices paid within days")[0]
    assert payment["section"] == "Payment terms"


def test_xlsx_sheets_are_tables_with_cached_formula_values(enterprise_api: EnterpriseApi, token: str) -> None:
    document = ingest(enterprise_api, token, "budget.xlsx")
    assert document["status"] == "ready", document["error"]
    assert document["pages"] == 2
    tables = enterprise_api.client.get(
        enterprise_api.url(f"/documents/{document['id']}/tables"), headers=bearer(token)
    ).json()
    assert [t["sheet"] for t in tables] == ["Budget", "Headcount"]
    assert tables[0]["rows"][-1] == ["Total", "200", "240"]
    assert [t["page"] for t in tables] == [1, 2]


def test_latin1_csv_with_semicolons(enterprise_api: EnterpriseApi, token: str) -> None:
    document = ingest(enterprise_api, token, "ventas_latin1.csv")
    assert document["status"] == "ready", document["error"]
    table = enterprise_api.client.get(
        enterprise_api.url(f"/documents/{document['id']}/tables"), headers=bearer(token)
    ).json()[0]
    assert table["header"] == ["Región", "Ventas 2019", "Ventas 2020"]
    assert table["rows"][0] == ["México", "1.250", "1.410"]
    assert "Región: México" in search(enterprise_api, token, "México ventas")[0]["snippet"]


def test_json_is_flattened_to_key_paths_in_words(enterprise_api: EnterpriseApi, token: str) -> None:
    document = ingest(enterprise_api, token, "kpis.json")
    assert document["status"] == "ready", document["error"]
    # "arr_usd" is searchable as the words it is made of; list items are numbered from 1.
    assert "kpis › arr usd: 1250000" in search(enterprise_api, token, "arr usd")[0]["snippet"]
    assert "kpis › customers › [1] › seats: 40" in search(enterprise_api, token, "customers seats")[0]["snippet"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("corrupt.pdf", "damaged"),
        ("encrypted.pdf", "encrypted"),
        ("truncated.docx", "damaged or truncated"),
        ("zip_bomb.xlsx", "zip bomb"),
        ("deep.json", "nests 10000 levels deep"),
    ],
)
def test_broken_files_fail_with_a_reason_and_nothing_else_breaks(
    enterprise_api: EnterpriseApi, token: str, name: str, reason: str
) -> None:
    healthy = ingest(enterprise_api, token, "rize_cleaning_hours.txt")
    broken = ingest(enterprise_api, token, name)
    assert broken["status"] == "failed"
    assert reason in broken["error"]
    assert broken["chunks"] == 0
    assert (
        enterprise_api.client.get(enterprise_api.url(f"/documents/{healthy['id']}"), headers=bearer(token)).json()[
            "status"
        ]
        == "ready"
    )
    assert search(enterprise_api, token, "opening hours Sundays")[0]["document_id"] == healthy["id"]
    assert enterprise_api.client.get("/health").status_code == 200


def test_empty_file_fails_with_reason(enterprise_api: EnterpriseApi, token: str) -> None:
    response = upload(enterprise_api, token, "empty.txt", b"")
    assert response.status_code == 202
    document = wait_for_document(enterprise_api, token, response.json()["id"])
    assert document["status"] == "failed"
    assert "empty (0 bytes)" in document["error"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("png_named.pdf", None, "not a PDF"),
        ("setup.exe", b"MZ\x90\x00\x03", "'.exe' files are not supported"),
        ("notes.txt", b"%PDF-1.4 binary pretending to be text", "binary, not text"),
        ("archive.docx", b"%PDF-1.4 not a zip", "not a DOCX"),
    ],
)
def test_wrong_types_are_415(
    enterprise_api: EnterpriseApi, token: str, name: str, content: bytes | None, message: str
) -> None:
    response = upload(enterprise_api, token, name, content)
    assert response.status_code == 415
    assert message in response.json()["detail"]
    assert enterprise_api.client.get(enterprise_api.url("/documents"), headers=bearer(token)).json()["total"] == 0


def test_hostile_file_name_is_made_safe(enterprise_api: EnterpriseApi, token: str) -> None:
    response = upload(enterprise_api, token, "../../etc/pass\x07wd\r\n.txt", b"Just a harmless note about revenue.")
    assert response.status_code == 202
    assert response.json()["filename"] == "passwd.txt"


def test_bad_metadata_fields_are_422_naming_the_field(enterprise_api: EnterpriseApi, token: str) -> None:
    for fields, field in (
        ({"fiscal_year": "20x9"}, "body.fiscal_year"),
        ({"doc_type": "memo"}, "body.doc_type"),
        ({"colour": "red"}, "body.colour"),
    ):
        response = upload(enterprise_api, token, "a.txt", b"text", **fields)
        assert response.status_code == 422, fields
        assert response.json()["field"] == field
    missing = enterprise_api.client.post(
        enterprise_api.url("/documents"), data={"company": "x"}, files={"other": ("a.txt", b"x")}, headers=bearer(token)
    )
    assert missing.status_code == 422
    not_multipart = enterprise_api.client.post(
        enterprise_api.url("/documents"), json={"file": "x"}, headers=bearer(token)
    )
    assert not_multipart.status_code == 415


def test_oversized_upload_is_413_as_soon_as_the_limit_is_crossed(enterprise_api: EnterpriseApi, token: str) -> None:
    limit = enterprise_api.settings.max_file_size
    total = limit + 1024 * 1024  # 101 MB with the default limit
    sent = 0
    boundary = "----brain-test-boundary"

    def body() -> Iterator[bytes]:
        nonlocal sent
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="huge.txt"\r\n\r\n'.encode()
        block = b"x" * (1024 * 1024)
        while sent < total:
            sent += len(block)
            yield block
        yield f"\r\n--{boundary}--\r\n".encode()

    response = enterprise_api.client.post(
        enterprise_api.url("/documents"),
        content=body(),
        headers={**bearer(token), "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 413
    assert str(limit) in response.json()["detail"]
    assert sent <= limit + 2 * 1024 * 1024, "the server kept reading after the limit"
    assert enterprise_api.client.get(enterprise_api.url("/documents"), headers=bearer(token)).json()["total"] == 0
    incoming = enterprise_api.settings.data_dir / "incoming"
    assert not list(incoming.glob("*.part"))


def test_declared_oversize_is_refused_before_reading(enterprise_api: EnterpriseApi, token: str) -> None:
    response = enterprise_api.client.post(
        enterprise_api.url("/documents"),
        content=b"--b\r\n",
        headers={**bearer(token), "Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(10**10)},
    )
    assert response.status_code == 413


def test_document_limit_is_409_naming_it(enterprise_api: EnterpriseApi, account: EnterpriseAccount, token: str) -> None:
    runtime = EnterpriseRuntime.from_settings(enterprise_api.settings)
    with session_scope(runtime.session_factory) as session:
        session.execute(update(Enterprise).where(Enterprise.id == account.enterprise_id).values(max_documents=2))
    runtime.engine.dispose()
    assert upload(enterprise_api, token, "one.txt", b"first document").status_code == 202
    assert upload(enterprise_api, token, "two.txt", b"second document").status_code == 202
    third = upload(enterprise_api, token, "three.txt", b"third document")
    assert third.status_code == 409
    assert "limit of 2 documents" in third.json()["detail"]
    assert upload(enterprise_api, token, "one-again.txt", b"first document").status_code == 200


def test_metadata_edits_survive_reindex(enterprise_api: EnterpriseApi, account: EnterpriseAccount, token: str) -> None:
    from enterprise.answers.vectors import collection_for

    document = ingest(enterprise_api, token, "kpis.json")
    patched = enterprise_api.client.patch(
        enterprise_api.url(f"/documents/{document['id']}"),
        json={"company": "Startup X", "fiscal_year": 2024, "tags": ["kpi"]},
        headers=bearer(token),
    )
    assert patched.status_code == 200
    reindex = enterprise_api.client.post(
        enterprise_api.url(f"/documents/{document['id']}/reindex"), headers=bearer(token)
    )
    assert reindex.status_code == 202
    again = wait_for_document(enterprise_api, token, document["id"])
    assert again["status"] == "ready"
    assert (again["company"], again["fiscal_year"], again["tags"]) == ("Startup X", 2024, ["kpi"])
    # The same texts keep their vectors, and the first indexing's vectors are gone with its chunks.
    assert again["stages"]["vectors"]["reused"] == again["chunks"] > 0
    runtime = EnterpriseRuntime.from_settings(enterprise_api.settings)
    collection = collection_for(runtime.vector_client(), runtime.embedder(), account.enterprise_id)
    stored = collection.get(where={"document_id": document["id"]})["ids"]
    assert len(stored) == again["chunks"]
    runtime.engine.dispose()
    filtered = enterprise_api.client.get(
        enterprise_api.url("/documents"),
        params={"company": "startup", "fiscal_year": 2024, "tag": "kpi"},
        headers=bearer(token),
    ).json()
    assert [d["id"] for d in filtered["items"]] == [document["id"]]
    none = enterprise_api.client.get(
        enterprise_api.url("/documents"), params={"fiscal_year": 1999}, headers=bearer(token)
    )
    assert none.json()["total"] == 0


def test_delete_removes_chunks_vectors_tables_and_original(
    enterprise_api: EnterpriseApi, account: EnterpriseAccount, token: str
) -> None:
    from enterprise.answers.vectors import collection_for

    document = ingest(enterprise_api, token, "supply_agreement.docx")
    runtime = EnterpriseRuntime.from_settings(enterprise_api.settings)
    collection = collection_for(runtime.vector_client(), runtime.embedder(), account.enterprise_id)
    assert len(collection.get(where={"document_id": document["id"]})["ids"]) == document["chunks"]
    assert runtime.store.exists(account.enterprise_id, document["sha256"])
    response = enterprise_api.client.delete(enterprise_api.url(f"/documents/{document['id']}"), headers=bearer(token))
    assert response.status_code == 204
    assert (
        enterprise_api.client.get(enterprise_api.url(f"/documents/{document['id']}"), headers=bearer(token)).status_code
        == 404
    )
    assert search(enterprise_api, token, "aluminium can") == []
    assert collection.get(where={"document_id": document["id"]})["ids"] == []
    assert not runtime.store.exists(account.enterprise_id, document["sha256"])
    runtime.engine.dispose()


def test_another_enterprise_sees_and_touches_nothing(enterprise_api: EnterpriseApi, token: str) -> None:
    document = ingest(enterprise_api, token, "supply_agreement.docx")
    rival = make_enterprise(enterprise_api.settings, "rival")
    rival_token = enterprise_token(enterprise_api.client, enterprise_api.prefix, rival.admin_email)
    headers = bearer(rival_token)
    doc_url = enterprise_api.url(f"/documents/{document['id']}")
    assert enterprise_api.client.get(doc_url, headers=headers).status_code == 404
    assert enterprise_api.client.get(f"{doc_url}/file", headers=headers).status_code == 404
    assert enterprise_api.client.get(f"{doc_url}/tables", headers=headers).status_code == 404
    assert enterprise_api.client.patch(doc_url, json={"company": "pwned"}, headers=headers).status_code == 404
    assert enterprise_api.client.post(f"{doc_url}/reindex", headers=headers).status_code == 404
    assert enterprise_api.client.delete(doc_url, headers=headers).status_code == 404
    assert enterprise_api.client.get(enterprise_api.url("/documents"), headers=headers).json()["total"] == 0
    assert search(enterprise_api, rival_token, "aluminium can minimum volume") == []
    assert search(enterprise_api, rival_token, "aluminium can", document_ids=[document["id"]]) == []
    # The same bytes uploaded by the rival are the rival's own document, not a link to ours.
    own = upload(enterprise_api, rival_token, "supply_agreement.docx")
    assert own.status_code == 202
    assert own.json()["id"] != document["id"]
    mine = enterprise_api.client.get(doc_url, headers=bearer(token)).json()
    assert mine["company"] != "pwned"
    assert mine["status"] == "ready"


def test_roles_for_documents(enterprise_api: EnterpriseApi, account: EnterpriseAccount, token: str) -> None:
    client, prefix = enterprise_api.client, enterprise_api.prefix
    _, viewer = add_user(client, prefix, token, Role.VIEWER, account.slug)
    _, analyst = add_user(client, prefix, token, Role.ANALYST, account.slug)
    _, other_analyst = add_user(client, prefix, token, Role.ANALYST, account.slug)
    assert upload(enterprise_api, viewer, "v.txt", b"viewer text").status_code == 403
    mine = upload(enterprise_api, analyst, "a.txt", b"analyst text about margins")
    assert mine.status_code == 202
    url = enterprise_api.url(f"/documents/{mine.json()['id']}")
    assert client.get(url, headers=bearer(viewer)).status_code == 200
    assert client.delete(url, headers=bearer(other_analyst)).status_code == 403
    assert client.delete(url, headers=bearer(viewer)).status_code == 403
    assert client.patch(url, json={"tags": ["x"]}, headers=bearer(other_analyst)).status_code == 403
    assert client.delete(url, headers=bearer(analyst)).status_code == 204
    theirs = upload(enterprise_api, other_analyst, "b.txt", b"another analyst text")
    assert (
        client.delete(enterprise_api.url(f"/documents/{theirs.json()['id']}"), headers=bearer(token)).status_code == 204
    )


def test_pagination(enterprise_api: EnterpriseApi, token: str) -> None:
    ids = [
        upload(enterprise_api, token, f"note-{i}.txt", f"note number {i} {uuid.uuid4()}".encode()).json()["id"]
        for i in range(5)
    ]
    first = enterprise_api.client.get(
        enterprise_api.url("/documents"), params={"limit": 2}, headers=bearer(token)
    ).json()
    rest = enterprise_api.client.get(
        enterprise_api.url("/documents"), params={"limit": 10, "offset": 2}, headers=bearer(token)
    ).json()
    assert first["total"] == rest["total"] == 5
    assert len(first["items"]) == 2
    assert {d["id"] for d in first["items"] + rest["items"]} == set(ids)
    assert (
        enterprise_api.client.get(
            enterprise_api.url("/documents"), params={"limit": 0}, headers=bearer(token)
        ).status_code
        == 422
    )
