"""The financial-statement reader on every corpus filing, without a server: statements found,
core accounting checks passed, and the metric questions answered from the facts alone.

    python bench/statements_offline.py [--corpus financebench|annual-reports] [--cache DIR] [--filings A,B]

Each filing is parsed and its statement pages' tables extracted as ingestion does (cached in
`--cache`, so a second run only re-reads the statements); then facts, checks and answers come
from the same pure functions the service runs. A quick loop for the statement reader and the
question parser; the HTTP benchmarks (eval_answers.py, eval_financebench.py) are the measure.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from enterprise.answers.routing import DocumentProfile, route  # noqa: E402
from enterprise.finance.answers import answer_from_facts  # noqa: E402
from enterprise.finance.checks import run_checks  # noqa: E402
from enterprise.finance.metrics import FactBook  # noqa: E402
from enterprise.finance.statements import (  # noqa: E402
    StatementTable,
    extract_facts,
    is_quarterly_report,
    primary_statement_pages,
)
from enterprise.ingestion.metadata import infer_metadata  # noqa: E402
from enterprise.ingestion.parsers import parse  # noqa: E402
from enterprise.ingestion.pdf_tables import extract_tables  # noqa: E402
from enterprise.ingestion.pipeline import statement_sections  # noqa: E402

SHARED = Path(os.environ.get("BRAIN_SHARED_DIR", ROOT.parent / "shared"))
QUESTION_SETS = {"financebench": "financebench_dev.jsonl", "annual-reports": "dev_questions.jsonl"}


def read_filing(path: Path, cache: Path) -> dict[str, Any]:
    cached = cache / f"{path.stem}.pickle"
    if cached.exists():
        return dict(pickle.loads(cached.read_bytes()))  # noqa: S301 (our own cache)
    parsed = parse(path, "pdf", path.name)
    sections = statement_sections(parsed)
    primary = [s.page for s in parsed.signals if s.is_primary]
    tables = extract_tables(path, primary)
    metadata = infer_metadata("\n".join(p.text for p in parsed.pages[:3]), path.name)
    result = {
        "titles": {page: section.split(": ", 1)[-1] for page, section in sections.items()},
        "tables": [StatementTable(t.page, t.title, t.scale, t.header, t.rows, t.values) for t in tables],
        "company": metadata.company,
        "fiscal_year": metadata.fiscal_year,
        "quarterly": is_quarterly_report("\n".join(p.text for p in parsed.pages[:2])),
    }
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(pickle.dumps(result))
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", default="financebench", choices=sorted(QUESTION_SETS))
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / "results" / "statements-cache")
    parser.add_argument("--filings", default="")
    parser.add_argument("--all-questions", action="store_true", help="also try the non-metric questions")
    args = parser.parse_args()
    prefixes = tuple(p.strip().upper() for p in args.filings.split(",") if p.strip())
    filings = sorted((SHARED / "corpus" / args.corpus).glob("*.pdf"))
    filings = [f for f in filings if not prefixes or f.name.upper().startswith(prefixes)]
    questions = [json.loads(line) for line in (SHARED / "eval" / QUESTION_SETS[args.corpus]).read_text().splitlines()]
    right = asked = stated = 0
    for filing in filings:
        read = read_filing(filing, args.cache / args.corpus)
        kinds = primary_statement_pages(read["titles"])
        facts = extract_facts(read["tables"], kinds, quarterly=read.get("quarterly", False))
        checks = run_checks(facts)
        core = [c for c in checks if c.core]
        found = sorted(set(kinds.values()))
        print(
            f"{filing.name}: {read['company']} FY{read['fiscal_year']}; statements {found}; facts {len(facts)}; "
            f"core checks {sum(c.passed for c in core)}/{len(core)}"
        )
        for check in core:
            if not check.passed:
                print(f"    failed: {check.name} {check.fiscal_year}: expected {check.expected} got {check.actual}")
        profile = DocumentProfile(filing.name, filing.name, read["company"], read["fiscal_year"])  # type: ignore[arg-type]
        book = FactBook(facts)
        for question in questions:
            if question["doc"] != filing.name or (
                question["kind"] not in {"metric", "ratio"} and not args.all_questions
            ):
                continue
            routed = route(question["question"], [profile])
            answer = answer_from_facts(question["question"], book, routed.years, routed.company_words)
            value = None if answer is None else answer.value
            gold = question.get("value")
            ok = gold is not None and value is not None and _close(gold, value)
            asked += gold is not None
            right += ok
            stated += value is not None
            mark = "OK " if ok else ("-- " if value is None else "BAD")
            print(f"  {mark} gold {gold} got {value} {answer.unit if answer else ''} | {question['question'][:150]}")
            if answer is not None and not ok:
                print(
                    f"       {answer.formula}; inputs {[(f.line_item, f.fiscal_year, f.value) for f in answer.inputs]}"
                )
    print(f"answered exactly {right}/{asked}; values stated {stated}, wrong {stated - right}")


def _close(gold: float, got: float) -> bool:
    sys.path.insert(0, str(SHARED / "eval"))
    from score import numeric_ok

    return bool(numeric_ok(gold, got))


if __name__ == "__main__":
    main()
