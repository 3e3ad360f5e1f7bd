"""Which of our users' two languages a text is written in. The model ships in the package."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

LANGUAGES = ("en", "es")
_lock = threading.Lock()


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> str:
    """'es' or 'en'."""
    with _lock:
        language, _ = _identifier().classify(text)
    return str(language)
