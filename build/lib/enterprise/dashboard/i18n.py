"""The dashboard's languages: message catalogues (gettext .po files read with Babel) and the
choice of language from the cookie the user set, else the browser's Accept-Language.

Messages are keyed by a stable name ("nav.ask"), not by their English text, so each language is
a full catalogue and a test can say which key one of them lacks."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
LANGUAGE_COOKIE = "eab_lang"


class Language(enum.StrEnum):
    ENGLISH = "en"
    SPANISH = "es"

    @property
    def locale_tag(self) -> str:
        """The BCP 47 tag the browser formats numbers, money and dates with."""
        return {Language.ENGLISH: "en-US", Language.SPANISH: "es-ES"}[self]


DEFAULT_LANGUAGE = Language.ENGLISH


@dataclass(frozen=True)
class Catalogue:
    language: Language
    messages: dict[str, str]

    def gettext(self, key: str) -> str:
        # A missing key shows itself rather than a blank: the catalogue test fails on it first.
        return self.messages.get(key) or key


def catalogue_path(language: Language) -> Path:
    return LOCALES_DIR / language.value / "LC_MESSAGES" / "messages.po"


@cache
def catalogue(language: Language) -> Catalogue:
    with catalogue_path(language).open("rb") as handle:
        po = read_po(handle, locale=language.value)
    messages = {str(m.id): str(m.string) for m in po if m.id and isinstance(m.id, str) and m.string}
    return Catalogue(language, messages)


def choose_language(cookie: str | None, accept_language: str | None) -> Language:
    """The language the user picked (remembered in a cookie), else the browser's first known one."""
    if cookie in {lang.value for lang in Language}:
        return Language(cookie)
    for tag in _preferred_tags(accept_language or ""):
        primary = tag.split("-")[0].lower()
        if primary in {lang.value for lang in Language}:
            return Language(primary)
    return DEFAULT_LANGUAGE


def _preferred_tags(header: str) -> list[str]:
    """Accept-Language's tags, most wanted first (RFC 9110 §12.5.4 quality values)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]
