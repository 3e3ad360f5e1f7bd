"""Distinct synthetic filings made from the corpus's pages, for benchmarks at scale.

Each synthetic filing is one page of a corpus PDF written into a new PDF under a company name,
fiscal year and figures of its own: the source company's name replaced by the new one, every
year shifted by the filing's offset and every figure with a thousands separator or decimals
scaled by the filing's factor (formats kept). So ten thousand filings hold ten thousand
different texts with the vocabulary, layout of lines and density of figures of real filings,
and names like `NORTHHARBOR-FOODS_2031_10K.pdf` that the product reads company and year from.

    from bench.synthetic_filings import build
    paths = build(out_dir, count=10_000)   # made once, then reused
"""

from __future__ import annotations

import html
import random
import re
from dataclasses import dataclass
from pathlib import Path

import pymupdf

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

_FIRST = (
    "North Blue Silver Iron Green Summit Harbor Cedar Pioneer Atlas Crescent Granite Maple Orion "
    "Vertex Coastal Prairie Redwood Sterling Union Falcon Beacon Meridian Aurora Keystone"
).split()
_SECOND = (
    "Foods Energy Logistics Pharma Systems Materials Retail Motors Networks Capital Health Water "
    "Chemicals Media Aerospace Textiles Mining Software Beverages Insurance"
).split()
_NAMED = re.compile(r"^(.+?)_(\d{4})")
_FORM = re.compile(r"(10K|10Q|8K|EARNINGS)", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d,.$])(19[5-9]\d|20[0-4]\d)(?![\d,])")
_FIGURE = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)(?![\w])")
_ASCII = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2014": "-", "\u2013": "-"})
PAGE = pymupdf.Rect(36, 36, 576, 756)


@dataclass(frozen=True)
class SourcePage:
    company: str  # as the corpus file names it: "AMERICANEXPRESS"
    year: int  # the fiscal year its file name gives
    form: str  # 10K, 10Q, 8K or EARNINGS
    text: str


def source_pages() -> list[SourcePage]:
    """Every page of the corpus's PDFs with enough text to be a page of a filing."""
    pages = []
    for path in sorted(CORPUS.rglob("*.pdf")):
        named = _NAMED.match(path.stem)
        if named is None:
            continue
        company, year = named.group(1), int(named.group(2))
        found = _FORM.search(path.stem)
        form = found.group(1).upper() if found else "10K"
        with pymupdf.open(path) as document:
            for page in document:
                text = page.get_text()
                if len(text.split()) >= 80:
                    pages.append(SourcePage(company, year, form, text))
    return pages


def _name_pattern(company: str) -> re.Pattern[str]:
    """The corpus name as a filing prints it: AMERICANEXPRESS matches "American Express"."""
    letters = [re.escape(c) for c in company if c.isalnum()]
    return re.compile(r"\b" + r"[\s.&-]?".join(letters) + r"\b", re.IGNORECASE)


def _scaled(match: re.Match[str], factor: float) -> str:
    raw = match.group(1)
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    value = float(raw.replace(",", "")) * factor
    return f"{value:,.{decimals}f}" if "," in raw else f"{value:.{decimals}f}"


def rewrite(page: SourcePage, company: str, year_offset: int, factor: float) -> str:
    text = _name_pattern(page.company).sub(company, page.text.translate(_ASCII))
    text = _YEAR.sub(lambda m: str(int(m.group(1)) + year_offset), text)
    return _FIGURE.sub(lambda m: _scaled(m, factor), text)


def _write_pdf(path: Path, title: str, body: str) -> None:
    lines = "<br>".join(html.escape(line) for line in [title, "", *body.splitlines()])
    with pymupdf.open() as document:
        # Type shrunk until the page holds every line (a statement prints one figure a line).
        document.new_page().insert_htmlbox(
            PAGE, f'<p style="font-family:sans-serif;font-size:9px">{lines}</p>', scale_low=0
        )
        document.save(path, garbage=3, deflate=True)


@dataclass(frozen=True)
class Plan:
    company: str  # "NorthFoods Holdings"
    source: SourcePage
    year_offset: int
    factor: float

    @property
    def year(self) -> int:
        return self.source.year + self.year_offset

    def filename(self, number: int) -> str:
        stem = self.company.split()[0].upper()
        return f"{stem}_{self.year}_{self.source.form}_{number:05d}.pdf"


def plans(count: int, pages: list[SourcePage], seed: int = 17) -> list[Plan]:
    """Who each filing is: 500 companies (names from two word lists), each with filings of
    several years, each a random corpus page."""
    rng = random.Random(seed)
    names = len(_FIRST) * len(_SECOND)
    made = []
    for n in range(count):
        first, second = _FIRST[n % len(_FIRST)], _SECOND[(n // len(_FIRST)) % len(_SECOND)]
        legal = "Inc. Corp. Holdings Group".split()[(n // names) % 4]
        source = pages[rng.randrange(len(pages))]
        made.append(Plan(f"{first}{second} {legal}", source, rng.randint(-6, 8), rng.uniform(0.4, 2.5)))
    return made


def build(out_dir: Path, count: int, seed: int = 17) -> list[Path]:
    """`count` synthetic one-page filings in `out_dir`, made once (existing files are kept)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for n, plan in enumerate(plans(count, source_pages(), seed)):
        path = out_dir / plan.filename(n)
        paths.append(path)
        if path.exists():
            continue
        title = f"{plan.company} - Form {plan.source.form} - fiscal year {plan.year}"
        _write_pdf(path, title, rewrite(plan.source, plan.company, plan.year_offset, plan.factor))
    return paths


_STATEMENT_TITLE = re.compile(
    r"consolidated\s+(balance\s+sheets?|statements?\s+of\s+(operations|income|earnings|cash\s+flows))", re.IGNORECASE
)


@dataclass(frozen=True)
class StatementPage:
    path: Path
    index: int  # 0-based page of `path`
    company: str
    year: int


def statement_pages() -> list[StatementPage]:
    """The corpus pages that are a primary statement: a title and a column of figures."""
    found = []
    for path in sorted(CORPUS.rglob("*.pdf")):
        named = _NAMED.match(path.stem)
        if named is None:
            continue
        with pymupdf.open(path) as document:
            for page in document:
                text = page.get_text()
                if _STATEMENT_TITLE.search(text[:600]) and len(_FIGURE.findall(text)) >= 40:
                    found.append(StatementPage(path, page.number or 0, named.group(1), int(named.group(2))))
    return found


def _redacted_copy(source: StatementPage, company: str, year_offset: int, factor: float, path: Path) -> None:
    """The statement page itself (its layout, rules and columns kept: what the statement reader
    reads), with the company's name, every year and every figure written over."""
    name = _name_pattern(source.company)
    with pymupdf.open(source.path) as original, pymupdf.open() as document:
        document.insert_pdf(original, from_page=source.index, to_page=source.index)
        page = document[0]
        written: list[tuple[pymupdf.Rect, str]] = []
        for x0, y0, x1, y1, word, *_ in page.get_text("words"):
            replaced = _YEAR.sub(lambda m: str(int(m.group(1)) + year_offset), word)
            replaced = _FIGURE.sub(lambda m: _scaled(m, factor), replaced)
            replaced = name.sub(company.split()[0], replaced)
            if replaced != word:
                box = pymupdf.Rect(x0, y0, x1, y1)
                page.add_redact_annot(box)
                written.append((box, replaced))
        page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
        for box, replaced in written:
            # Right-aligned where the old word ended (figures line up in their column), in type
            # small enough to stay inside the old word's width and a little more.
            size = box.height * 0.78
            width = pymupdf.get_text_length(replaced, fontname="helv", fontsize=size)
            if width > box.width + 2:
                size *= (box.width + 2) / width
                width = pymupdf.get_text_length(replaced, fontname="helv", fontsize=size)
            baseline = box.y1 - box.height * 0.22
            page.insert_text((box.x1 - width, baseline), replaced, fontname="helv", fontsize=size)
        document.save(path, garbage=3, deflate=True)


def build_statements(out_dir: Path, count: int, seed: int = 29) -> list[Path]:
    """`count` one-page statement filings (see `_redacted_copy`) in `out_dir`, made once."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = statement_pages()
    rng = random.Random(seed)
    paths = []
    for n in range(count):
        source = sources[n % len(sources)]
        first, second = _FIRST[rng.randrange(len(_FIRST))], _SECOND[rng.randrange(len(_SECOND))]
        company, offset = f"{first}{second} Inc.", rng.randint(-6, 8)
        path = (
            out_dir / f"{first}{second}".upper() / f"{(first + second).upper()}_{source.year + offset}_10K_S{n:04d}.pdf"
        )
        path = out_dir / path.name
        paths.append(path)
        if not path.exists():
            _redacted_copy(source, company, offset, rng.uniform(0.4, 2.5), path)
    return paths
