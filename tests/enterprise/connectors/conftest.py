"""An app whose public address is the test client's, so the fake sources' consent redirects
(tests/enterprise/conftest.py runs the sources) come back to it; helpers to connect and sync."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from enterprise.app import create_standalone_app
from shared.settings import Settings
from tests.enterprise.conftest import EnterpriseApi
from tests.factories import bearer
from tests.fakes.sources import FakeSource


@pytest.fixture(scope="session")
def connector_api(job_worker: None) -> Iterator[EnterpriseApi]:
    settings = Settings(enterprise_enabled=True, public_base_url="http://testserver")
    with TestClient(create_standalone_app(settings)) as client:
        yield EnterpriseApi(client, "/api/enterprise", settings, "standalone")


def connect(api: EnterpriseApi, token: str, kind: str, fake: FakeSource, scope: list[str] | None = None) -> str:
    """Make a connector and grant it access at the fake source, as an admin's browser would."""
    made = api.client.post(
        api.url("/connectors"), json={"kind": kind, "name": f"{kind} test", "scope": scope or []}, headers=bearer(token)
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["status"] == "needs_authorization"
    consent = httpx.get(body["authorization_url"], follow_redirects=False)
    assert consent.status_code in {302, 307}, consent.text
    back = api.client.get(consent.headers["location"], follow_redirects=False)
    assert back.status_code == 303, back.text
    assert back.headers["location"].startswith(f"/dashboard/admin?connector={body['id']}")
    return str(body["id"])


def latest_run(api: EnterpriseApi, token: str, connector_id: str, timeout: float = 120) -> dict[str, Any]:
    """The newest run once it has finished."""
    deadline = time.monotonic() + timeout
    while True:
        runs = api.client.get(api.url(f"/connectors/{connector_id}/runs"), headers=bearer(token))
        assert runs.status_code == 200, runs.text
        items = runs.json()["items"]
        if items and items[0]["status"] in {"succeeded", "failed"}:
            return dict(items[0])
        assert time.monotonic() < deadline, f"the run did not finish: {items[:1]}"
        time.sleep(0.2)


def sync(api: EnterpriseApi, token: str, connector_id: str) -> dict[str, Any]:
    started = api.client.post(api.url(f"/connectors/{connector_id}/sync"), headers=bearer(token))
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    finished = latest_run(api, token, connector_id)
    assert finished["id"] == run_id
    return finished


def documents_of(api: EnterpriseApi, token: str) -> list[dict[str, Any]]:
    listed = api.client.get(api.url("/documents?limit=100"), headers=bearer(token))
    assert listed.status_code == 200, listed.text
    return list(listed.json()["items"])
