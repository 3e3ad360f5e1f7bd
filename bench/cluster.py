"""The multi-machine set-up on loopback, for the benchmarks: a new PostgreSQL database, Redis
database 12 (emptied), `chroma run` (Chroma's own server), originals in moto's S3 server, and
`brain serve` / `brain worker` processes each with a data directory of its own, so that nothing
but those services is shared, as on separate machines.

    with cluster() as services:
        api = services.start_api()
        worker = services.start_worker()
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = "redis://127.0.0.1:6379/12"
PASSWORD = "bench-password-1"
BRAIN = str(Path(sys.executable).parent / "brain")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def admin_sql(statement: str, url: str = PG_ADMIN_URL) -> Any:
    """One statement run as PostgreSQL's owner (on `url`'s database, the server's by default),
    outside a transaction; its first value, if it returns rows."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://", 1), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        result = connection.execute(text(statement))
        value = result.scalar() if result.returns_rows else None
    engine.dispose()
    return value


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB; 0 once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int, ended_children: bool = False) -> float:
    """User and system CPU the process has used (its threads included), in seconds; with
    `ended_children`, also that of its children that have ended (and been waited for)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if ended_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU used by the machine's PostgreSQL: its processes, and the backends that have ended (a
    connection closed), which the server process has reaped."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().split(" ", 2)[1] == "(postgres)":
                total += cpu_seconds(int(stat.parent.name), ended_children=True)
        except OSError:
            continue
    return total


def machine_cpu_seconds() -> float:
    """CPU time used by everything on the machine (all cores, idle excluded), in seconds."""
    # user, nice, system, irq, softirq (not idle, iowait, or steal: time the hypervisor took)
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (values[0] + values[1] + values[2] + values[5] + values[6]) / os.sysconf("SC_CLK_TCK")


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    peak_mb: float = 0.0
    cpu: float = 0.0  # seconds, as last sampled

    def sample(self) -> None:
        self.peak_mb = max(self.peak_mb, peak_rss_mb(self.popen.pid))
        self.cpu = max(self.cpu, cpu_seconds(self.popen.pid))

    def stop(self, kill: bool = False) -> None:
        self.sample()
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.popen.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


@dataclass
class Cluster:
    work: Path
    env: dict[str, str]
    processes: list[Process] = field(default_factory=list)
    chroma: Process | None = None

    def start_api(self, name: str = "api", **extra: str) -> tuple[Process, str]:
        port = free_port()
        own = {**self.env, "DATA_DIR": str(self.work / name), **extra}
        log = (self.work / f"{name}.log").open("ab")
        popen = subprocess.Popen([BRAIN, "serve", "--port", str(port), "--no-migrate"], env=own, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/health")
        process = Process(name, popen)
        self.processes.append(process)
        return process, base

    def start_worker(self, name: str = "worker", **extra: str) -> Process:
        own = {**self.env, "DATA_DIR": str(self.work / name), **extra}
        log = (self.work / f"{name}.log").open("ab")
        popen = subprocess.Popen([BRAIN, "worker", "--workers", "1"], env=own, stdout=log, stderr=log)
        process = Process(name, popen)
        self.processes.append(process)
        return process

    def sample(self) -> None:
        for process in self.processes:
            process.sample()

    def enterprise(self, base: str, slug: str) -> str:
        """A new enterprise and its admin's bearer token."""
        email = f"admin@{slug}.example"
        subprocess.run(
            [BRAIN, "enterprise", "create", slug, "--admin-email", email, "--admin-password", PASSWORD],
            env=self.env,
            check=True,
            capture_output=True,
        )
        answer = httpx.post(f"{base}/api/enterprise/auth/token", data={"username": email, "password": PASSWORD})
        answer.raise_for_status()
        return str(answer.json()["access_token"])


def _new_database_name() -> str:
    return f"brain_bench_{uuid.uuid4().hex[:8]}"


def _kept_database(work: Path) -> tuple[str, bool]:
    """The database a kept work directory names (made on its first use), and whether it is new."""
    named = work / "database.txt"
    if named.exists():
        return named.read_text().strip(), False
    database = _new_database_name()
    named.write_text(database)
    return database, True


@contextmanager
def cluster(keep: Path | None = None, **settings: str) -> Iterator[Cluster]:
    """The services up, the schema migrated; `settings` go to every process started. With `keep`,
    a work directory whose database and Chroma data outlive the run, to be used again (S3's
    originals do not: moto's server holds them in memory)."""
    import redis

    from tests.s3 import ACCESS_KEY, REGION, SECRET_KEY, s3_server

    if keep is None:
        work, database, new = Path(tempfile.mkdtemp(prefix="brain-cluster-")), _new_database_name(), True
    else:
        keep.mkdir(parents=True, exist_ok=True)
        work, (database, new) = keep, _kept_database(keep)
    database_url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database
    chroma_port, s3_port = free_port(), free_port()
    redis.Redis.from_url(REDIS_URL).flushdb()
    if new:
        admin_sql(f'CREATE DATABASE "{database}"')
    chroma = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "chroma"),
            "run",
            "--path",
            str(work / "chroma"),
            "--port",
            str(chroma_port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    services = Cluster(work, {}, chroma=Process("chroma", chroma))
    try:
        with s3_server(s3_port, "bench-originals") as endpoint:
            env: dict[str, Any] = {
                k: v
                for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "REDIS_URL", "CHROMA_URL", "STORAGE_URL"}
            }
            env |= {
                "ENTERPRISE_ENABLED": "true",
                "DATABASE_URL": database_url,
                "REDIS_URL": REDIS_URL,
                "CHROMA_URL": f"http://127.0.0.1:{chroma_port}",
                "STORAGE_URL": "s3://bench-originals/originals",
                "S3_ENDPOINT_URL": endpoint,
                "S3_REGION": REGION,
                "S3_ACCESS_KEY_ID": ACCESS_KEY,
                "S3_SECRET_ACCESS_KEY": SECRET_KEY,
                "JWT_SECRET_KEY": "bench-" + uuid.uuid4().hex,
                **settings,
            }
            services.env = env
            subprocess.run([BRAIN, "migrate"], env=env, check=True, capture_output=True)
            wait_for(f"http://127.0.0.1:{chroma_port}/api/v2/heartbeat")
            yield services
    finally:
        for process in services.processes:
            process.stop()
        chroma.terminate()
        chroma.wait(timeout=30)
        if keep is None:
            admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            shutil.rmtree(work, ignore_errors=True)
