"""Many clients at once against two API processes and two workers, with a worker killed and Redis
restarted under load: throughput, latency, errors, and whether every document uploaded reaches ready.

    python bench/load.py [--clients 50] [--seconds 60] [--filings APPLE_2019_10K.pdf,AMD_2020_10K.pdf]
                         [--no-redis-restart]

The multi-machine set-up of `bench/cluster.py` (PostgreSQL, Redis database 12, Chroma's server,
moto's S3 server), two `brain serve` processes and two `brain worker` processes (one core each
for the model). One enterprise holds the `--filings` (dev-set 10-Ks, ingested first). Each client
loops for `--seconds` without pause: 93% questions (the dev set's questions about the loaded
filings, each with and without `document_ids`), 5% document listings, 2% uploads of a short memo
of its own; requests alternate between the two API processes.

First, for a third of `--seconds`, the same clients ask only `GET /me`, the lightest signed-in
call (a token checked, the user read): what the machine serves when a request does nothing else,
the floor for everything below. Then three phases of the same length, each against fresh API
processes: (1) the baseline, answer cache off (`ANSWER_CACHE_ENTRIES=0`); (2) the cache on; (3)
the cache on while, a third of the way in, one worker is killed (SIGKILL, started again 5 s later,
as an orchestrator would) and, two thirds in, Redis is restarted without persistence (every queued
job lost). After the load, every document uploaded must reach ready; the reaper
(`INGESTION_STALE_SECONDS=60`) requeues what the killed worker held and what the queue lost.

Restarting Redis stops the machine's Redis for a second: never run this beside the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.cluster import (  # noqa: E402
    Cluster,
    Process,
    cluster,
    cpu_seconds,
    machine_cpu_seconds,
    postgres_cpu_seconds,
)
from bench.eval_answers import CORPUS, QUESTIONS, percentile  # noqa: E402

QUESTION_SHARE, LISTING_SHARE = 0.93, 0.05  # the rest: uploads
STALE_SECONDS = 60
READY_WITHIN = 900.0


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    cache: Counter[str] = field(default_factory=Counter)
    uploaded: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def record(self, kind: str, started: float, status: str) -> None:
        self.latencies[kind].append(time.perf_counter() - started)
        self.statuses[kind][status] += 1

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def server_errors(self) -> int:
        return sum(n for counts in self.statuses.values() for status, n in counts.items() if status.startswith("5"))


def _memo(client: int, n: int) -> bytes:
    rng = random.Random(f"{client}-{n}")
    region = rng.choice(["north", "south", "east", "west", "central"])
    lines = [
        f"Weekly sales memo {uuid.uuid4()} for the {region} region.",
        f"Sales for week {rng.randint(1, 52)} were {rng.randint(100, 999)} thousand dollars, "
        f"{rng.randint(1, 30)} percent above plan, with {rng.randint(5, 90)} new accounts opened.",
        "The regional manager expects the pipeline to hold through the quarter; returns stayed low.",
    ]
    return "\n".join(lines).encode()


async def _client(
    number: int,
    bases: list[str],
    token: str,
    questions: list[dict[str, Any]],
    deadline: float,
    tally: Tally,
) -> None:
    rng = random.Random(number)
    uploads = 0
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
        turn = number
        while time.monotonic() < deadline:
            turn += 1
            base = f"{bases[turn % len(bases)]}/api/enterprise"
            draw = rng.random()
            started = time.perf_counter()
            try:
                if draw < QUESTION_SHARE:
                    kind = "question"
                    response = await http.post(f"{base}/query", json=rng.choice(questions))
                    tally.cache[response.headers.get("X-Answer-Cache", "none")] += 1
                elif draw < QUESTION_SHARE + LISTING_SHARE:
                    kind = "listing"
                    response = await http.get(f"{base}/documents", params={"limit": 20})
                else:
                    kind = "upload"
                    uploads += 1
                    memo = {"file": (f"memo-{number}-{uploads}.txt", _memo(number, uploads))}
                    response = await http.post(f"{base}/documents", files=memo)
                    if response.status_code == 202:
                        tally.uploaded.append(str(response.json()["id"]))
                tally.record(kind, started, str(response.status_code))
            except httpx.TransportError as exc:
                tally.record(kind, started, type(exc).__name__)


async def _floor(bases: list[str], token: str, clients: int, seconds: float) -> Tally:
    """Every client asks `GET /me` without pause."""
    tally = Tally()
    deadline = time.monotonic() + seconds

    async def one(number: int) -> None:
        async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
            turn = number
            while time.monotonic() < deadline:
                turn += 1
                started = time.perf_counter()
                try:
                    response = await http.get(f"{bases[turn % len(bases)]}/api/enterprise/me")
                    tally.record("me", started, str(response.status_code))
                except httpx.TransportError as exc:
                    tally.record("me", started, type(exc).__name__)

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(clients)))
    tally.seconds = time.perf_counter() - started
    return tally


async def _load(bases: list[str], token: str, questions: list[dict[str, Any]], clients: int, seconds: float) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(_client(n, bases, token, questions, deadline, tally) for n in range(clients)))
    tally.seconds = time.perf_counter() - started
    return tally


def _restart_redis() -> None:
    """The machine's Redis stopped and started again with nothing kept: every queued job is gone."""
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], check=False)
    time.sleep(1)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    for _ in range(50):
        if subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"], capture_output=True).returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError("Redis did not come back")


async def _faults(services: Cluster, workers: list[Process], seconds: float, restart_redis: bool) -> list[str]:
    events: list[str] = []
    await asyncio.sleep(seconds / 3)
    workers[0].stop(kill=True)
    events.append(f"{seconds / 3:.0f} s: worker killed (SIGKILL)")
    await asyncio.sleep(5)
    workers[0] = services.start_worker("worker-0-again", EMBEDDING_THREADS="1")
    events.append(f"{seconds / 3 + 5:.0f} s: worker started again")
    if restart_redis:
        await asyncio.sleep(seconds / 3 - 5)
        await asyncio.to_thread(_restart_redis)
        events.append(f"{2 * seconds / 3:.0f} s: Redis restarted, its queue lost")
    return events


async def _load_with_faults(
    services: Cluster,
    workers: list[Process],
    bases: list[str],
    token: str,
    questions: list[dict[str, Any]],
    args: argparse.Namespace,
) -> tuple[Tally, list[str]]:
    load = asyncio.create_task(_load(bases, token, questions, args.clients, args.seconds))
    events = await _faults(services, workers, args.seconds, not args.no_redis_restart)
    return await load, events


def _wait_ready(base: str, token: str, ids: list[str], within: float) -> tuple[float, Counter[str]]:
    started = time.perf_counter()
    headers = {"Authorization": f"Bearer {token}"}
    while True:
        states: Counter[str] = Counter()
        for document_id in ids:
            response = httpx.get(f"{base}/api/enterprise/documents/{document_id}", headers=headers, timeout=30)
            states[response.json()["status"] if response.status_code == 200 else f"http {response.status_code}"] += 1
        waited = time.perf_counter() - started
        if set(states) <= {"ready", "failed"} or any(k.startswith("http") for k in states) or waited > within:
            return waited, states
        time.sleep(5)


def _ingest(base: str, token: str, filings: list[str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    headers = {"Authorization": f"Bearer {token}"}
    for name in filings:
        with (CORPUS / name).open("rb") as handle:
            response = httpx.post(
                f"{base}/api/enterprise/documents", files={"file": (name, handle)}, headers=headers, timeout=300
            )
        response.raise_for_status()
        ids[name] = response.json()["id"]
    waited, states = _wait_ready(base, token, list(ids.values()), READY_WITHIN)
    print(f"filings ingested in {waited:.0f} s: {dict(states)}")
    return ids


def _questions(ids: dict[str, str]) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    asked = [r for r in rows if r["doc"] in ids]
    return [{"question": r["question"]} for r in asked] + [
        {"question": r["question"], "document_ids": [ids[r["doc"]]]} for r in asked
    ]


def _cpu_now(processes: list[Process]) -> dict[str, float]:
    for process in processes:
        process.sample()
    return {
        **{p.name: p.cpu for p in processes},
        "PostgreSQL": postgres_cpu_seconds(),
        "the clients": cpu_seconds(os.getpid()),
        "machine": machine_cpu_seconds(),
    }


def _cpu_used(before: dict[str, float], processes: list[Process]) -> str:
    now = _cpu_now(processes)
    used = {name: seconds - before.get(name, 0.0) for name, seconds in now.items() if name != "machine"}
    rest = now["machine"] - before["machine"] - sum(used.values())
    parts = [f"{name} {seconds:.0f}" for name, seconds in used.items()]
    return "CPU seconds: " + ", ".join([*parts, f"the rest (S3, the machine) {rest:.0f}"])


def _report(phase: str, tally: Tally, processes: list[Process], cpu: str) -> None:
    print(f"\n## {phase}: {tally.requests} requests in {tally.seconds:.0f} s, {tally.requests / tally.seconds:.1f}/s")
    for kind, values in sorted(tally.latencies.items()):
        ms = [v * 1000 for v in values]
        print(
            f"  {kind}: {len(ms)} ({len(ms) / tally.seconds:.1f}/s), p50 {percentile(ms, 0.5):.0f} ms, "
            f"p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms; statuses {dict(tally.statuses[kind])}"
        )
    print(f"  answer cache: {dict(tally.cache)}; 5xx: {tally.server_errors}")
    print("  peak RSS: " + ", ".join(f"{p.name} {p.peak_mb:.0f} MB" for p in processes))
    print(f"  {cpu}")


def _start_apis(services: Cluster, phase: str, **settings: str) -> tuple[list[Process], list[str]]:
    started = [services.start_api(f"api-{phase}-{n}", **settings) for n in range(2)]
    return [p for p, _ in started], [b for _, b in started]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--filings", default="APPLE_2019_10K.pdf,AMD_2020_10K.pdf")
    parser.add_argument("--no-redis-restart", action="store_true", help="kill a worker only")
    args = parser.parse_args()

    with cluster(INGESTION_STALE_SECONDS=str(STALE_SECONDS)) as services:
        workers = [services.start_worker(f"worker-{n}", EMBEDDING_THREADS="1") for n in range(2)]
        apis, bases = _start_apis(services, "setup")
        token = services.enterprise(bases[0], "load")
        ids = _ingest(bases[0], token, args.filings.split(","))
        questions = _questions(ids)
        print(f"{len(questions)} questions, {args.clients} clients, {args.seconds:.0f} s a phase")
        for api in apis:
            api.stop()
        apis, bases = _start_apis(services, "floor")
        cpu_before = _cpu_now(apis)
        _report(
            "the floor: GET /me only",
            asyncio.run(_floor(bases, token, args.clients, args.seconds / 3)),
            apis,
            _cpu_used(cpu_before, apis),
        )
        uploaded: list[str] = []
        for phase, cache, faults in (
            ("baseline: answer cache off", "0", False),
            ("answer cache on", "2048", False),
            ("answer cache on, a worker killed and Redis restarted", "2048", True),
        ):
            for api in apis:
                api.stop()
            apis, bases = _start_apis(services, phase.split(":")[0].replace(" ", "-")[:20], ANSWER_CACHE_ENTRIES=cache)
            events: list[str] = []
            watched = [*apis, *workers, *([services.chroma] if services.chroma else [])]
            cpu_before = _cpu_now(watched)
            if faults:
                tally, events = asyncio.run(_load_with_faults(services, workers, bases, token, questions, args))
            else:
                tally = asyncio.run(_load(bases, token, questions, args.clients, args.seconds))
            # The faults replace a worker: the one started again is sampled too.
            watched = [*apis, *workers, *([services.chroma] if services.chroma else [])]
            _report(phase, tally, [*apis, *workers], _cpu_used(cpu_before, watched))
            for event in events:
                print(f"  {event}")
            uploaded += tally.uploaded
        waited, states = _wait_ready(bases[0], token, uploaded, READY_WITHIN)
        print(f"\n{len(uploaded)} documents uploaded under load; {waited:.0f} s after the load: {dict(states)}")
        logs = "".join(path.read_text(errors="replace") for path in services.work.glob("worker-*.log"))
        print(
            f"the reaper requeued {logs.count('document.requeued')} from the start "
            f"and {logs.count('document.enrichment_requeued')} for their enrichment"
        )


if __name__ == "__main__":
    main()
