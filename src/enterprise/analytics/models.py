from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from enterprise.database import EnterpriseBase, TenantOwned
from shared.database import UTCDateTime


class AnalyticsCacheEntry(TenantOwned, EnterpriseBase):
    """One pre-computed analytics result of an enterprise, valid while its data is unchanged.

    `data_version` names the state of the documents, questions and facts it was computed from;
    a result whose version differs from the data's current one is stale, whichever process
    changed the data.
    """

    __tablename__ = "analytics_cache"
    __table_args__ = (UniqueConstraint("enterprise_id", "key"),)

    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    data_version: Mapped[str] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When a member last read it: the worker keeps results read within a day computed ahead.
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
