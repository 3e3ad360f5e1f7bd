"""The enterprise job queue. Tasks register on `huey` at import; `brain worker` consumes it."""

from __future__ import annotations

from shared.jobs import create_huey
from shared.settings import get_settings

huey = create_huey(get_settings(), "enterprise")
