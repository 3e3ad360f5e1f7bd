"""Connectors against fake Google Drive, Dropbox and Salesforce servers speaking their documented
APIs: consent with PKCE, first and incremental syncs through the real job queue and ingestion,
renames, deletions, unshares, expired tokens, 429, 5xx, malformed answers, a file over the size
limit, a worker killed mid-sync, two enterprises on two accounts, and the admin API's rules."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import uuid
from typing import Any

import docx
import pytest
from sqlalchemy import func, select

from enterprise.auth.models import Role
from enterprise.clock import utc_now
from enterprise.connectors import service as connectors
from enterprise.connectors.models import ConnectorItem, RunTrigger
from enterprise.connectors.sync import STALE_AFTER, run_sync
from enterprise.documents.models import Document
from enterprise.runtime import EnterpriseRuntime
from shared.database import session_scope
from shared.secrets import configure_secrets
from shared.settings import Settings
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.enterprise.connectors.conftest import connect, documents_of, latest_run, sync
from tests.factories import add_user, bearer, enterprise_token, make_enterprise
from tests.fakes.sources import FakeDrive, FakeDropbox, FakeSalesforce

GOOGLE_DOC = "application/vnd.google-apps.document"


def _admin(api: EnterpriseApi, prefix: str) -> tuple[str, Any]:
    account = make_enterprise(api.settings, prefix)
    return enterprise_token(api.client, api.prefix, account.admin_email), account


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _by_name(documents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {d["filename"]: d for d in documents}


def test_drive_first_sync_then_a_change_a_rename_a_deletion_and_an_unshare(
    connector_api: EnterpriseApi, drive: FakeDrive
) -> None:
    api = connector_api
    token, _ = _admin(api, "drive-sync")
    drive.account = account = f"acct-{uuid.uuid4().hex[:6]}"
    policy = drive.add(
        "travel.txt", b"Travel policy: economy class for flights under six hours; business above.", account=account
    )
    sales = drive.add("q3-sales.csv", b"region,revenue\nNorth,1200\nSouth,800\n", account=account)
    memo = drive.add(
        "Board memo", _docx("The board approved the Lisbon office lease."), mime=GOOGLE_DOC, account=account
    )
    drive.add("logo.png", b"\x89PNG\r\n\x1a\n", account=account)
    drive.add("archive.pdf", b"%PDF-1.7 tiny", account=account, reported_size=200 * 1024 * 1024)
    gone_later = drive.add("old-plan.txt", b"The 2019 plan is superseded.", account=account)

    connector_id = connect(api, token, "google_drive", drive)
    first = latest_run(api, token, connector_id)
    assert first["status"] == "succeeded", first
    assert first["trigger"] == "authorized"
    assert first["full"] is True
    assert (first["items_seen"], first["items_added"], first["items_skipped"], first["items_failed"]) == (6, 4, 1, 1)

    documents = _by_name(documents_of(api, token))
    assert set(documents) == {"travel.txt", "q3-sales.csv", "Board memo.docx", "old-plan.txt"}
    travel = documents["travel.txt"]
    assert travel["source"] == "connector"
    assert travel["origin"]["link"] == f"https://drive.google.com/file/d/{policy}/view"
    assert travel["origin"]["owner"] == "owner@example.com"
    assert travel["origin"]["connector_id"] == connector_id
    for document in documents.values():
        assert wait_for_document(api, token, document["id"])["status"] == "ready"
    answer = api.client.post(
        api.url("/query"), json={"question": "Which class do we fly on flights under six hours?"}, headers=bearer(token)
    ).json()
    assert answer["citations"][0]["filename"] == "travel.txt"
    failed = api.client.get(api.url(f"/connectors/{connector_id}/items?status=failed"), headers=bearer(token)).json()
    assert [(i["name"], "larger than the limit" in i["error"]) for i in failed["items"]] == [("archive.pdf", True)]

    # Nothing changed: nothing is fetched again.
    downloads = len(drive.hits("/drive/v3/files/"))
    quiet = sync(api, token, connector_id)
    assert (quiet["status"], quiet["full"], quiet["items_added"], quiet["items_updated"]) == ("succeeded", False, 0, 0)
    assert len(drive.hits("/drive/v3/files/")) == downloads

    drive.update(sales, b"region,revenue\nNorth,1500\nSouth,900\nEast,300\n")
    drive.rename(policy, "travel-policy.txt")
    drive.trash(memo)
    drive.unshare(gone_later)
    changed = sync(api, token, connector_id)
    assert changed["status"] == "succeeded", changed
    assert (changed["items_added"], changed["items_updated"], changed["items_removed"]) == (0, 2, 2)

    after = _by_name(documents_of(api, token))
    assert set(after) == {"travel-policy.txt", "q3-sales.csv"}
    assert after["travel-policy.txt"]["id"] == travel["id"]  # renamed, not fetched again
    assert after["q3-sales.csv"]["id"] != documents["q3-sales.csv"]["id"]  # new content, new document
    gone = api.client.get(api.url(f"/documents/{documents['q3-sales.csv']['id']}"), headers=bearer(token))
    assert gone.status_code == 404
    assert wait_for_document(api, token, after["q3-sales.csv"]["id"])["status"] == "ready"

    status = api.client.get(api.url(f"/connectors/{connector_id}"), headers=bearer(token)).json()
    assert status["status"] == "active"
    assert status["last_error"] is None
    assert status["last_run"]["id"] == changed["id"]
    assert status["next_sync_at"] is not None


def test_expired_token_429_5xx_and_malformed_json(connector_api: EnterpriseApi, drive: FakeDrive) -> None:
    api = connector_api
    token, _ = _admin(api, "drive-faults")
    drive.account = account = f"acct-{uuid.uuid4().hex[:6]}"
    drive.add("a.txt", b"Alpha notes for the faults test.", account=account)
    connector_id = connect(api, token, "google_drive", drive)
    assert latest_run(api, token, connector_id)["status"] == "succeeded"

    drive.add("b.txt", b"Bravo notes arrive during an outage.", account=account)
    drive.add("c.txt", b"Charlie notes arrive during an outage.", account=account)
    refreshes = drive.refreshes
    drive.expire_in_requests = 2  # the token dies between the feed and the downloads
    drive.fail("/drive/v3/changes", 429, headers={"Retry-After": "1"})
    drive.fail("/drive/v3/files/", 503, times=3)
    recovered = sync(api, token, connector_id)
    assert recovered["status"] == "succeeded", recovered
    assert recovered["items_added"] == 2
    assert drive.refreshes == refreshes + 1  # refreshed on the 401, once
    assert [hit[3] for hit in drive.requests if hit[3] == 401] != []
    feed = drive.hits("/drive/v3/changes")
    limited = next(i for i, hit in enumerate(feed) if hit[3] == 429)
    assert feed[limited + 1][0] - feed[limited][0] >= 0.95  # Retry-After honoured
    assert [hit[3] for hit in drive.hits("/drive/v3/files/")].count(503) == 3

    drive.add("d.txt", b"Delta notes after a malformed answer.", account=account)
    drive.fail("/drive/v3/changes", 200, body=b'{"changes": [')
    broken = sync(api, token, connector_id)
    assert broken["status"] == "failed"
    assert "malformed JSON" in broken["error"]
    status = api.client.get(api.url(f"/connectors/{connector_id}"), headers=bearer(token)).json()
    assert "malformed JSON" in status["last_error"]

    drive.fail("/drive/v3/changes", 503, times=20)  # more than the retries: the run fails, visibly
    outage = sync(api, token, connector_id)
    assert outage["status"] == "failed"
    assert "503" in outage["error"]
    drive.faults.clear()

    again = sync(api, token, connector_id)
    assert again["status"] == "succeeded"
    assert again["items_added"] == 1
    names = [d["filename"] for d in documents_of(api, token)]
    assert sorted(names) == ["a.txt", "b.txt", "c.txt", "d.txt"]


def test_a_worker_killed_mid_sync_is_resumed_without_loss_or_duplicates(
    connector_api: EnterpriseApi, drive: FakeDrive
) -> None:
    api = connector_api
    token, account_row = _admin(api, "drive-kill")
    drive.account = account = f"acct-{uuid.uuid4().hex[:6]}"
    connector_id = connect(api, token, "google_drive", drive)
    assert latest_run(api, token, connector_id)["status"] == "succeeded"
    for n in range(16):
        drive.add(f"note-{n:02d}.txt", f"Meeting note number {n} for the resume test.".encode(), account=account)
    drive.download_delay = 0.25
    script = (
        "import sys, uuid\n"
        "from enterprise.connectors import service, sync\n"
        "from enterprise.connectors.models import Connector, RunTrigger\n"
        "from enterprise.runtime import worker_runtime\n"
        "from shared.database import session_scope\n"
        "runtime = worker_runtime()\n"
        "with session_scope(runtime.session_factory) as session:\n"
        "    run, _ = service.request_run(session, session.get(Connector, uuid.UUID(sys.argv[1])), RunTrigger.MANUAL)\n"
        "    run_id = run.id\n"
        "print(run_id, flush=True)\n"
        "sync.run_sync(runtime, run_id)\n"
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", script, connector_id], stdout=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    runtime = EnterpriseRuntime.from_settings(Settings(), owner=True)
    try:
        assert worker.stdout is not None
        run_id = uuid.UUID(worker.stdout.readline().strip())
        deadline = time.monotonic() + 60
        while _items(runtime, connector_id) < 5:
            assert time.monotonic() < deadline, "the worker stored nothing"
            assert worker.poll() is None, "the worker ended before it was killed"
            time.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        drive.download_delay = 0.0
        stored_before = _items(runtime, connector_id)
        assert 5 <= stored_before < 17
        # Another worker, once the first has been silent long enough, takes the run over.
        assert run_sync(runtime, run_id, now=utc_now()) is False  # the claim is still fresh
        assert run_sync(runtime, run_id, now=utc_now() + STALE_AFTER * 2) is True
    finally:
        if worker.poll() is None:
            worker.kill()
        drive.download_delay = 0.0
    finished = latest_run(api, token, connector_id)
    assert finished["id"] == str(run_id)
    assert finished["status"] == "succeeded"
    assert finished["attempts"] == 2
    names = [d["filename"] for d in documents_of(api, token)]
    assert sorted(names) == [f"note-{n:02d}.txt" for n in range(16)]  # each once
    with session_scope(runtime.session_factory) as session:
        count = session.scalar(
            select(func.count()).select_from(Document).where(Document.enterprise_id == account_row.enterprise_id)
        )
    assert count == 16
    runtime.engine.dispose()


def _items(runtime: EnterpriseRuntime, connector_id: str) -> int:
    with session_scope(runtime.session_factory) as session:
        query = select(func.count()).where(ConnectorItem.connector_id == uuid.UUID(connector_id))
        return int(session.scalar(query) or 0)


def test_dropbox_with_pkce_a_scoped_path_changes_and_deletions(
    connector_api: EnterpriseApi, dropbox: FakeDropbox
) -> None:
    api = connector_api
    token, _ = _admin(api, "dropbox")
    root = f"/Team-{uuid.uuid4().hex[:6]}"
    dropbox.put(f"{root}/Finance/budget.csv", b"item,amount\nTravel,5000\nRent,12000\n")
    dropbox.put(f"{root}/Finance/Reports/q1.txt", b"Q1 revenue grew eight percent.")
    dropbox.put(f"{root}/Other/ignore.txt", b"Not in scope.")
    connector_id = connect(api, token, "dropbox", dropbox, scope=[f"{root}/Finance"])
    first = latest_run(api, token, connector_id)
    assert (first["status"], first["items_added"]) == ("succeeded", 2), first
    documents = _by_name(documents_of(api, token))
    assert set(documents) == {"budget.csv", "q1.txt"}
    assert documents["q1.txt"]["origin"]["path"] == f"{root}/finance/reports/q1.txt".lower()

    dropbox.put(f"{root}/Finance/budget.csv", b"item,amount\nTravel,6500\nRent,12000\n")
    dropbox.delete(f"{root}/Finance/Reports")
    dropbox.put(f"{root}/Other/still-ignored.txt", b"Not in scope either.")
    refreshes = dropbox.refreshes
    dropbox.expire_tokens()
    changed = sync(api, token, connector_id)
    assert changed["status"] == "succeeded", changed
    assert (changed["items_added"], changed["items_updated"], changed["items_removed"]) == (0, 1, 1)
    assert dropbox.refreshes == refreshes + 1
    assert set(_by_name(documents_of(api, token))) == {"budget.csv"}

    # Dropbox resets the cursor (and a file goes meanwhile, which no feed will ever report): the
    # run lists the scope again and removes what it no longer finds.
    dropbox.epoch += 1
    dropbox.put(f"{root}/Finance/forecast.txt", b"The forecast for next year is flat.")
    dropbox.delete(f"{root}/Finance/budget.csv")
    dropbox.log = [entry for entry in dropbox.log if not entry[0].endswith("/finance/budget.csv")]
    relisted = sync(api, token, connector_id)
    assert relisted["status"] == "succeeded", relisted
    assert relisted["full"] is True
    assert (relisted["items_added"], relisted["items_removed"]) == (1, 1)
    assert set(_by_name(documents_of(api, token))) == {"forecast.txt"}


def test_salesforce_files_by_library_with_versions_and_deletions(
    connector_api: EnterpriseApi, salesforce: FakeSalesforce
) -> None:
    api = connector_api
    token, _ = _admin(api, "salesforce")
    library, other = "058000000000777AAA", "058000000000888AAA"
    contract = salesforce.put("Acme master agreement", "txt", b"The agreement renews every 12 months.", library)
    price = salesforce.put("Price list", "csv", b"product,price\nWidget,10\n", library)
    salesforce.put("Elsewhere", "txt", b"Another library.", other)
    connector_id = connect(api, token, "salesforce", salesforce, scope=[library])
    first = latest_run(api, token, connector_id)
    assert (first["status"], first["items_added"]) == ("succeeded", 2), first
    documents = _by_name(documents_of(api, token))
    assert set(documents) == {"Acme master agreement.txt", "Price list.csv"}
    assert documents["Price list.csv"]["origin"]["link"].endswith(f"/lightning/r/ContentDocument/{price}/view")

    salesforce.put("Price list", "csv", b"product,price\nWidget,12\n", library, document_id=price)
    salesforce.delete(contract)
    salesforce.expire_tokens()
    changed = sync(api, token, connector_id)
    assert changed["status"] == "succeeded", changed
    assert (changed["items_updated"], changed["items_removed"]) == (1, 1)
    assert salesforce.refreshes >= 1  # no expiry is given: refreshed on the 401
    after = _by_name(documents_of(api, token))
    assert set(after) == {"Price list.csv"}
    assert after["Price list.csv"]["id"] != documents["Price list.csv"]["id"]


def test_two_enterprises_on_two_accounts_see_only_their_own(connector_api: EnterpriseApi, drive: FakeDrive) -> None:
    api = connector_api
    first_token, _ = _admin(api, "acme-drive")
    second_token, _ = _admin(api, "globex-drive")
    drive.account = acme = f"acme-{uuid.uuid4().hex[:6]}"
    drive.add("acme-secret.txt", b"Acme's launch date is in March.", account=acme)
    acme_connector = connect(api, first_token, "google_drive", drive)
    drive.account = globex = f"globex-{uuid.uuid4().hex[:6]}"
    drive.add("globex-secret.txt", b"Globex's launch date is in June.", account=globex)
    globex_connector = connect(api, second_token, "google_drive", drive)
    assert latest_run(api, first_token, acme_connector)["items_added"] == 1
    assert latest_run(api, second_token, globex_connector)["items_added"] == 1
    assert [d["filename"] for d in documents_of(api, first_token)] == ["acme-secret.txt"]
    assert [d["filename"] for d in documents_of(api, second_token)] == ["globex-secret.txt"]
    for method, path in (
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/sync"),
        ("GET", "/runs"),
        ("GET", "/items"),
        ("POST", "/authorize"),
    ):
        answer = api.client.request(
            method,
            api.url(f"/connectors/{globex_connector}{path}"),
            headers=bearer(first_token),
            json={"name": "taken"} if method == "PATCH" else None,
        )
        assert answer.status_code == 404, (method, path, answer.text)
    assert [c["id"] for c in api.client.get(api.url("/connectors"), headers=bearer(first_token)).json()] == [
        acme_connector
    ]


def test_the_admin_api_rules(connector_api: EnterpriseApi, drive: FakeDrive, dropbox: FakeDropbox) -> None:
    api = connector_api
    token, account = _admin(api, "connector-rules")
    _, analyst = add_user(api.client, api.prefix, token, Role.ANALYST, account.slug)
    assert api.client.get(api.url("/connectors"), headers=bearer(analyst)).status_code == 403
    made = api.client.post(api.url("/connectors"), json={"kind": "google_drive", "name": "x"}, headers=bearer(analyst))
    assert made.status_code == 403
    for body, field in (
        ({"kind": "ftp", "name": "x"}, "kind"),
        ({"kind": "dropbox", "name": "x", "scope": ["Finance"]}, "scope"),
        ({"kind": "salesforce", "name": "x", "scope": ["not-a-library"]}, "scope"),
        ({"kind": "google_drive", "name": "x", "sync_minutes": 1}, "sync_minutes"),
        ({"kind": "google_drive", "name": "x", "surprise": True}, "surprise"),
    ):
        refused = api.client.post(api.url("/connectors"), json=body, headers=bearer(token))
        assert refused.status_code == 422, (body, refused.text)
        assert field in refused.text

    # The consent's state: unknown, then used twice.
    assert api.client.get(api.url("/connectors/oauth/callback?state=forged&code=x")).status_code == 422
    made = api.client.post(
        api.url("/connectors"), json={"kind": "dropbox", "name": "box"}, headers=bearer(token)
    ).json()
    import httpx

    location = httpx.get(made["authorization_url"], follow_redirects=False).headers["location"]
    assert api.client.get(location, follow_redirects=False).status_code == 303
    replay = api.client.get(location, follow_redirects=False)
    assert replay.status_code == 422
    assert "state" in replay.text
    connector_id = made["id"]
    assert latest_run(api, token, connector_id)["status"] == "succeeded"

    paused = api.client.patch(api.url(f"/connectors/{connector_id}"), json={"paused": True}, headers=bearer(token))
    assert paused.json()["status"] == "paused"
    assert paused.json()["next_sync_at"] is None
    assert api.client.post(api.url(f"/connectors/{connector_id}/sync"), headers=bearer(token)).status_code == 409
    resumed = api.client.patch(api.url(f"/connectors/{connector_id}"), json={"paused": False}, headers=bearer(token))
    assert resumed.json()["status"] == "active"

    audit = api.client.get(api.url("/audit?limit=50"), headers=bearer(token)).json()
    actions = {e["action"] for e in audit["items"]}
    assert {"connector.created", "connector.authorized", "connector.changed"} <= actions

    # Without SECRETS_KEY the service refuses to take credentials at all.
    configure_secrets(Settings(secrets_key=None))
    try:
        refused = api.client.post(api.url("/connectors"), json={"kind": "dropbox", "name": "y"}, headers=bearer(token))
    finally:
        configure_secrets(Settings())
    assert refused.status_code == 409
    assert "SECRETS_KEY" in refused.text


def test_removing_a_connector_keeps_or_removes_its_documents(connector_api: EnterpriseApi, drive: FakeDrive) -> None:
    api = connector_api
    token, _ = _admin(api, "connector-removal")
    drive.account = account = f"acct-{uuid.uuid4().hex[:6]}"
    drive.add("keep-me.txt", b"A document kept after its connector goes.", account=account)
    kept = connect(api, token, "google_drive", drive)
    assert latest_run(api, token, kept)["items_added"] == 1
    removed = api.client.delete(api.url(f"/connectors/{kept}?documents=keep"), headers=bearer(token))
    assert removed.json() == {"documents_removed": 0}
    assert [d["filename"] for d in documents_of(api, token)] == ["keep-me.txt"]

    drive.account = other = f"acct-{uuid.uuid4().hex[:6]}"
    drive.add("remove-me.txt", b"A document removed with its connector.", account=other)
    dropped = connect(api, token, "google_drive", drive)
    assert latest_run(api, token, dropped)["items_added"] == 1
    assert (
        api.client.delete(api.url(f"/connectors/{dropped}?documents=everything"), headers=bearer(token)).status_code
        == 422
    )
    gone = api.client.delete(api.url(f"/connectors/{dropped}?documents=remove"), headers=bearer(token))
    assert gone.json() == {"documents_removed": 1}
    assert [d["filename"] for d in documents_of(api, token)] == ["keep-me.txt"]
    assert api.client.get(api.url(f"/connectors/{dropped}"), headers=bearer(token)).status_code == 404


@pytest.mark.parametrize("trigger", [RunTrigger.MANUAL])
def test_one_run_at_a_time(connector_api: EnterpriseApi, drive: FakeDrive, trigger: RunTrigger) -> None:
    api = connector_api
    token, account = _admin(api, "one-run")
    drive.account = f"acct-{uuid.uuid4().hex[:6]}"
    connector_id = connect(api, token, "google_drive", drive)
    latest_run(api, token, connector_id)
    runtime = EnterpriseRuntime.from_settings(Settings(), owner=True)
    try:
        with session_scope(runtime.session_factory) as session:
            connector = connectors.get_connector(session, account.enterprise_id, uuid.UUID(connector_id))
            first, created = connectors.request_run(session, connector, trigger)
            again, created_again = connectors.request_run(session, connector, trigger)
        assert created
        assert not created_again
        assert again.id == first.id
    finally:
        runtime.engine.dispose()


def test_drive_folders_subfolders_a_new_scope_and_the_sync_finished_event(
    connector_api: EnterpriseApi, drive: FakeDrive
) -> None:
    from standardwebhooks.webhooks import Webhook

    from tests.webhook_receiver import webhook_receiver

    api = connector_api
    token, _ = _admin(api, "drive-folders")
    drive.account = account = f"acct-{uuid.uuid4().hex[:6]}"
    finance = drive.add_folder("Finance", account=account)
    quarterly = drive.add_folder("Quarterly", parent=finance, account=account)
    legal = drive.add_folder("Legal", account=account)
    drive.add("budget.csv", b"line,amount\nTravel,100\n", parents=[finance], account=account)
    drive.add("q2.txt", b"Second quarter revenue rose.", parents=[quarterly], account=account)
    drive.add("nda.txt", b"The NDA lasts three years.", parents=[legal], account=account)
    drive.add("loose.txt", b"A file at the drive's root.", account=account)
    with webhook_receiver() as receiver:
        hook = api.client.post(
            api.url("/webhooks"), json={"url": receiver.url, "events": ["sync.finished"]}, headers=bearer(token)
        ).json()
        connector_id = connect(api, token, "google_drive", drive, scope=[finance])
        first = latest_run(api, token, connector_id)
        assert (first["status"], first["items_added"]) == ("succeeded", 2), first
        assert sorted(d["filename"] for d in documents_of(api, token)) == ["budget.csv", "q2.txt"]
        event = Webhook(hook["secret"]).verify(receiver.wait_for(1)[0].body, receiver.wait_for(1)[0].headers)
        assert event["type"] == "sync.finished"
        assert event["data"]["connector_id"] == connector_id
        assert (event["data"]["status"], event["data"]["items_added"]) == ("succeeded", 2)

        # A file added later to a subfolder made after the first sync is found by the feed.
        minutes = drive.add_folder("Minutes", parent=quarterly, account=account)
        drive.add("board.txt", b"The board met in May.", parents=[minutes], account=account)
        assert sync(api, token, connector_id)["items_added"] == 1

        # A new scope: a full listing of it; what is no longer in scope leaves the library.
        changed = api.client.patch(
            api.url(f"/connectors/{connector_id}"), json={"scope": [legal]}, headers=bearer(token)
        )
        assert changed.status_code == 200
        assert changed.json()["scope"] == [legal]
        rescoped = sync(api, token, connector_id)
        assert rescoped["full"] is True
        assert (rescoped["items_added"], rescoped["items_removed"]) == (1, 3)
        assert [d["filename"] for d in documents_of(api, token)] == ["nda.txt"]
        assert len(receiver.wait_for(3)) == 3
