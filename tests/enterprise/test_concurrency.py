"""More clients at once than the API has database connections: they wait their turn, none gets a 500."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from enterprise.app import create_standalone_app
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import bearer, enterprise_token, make_enterprise
from tests.servers import app_on_thread, free_port

pytestmark = pytest.mark.usefixtures("job_worker")
CLIENTS = 24


@pytest.fixture
def small_pool_server(enterprise_api: EnterpriseApi) -> Iterator[str]:
    """The API on a real port, with two database connections and a one-second wait for one."""
    settings = enterprise_api.settings.model_copy(
        update={"database_pool_size": 2, "database_max_overflow": 0, "database_pool_timeout": 1.0}
    )
    with app_on_thread(create_standalone_app(settings), free_port()) as url:
        yield url


def test_more_clients_than_connections_all_get_answers(enterprise_api: EnterpriseApi, small_pool_server: str) -> None:
    api = enterprise_api
    account = make_enterprise(api.settings, "crowd")
    token = enterprise_token(api.client, api.prefix, account.admin_email)
    memo = b"Crowd memo. The travel budget for the Oslo team is 40,000 EUR for the year."
    upload = api.client.post(api.url("/documents"), files={"file": ("crowd.txt", memo)}, headers=bearer(token))
    wait_for_document(api, token, upload.json()["id"])

    def ask(number: int) -> tuple[int, bool]:
        # A question of its own each, so that none is answered from another's cached answer.
        question = {"question": f"What is the travel budget for the Oslo team (request {number})?"}
        response = httpx.post(
            f"{small_pool_server}/api/enterprise/query", json=question, headers=bearer(token), timeout=120
        )
        return response.status_code, response.status_code == 200 and response.json()["found"]

    with ThreadPoolExecutor(CLIENTS) as clients:
        answers = list(clients.map(ask, range(CLIENTS)))
    assert answers == [(200, True)] * CLIENTS
