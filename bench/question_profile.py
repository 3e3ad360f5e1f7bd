"""Where a question's CPU goes: the answer path profiled on one ingested 10-K.

    python bench/question_profile.py [--workdir DIR] [--rounds 5] [--top 30] [--database-url URL]

Embedded defaults in `--workdir` (kept for the next run: the Apple 10-K is ingested once with
`brain ingest`), or PostgreSQL with `--database-url` (an empty database: migrated and filled on
the first run, with `--workdir` kept beside it for the vectors); the app in-process through its
HTTP stack (Starlette's test client), the dev
set's Apple questions (8): CPU per question (process time of every thread, so waits do not count)
the first time each is asked (after one question has loaded the models), then asked again
`--rounds` times; then the answer service called directly under cProfile, and the functions that
take the time, by cumulative and by own time. Baseline in the same run: `GET /me`, the lightest signed-in call.
The statements a question asked again sends to the database are timed too (time until each
returns, by its opening words): with `--database-url`, PostgreSQL's share of a question.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
SHARED = ROOT.parent / "shared"
FILING = "APPLE_2019_10K.pdf"
EMAIL, PASSWORD = "profile@apple-profile.example", "profile-password-1"


def _prepare(workdir: Path) -> None:
    env = {**os.environ}
    brain = str(Path(sys.executable).parent / "brain")
    if (workdir / "ready").exists():
        return
    subprocess.run([brain, "migrate"], env=env, check=True)
    subprocess.run(
        [brain, "enterprise", "create", "apple-profile", "--admin-email", EMAIL, "--admin-password", PASSWORD],
        env=env,
        check=True,
    )
    corpus = SHARED / "corpus" / "annual-reports" / FILING
    subprocess.run([brain, "ingest", str(corpus), "--enterprise", "apple-profile"], env=env, check=True)
    (workdir / "ready").touch()


def _profile_service(rounds: int, questions: list[str]) -> cProfile.Profile:
    from sqlalchemy import select

    from enterprise.answers import service
    from enterprise.auth.models import User
    from enterprise.runtime import EnterpriseRuntime
    from shared.database import session_scope
    from shared.settings import Settings

    runtime = EnterpriseRuntime.from_settings(Settings())
    profile = cProfile.Profile()
    with session_scope(runtime.session_factory) as session:
        user = session.scalars(select(User).where(User.email == EMAIL)).one()
        service.ask(session, runtime, None, user, service.Question(text=questions[0]))
        profile.enable()
        for _ in range(rounds):
            for question in questions:
                service.ask(session, runtime, None, user, service.Question(text=question))
        profile.disable()
    runtime.engine.dispose()
    return profile


@contextlib.contextmanager
def _timed_statements() -> Iterator[dict[str, tuple[float, int]]]:
    """Every statement any engine runs meanwhile: (seconds until it returned, count) by its opening words."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    timed: dict[str, tuple[float, int]] = {}
    local = threading.local()

    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        local.started = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        opening = " ".join(statement.split())[:70]
        seconds, count = timed.get(opening, (0.0, 0))
        timed[opening] = (seconds + time.perf_counter() - local.started, count + 1)

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    try:
        yield timed
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        event.remove(Engine, "after_cursor_execute", after)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--database-url", default=None, help="PostgreSQL instead of SQLite")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="brain-profile-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "DATA_DIR": str(workdir / "data"),
            "VECTOR_STORE_PATH": str(workdir / "chroma"),
            "ENTERPRISE_ENABLED": "true",
            "JOBS_IN_PROCESS": "false",
        }
    )
    for name in ("DATABASE_URL", "REDIS_URL", "CHROMA_URL", "STORAGE_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        os.environ.pop(name, None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    _prepare(workdir)

    from starlette.testclient import TestClient

    from chatbot.main import create_app

    questions = [
        json.loads(line)["question"]
        for line in (SHARED / "eval" / "dev_questions.jsonl").read_text().splitlines()
        if json.loads(line)["doc"] == FILING
    ]
    with TestClient(create_app()) as client:
        token = client.post("/api/enterprise/auth/token", data={"username": EMAIL, "password": PASSWORD}).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        client.post("/api/enterprise/query", json={"question": questions[0]}, headers=headers)  # models loaded
        # Each other question asked for the first time: what a new question costs.
        started = time.process_time()
        for question in questions[1:]:
            client.post("/api/enterprise/query", json={"question": question}, headers=headers)
        first_cpu = (time.process_time() - started) / (len(questions) - 1)
        started = time.process_time()
        for _ in range(args.rounds * len(questions)):
            client.get("/api/enterprise/me", headers=headers)
        me_cpu = (time.process_time() - started) / (args.rounds * len(questions))
        # CPU per question through HTTP, every thread of the process counted.
        started, wall = time.process_time(), time.perf_counter()
        with _timed_statements() as statements:
            for _ in range(args.rounds):
                for question in questions:
                    answer = client.post("/api/enterprise/query", json={"question": question}, headers=headers)
                    assert answer.status_code == 200, answer.text
        asked = args.rounds * len(questions)
        cpu = (time.process_time() - started) / asked
        elapsed = (time.perf_counter() - wall) / asked
        profile = _profile_service(args.rounds, questions)
    print(f"{len(questions) - 1} questions asked the first time, through HTTP: {first_cpu * 1000:.1f} ms CPU each")
    print(f"{asked} questions asked again, through HTTP: {cpu * 1000:.1f} ms CPU and {elapsed * 1000:.1f} ms wall each")
    print(f"baseline GET /me: {me_cpu * 1000:.1f} ms CPU each")
    total = sum(seconds for seconds, _ in statements.values())
    print(f"database statements a question asked again: {sum(n for _, n in statements.values()) / asked:.1f}, ", end="")
    print(f"{total / asked * 1000:.1f} ms until they return; by opening words:")
    for opening, (seconds, count) in sorted(statements.items(), key=lambda item: -item[1][0])[: args.top]:
        print(f"  {seconds / asked * 1000:6.2f} ms  {count / asked:5.2f}×  {opening}")
    print("the answer service called directly, under cProfile (the app runs endpoints on other threads):")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).strip_dirs().sort_stats(order).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
