"""The six corpus filings read into facts by the real parsing and table code: every statement
found on its page, every core accounting identity holding, and the 24 metric and ratio
questions of the verified set answered exactly from the facts alone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from enterprise.answers.routing import DocumentProfile, route
from enterprise.finance.answers import answer_from_facts
from enterprise.finance.checks import CheckResult, run_checks
from enterprise.finance.metrics import FactBook
from enterprise.finance.periods import named_years
from enterprise.finance.statements import StatementTable, extract_facts, primary_statement_pages
from enterprise.ingestion.metadata import infer_metadata
from enterprise.ingestion.parsers import parse
from enterprise.ingestion.pdf_tables import extract_tables
from enterprise.ingestion.pipeline import statement_sections
from tests.shared_data import CORPUS, corpus, eval_json, eval_jsonl

pytestmark = [pytest.mark.pure, *corpus]  # no database, no Redis; the corpus filings

STATEMENTS = eval_json("statements.json")
QUESTIONS = eval_jsonl("dev_questions.jsonl")
KIND_NAMES = {"income_statement": "income", "balance_sheet": "balance", "cash_flow_statement": "cash_flow"}


@dataclass
class Filing:
    company: str | None
    kinds: dict[int, str]
    book: FactBook
    checks: list[CheckResult]


@pytest.fixture(scope="module")
def filings() -> dict[str, Filing]:
    read: dict[str, Filing] = {}
    for path in sorted(CORPUS.glob("*.pdf")):
        parsed = parse(path, "pdf", path.name)
        titles = statement_sections(parsed)
        kinds = primary_statement_pages(titles)
        grids = extract_tables(path, sorted(kinds))
        tables = [StatementTable(g.page, g.title, g.scale, g.header, g.rows, g.values) for g in grids]
        facts = extract_facts(tables, kinds)
        company = infer_metadata("\n".join(p.text for p in parsed.pages[:3]), path.name).company
        read[path.name] = Filing(company, kinds, FactBook(facts), run_checks(facts))
    return read


def test_every_statement_is_found_on_its_page(filings: dict[str, Filing]) -> None:
    for filename, info in STATEMENTS.items():
        found = filings[filename].kinds
        for name, pages in info["statement_pages"].items():
            for page in pages:
                assert found.get(page) == KIND_NAMES[name], (filename, name, page, found)


def test_core_accounting_identities_hold_on_all_six(filings: dict[str, Filing]) -> None:
    for filename, filing in filings.items():
        core = [c for c in filing.checks if c.core]
        assert len(core) >= 4, (filename, core)
        assert all(c.passed for c in core), (filename, [c for c in core if not c.passed])
        names = {c.name for c in core}
        assert any("total assets" in n for n in names), filename
        assert any("change in cash" in n for n in names), filename


def test_every_metric_and_ratio_question_is_answered_exactly(filings: dict[str, Filing]) -> None:
    profiles = [DocumentProfile(uuid.uuid4(), name, f.company, None) for name, f in filings.items()]
    by_id = {p.id: p.filename for p in profiles}
    misses = []
    asked = [q for q in QUESTIONS if q["kind"] in {"metric", "ratio"}]
    for question in asked:
        routed = route(question["question"], profiles)
        assert routed.document_ids is not None
        assert [by_id[i] for i in routed.document_ids] == [question["doc"]]
        book = filings[question["doc"]].book
        answer = answer_from_facts(question["question"], book, named_years(question["question"]), routed.company_words)
        gold = float(question["value"])
        if answer is None or abs(answer.value - gold) > max(0.01 * abs(gold), 0.006):
            misses.append((question["id"], gold, answer))
    assert len(asked) == 24
    assert misses == []


def test_questions_about_a_part_of_the_company_are_not_answered_from_the_totals(filings: dict[str, Filing]) -> None:
    profiles = [DocumentProfile(uuid.uuid4(), name, f.company, None) for name, f in filings.items()]
    for question in [q for q in QUESTIONS if q["kind"] in {"table", "domain"}]:
        routed = route(question["question"], profiles)
        book = filings[question["doc"]].book
        answer = answer_from_facts(question["question"], book, named_years(question["question"]), routed.company_words)
        assert answer is None, (question["id"], answer)
