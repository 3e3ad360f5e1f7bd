"""How long a `brain` command takes from the shell, this tree against a baseline commit's.

    python bench/cli_start.py [--baseline REV] [--rounds N]

On embedded defaults in a temporary directory (SQLite, embedded Chroma, in-process jobs): one
enterprise made with `brain enterprise create`, then, alternating the two trees each round so
that both see the same machine, `brain enterprise quota` (an admin command: start, one SQL
update) and `brain ingest` of one small text file (start, parse, one vector). The baseline's
sources come from a `git worktree` of REV, run by this virtualenv's Python, so the two differ
only by their code. Also times one password hash at the configured cost and at OWASP's
cheapest equal cost (the test suite's). Prints the median and the spread of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

SMALL_FILE = ROOT / "tests" / "data" / "rize_cleaning_hours.txt"
PASSWORD = "a-long-password-for-the-bench"


def brain(tree: Path, env: dict[str, str], *args: str) -> float:
    """Seconds for one `brain` command run from `tree`'s sources; fails loudly if it fails."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", "from cli.main import app; app()", *args],
        env={**env, "PYTHONPATH": str(tree / "src")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"brain {' '.join(args)} failed in {tree}:\n{done.stdout}\n{done.stderr}")
    return elapsed


def embedded_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CHROMA_URL", "STORAGE_URL"}}
    env.update(
        {
            "ENTERPRISE_ENABLED": "true",
            "DATA_DIR": str(root / "data"),
            "VECTOR_STORE_PATH": str(root / "chroma"),
            "MODEL_CACHE_DIR": str(root / "models"),
            "COLUMNS": "200",
        }
    )
    return env


def summary(seconds: list[float]) -> str:
    return f"median {statistics.median(seconds):.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f})"


def hash_seconds() -> tuple[float, float]:
    from shared.security import password_hasher
    from shared.settings import Settings

    def one(settings: Settings) -> float:
        hasher = password_hasher(settings)
        started = time.perf_counter()
        for _ in range(5):
            hasher.hash(PASSWORD)
        return (time.perf_counter() - started) / 5

    configured = Settings()
    cheapest = Settings(password_hash_memory_kib=7_168, password_hash_iterations=5, password_hash_parallelism=1)
    return one(configured), one(cheapest)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="HEAD~1", help="the commit to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="brain-cli-bench-") as scratch:
        root = Path(scratch)
        baseline = root / "baseline"
        worktree = ["git", "-C", str(ROOT), "worktree"]
        subprocess.run([*worktree, "add", "--detach", str(baseline), args.baseline], check=True)
        try:
            env = embedded_env(root)
            brain(ROOT, env, "migrate")
            brain(ROOT, env, "enterprise", "create", "bench", "--admin-email", "ops@bench.example",
                  "--admin-password", PASSWORD)  # fmt: skip
            brain(ROOT, env, "ingest", str(SMALL_FILE), "--enterprise", "bench")  # the model's graph, fused once
            timings: dict[tuple[str, str], list[float]] = {}
            for _ in range(args.rounds):
                for name, tree in (("baseline", baseline), ("this tree", ROOT)):
                    quota = brain(tree, env, "enterprise", "quota", "bench", "--monthly-tokens", "1000000")
                    ingest = brain(tree, env, "ingest", str(SMALL_FILE), "--enterprise", "bench")
                    timings.setdefault((name, "quota"), []).append(quota)
                    timings.setdefault((name, "ingest"), []).append(ingest)
        finally:
            subprocess.run([*worktree, "remove", "--force", str(baseline)], check=False)

    print(f"baseline {args.baseline}, {args.rounds} rounds, embedded defaults")
    labels = {"quota": "brain enterprise quota", "ingest": "brain ingest (one .txt)"}
    for (name, command), seconds in sorted(timings.items(), key=lambda item: (item[0][1], item[0][0])):
        print(f"  {labels[command]} [{name}]: {summary(seconds)}")
    configured, cheapest = hash_seconds()
    print(f"  a password hash: {configured * 1000:.0f} ms as configured, {cheapest * 1000:.0f} ms at 7 MiB x 5")


if __name__ == "__main__":
    main()
