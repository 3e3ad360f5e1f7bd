"""How soon an executive sees the overview's figures, in Chromium, on the corpus.

    python bench/dashboard_paint.py [--workdir DIR] [--runs 15] [--port 8093]

Starts `brain serve` on embedded defaults, uploads the six annual reports of the corpus (kept in
`--workdir` for the next run) and waits until each is ready. Then, for every company, opens
/dashboard/ in a new browser context (nothing cached) already signed in, and records:

- first contentful paint of the page (the shell: header and title), the baseline;
- the moment the KPI cards are on screen (the page's `overview-kpis` performance mark), the
  first meaningful paint the issue bounds at 1 s;
- the same on a reload in the same context (scripts and styles cached);
- the two API calls behind the cards, timed alone (`/companies`, `/metrics?company=`).

Medians and 95th percentiles over `--runs` loads per company; the machine's two cores are shared
by the server and the browser, as on a laptop running both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.benchserver import bench_server  # noqa: E402

SHARED = Path(os.environ.get("BRAIN_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus" / "annual-reports"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def upload_corpus(base: str, headers: dict[str, str]) -> None:
    listed = httpx.get(f"{base}/api/enterprise/documents", params={"limit": 100}, headers=headers).json()
    have = {d["filename"] for d in listed["items"]}
    for path in sorted(CORPUS.glob("*.pdf")):
        if path.name in have:
            continue
        with path.open("rb") as handle:
            response = httpx.post(
                f"{base}/api/enterprise/documents", files={"file": (path.name, handle)}, headers=headers, timeout=120
            )
        response.raise_for_status()
    while True:
        items = httpx.get(f"{base}/api/enterprise/documents", params={"limit": 100}, headers=headers).json()["items"]
        waiting = [d for d in items if d["status"] not in {"ready", "failed"}]
        print(f"\r{len(items) - len(waiting)}/{len(items)} ready", end="", flush=True)
        if not waiting:
            print()
            return
        time.sleep(2)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed_get(url: str, headers: dict[str, str], runs: int) -> list[float]:
    times = []
    with httpx.Client(headers=headers) as client:
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    return times


def page_timings(page: Any) -> dict[str, float]:
    page.locator("body[data-ready=overview]").wait_for(timeout=30_000)
    return dict(
        page.evaluate(
            """() => ({
                shell: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
                kpis: performance.getEntriesByName('overview-kpis')[0].startTime,
            })"""
        )
    )


def measure(base: str, token: str, company: str, runs: int, browser: Any) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {"shell": [], "kpis": [], "kpis_reload": []}
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        # Signed in and on this company before the page's own scripts run, as a returning user is.
        context.add_init_script(
            f"sessionStorage.setItem('eab-token', {json.dumps(token)});"
            f"localStorage.setItem('eab-company', {json.dumps(company)});"
        )
        page = context.new_page()
        page.goto(f"{base}/dashboard/")
        first = page_timings(page)
        page.reload()
        again = page_timings(page)
        context.close()
        found["shell"].append(first["shell"])
        found["kpis"].append(first["kpis"])
        found["kpis_reload"].append(again["kpis"])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=ROOT / "bench" / "results" / "dashboard-store")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--port", type=int, default=8093)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with bench_server(args.port, workdir=args.workdir) as server:
        upload_corpus(server.base, server.headers)
        companies = httpx.get(f"{server.base}/api/enterprise/companies", headers=server.headers).json()
        rows = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for entry in companies:
                company = entry["company"]
                metrics_url = f"{server.base}/api/enterprise/metrics?company={httpx.QueryParams({'c': company})['c']}"
                api = {
                    "companies": timed_get(f"{server.base}/api/enterprise/companies", server.headers, args.runs),
                    "metrics": timed_get(metrics_url, server.headers, args.runs),
                }
                found = measure(server.base, server.token, company, args.runs, browser)
                rows.append((company, found, api))
            browser.close()
    print(f"\n{len(companies)} companies, {args.runs} loads each; milliseconds from navigation start\n")
    print(
        "| company | shell FCP p50 / p95 | KPIs p50 / p95 | KPIs on reload p50 / p95 | /companies p50 | /metrics p50 |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for company, found, api in rows:

        def cell(values: list[float]) -> str:
            return f"{statistics.median(values):.0f} / {percentile(values, 0.95):.0f}"

        print(
            f"| {company} | {cell(found['shell'])} | {cell(found['kpis'])} | {cell(found['kpis_reload'])} "
            f"| {statistics.median(api['companies']):.0f} | {statistics.median(api['metrics']):.0f} |"
        )
    every = [v for _, found, _ in rows for v in found["kpis"]]
    print(
        f"\nKPIs on screen, every company and load: p50 {statistics.median(every):.0f} ms, "
        f"p95 {percentile(every, 0.95):.0f} ms, worst {max(every):.0f} ms"
    )


if __name__ == "__main__":
    main()
