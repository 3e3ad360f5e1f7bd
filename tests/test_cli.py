"""The `brain` command and the two ways to run the servers, as real processes over real HTTP."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import httpx

from tests.conftest import brain_executable, run_cli
from tests.factories import DEFAULT_PASSWORD
from tests.servers import free_port, running_server


def test_enterprise_create_then_sign_in_through_brain_serve() -> None:
    slug = f"coca-cola-{uuid.uuid4().hex[:6]}"
    email = f"ceo@{slug}.example"
    created = run_cli(
        "enterprise",
        "create",
        slug,
        "--admin-email",
        email,
        "--admin-password",
        DEFAULT_PASSWORD,
        "--name",
        "Coca-Cola",
    )
    assert created.returncode == 0, created.stderr
    assert slug in created.stdout
    again = run_cli("enterprise", "create", slug, "--admin-email", "x" + email, "--admin-password", DEFAULT_PASSWORD)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    port = free_port()
    command = [brain_executable(), "serve", "--port", str(port), "--no-migrate"]
    with running_server(command, port, {**os.environ, "ENTERPRISE_ENABLED": "true"}) as base:
        assert httpx.get(f"{base}/health").json()["status"] == "ok"
        token = httpx.post(f"{base}/api/enterprise/auth/token", data={"username": email, "password": DEFAULT_PASSWORD})
        assert token.status_code == 200
        me = httpx.get(f"{base}/api/enterprise/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        assert me.json()["enterprise"]["name"] == "Coca-Cola"
        assert httpx.get(f"{base}/api/chat/me").status_code == 401


def test_enterprise_runs_alone_with_uvicorn_on_the_same_paths() -> None:
    slug = f"startup-x-{uuid.uuid4().hex[:6]}"
    email = f"founder@{slug}.example"
    assert (
        run_cli("enterprise", "create", slug, "--admin-email", email, "--admin-password", DEFAULT_PASSWORD).returncode
        == 0
    )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "enterprise.app:app", "--port", str(port)]
    with running_server(command, port, dict(os.environ)) as base:
        token = httpx.post(f"{base}/api/enterprise/auth/token", data={"username": email, "password": DEFAULT_PASSWORD})
        assert token.status_code == 200
        assert httpx.get(f"{base}/dashboard/").status_code == 200
        assert httpx.get(f"{base}/api/chat/me").status_code == 404
        assert set(httpx.get(f"{base}/health").json()["checks"]) == {"database:enterprise", "chroma", "redis"}


def test_embedded_defaults_serve_from_a_fresh_directory(tmp_path: Path) -> None:
    """The README's first command: no DATABASE_URL, no REDIS_URL, no CHROMA_URL; it migrates itself."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}} | {
        "ENTERPRISE_ENABLED": "true",
        "DATA_DIR": str(tmp_path / "data"),
        "VECTOR_STORE_PATH": str(tmp_path / "chroma"),
    }
    port = free_port()
    with running_server([brain_executable(), "serve", "--port", str(port)], port, env, cwd=tmp_path) as base:
        health = httpx.get(f"{base}/health").json()
        assert health["status"] == "ok"
        assert health["checks"]["database:enterprise"]["backend"] == "sqlite"
        assert "redis" not in health["checks"]
        login = httpx.post(f"{base}/api/enterprise/auth/token", data={"username": "a@b.example", "password": "x" * 12})
        assert login.status_code == 401  # the schema exists: a clean refusal, not a 500
    assert (tmp_path / "data" / "db" / "enterprise.db").exists()


def test_brain_ingest_reports_each_file_and_a_summary() -> None:
    slug = f"ingest-{uuid.uuid4().hex[:6]}"
    email = f"ops@{slug}.example"
    assert (
        run_cli("enterprise", "create", slug, "--admin-email", email, "--admin-password", DEFAULT_PASSWORD).returncode
        == 0
    )
    data = Path(__file__).parent / "data"
    files = [str(data / name) for name in ("rize_cleaning_hours.txt", "corrupt.pdf", "png_named.pdf")]
    result = run_cli("ingest", *files, "--enterprise", slug, env={"COLUMNS": "200"}, timeout=300)
    assert result.returncode == 2, result.stderr  # some files failed
    assert "Summary" in result.stdout
    lines = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") >= 5}
    assert "ready" in lines["rize_cleaning_hours.txt"]
    assert "failed" in lines["corrupt.pdf"]
    assert "damaged" in lines["corrupt.pdf"]
    assert "refused" in lines["png_named.pdf"]
    assert "not a PDF" in lines["png_named.pdf"]
    again = run_cli("ingest", files[0], "--enterprise", slug, env={"COLUMNS": "200"})
    assert again.returncode == 0
    assert "duplicate" in again.stdout
    reindexed = run_cli("reindex", "--enterprise", slug, env={"COLUMNS": "200"}, timeout=300)
    assert "rize_cleaning_hours.txt" in reindexed.stdout
    assert "ready" in reindexed.stdout
    unknown = run_cli("ingest", files[0], "--enterprise", "no-such-enterprise")
    assert unknown.returncode == 1
    assert "not found" in unknown.stderr


def test_brain_reindex_facts_rereads_the_statements_without_parsing_again(tmp_path: Path) -> None:
    from tests.enterprise.ingestion.test_statement_pages import plain_statement

    slug = f"facts-{uuid.uuid4().hex[:6]}"
    email = f"cfo@{slug}.example"
    assert (
        run_cli("enterprise", "create", slug, "--admin-email", email, "--admin-password", DEFAULT_PASSWORD).returncode
        == 0
    )
    filing = plain_statement(tmp_path / "NORTHWIND_2023_10K.pdf")
    assert run_cli("ingest", str(filing), "--enterprise", slug, env={"COLUMNS": "200"}, timeout=300).returncode == 0
    reread = run_cli("reindex", "--facts", "--enterprise", slug, env={"COLUMNS": "200"}, timeout=300)
    assert reread.returncode == 0, reread.stderr
    row = next(line for line in reread.stdout.splitlines() if "NORTHWIND_2023_10K.pdf" in line and "│" in line)
    assert "ready" in row
    assert "22 facts" in row


def test_several_server_processes_are_refused_on_the_embedded_defaults(tmp_path: Path) -> None:
    # Empty is unset: the embedded SQLite, in-process jobs and embedded Chroma.
    env = {"DATABASE_URL": "", "REDIS_URL": "", "CHROMA_URL": "", "DATA_DIR": str(tmp_path / "data")}
    refused = run_cli("serve", "--workers", "3", "--port", "1", env=env)
    assert refused.returncode == 1
    message = " ".join(refused.stderr.split())
    for setting in ("DATABASE_URL", "REDIS_URL", "CHROMA_URL"):
        assert setting in message
    assert "run one process" in message
    assert not (tmp_path / "data" / "db").exists()  # refused before anything was made


def test_commands_and_the_enterprise_app_load_without_the_vector_store_or_language_model_clients() -> None:
    """`brain enterprise create`, `quota` and `brain ingest` load the runtime and the pipeline,
    `brain serve` the enterprise app: Chroma, the OpenAI client and LangChain's chat models
    (two to three seconds of imports at each start) wait until a vector or a model is needed."""
    import subprocess

    probe = (
        "import sys, cli.main, cli.ingest, enterprise.runtime, enterprise.ingestion.pipeline, enterprise.app\n"
        "heavy = ('chromadb', 'langchain_core.language_models.chat_models', 'langsmith', 'openai')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"
