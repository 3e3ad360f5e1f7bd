"""How well a sentence or a table row answers a question, word by word.

Shared by the reranker and the extractive answer: the question's content words (stemmed,
stop words dropped, each weighted by how rare it is among the candidates) found in the unit,
how much of the unit's own wording the question names (a row label "Total assets" named in
full), and the question's word pairs found side by side.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import threading
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache

import Stemmer

from enterprise.text import FULL_MONTH_NAMES, fold_accents

_WORD = re.compile(r"[^\W_]+(?:[.,'’][^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=[A-Z(\"“¿¡])|\n{2,}")


# Folded as words are ("qué" is "que").
STOPWORDS = frozenset(
    fold_accents(w)
    for w in """a about above after all also an and any are as at be been being both but by can could did do does
    during each for from had has have how in into is it its may more most much not of on or other our per
    should so some such than that the their them then there these they this those through to under until
    up was we were what when where which while who whom why will with would you your many based using
    according report reported reports show shown shows tell given give did percent percentage amount
    total usd dollar dollars million millions billion billions thousand thousands fiscal year years
    el la los las un una unos unas de del al en y o que qué cual cuál cuales cuáles como cómo cuanto
    cuánto cuanta cuánta cuantos cuántos cuantas cuántas fue fueron es son era eran por para con sin
    sobre entre su sus se lo le les este esta estos estas ese esa año años ejercicio monto total dólares
    millones miles según hay había habia tiene tienen tenía tenia puede pueden podrá debe deben hacer
    cada lo esta está están estan ser sido será sera hasta desde según segun mismo misma
    empresa compañía compania""".split()
)
# Words that name the scale or frame of an answer rather than its subject; they still count
# a little, so "total" in "Total assets" helps without outweighing "assets".
WEAK_WORDS = (
    frozenset(
        "total net fiscal year millions consolidated "
        # When in the period, and "the company" a question asks about: they place the answer.
        "quarter quarters trimestre first second third fourth primer segundo tercer cuarto end cierre final fin "
        "q1 q2 q3 q4 "
        "company empresa compañía".split()
    )
    | FULL_MONTH_NAMES
)


PRECISION_WEIGHT = 0.5
PAIRS_WEIGHT = 0.5


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer("spanish" if language == "es" else "english")


_stem_lock = threading.Lock()


@cache
def _weak_stems() -> frozenset[str]:
    folded = sorted({fold_accents(w) for w in WEAK_WORDS})
    return frozenset(_stemmer("en").stemWords(folded)) | frozenset(_stemmer("es").stemWords(folded))


# One word for a quarter however it is written: "second quarter", "segundo trimestre", "Q2",
# "2T 2024" and a file's "2T2024" are all "q2".
_ORDINAL_QUARTER = re.compile(
    r"\b(first|second|third|fourth|primer|segundo|tercer|cuarto|1er|2do|3er|4to)\s+(quarter|trimestre)\b", re.IGNORECASE
)
_QUARTER_CODE = re.compile(r"(?<![^\W\d_])(?:([1-4])\s?[tq]|[tq]([1-4]))(?=\b|(?:19|20)\d\d\b)", re.IGNORECASE)
_QUARTER_NUMBER = {"first": 1, "primer": 1, "1er": 1, "second": 2, "segundo": 2, "2do": 2}
_QUARTER_NUMBER |= {"third": 3, "tercer": 3, "3er": 3, "fourth": 4, "cuarto": 4, "4to": 4}


def _quarters(text: str) -> str:
    text = _ORDINAL_QUARTER.sub(lambda m: f" q{_QUARTER_NUMBER[m.group(1).lower()]} ", text)
    return _QUARTER_CODE.sub(lambda m: f" q{m.group(1) or m.group(2)} ", text)


def words(text: str) -> list[str]:
    """Lower-case words without accents: "retención" in a sentence is "retencion" in a JSON key."""
    return [w.replace("’", "'").removesuffix("'s") for w in _WORD.findall(fold_accents(_quarters(text)))]


def content_terms(text: str, language: str = "en") -> list[str]:
    """Stemmed words of `text` minus stop words, in order (repeats kept)."""
    return list(_content_terms(text, language))


# A question reads the same candidate passages and their sentences many times (ranking, then the
# best sentence) and the next question on the same filing reads most of them again: each text's
# terms are worked out once per process (half of a question's CPU went here, bench/question_profile.py).
@functools.lru_cache(maxsize=16_384)
def _content_terms(text: str, language: str) -> tuple[str, ...]:
    kept = [w for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    with _stem_lock:  # PyStemmer objects are not thread-safe
        # In the question's language: "reservar" and "reservan" are one word to a Spanish
        # question, whichever language the text it is compared with is in.
        stems: list[str] = _stemmer(language).stemWords(kept)
    return tuple(stems)


# Every candidate passage is split again by each question that reads it (the reranker, then the
# extractive answer): kept per process like its terms.
@functools.lru_cache(maxsize=8_192)
def split_units(text: str) -> tuple[str, ...]:
    """Sentences of prose, rows of a table ("label | header: value"), lines of a statement page."""
    units: list[str] = []
    for block in _SENTENCE_END.split(text):
        block = block.strip()
        if not block:
            continue
        printed = [line.strip() for line in block.splitlines() if line.strip()]
        lines = _joined_continuations(printed)
        if len(printed) > 1 and (" | " in block or sum(len(line) for line in printed) / len(printed) < 60):
            units.extend(lines)
        else:
            units.append(" ".join(lines))
    return tuple(units)


# A line of this many words that ends in a figure is prose ("…ascendía a 2,3"), not a statement row.
PROSE_WORDS = 6
# "key: value" lines (a JSON document's paths, a form's fields) each stand alone.
_KEY_VALUE = re.compile(r"^[^:.]{1,120}:\s")


def _joined_continuations(lines: list[str]) -> list[str]:
    """A line of prose wrapped mid-sentence ("…ascendía a 2,3 millones de" / "euros.") is one line:
    the next starts in lower case and this one ends in a word, not a sentence, a row or a field."""
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        if (
            (previous[-1:].isalpha() or (previous[-1:].isdigit() and len(previous.split()) >= PROSE_WORDS))
            and line[:1].islower()
            and " | " not in previous
            and not _KEY_VALUE.match(previous)
            and not _KEY_VALUE.match(line)
        ):
            joined[-1] = f"{previous} {line}"
        else:
            joined.append(line)
    return joined


@dataclass(frozen=True)
class QuestionTerms:
    terms: list[str]
    weights: dict[str, float]
    pairs: set[tuple[str, str]]
    # Another wording of some of the question's own terms (a translation, an abbreviation spelled
    # out) → those terms: found whole in a sentence it counts for them; its words weigh nothing
    # by themselves.
    alternatives: list[tuple[frozenset[str], frozenset[str]]] = field(default_factory=list)
    borrowed: frozenset[str] = frozenset()  # the terms that only the alternatives bring

    @functools.cached_property
    def total_weight(self) -> float:
        return sum(self.weights[t] for t in set(self.terms) if t not in self.borrowed) or 1.0

    @functools.cached_property
    def _own(self) -> frozenset[str]:
        return frozenset(self.terms) - self.borrowed

    @functools.cached_property
    def _weighed(self) -> frozenset[str]:
        return frozenset(self.weights) - self.borrowed

    # Both below run for every sentence and row of every candidate passage: set operations, not loops.
    def credited(self, present: AbstractSet[str]) -> set[str]:
        """The question's own terms that `present` says, in its words or in another wording."""
        own = set(self._own.intersection(present))
        for wording, sources in self.alternatives:
            if wording <= present:
                # Only terms still asked about: one the search set aside (a company's name) is not.
                own |= sources & self.weights.keys()
        return own

    def matching(self, present: AbstractSet[str]) -> set[str]:
        """The terms of `present` that say something of the question, in its words or another wording."""
        found = set(self._weighed.intersection(present))
        for wording, _ in self.alternatives:
            if wording <= present:
                found |= wording
        return found


def question_terms(
    question: str,
    candidate_texts: Iterable[str],
    language: str = "en",
    translated: Sequence[tuple[str, str]] = (),
    original: str | None = None,
) -> QuestionTerms:
    """The question's content words, each weighted by its rarity among `candidate_texts`.
    `translated` holds (phrase of the question, its wording in another language) pairs whose
    wording was appended to `original`, the question as asked, to make `question`."""
    terms = content_terms(question, language)
    unique = set(terms)
    documents = [set(content_terms(t, language)) & unique for t in candidate_texts]
    count = len(documents)
    weights = {}
    for term in unique:
        df = sum(1 for d in documents if term in d)
        weight = math.log(1.0 + (count + 1) / (df + 0.5))
        # Dates and scale words place the answer; they do not say what it is about.
        weights[term] = weight * (0.35 if term in _weak_stems() or term.isdigit() else 1.0)
    pairs = {(a, b) for a, b in itertools.pairwise(terms) if a != b}
    own = set(content_terms(original, language)) if original is not None else unique
    alternatives: list[tuple[frozenset[str], frozenset[str]]] = []
    for source, target in translated:
        sources = frozenset(content_terms(source, language)) & own
        for wording in target.split("|"):
            found = frozenset(content_terms(wording, language))
            if sources and found and not found <= own:
                alternatives.append((found, sources))
    borrowed = frozenset(t for wording, _ in alternatives for t in wording) - own
    return QuestionTerms(terms, weights, pairs, alternatives, borrowed)


def row_label(unit: str) -> str | None:
    if " | " not in unit:
        return None
    label = unit.split(" | ", 1)[0]
    return label.split(": ", 1)[1] if ": " in label else label


@dataclass(frozen=True)
class _UnitTerms:
    present: frozenset[str]
    named: frozenset[str]  # a table row's label's terms; a sentence's own
    adjacent: frozenset[tuple[str, str]]


@functools.lru_cache(maxsize=16_384)
def _unit_terms(unit: str, language: str) -> _UnitTerms:
    unit_terms = _content_terms(unit, language)
    label = row_label(unit)
    named = _content_terms(label, language) if label is not None else unit_terms
    return _UnitTerms(frozenset(unit_terms), frozenset(named), frozenset(itertools.pairwise(unit_terms)))


def unit_score(question: QuestionTerms, unit: str, language: str = "en") -> float:
    """0 (no word of the question) up to about 2 (every word, in order, and nothing else)."""
    terms = _unit_terms(unit, language)
    if not terms.present:
        return 0.0
    matched = question.matching(terms.present)
    if not matched:
        return 0.0
    coverage = sum(question.weights[t] for t in question.credited(terms.present)) / question.total_weight
    named_weight = sum(question.weights.get(t, 1.0) for t in terms.named) or 1.0
    precision = sum(question.weights[t] for t in matched if t in terms.named) / named_weight
    pairs = len(question.pairs & terms.adjacent) / len(question.pairs) if question.pairs else 0.0
    return coverage + PRECISION_WEIGHT * precision + PAIRS_WEIGHT * pairs


def best_unit(question: QuestionTerms, texts: Sequence[str], language: str = "en") -> tuple[float, str]:
    best = (0.0, "")
    for text in texts:
        for unit in split_units(text):
            score = unit_score(question, unit, language)
            if score > best[0]:
                best = (score, unit)
    return best
