"""How long 1,000 small files take from a Google Drive to all searchable, and what an
incremental sync with 10 changes costs.

    python bench/connector_sync.py [--files 1000] [--changes 10] [--workers 2]

A new PostgreSQL database (dropped afterwards), embedded Chroma and in-process job workers (as
`brain serve` runs without Redis), the fake Drive of the tests (tests/fakes/sources.py) on a
loopback port holding `--files` text files of a few hundred bytes, each distinct. Through the
app's HTTP stack (Starlette's test client): an admin makes a Drive connector and grants access;
the clock runs from the consent's callback to the last document searchable, then ready. Then
`--changes` files change and a sync is asked for: its time, the files it downloaded, the items it
updated. Baseline in the same run: the same files uploaded one by one with `POST /documents`
into another enterprise, to all searchable and ready.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.cluster import PG_ADMIN_URL, admin_sql, free_port  # noqa: E402

TOPICS = [
    "travel",
    "expenses",
    "pricing",
    "inventory",
    "hiring",
    "security",
    "suppliers",
    "warranty",
    "budget",
    "leases",
]


def _text(n: int) -> bytes:
    topic = TOPICS[n % len(TOPICS)]
    return (
        f"Internal note {n:04d} on {topic}. Owner: team {n % 37}. The {topic} rule number {n} says that requests "
        f"above {1000 + n * 7} euros need the approval of the {topic} lead within {n % 9 + 2} working days. "
        f"Reference code {uuid.uuid5(uuid.NAMESPACE_OID, str(n)).hex[:12]}."
    ).encode()


def _counts(api: Any, token: str) -> tuple[int, int]:
    """(searchable, ready) documents of the caller's enterprise."""
    from tests.factories import bearer

    searchable = ready = 0
    offset = 0
    while True:
        page = api.get(f"/api/enterprise/documents?limit=100&offset={offset}", headers=bearer(token)).json()
        for item in page["items"]:
            searchable += bool(item["searchable"])
            ready += item["status"] == "ready"
        offset += 100
        if offset >= page["total"]:
            return searchable, ready


def _wait_all(api: Any, token: str, total: int, started: float) -> tuple[float, float]:
    searchable_at = 0.0
    while True:
        searchable, ready = _counts(api, token)
        now = time.perf_counter() - started
        if searchable >= total and not searchable_at:
            searchable_at = now
        if ready >= total:
            return searchable_at or now, now
        time.sleep(1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from cryptography.fernet import Fernet

    database = f"brain_bench_sync_{uuid.uuid4().hex[:8]}"
    work = Path(tempfile.mkdtemp(prefix="brain-sync-bench-"))
    port = free_port()
    os.environ.update(
        {
            "DATABASE_URL": PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database,
            "DATA_DIR": str(work / "data"),
            "VECTOR_STORE_PATH": str(work / "chroma"),
            "ENTERPRISE_ENABLED": "true",
            "JOB_WORKERS": str(args.workers),
            "SECRETS_KEY": Fernet.generate_key().decode(),
            "PUBLIC_BASE_URL": "http://testserver",
            "GOOGLE_DRIVE_CLIENT_ID": "drive-client",
            "GOOGLE_DRIVE_CLIENT_SECRET": "drive-secret",
            "GOOGLE_ACCOUNTS_URL": f"http://127.0.0.1:{port}",
            "GOOGLE_OAUTH_TOKEN_URL": f"http://127.0.0.1:{port}/token",
            "GOOGLE_API_URL": f"http://127.0.0.1:{port}",
        }
    )
    for name in ("REDIS_URL", "CHROMA_URL"):
        os.environ.pop(name, None)
    admin_sql(f'CREATE DATABASE "{database}"')
    try:
        run(args, port)
    finally:
        admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def run(args: argparse.Namespace, port: int) -> None:
    import httpx
    from starlette.testclient import TestClient

    from enterprise.app import create_standalone_app
    from shared.migrations import PRODUCTS, upgrade
    from shared.settings import Settings
    from tests.factories import bearer, enterprise_token, make_enterprise
    from tests.fakes.sources import FakeDrive, serving

    settings = Settings()
    for product in PRODUCTS:
        upgrade(settings, product)
    drive = FakeDrive()
    ids = [drive.add(f"note-{n:04d}.txt", _text(n)) for n in range(args.files)]
    with serving(drive, port), TestClient(create_standalone_app(settings)) as api:
        # Baseline: the same files uploaded by hand.
        manual = make_enterprise(settings, "bench-upload")
        manual_token = enterprise_token(api, "/api/enterprise", manual.admin_email)
        started = time.perf_counter()
        for n in range(args.files):
            answer = api.post(
                "/api/enterprise/documents",
                files={"file": (f"note-{n:04d}.txt", _text(n))},
                headers=bearer(manual_token),
            )
            assert answer.status_code == 202, answer.text
        uploaded = time.perf_counter() - started
        upload_searchable, upload_ready = _wait_all(api, manual_token, args.files, started)

        account = make_enterprise(settings, "bench-drive")
        token = enterprise_token(api, "/api/enterprise", account.admin_email)
        made = api.post(
            "/api/enterprise/connectors", json={"kind": "google_drive", "name": "bench"}, headers=bearer(token)
        ).json()
        location = httpx.get(made["authorization_url"], follow_redirects=False).headers["location"]
        started = time.perf_counter()
        assert api.get(location, follow_redirects=False).status_code == 303
        first_run = _finished_run(api, token, made["id"])
        listed = time.perf_counter() - started
        sync_searchable, sync_ready = _wait_all(api, token, args.files, started)

        for file_id in ids[: args.changes]:
            drive.update(file_id, _text(int(file_id[1:]) + 100_000))
        downloads = len(drive.hits("/drive/v3/files/"))
        started = time.perf_counter()
        asked = api.post(f"/api/enterprise/connectors/{made['id']}/sync", headers=bearer(token)).json()
        incremental = _finished_run(api, token, made["id"], asked["id"])
        incremental_seconds = time.perf_counter() - started
        fetched = len(drive.hits("/drive/v3/files/")) - downloads

    print(f"files: {args.files}, workers: {args.workers}")
    print(
        f"baseline, POST /documents one by one: uploaded in {uploaded:.1f} s, "
        f"all searchable {upload_searchable:.1f} s, all ready {upload_ready:.1f} s"
    )
    print(
        f"Drive connector: run {first_run['status']} ({first_run['items_added']} added) in {listed:.1f} s, "
        f"all searchable {sync_searchable:.1f} s, all ready {sync_ready:.1f} s"
    )
    print(
        f"incremental sync with {args.changes} changes: {incremental['status']} in {incremental_seconds:.2f} s, "
        f"{incremental['items_updated']} updated, {incremental['items_added']} added, {fetched} files downloaded"
    )


def _finished_run(api: Any, token: str, connector_id: str, run_id: str | None = None) -> dict[str, Any]:
    from tests.factories import bearer

    while True:
        runs = api.get(f"/api/enterprise/connectors/{connector_id}/runs", headers=bearer(token)).json()["items"]
        if runs and (run_id is None or runs[0]["id"] == run_id) and runs[0]["status"] in {"succeeded", "failed"}:
            return dict(runs[0])
        time.sleep(0.2)


if __name__ == "__main__":
    main()
