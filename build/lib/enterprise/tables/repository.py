"""The stored tables a question may be answered from, always inside one enterprise."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy.orm import Session

from enterprise.database import scoped
from enterprise.documents.models import ExtractedTable


def tables_by_id(
    session: Session, enterprise_id: uuid.UUID, ids: Collection[uuid.UUID], document_ids: Collection[uuid.UUID]
) -> Sequence[ExtractedTable]:
    if not ids or not document_ids:
        return []
    query = scoped(ExtractedTable, enterprise_id).where(
        ExtractedTable.id.in_(list(ids)), ExtractedTable.document_id.in_(list(document_ids))
    )
    return session.scalars(query).all()


def tables_of_documents(
    session: Session, enterprise_id: uuid.UUID, document_ids: Collection[uuid.UUID], limit: int
) -> Sequence[ExtractedTable]:
    if not document_ids:
        return []
    query = (
        scoped(ExtractedTable, enterprise_id)
        .where(ExtractedTable.document_id.in_(list(document_ids)))
        .order_by(ExtractedTable.created_at.desc(), ExtractedTable.page, ExtractedTable.ordinal)
        .limit(limit)
    )
    return session.scalars(query).all()
