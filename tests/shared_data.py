"""The steering repository's shared data beside this one: the corpus filings and the eval sets.

Tests that read them are marked `corpus` (slow: real filings through the real parser) and skip,
saying why, when `../shared` is absent, so a newcomer's clone runs everything else.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(os.environ.get("BRAIN_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
CORPUS = SHARED / "corpus" / "annual-reports"
EVAL = SHARED / "eval"
HAVE_SHARED = CORPUS.is_dir() and EVAL.is_dir()

needs_shared = pytest.mark.skipif(
    not HAVE_SHARED,
    reason=f"the corpus filings and eval sets are not at {SHARED} (clone the steering repo's shared/ beside this one)",
)
corpus = [pytest.mark.corpus, needs_shared]


def eval_json(name: str) -> Any:
    """An eval file's JSON, or an empty mapping when the shared data is absent."""
    path = EVAL / name
    return json.loads(path.read_text()) if path.is_file() else {}


def eval_jsonl(name: str) -> list[dict[str, Any]]:
    path = EVAL / name
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def require_shared() -> None:
    """For fixtures: skip the tests that need the corpus when it is absent."""
    if not HAVE_SHARED:
        pytest.skip(f"the corpus filings are not at {SHARED}")
