"""How fast analytics answer, cold and from the cache, and how long a report takes to write.

    python bench/analytics_reports.py analytics [--queries 10000] [--documents 1000] [--runs 30]
    python bench/analytics_reports.py report [--workdir DIR] [--runs 5] [--port 8094]

`analytics`: a new PostgreSQL database (dropped afterwards) with the enterprise schema, one
enterprise holding `--documents` documents and `--queries` logged questions (synthetic rows written
straight into the tables: 12 members, 90 days, 300 distinct questions in several wordings, a fifth
not found, some with feedback and tokens). Each analytics endpoint is called through the app's
HTTP stack (Starlette's test client, in-process): "cold" after the cache rows are deleted, "cached"
as served from `analytics_cache`. Baseline in the same run: `GET /me`, the lightest signed-in call.

`report`: `brain serve` on embedded defaults with the six corpus annual reports (kept in
`--workdir` for the next run); each run asks for a report (`POST /reports`) and waits until a worker
has written it (HTML and PDF). Baseline in the same run: `GET /metrics`, the facts every KPI of the
report is computed from.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SUBJECTS = [
    "revenue", "net income", "gross margin", "operating cash flow", "refund policy", "vacation days", "travel budget",
    "contract renewal date", "payment terms", "headcount", "inventory turnover", "capital expenditures",
    "debt to equity", "marketing spend", "warranty terms",
]  # fmt: skip
FORMS = ["What is the {s} for {y}?", "what was the {s} in {y}", "{s} {y}?", "How much was {s} in fiscal {y}?"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(p / 100 * len(ordered) + 0.5) - 1)]


def summary(values: list[float]) -> str:
    return f"p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 95):.1f} ms (n={len(values)})"


# ---- analytics -------------------------------------------------------------------------------------


def _fill(settings: Any, documents: int, queries: int) -> tuple[str, str]:
    from sqlalchemy import insert

    from enterprise.answers.models import AnswerMode, Feedback, QueryRecord
    from enterprise.auth.models import Role, User
    from enterprise.auth.service import create_enterprise
    from enterprise.documents.models import Document, DocumentSource, DocumentStatus, DocumentType
    from enterprise.runtime import EnterpriseRuntime
    from shared.database import session_scope

    rng = random.Random(7)
    runtime = EnterpriseRuntime.from_settings(settings, owner=True)
    now = datetime.now(UTC)
    with session_scope(runtime.session_factory) as session:
        enterprise, admin = create_enterprise(
            session, slug="bench-analytics", name="Bench Analytics", admin_email="admin@bench-analytics.example",
            admin_password="benchmark-password", max_documents=10_000,
        )  # fmt: skip
        enterprise_id = enterprise.id
        members = [admin.id]
        for i in range(11):
            user = User(enterprise_id=enterprise_id, email=f"member{i}@bench-analytics.example", role=Role.ANALYST)
            session.add(user)
            session.flush()
            members.append(user.id)
    statuses = [DocumentStatus.READY] * 18 + [DocumentStatus.FAILED, DocumentStatus.PROCESSING]
    document_rows = [
        {
            "id": uuid.uuid4(),
            "enterprise_id": enterprise_id,
            "created_at": now - timedelta(days=rng.randint(0, 400)),
            "updated_at": now,
            "filename": f"doc-{i:05d}.pdf",
            "file_format": "pdf",
            "content_type": "application/pdf",
            "sha256": uuid.uuid4().hex * 2,
            "size_bytes": rng.randint(20_000, 5_000_000),
            "doc_type": rng.choice(list(DocumentType)),
            "company": rng.choice(["Acme", "Globex", "Initech", None]),
            "fiscal_year": rng.choice([2021, 2022, 2023, None]),
            "period": None,
            "language": "en",
            "tags": [],
            "metadata_given": [],
            "source": DocumentSource.UPLOAD,
            "status": (status := rng.choice(statuses)),
            "progress": 100,
            "stages": {},
            "error": "parse: not a PDF" if status == DocumentStatus.FAILED else None,
            "pages": (pages := rng.randint(1, 200)),
            "pages_without_text": rng.choice([0] * 9 + [rng.randint(1, pages)]),
            "chunk_count": pages * 3,
            "table_count": 0,
            "attempts": 1,
        }
        for i in range(documents)
    ]
    question_pool = [
        (form.format(s=subject, y=year), subject)
        for subject in SUBJECTS
        for year in range(2004, 2024)
        for form in FORMS
    ][:1200]
    query_rows = []
    for _ in range(queries):
        question, _subject = rng.choice(question_pool)
        found = rng.random() > 0.2
        llm = rng.random() < 0.3
        query_rows.append(
            {
                "id": uuid.uuid4(),
                "enterprise_id": enterprise_id,
                "user_id": rng.choice(members),
                "created_at": now - timedelta(minutes=rng.randint(0, 90 * 24 * 60)),
                "updated_at": now,
                "question": question,
                "request": {},
                "answer": "…",
                "value": None,
                "unit": None,
                "mode": AnswerMode.LLM if llm else rng.choice([AnswerMode.EXTRACTIVE, AnswerMode.FACTS]),
                "citations": [],
                "note": None,
                "found": found,
                "latency_ms": rng.randint(20, 4000),
                "prompt_tokens": rng.randint(500, 3000) if llm else 0,
                "completion_tokens": rng.randint(50, 400) if llm else 0,
                "feedback": rng.choice([None] * 8 + [Feedback.UP, Feedback.DOWN]),
                "feedback_comment": None,
                "feedback_at": None,
            }
        )
    with session_scope(runtime.session_factory) as session:
        session.execute(insert(Document), document_rows)
        for start in range(0, len(query_rows), 2000):
            session.execute(insert(QueryRecord), query_rows[start : start + 2000])
    runtime.engine.dispose()
    return str(enterprise_id), "admin@bench-analytics.example"


def bench_analytics(documents: int, queries: int, runs: int) -> None:
    database = f"brain_bench_analytics_{os.getpid()}"
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + database
    data_dir = Path(tempfile.mkdtemp(prefix="brain-bench-analytics-"))
    # Before the app is imported: its job queue and its in-process workers read these.
    os.environ.update({"DATABASE_URL": url, "ENTERPRISE_ENABLED": "true", "DATA_DIR": str(data_dir)})
    os.environ.pop("REDIS_URL", None)
    from sqlalchemy import create_engine, text
    from starlette.testclient import TestClient

    from enterprise.app import create_standalone_app
    from shared.migrations import upgrade
    from shared.settings import Settings

    admin = create_engine(PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg2://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        settings = Settings()
        upgrade(settings, "enterprise")
        started = time.perf_counter()
        enterprise_id, email = _fill(settings, documents, queries)
        print(f"filled {documents} documents and {queries} questions in {time.perf_counter() - started:.1f} s")
        with TestClient(create_standalone_app(settings)) as client:
            token = client.post(
                "/api/enterprise/auth/token", data={"username": email, "password": "benchmark-password"}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            engine = create_engine(url.replace("postgresql://", "postgresql+psycopg2://"))

            def timed(path: str, cold: bool) -> float:
                if cold:
                    with engine.begin() as connection:
                        connection.execute(text("DELETE FROM enterprise.analytics_cache"))
                begin = time.perf_counter()
                response = client.get(path, headers=headers)
                elapsed = (time.perf_counter() - begin) * 1000
                assert response.status_code == 200, response.text
                if path.startswith("/api/enterprise/analytics"):
                    assert response.json()["cached"] is not cold
                return elapsed

            for _ in range(3):  # warm the process: imports, plans, the language identifier
                timed("/api/enterprise/analytics/usage?days=30", cold=True)
            print(f"baseline GET /me: {summary([timed('/api/enterprise/me', False) for _ in range(runs)])}")
            for path in ("usage?days=30", "usage?days=90", "content", "kpis"):
                full = f"/api/enterprise/analytics/{path}"
                cold = [timed(full, cold=True) for _ in range(runs)]
                cached = [timed(full, cold=False) for _ in range(runs)]
                print(f"{path:>14}: cold {summary(cold)}; cached {summary(cached)}")
            engine.dispose()
        print(f"enterprise {enterprise_id}")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


# ---- report ----------------------------------------------------------------------------------------


def bench_report(workdir: Path | None, runs: int, port: int) -> None:
    from bench.benchserver import bench_server
    from bench.dashboard_paint import upload_corpus

    with bench_server(port, workdir=workdir) as server:
        upload_corpus(server.base, server.headers)
        api = f"{server.base}/api/enterprise"
        baseline = []
        kpis_cold = 0.0
        for _ in range(runs * 3):
            begin = time.perf_counter()
            httpx.get(f"{api}/metrics", headers=server.headers, timeout=60).raise_for_status()
            baseline.append((time.perf_counter() - begin) * 1000)
        print(f"baseline GET /metrics (every company and year): {summary(baseline)}")
        kpis = []
        for _ in range(runs * 3):
            begin = time.perf_counter()
            answer = httpx.get(f"{api}/analytics/kpis", headers=server.headers, timeout=60).json()
            kpis.append((time.perf_counter() - begin) * 1000)
            kpis_cold = kpis_cold if answer["cached"] else kpis[-1]
        print(f"GET /analytics/kpis on the six filings: computed {kpis_cold:.1f} ms; cached {summary(kpis[1:])}")
        walls, written, sizes = [], [], []
        for _ in range(runs):
            begin = time.perf_counter()
            report = httpx.post(f"{api}/reports", json={"days": 30}, headers=server.headers, timeout=60).json()
            while report["status"] not in ("done", "failed"):
                time.sleep(0.05)
                report = httpx.get(f"{api}/reports/{report['id']}", headers=server.headers).json()
            assert report["status"] == "done", report
            walls.append((time.perf_counter() - begin) * 1000)
            created = datetime.fromisoformat(report["created_at"])
            written.append((datetime.fromisoformat(report["finished_at"]) - created).total_seconds() * 1000)
            sizes.append(report["pdf_bytes"])
        print(f"report, POST to written (client): {summary(walls)}")
        print(f"report, created to finished (server): {summary(written)}; PDF {statistics.median(sizes) / 1024:.0f} KB")


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    analytics = commands.add_parser("analytics")
    analytics.add_argument("--queries", type=int, default=10_000)
    analytics.add_argument("--documents", type=int, default=1_000)
    analytics.add_argument("--runs", type=int, default=30)
    report = commands.add_parser("report")
    report.add_argument("--workdir", type=Path, default=None)
    report.add_argument("--runs", type=int, default=5)
    report.add_argument("--port", type=int, default=8094)
    args = parser.parse_args()
    if args.command == "analytics":
        bench_analytics(args.documents, args.queries, args.runs)
    else:
        bench_report(args.workdir, args.runs, args.port)


if __name__ == "__main__":
    main()
