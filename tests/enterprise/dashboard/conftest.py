"""The dashboard as a user meets it: `brain serve` on embedded defaults (SQLite, embedded Chroma,
in-process jobs) in its own folder, the Apple 10-K ingested once per session with the `brain`
command, and Debian's chromium driven by Playwright. Every test leaves screenshots of the pages
it saw, at desktop and phone widths, under tests/artifacts/."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import brain_executable
from tests.fakes.openai_server import FakeOpenAI, running_fake_openai
from tests.servers import free_port, running_server
from tests.shared_data import CORPUS, require_shared

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a-long-password-for-the-dashboard"
DESKTOP, PHONE = 1280, 375
# What the probe of this machine found Chromium needs to start headless as root and stay off the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Account:
    email: str
    role: str


@dataclass
class DashboardSite:
    base: str
    env: dict[str, str]
    admin: Account
    viewer: Account
    outsider: Account
    flagged: Account
    apple_document_id: str
    model: FakeOpenAI

    def token(self, account: Account) -> str:
        response = httpx.post(
            f"{self.base}/api/enterprise/auth/token", data={"username": account.email, "password": PASSWORD}
        )
        response.raise_for_status()
        return str(response.json()["access_token"])


def _embedded_env(root: Path, model: FakeOpenAI) -> dict[str, str]:
    """The environment of a fresh machine (none of the suite's PostgreSQL, Redis, Chroma or S3 settings)
    with a language model: the fake OpenAI-compatible server on 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CHROMA_URL", "STORAGE_URL"}}
    env.update(
        {
            "OPENAI_BASE_URL": model.url,
            "OPENAI_API_KEY": "sk-dashboard-test",
            "ENTERPRISE_ENABLED": "true",
            "ENVIRONMENT": "development",
            "DATA_DIR": str(root / "data"),
            "VECTOR_STORE_PATH": str(root / "chroma"),
            "JWT_SECRET_KEY": "dashboard-" + uuid.uuid4().hex,
        }
    )
    return env


def _brain(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    done = subprocess.run([brain_executable(), *args], env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"brain {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


# A balance sheet whose totals disagree in 2024 (11,200 of assets against 11,900 of liabilities
# and equity): its figures are flagged, and the dashboard must say so beside them.
UNBALANCED_SHEET = """Comercial Ejemplo S.A.
Balance general al 31 de diciembre
(en miles de euros)

Concepto;31/12/2024;31/12/2023
Efectivo y equivalentes de efectivo;1.850;1.420
Total activo corriente;6.170;5.285
Total activo;11.200;10.090
Total pasivo corriente;2.800;2.700
Deuda a largo plazo;2.900;3.100
Total pasivo;5.700;5.800
Total patrimonio neto;5.500;4.290
Total pasivo y patrimonio neto;11.900;10.090
"""


# A second company of the same enterprise, whose books balance.
BALANCED_SHEET = """Distribuidora Norte S.L.
Balance general al 31 de diciembre
(en miles de euros)

Concepto;31/12/2024;31/12/2023
Efectivo y equivalentes de efectivo;940;610
Total activo corriente;3.100;2.600
Total activo;7.400;6.900
Total pasivo corriente;2.000;1.300
Deuda a largo plazo;1.500;1.700
Total pasivo;3.500;3.000
Total patrimonio neto;3.900;3.900
Total pasivo y patrimonio neto;7.400;6.900
"""


def _upload_and_wait(base: str, token: str, name: str, content: bytes) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    uploaded = httpx.post(f"{base}/api/enterprise/documents", files={"file": (name, content)}, headers=headers)
    assert uploaded.status_code == 202, uploaded.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        document = httpx.get(f"{base}/api/enterprise/documents/{uploaded.json()['id']}", headers=headers).json()
        if document["status"] in {"ready", "failed"}:
            assert document["status"] == "ready", document
            return
        time.sleep(0.3)
    raise AssertionError(f"{name} was not ready within 120 s")


def _add_viewer(base: str, admin_token: str, email: str) -> None:
    created = httpx.post(
        f"{base}/api/enterprise/users",
        json={"email": email, "role": "viewer", "password": PASSWORD, "full_name": "Vera Viewer"},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    assert created.status_code == 201, created.text


@pytest.fixture(scope="session")
def dashboard_model() -> Iterator[FakeOpenAI]:
    with running_fake_openai() as model:
        model.word_delay_seconds = 0.1
        yield model


@pytest.fixture(scope="session")
def dashboard_site(dashboard_model: FakeOpenAI) -> Iterator[DashboardSite]:
    require_shared()
    root = Path(tempfile.mkdtemp(prefix="brain-dashboard-"))
    env = _embedded_env(root, dashboard_model)
    admin = Account("cfo@apple-dashboard.example", "admin")
    viewer = Account("viewer@apple-dashboard.example", "viewer")
    outsider = Account("ceo@startup-x.example", "admin")
    flagged = Account("cfo@comercial-ejemplo.example", "admin")
    _brain(env, "migrate")
    _brain(
        env,
        "enterprise",
        "create",
        "apple-dash",
        "--admin-email",
        admin.email,
        "--admin-password",
        PASSWORD,
        "--name",
        "Apple Dashboard",
    )
    _brain(
        env,
        "enterprise",
        "create",
        "startup-x",
        "--admin-email",
        outsider.email,
        "--admin-password",
        PASSWORD,
        "--name",
        "Startup X",
    )
    _brain(
        env, "enterprise", "create", "comercial-ejemplo", "--admin-email", flagged.email, "--admin-password", PASSWORD
    )
    ingested = _brain(env, "ingest", str(CORPUS / "APPLE_2019_10K.pdf"), "--enterprise", "apple-dash")
    assert "ready" in ingested, ingested
    port = free_port()
    # The sources' consent pages send the admin back to this address.
    env["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    try:
        with running_server([brain_executable(), "serve", "--port", str(port)], port, env) as base:
            site = DashboardSite(base, env, admin, viewer, outsider, flagged, "", dashboard_model)
            _upload_and_wait(base, site.token(flagged), "balance_ejemplo.csv", UNBALANCED_SHEET.encode())
            _upload_and_wait(base, site.token(flagged), "balance_norte.csv", BALANCED_SHEET.encode())
            admin_token = site.token(admin)
            _add_viewer(base, admin_token, viewer.email)
            listed = httpx.get(f"{base}/api/enterprise/documents", headers={"Authorization": f"Bearer {admin_token}"})
            site.apple_document_id = listed.json()["items"][0]["id"]
            yield site
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"no chromium at {CHROMIUM}: apt-get install -y chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visitor:
    """One person in one browser context, with their language and screen width."""

    def __init__(self, browser: Any, site: DashboardSite, locale: str = "en-US", width: int = DESKTOP, **options: Any):
        self.site = site
        self.context = browser.new_context(viewport={"width": width, "height": 900}, locale=locale, **options)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def open(self, path: str = "/") -> Any:
        self.page.goto(f"{self.site.base}/dashboard{path}")
        return self.page

    def sign_in(self, account: Account, path: str = "/") -> Any:
        page = self.open(path)
        page.locator("#sign-in-email").fill(account.email)
        page.locator("#sign-in-password").fill(PASSWORD)
        page.locator("#sign-in-form button[type=submit]").click()
        page.locator("body[data-ready]").wait_for()  # the page's script is running, its first data shown
        return page

    def shoot(self, name: str) -> None:
        """Screenshots of the page as it is now, at desktop and phone widths."""
        ARTIFACTS.mkdir(exist_ok=True)
        original = self.page.viewport_size
        for width in (DESKTOP, PHONE):
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.wait_for_timeout(300)  # charts redraw on resize
            self.page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
            overflow = self.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} is {overflow} px wider than a {width} px screen"
        self.page.set_viewport_size(original)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor(chromium: Any, dashboard_site: DashboardSite) -> Iterator[Any]:
    """Makes visitors; each is closed at the end of the test."""
    made: list[Visitor] = []

    def make(**options: Any) -> Visitor:
        made.append(Visitor(chromium, dashboard_site, **options))
        return made[-1]

    yield make
    for v in made:
        v.close()
