"""Every message of the dashboard is in both catalogues: none missing in either language, none
written into a template, and each with the same placeholders in Spanish and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract
from jinja2.ext import babel_extract

from enterprise.answers.models import AnswerMode
from enterprise.audit.service import Action
from enterprise.auth.models import Role
from enterprise.connectors.models import ConnectorKind, ConnectorStatus, RunStatus
from enterprise.dashboard.i18n import Language, catalogue, choose_language
from enterprise.documents.models import DocumentStatus, DocumentType
from enterprise.finance.kinds import StatementKind
from enterprise.reports.models import ReportStatus, ReportTrigger
from enterprise.webhooks.models import SUBSCRIBABLE_EVENTS, DeliveryStatus

pytestmark = pytest.mark.pure

DASHBOARD = Path(__file__).resolve().parents[3] / "src" / "enterprise" / "dashboard"
TEMPLATES = sorted((DASHBOARD / "templates").glob("*.html"))
SCRIPTS = sorted((DASHBOARD / "static" / "js").glob("*.js"))
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _template_keys() -> set[str]:
    keys: set[str] = set()
    for path in TEMPLATES:
        with path.open("rb") as handle:
            keys |= {str(m[1]) for m in extract(babel_extract, handle, keywords={"_": None})}
    return keys


def _script_calls() -> set[str]:
    keys: set[str] = set()
    for path in SCRIPTS:
        with path.open("rb") as handle:
            keys |= {str(m[1]) for m in extract("javascript", handle, keywords={"t": None})}
    return keys


def _script_keys() -> set[str]:
    return {k for k in _script_calls() if "${" not in k}


def _families() -> set[str]:
    """Keys the pages build from a value (`status.${doc.status}`): one per value of each closed set."""
    overview = (DASHBOARD / "static" / "js" / "overview.js").read_text()
    kpis = re.findall(r'\{ metric: "(\w+)"', overview)
    charted = re.findall(r'"(\w+)"', re.search(r"series\(\[(.*?)\]\)", overview, re.S).group(1))  # type: ignore[union-attr]
    actions = [v for k, v in vars(Action).items() if k.isupper()]
    return {
        *(f"status.{s}" for s in DocumentStatus),
        *(f"doctype.{t}" for t in DocumentType),
        *(f"role.{r}" for r in Role),
        *(f"mode.{m}" for m in AnswerMode),
        *(f"report_status.{s}" for s in ReportStatus),
        *(f"report_trigger.{k}" for k in ReportTrigger),
        *(f"statement.{k}" for k in StatementKind),
        *(f"language.{lang}" for lang in Language),
        *(f"audit.{a}" for a in actions),
        *(f"metric.{m}" for m in kpis),
        *(f"formula.{m}" for m in kpis),
        *(f"change.{d}" for d in ("up", "down", "flat")),
        *(f"scale.{s}" for s in ("thousands", "millions", "billions")),
        "metric.net_margin",
        *(f"metric.{m}" for m in charted),
        *(f"connectors.kind.{k}" for k in ConnectorKind),
        *(f"connectors.status.{k}" for k in ConnectorStatus),
        *(f"connectors.run.{k}" for k in RunStatus),
        *(f"webhooks.event.{e}" for e in SUBSCRIBABLE_EVENTS),
        *(f"webhooks.status.{k}" for k in DeliveryStatus),
    }


def test_the_pages_use_many_messages() -> None:
    assert len(_template_keys()) > 60
    assert len(_script_keys()) > 60


def test_every_key_built_from_a_value_belongs_to_a_family_checked_here() -> None:
    built = {k.split("${")[0] for k in _script_calls() if "${" in k}
    families = _families()
    assert built
    unchecked = {prefix for prefix in built if not any(key.startswith(prefix) for key in families)}
    assert unchecked == set()


@pytest.mark.parametrize("language", list(Language))
def test_every_message_the_pages_use_is_in_each_catalogue(language: Language) -> None:
    messages = catalogue(language).messages
    used = _template_keys() | _script_keys() | _families()
    missing = sorted(k for k in used if not messages.get(k, "").strip())
    assert missing == [], f"missing in {language.value}: {missing}"


def test_both_catalogues_hold_the_same_keys_with_the_same_placeholders() -> None:
    english, spanish = catalogue(Language.ENGLISH).messages, catalogue(Language.SPANISH).messages
    assert sorted(set(english) ^ set(spanish)) == []
    differing = [k for k in english if set(PLACEHOLDER.findall(english[k])) != set(PLACEHOLDER.findall(spanish[k]))]
    assert differing == []


def test_no_words_are_written_into_the_templates() -> None:
    """What a user reads comes from the catalogues: a template's own text is only markup and symbols."""
    for path in TEMPLATES:
        text = path.read_text()
        # (the body's data attributes are a block of their own, inside the body tag)
        text = re.sub(r"\{% block body_data %\}.*?\{% endblock %\}", " ", text)
        text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|<script.*?</script>|<[^>]+>", " ", text, flags=re.S)
        words = [w for w in re.findall(r"[^\W\d_]{2,}", text)]
        assert words == [], (path.name, words)


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, "es-ES,es;q=0.9,en;q=0.8", Language.SPANISH),
        (None, "fr-FR, en;q=0.5, es;q=0.7", Language.SPANISH),
        (None, "fr-FR, de;q=0.9", Language.ENGLISH),
        (None, "en-GB;q=0.2, es-MX;q=0.3", Language.SPANISH),
        (None, "es;q=0, en", Language.ENGLISH),
        (None, "es;q=nonsense, en", Language.ENGLISH),
        (None, None, Language.ENGLISH),
        ("es", "en-US", Language.SPANISH),
        ("en", "es-ES", Language.ENGLISH),
        ("xx", "es-ES", Language.SPANISH),
    ],
)
def test_the_language_is_the_remembered_choice_else_the_browsers(
    cookie: str | None, header: str | None, expected: Language
) -> None:
    assert choose_language(cookie, header) is expected
