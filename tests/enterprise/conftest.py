from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from chatbot.main import create_app
from enterprise.app import create_standalone_app
from shared.settings import Settings


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
