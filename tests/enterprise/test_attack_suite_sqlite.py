"""The same attack suite on embedded SQLite, where the application's scoping stands alone (no
row-level security there): every test of `test_attack_suite` runs again on a SQLite app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from chatbot.main import create_app
from shared.migrations import PRODUCTS, upgrade
from shared.settings import Settings
from tests.conftest import TEST_ROOT
from tests.enterprise.conftest import EnterpriseApi
from tests.enterprise.test_attack_suite import (  # noqa: F401 (the tests and fixtures rerun here)
    attacker,
    test_another_enterprises_ids_are_404_on_every_endpoint,
    test_each_role_reaches_exactly_its_endpoints,
    test_every_endpoint_is_in_the_role_matrix,
    test_no_list_or_search_shows_another_enterprises_rows,
    victim,
)


@pytest.fixture(scope="module")
def enterprise_api() -> Iterator[EnterpriseApi]:
    """Overrides the PostgreSQL fixture for this module: the embedded defaults."""
    settings = Settings(
        enterprise_enabled=True,
        database_url=None,
        data_dir=TEST_ROOT / "sqlite-attack",
        storage_url=None,
        vector_store_path=TEST_ROOT / "sqlite-attack-chroma",
    )
    for product in PRODUCTS:
        upgrade(settings, product)
    with TestClient(create_app(settings)) as client:
        yield EnterpriseApi(client, "/api/enterprise", settings, "sqlite")
