"""Originals in an S3-compatible store (the suite runs against moto's server, tests/s3.py): they
live in the bucket and nowhere on the API's disk, a process on another machine (another data
directory) reads them, they are streamed in and out in blocks, and a changed or missing object is
refused with a clear 409 rather than read."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from enterprise.documents.storage import OriginalCorruptedError, OriginalMissingError, S3OriginalStore, original_store
from shared.uploads import spool_blocks
from tests.conftest import TEST_BUCKET
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import bearer, enterprise_token, make_enterprise
from tests.s3 import s3_client

pytestmark = pytest.mark.usefixtures("job_worker")


def _bucket(api: EnterpriseApi) -> Any:
    return s3_client(str(api.settings.s3_endpoint_url))


def _key(store: S3OriginalStore, enterprise_id: uuid.UUID, sha256: str) -> str:
    return store.key(enterprise_id, sha256)


def _memo_pdf(text: str) -> bytes:
    document = pymupdf.open()
    page = document.new_page()
    page.insert_text((72, 72), text)
    data: bytes = document.tobytes()
    return data


def test_an_upload_lives_in_the_bucket_and_another_machine_reads_it(
    enterprise_api: EnterpriseApi, tmp_path: Path
) -> None:
    api = enterprise_api
    account = make_enterprise(api.settings, "s3-reader")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    content = b"Warehouse policy: pallets are counted every Friday before noon.\n" * 40
    uploaded = api.client.post(api.url("/documents"), files={"file": ("warehouse.txt", content)}, headers=bearer(token))
    assert uploaded.status_code == 202, uploaded.text
    document = wait_for_document(api, token, uploaded.json()["id"])
    assert document["status"] == "ready"
    sha256 = hashlib.sha256(content).hexdigest()
    store = original_store(api.settings)
    assert isinstance(store, S3OriginalStore)
    stored = _bucket(api).get_object(Bucket=TEST_BUCKET, Key=_key(store, account.enterprise_id, sha256))
    assert stored["Body"].read() == content
    assert stored["Metadata"] == {"sha256": sha256}
    on_disk = [p for p in api.settings.data_dir.rglob(sha256) if p.is_file()]
    assert on_disk == []  # nothing kept on the API's disk
    downloaded = api.client.get(api.url(f"/documents/{document['id']}/file"), headers=bearer(token))
    assert downloaded.content == content
    assert downloaded.headers["content-disposition"] == 'attachment; filename="warehouse.txt"'

    # A worker on another machine: its own (empty) data directory, the same bucket; it is handed
    # the document queued again (as a re-index queues it).
    script = (
        "import hashlib, sys, uuid\n"
        "from sqlalchemy import update\n"
        "from enterprise.documents.models import Document, DocumentStatus\n"
        "from enterprise.ingestion.pipeline import index_document\n"
        "from enterprise.runtime import EnterpriseRuntime\n"
        "from shared.settings import Settings\n"
        "runtime = EnterpriseRuntime.from_settings(Settings(), owner=True)\n"
        "with runtime.session_factory.begin() as session:\n"
        "    queued = update(Document).where(Document.id == uuid.UUID(sys.argv[3]))\n"
        "    session.execute(queued.values(status=DocumentStatus.QUEUED))\n"
        "with runtime.store.local_copy(uuid.UUID(sys.argv[1]), sys.argv[2]) as path:\n"
        "    print(hashlib.sha256(path.read_bytes()).hexdigest())\n"
        "print(index_document(runtime, uuid.UUID(sys.argv[3])))\n"
    )
    elsewhere = {**os.environ, "DATA_DIR": str(tmp_path / "other-machine")}
    worker = subprocess.run(
        [sys.executable, "-c", script, str(account.enterprise_id), sha256, document["id"]],
        env=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert worker.stdout.split() == [sha256, "True"]
    assert not (tmp_path / "other-machine" / "object-store" / "downloads").exists() or not any(
        (tmp_path / "other-machine" / "object-store" / "downloads").iterdir()
    )  # the downloaded copy is gone once read


def test_a_large_file_goes_up_in_parts_and_comes_down_in_blocks(enterprise_api: EnterpriseApi, tmp_path: Path) -> None:
    store = original_store(enterprise_api.settings)
    assert isinstance(store, S3OriginalStore)
    enterprise_id = uuid.uuid4()
    blocks = [os.urandom(1 << 20) for _ in range(20)]
    spooled = spool_blocks(iter(blocks), tmp_path, 100 << 20)
    store.put(enterprise_id, spooled.sha256, spooled.path)
    assert not spooled.path.exists()  # moved up, not copied
    head = _bucket(enterprise_api).head_object(Bucket=TEST_BUCKET, Key=store.key(enterprise_id, spooled.sha256))
    assert head["ContentLength"] == 20 << 20
    assert head["ETag"].strip('"').endswith("-3")  # a multipart upload (8 MB parts), never one 20 MB body
    streamed = list(store.stream(enterprise_id, spooled.sha256))
    assert len(streamed) >= 20
    assert max(len(b) for b in streamed) <= 1 << 20
    assert hashlib.sha256(b"".join(streamed)).hexdigest() == spooled.sha256
    with store.local_copy(enterprise_id, spooled.sha256) as path:
        assert path.stat().st_size == 20 << 20
    assert not path.exists()
    store.delete(enterprise_id, spooled.sha256)
    assert not store.exists(enterprise_id, spooled.sha256)


def test_a_changed_or_missing_object_is_refused(enterprise_api: EnterpriseApi) -> None:
    api = enterprise_api
    account = make_enterprise(api.settings, "s3-tamper")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    pdf = _memo_pdf("Quarterly memo: cash rose to 4.2 million.")
    uploaded = api.client.post(api.url("/documents"), files={"file": ("memo.pdf", pdf)}, headers=bearer(token))
    document = wait_for_document(api, token, uploaded.json()["id"])
    assert document["status"] == "ready"
    store = original_store(api.settings)
    assert isinstance(store, S3OriginalStore)
    key = store.key(account.enterprise_id, document["sha256"])
    bucket = _bucket(api)
    bucket.put_object(Bucket=TEST_BUCKET, Key=key, Body=_memo_pdf("Quarterly memo: cash fell to 0.1 million."))
    with pytest.raises(OriginalCorruptedError), store.local_copy(account.enterprise_id, document["sha256"]):
        pass
    page = api.client.get(api.url(f"/documents/{document['id']}/pages/1"), headers=bearer(token))
    assert page.status_code == 409
    assert "does not match its checksum" in page.json()["detail"]

    bucket.delete_object(Bucket=TEST_BUCKET, Key=key)
    with pytest.raises(OriginalMissingError), store.local_copy(account.enterprise_id, document["sha256"]):
        pass
    reindex = api.client.post(api.url(f"/documents/{document['id']}/reindex"), headers=bearer(token))
    assert reindex.status_code == 409
    assert "missing from storage" in reindex.json()["detail"]
    download = api.client.get(api.url(f"/documents/{document['id']}/file"), headers=bearer(token))
    assert download.status_code == 409
