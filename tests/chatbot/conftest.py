from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from chatbot.main import create_app
from shared.settings import Settings


@dataclass
class ChatApi:
    client: TestClient
    settings: Settings
    enterprise_enabled: bool


# Every chatbot test runs twice: chatbot users must never notice the enterprise product.
@pytest.fixture(scope="session", params=[False, True], ids=["enterprise-off", "enterprise-on"])
def chat_api(request: pytest.FixtureRequest) -> Iterator[ChatApi]:
    settings = Settings(enterprise_enabled=request.param)
    with TestClient(create_app(settings)) as client:
        yield ChatApi(client, settings, request.param)
