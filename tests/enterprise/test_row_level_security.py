"""PostgreSQL's row-level security as a second wall: the web role, which does not own the
tables and cannot bypass the policies, sees only the enterprise its transaction names, even in
a query that forgot its filter; and the whole API works when it connects as that role."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from starlette.testclient import TestClient

from enterprise.app import create_standalone_app
from tests.conftest import run_cli
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import bearer, enterprise_token, make_enterprise

pytestmark = pytest.mark.usefixtures("job_worker")


@pytest.fixture(scope="module")
def web_url(enterprise_api: EnterpriseApi) -> Iterator[str]:
    owner_url = enterprise_api.settings.database_url
    assert owner_url
    assert owner_url.startswith("postgresql")
    role = f"brain_web_{uuid.uuid4().hex[:8]}"
    admin = create_engine(owner_url.replace("postgresql://", "postgresql+psycopg2://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS"))
    granted = run_cli("grant-web-role", role)
    assert granted.returncode == 0, granted.stderr
    url = make_url(owner_url).set(username=role, password=None)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f"DROP OWNED BY {role}"))
        connection.execute(text(f"DROP ROLE {role}"))
    admin.dispose()


def _engine(url: str) -> Engine:
    return create_engine(url.replace("postgresql://", "postgresql+psycopg2://"))


@pytest.fixture(scope="module")
def two_enterprises(enterprise_api: EnterpriseApi) -> tuple[uuid.UUID, uuid.UUID]:
    api = enterprise_api
    ids = []
    for prefix in ("rls-a", "rls-b"):
        account = make_enterprise(api.settings, prefix)
        token = enterprise_token(api.client, api.prefix, account.admin_email)
        uploaded = api.client.post(
            api.url("/documents"), files={"file": (f"{prefix}.txt", f"{prefix} memo".encode())}, headers=bearer(token)
        )
        wait_for_document(api, token, uploaded.json()["id"])
        ids.append(account.enterprise_id)
    return ids[0], ids[1]


def test_the_web_role_is_neither_owner_nor_exempt(web_url: str) -> None:
    engine = _engine(web_url)
    with engine.connect() as connection:
        flags = connection.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one()
        assert tuple(flags) == (False, False)
        owners = set(connection.scalars(text("SELECT tableowner FROM pg_tables WHERE schemaname = 'enterprise'")))
        assert connection.scalar(text("SELECT current_user")) not in owners
        connection.execute(text("SET row_security = off"))
        unfiltered = text("SELECT count(*) FROM enterprise.documents")
        with pytest.raises(DBAPIError, match="row-level security"):
            connection.execute(unfiltered)
    engine.dispose()


def test_a_query_without_its_filter_sees_only_the_bound_enterprise(
    web_url: str, two_enterprises: tuple[uuid.UUID, uuid.UUID]
) -> None:
    first, second = two_enterprises
    engine = _engine(web_url)
    with engine.begin() as connection:
        assert connection.scalar(text("SELECT count(*) FROM enterprise.documents")) == 0  # nothing bound
        connection.execute(text("SELECT set_config('app.enterprise_id', :e, true)"), {"e": str(first)})
        seen = set(connection.scalars(text("SELECT DISTINCT enterprise_id FROM enterprise.documents")))
        assert seen == {first}
        assert set(connection.scalars(text("SELECT DISTINCT enterprise_id FROM enterprise.chunks"))) == {first}
        assert set(connection.scalars(text("SELECT id FROM enterprise.enterprises"))) == {first}
        # An update that forgot its WHERE touches only this enterprise's rows.
        connection.execute(text("UPDATE enterprise.users SET full_name = 'renamed'"))
    with engine.begin() as connection:
        connection.execute(text("SELECT set_config('app.enterprise_id', :e, true)"), {"e": str(second)})
        assert "renamed" not in set(connection.scalars(text("SELECT full_name FROM enterprise.users")))
        with pytest.raises(DBAPIError, match="row-level security"):
            connection.execute(text("UPDATE enterprise.documents SET enterprise_id = :other"), {"other": str(first)})
    engine.dispose()


def test_the_api_serves_through_the_wall(enterprise_api: EnterpriseApi, web_url: str) -> None:
    settings = enterprise_api.settings.model_copy(
        update={"database_url": web_url, "database_owner_url": enterprise_api.settings.database_url}
    )
    mine = make_enterprise(enterprise_api.settings, "rls-api")
    theirs = make_enterprise(enterprise_api.settings, "rls-other")
    with TestClient(create_standalone_app(settings)) as client:
        api = EnterpriseApi(client, "/api/enterprise", settings, "standalone")
        token = enterprise_token(client, api.prefix, mine.admin_email)
        other = enterprise_token(client, api.prefix, theirs.admin_email)
        uploaded = client.post(
            api.url("/documents"), files={"file": ("wall.txt", b"The wall holds.")}, headers=bearer(token)
        )
        assert uploaded.status_code == 202, uploaded.text
        document = wait_for_document(api, token, uploaded.json()["id"])
        assert document["status"] == "ready"
        assert client.get(api.url("/me"), headers=bearer(token)).json()["enterprise"]["slug"] == mine.slug
        assert [d["id"] for d in client.get(api.url("/documents"), headers=bearer(token)).json()["items"]] == [
            document["id"]
        ]
        answer = client.post(api.url("/query"), json={"question": "Does the wall hold?"}, headers=bearer(token)).json()
        assert answer["citations"][0]["document_id"] == document["id"]
        assert client.get(api.url("/audit"), headers=bearer(token)).json()["total"] >= 2
        assert client.get(api.url(f"/documents/{document['id']}"), headers=bearer(other)).status_code == 404
        assert client.get(api.url("/documents"), headers=bearer(other)).json()["total"] == 0
        wrong = client.post(api.url("/auth/token"), data={"username": mine.admin_email, "password": "not-it-at-all"})
        assert wrong.status_code == 401
        # An API key finds its enterprise through the wall too (a function that answers only that).
        key = client.post(api.url("/api-keys"), json={"name": "through the wall"}, headers=bearer(token)).json()["key"]
        assert [d["id"] for d in client.get(api.url("/documents"), headers=bearer(key)).json()["items"]] == [
            document["id"]
        ]
