from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class AnalyticsOut(BaseModel):
    kind: str
    parameters: dict[str, Any]
    cached: bool = Field(description="True when served from analytics_cache; computed_at says when it was computed.")
    computed_at: datetime
    expires_at: datetime
    summary: dict[str, Any]
    tables: dict[str, list[dict[str, Any]]] = Field(
        description="Each table's rows; download one with ?format=csv&table=NAME, or all as one XLSX with ?format=xlsx."
    )
