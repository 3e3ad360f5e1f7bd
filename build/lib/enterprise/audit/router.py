from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from enterprise.audit import repository
from enterprise.audit.schemas import AuditEventOut, AuditPage
from enterprise.dependencies import AdminUser, DbSession
from shared.request_guards import Offset, UTCTimestamp

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=AuditPage)
def list_events(
    admin: AdminUser,
    session: DbSession,
    action: Annotated[str | None, Query(max_length=60)] = None,
    actor_id: uuid.UUID | None = None,
    after: UTCTimestamp | None = None,
    before: UTCTimestamp | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Offset = 0,
) -> AuditPage:
    """The enterprise's audit log (admins): sign-ins, failed sign-ins, role changes, uploads, deletes, exports."""
    filters = repository.AuditFilters(action, actor_id, after, before)
    rows, total = repository.events(session, admin.enterprise_id, filters, limit, offset)
    return AuditPage(items=[AuditEventOut.model_validate(r) for r in rows], total=total, limit=limit, offset=offset)
