"""A `brain serve` process on embedded defaults (or a given database) for the benchmarks."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

PASSWORD = "benchmark-password"
EMAIL = "bench@bench.example"


@dataclass
class BenchServer:
    base: str
    token: str
    process: subprocess.Popen[bytes]
    data_dir: Path

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def sign_in_again(self) -> None:
        """A fresh token: a run longer than the token's hour (55 filings on two cores) outlives the first."""
        login = httpx.post(f"{self.base}/api/enterprise/auth/token", data={"username": EMAIL, "password": PASSWORD})
        login.raise_for_status()
        self.token = login.json()["access_token"]


@contextmanager
def bench_server(
    port: int, database_url: str | None = None, workdir: Path | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[BenchServer]:
    """Migrated, with enterprise `bench` and its admin signed in; jobs run in the server.

    A given `workdir` that an earlier run filled is used again as it is (its documents kept).
    """
    base = f"http://127.0.0.1:{port}"
    try:
        httpx.get(f"{base}/health", timeout=1)
    except httpx.TransportError:
        pass
    else:
        raise RuntimeError(f"port {port} already answers: a stale server would be measured instead of this one")
    reused = workdir is not None and (workdir / "data").exists()
    workdir = workdir or Path(tempfile.mkdtemp(prefix="brain-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CHROMA_URL"}}
    env |= {
        "ENTERPRISE_ENABLED": "true",
        "DATA_DIR": str(workdir / "data"),
        "VECTOR_STORE_PATH": str(workdir / "chroma"),
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    env |= extra_env or {}
    brain = str(Path(sys.executable).parent / "brain")
    subprocess.run([brain, "migrate"], env=env, check=True, capture_output=True)
    if not reused:
        subprocess.run(
            [brain, "enterprise", "create", "bench", "--admin-email", EMAIL, "--admin-password", PASSWORD],
            env=env,
            check=True,
            capture_output=True,
        )
    process = subprocess.Popen(
        [brain, "serve", "--port", str(port), "--no-migrate"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                httpx.get(f"{base}/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.5)
        login = httpx.post(f"{base}/api/enterprise/auth/token", data={"username": EMAIL, "password": PASSWORD})
        yield BenchServer(base, login.json()["access_token"], process, workdir / "data")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
