"""The root app: the enterprise flag, health, metrics and the sub-app's lifespan."""

from __future__ import annotations

import subprocess
import sys

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from chatbot.main import create_app
from shared.settings import Settings


def test_flag_off_hides_enterprise_paths() -> None:
    with TestClient(create_app(Settings(enterprise_enabled=False))) as client:
        for path in (
            "/api/enterprise/me",
            "/api/enterprise/auth/token",
            "/dashboard/",
            "/dashboard/static/js/main.js",
            "/dashboard/ask",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert response.json()["error"] == "not_found"
        assert client.get("/health").status_code == 200


def test_flag_off_does_no_enterprise_work() -> None:
    probe = (
        "import sys\n"
        "from chatbot.main import create_app\n"
        "from shared.settings import Settings\n"
        "create_app(Settings(enterprise_enabled=False))\n"
        "loaded = sorted(m for m in sys.modules if m == 'enterprise' or m.startswith('enterprise.'))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_flag_on_mounts_api_and_dashboard_and_enters_lifespan_once() -> None:
    app = create_app(Settings(enterprise_enabled=True))
    enterprise_app = next(route.app for route in app.routes if getattr(route, "path", "") == "/api/enterprise")  # type: ignore[attr-defined]
    with TestClient(app) as client:
        assert client.get("/api/enterprise/me").status_code == 401
        dashboard = client.get("/dashboard/")
        assert dashboard.status_code == 200
        assert "Enterprise AI Brain" in dashboard.text
        assert client.get("/dashboard/static/js/main.js").status_code == 200
        assert client.get("/api/enterprise/openapi.json").json()["info"]["title"] == "Enterprise AI Brain"
    assert enterprise_app.state.runtime.lifespan_entries == 1


def test_health_reports_each_dependency() -> None:
    with TestClient(create_app(Settings(enterprise_enabled=True))) as client:
        response = client.get("/health")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert set(checks) == {"database:chatbot", "database:enterprise", "chroma", "redis"}
    assert all(check["status"] == "up" for check in checks.values())
    assert checks["database:enterprise"]["backend"] == "postgresql"


def test_health_is_503_when_a_dependency_is_down() -> None:
    settings = Settings(enterprise_enabled=False, redis_url="redis://127.0.0.1:1/0")
    with TestClient(create_app(settings)) as client:
        response = client.get("/health")
        ready = client.get("/health/ready")
        live = client.get("/health/live")
    assert response.status_code == ready.status_code == 503
    redis = response.json()["checks"]["redis"]
    assert redis["status"] == "down"
    # The kind of failure, not its message (which names hosts and ports): that goes to the log.
    assert redis["error"] == "ConnectionError"
    assert "127.0.0.1" not in response.text
    assert response.json()["checks"]["database:chatbot"]["status"] == "up"
    # Liveness does not depend on Redis: the container is not restarted for a Redis blip.
    assert (live.status_code, live.json()) == (200, {"status": "ok"})


def _requests_counted(body: str, **labels: str) -> float:
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == "http_requests_total" and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


def _latency_observed(body: str, **labels: str) -> float:
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == "http_request_duration_seconds_count" and all(
                sample.labels.get(k) == v for k, v in labels.items()
            ):
                return float(sample.value)
    return 0.0


def test_metrics_count_requests_by_route_template() -> None:
    user = {"product": "enterprise", "method": "GET", "route": "/users/{user_id}", "status": "401"}
    chat = {"product": "chatbot", "method": "GET", "route": "/me", "status": "401"}
    with TestClient(create_app(Settings(enterprise_enabled=True))) as client:
        before = client.get("/metrics").text
        for _ in range(2):
            client.get("/api/enterprise/users/00000000-0000-0000-0000-000000000000")
        client.get("/api/chat/me")
        client.get("/api/enterprise/no/such/path")
        body = client.get("/metrics").text
    assert "00000000-0000-0000-0000-000000000000" not in body
    assert _requests_counted(body, **user) == _requests_counted(before, **user) + 2
    assert _requests_counted(body, **chat) == _requests_counted(before, **chat) + 1
    unmatched = {"product": "enterprise", "route": "unmatched", "status": "404"}
    assert _requests_counted(body, **unmatched) == _requests_counted(before, **unmatched) + 1
    timed = {"product": "enterprise", "method": "GET", "route": "/users/{user_id}"}
    assert _latency_observed(body, **timed) == _latency_observed(before, **timed) + 2
