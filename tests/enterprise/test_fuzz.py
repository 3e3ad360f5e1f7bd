"""schemathesis against the enterprise API's own OpenAPI schema, signed in, on an enterprise that
holds a document and a logged question: no response is a 5xx, and every response (status,
content type, body) is one the schema documents. Bounded: FUZZ_EXAMPLES examples per operation
(default 25), derandomized so that a failure found in CI reproduces."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from enterprise.app import create_standalone_app
from shared.settings import Settings
from tests.enterprise.conftest import EnterpriseApi, wait_for_document
from tests.factories import bearer, enterprise_token, make_enterprise

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
pytestmark = pytest.mark.usefixtures("job_worker")


@pytest.fixture(scope="module")
def signed_in_app() -> Iterator[tuple[object, str]]:
    app_settings = Settings(enterprise_enabled=True)
    app = create_standalone_app(app_settings)
    with TestClient(app) as client:
        account = make_enterprise(app_settings, "fuzz")
        token = enterprise_token(client, "/api/enterprise", account.admin_email)
        api = EnterpriseApi(client, "/api/enterprise", app_settings, "standalone")
        uploaded = client.post(
            "/api/enterprise/documents",
            files={"file": ("notes.txt", b"Revenue grew 12% in 2023. The auditor is Example LLP.")},
            headers=bearer(token),
        )
        assert uploaded.status_code == 202
        wait_for_document(api, token, uploaded.json()["id"])
        asked = client.post("/api/enterprise/query", json={"question": "Who is the auditor?"}, headers=bearer(token))
        assert asked.status_code == 200
        yield app, token


def test_every_operation_answers_within_its_schema(signed_in_app: tuple[object, str]) -> None:
    app, token = signed_in_app
    schema = schemathesis.openapi.from_asgi("/api/enterprise/openapi.json", app)
    failures: list[tuple[str, str]] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers=bearer(token))
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as exc:
            failures.append((operation.label, str(exc)[:2000]))
    assert operations >= 20
    assert failures == [], "\n\n".join(f"{label}\n{text}" for label, text in failures)
