from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from chatbot.main import create_app
from enterprise.app import create_standalone_app
from shared.settings import Settings
from tests.conftest import FAKE_DRIVE_PORT, FAKE_DROPBOX_PORT, FAKE_SALESFORCE_PORT, TEST_SMTP_PORT
from tests.factories import bearer, enterprise_token, make_enterprise
from tests.fakes.sources import FakeDrive, FakeDropbox, FakeSalesforce, serving
from tests.shared_data import CORPUS, require_shared
from tests.smtp import Outbox, smtp_server


@dataclass
class EnterpriseApi:
    """The enterprise API as a client sees it, mounted in the root app or standalone."""

    client: TestClient
    prefix: str
    settings: Settings
    mode: str

    def url(self, path: str) -> str:
        return f"{self.prefix}{path}"


@pytest.fixture(scope="session", params=["mounted", "standalone"])
def enterprise_api(request: pytest.FixtureRequest) -> Iterator[EnterpriseApi]:
    settings = Settings(enterprise_enabled=True)
    app = create_app(settings) if request.param == "mounted" else create_standalone_app(settings)
    with TestClient(app) as client:
        yield EnterpriseApi(client, "/api/enterprise", settings, request.param)


@pytest.fixture(scope="session")
def job_worker() -> Iterator[None]:
    """The enterprise jobs consumed from the real Redis queue, as `brain worker` does."""
    from enterprise.jobs import register_jobs
    from shared.jobs import InProcessWorkers

    huey = register_jobs()

    huey.flush()
    # No minute ticks here: the tests that need one run it themselves, on a clock of their own,
    # and a tick on the real clock would take their scheduled reports or runs from under them.
    workers = InProcessWorkers(huey, workers=2, periodic=False)
    workers.start()
    yield
    workers.stop()


def upload_ready(api: EnterpriseApi, token: str, name: str, text: str) -> dict[str, Any]:
    """A text document uploaded through the API and waited for until ready."""
    response = api.client.post(
        api.url("/documents"), files={"file": (name, text.encode())}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 202, response.text
    document = wait_for_document(api, token, response.json()["id"])
    assert document["status"] == "ready", document["error"]
    return document


def wait_for_document(
    api: EnterpriseApi, token: str, document_id: str, until: tuple[str, ...] = ("ready", "failed"), timeout: float = 300
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        response = api.client.get(api.url(f"/documents/{document_id}"), headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        if body["status"] in until:
            return body
        assert time.monotonic() < deadline, f"document still {body['status']} at {body['progress']}%: {body['stages']}"
        time.sleep(0.25)


@dataclass(frozen=True)
class IngestedFiling:
    """A filing ingested once for the whole run into an enterprise of its own."""

    admin_email: str
    document_id: str
    seen: list[dict[str, Any]]  # every state the uploader saw while waiting


@pytest.fixture(scope="session")
def apple_ingestion(job_worker: None) -> IngestedFiling:
    """The Apple 10-K, uploaded and ingested once. Both API modes read the same database, so
    the mounted and the standalone tests ask the one enterprise (ingesting it per mode cost a
    minute of the run); tests that count its questions or reports count from what they find."""
    require_shared()
    settings = Settings(enterprise_enabled=True)
    account = make_enterprise(settings, "apple-reader")
    with TestClient(create_standalone_app(settings)) as client:
        api = EnterpriseApi(client, "/api/enterprise", settings, "standalone")
        token = enterprise_token(client, api.prefix, account.admin_email)
        with (CORPUS / "APPLE_2019_10K.pdf").open("rb") as handle:
            response = client.post(
                api.url("/documents"), files={"file": ("APPLE_2019_10K.pdf", handle)}, headers=bearer(token)
            )
        assert response.status_code == 202
        document_id = response.json()["id"]
        seen = [wait_for_document(api, token, document_id, until=("processing", "ready", "failed"))]
        seen.append(wait_for_document(api, token, document_id, until=("ready", "failed"), timeout=600))
    return IngestedFiling(account.admin_email, document_id, seen)


@pytest.fixture(scope="session")
def apple_10k(
    enterprise_api: EnterpriseApi, apple_ingestion: IngestedFiling
) -> tuple[EnterpriseApi, str, dict[str, Any], list[dict[str, Any]]]:
    """The Apple 10-K's enterprise through this mode's API: its admin's token, the document as
    this API returns it, and the states seen while it was ingested."""
    token = enterprise_token(enterprise_api.client, enterprise_api.prefix, apple_ingestion.admin_email)
    response = enterprise_api.client.get(
        enterprise_api.url(f"/documents/{apple_ingestion.document_id}"), headers=bearer(token)
    )
    assert response.status_code == 200, response.text
    return enterprise_api, token, response.json(), apple_ingestion.seen


@dataclass
class BusinessLibrary:
    """A small Spanish company's documents, uploaded once per session and ready."""

    api: EnterpriseApi
    token: str
    documents: dict[str, dict[str, Any]]


@pytest.fixture(scope="session")
def business_library(enterprise_api: EnterpriseApi, job_worker: None) -> BusinessLibrary:
    from tests.business_questions import BUSINESS, DOCUMENTS

    account = make_enterprise(enterprise_api.settings, "comercial-iberia")
    token = enterprise_token(enterprise_api.client, enterprise_api.prefix, account.admin_email)
    ids = {}
    for name in DOCUMENTS:
        with (BUSINESS / name).open("rb") as handle:
            response = enterprise_api.client.post(
                enterprise_api.url("/documents"), files={"file": (name, handle)}, headers=bearer(token)
            )
        assert response.status_code == 202, response.text
        ids[name] = response.json()["id"]
    documents = {name: wait_for_document(enterprise_api, token, i) for name, i in ids.items()}
    failed = {name: d["error"] for name, d in documents.items() if d["status"] != "ready"}
    assert not failed, failed
    return BusinessLibrary(enterprise_api, token, documents)


@pytest.fixture(scope="session")
def smtp_outbox() -> Iterator[Outbox]:
    """The SMTP server SMTP_URL names for the whole session (reports are mailed there)."""
    with smtp_server(TEST_SMTP_PORT) as outbox:
        yield outbox


# The connectors' fake sources, on the ports tests/conftest.py gave the settings.
@pytest.fixture(scope="session")
def drive() -> Iterator[FakeDrive]:
    with serving(FakeDrive(), FAKE_DRIVE_PORT) as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture(scope="session")
def dropbox() -> Iterator[FakeDropbox]:
    with serving(FakeDropbox(), FAKE_DROPBOX_PORT) as fake:
        yield fake  # type: ignore[misc]


@pytest.fixture(scope="session")
def salesforce() -> Iterator[FakeSalesforce]:
    with serving(FakeSalesforce(), FAKE_SALESFORCE_PORT) as fake:
        yield fake  # type: ignore[misc]
