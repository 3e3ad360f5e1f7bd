"""Uploads, the documents' life cycle, their originals and their tables."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from enterprise.auth.models import Enterprise, Role, User
from enterprise.documents import repository
from enterprise.documents.listeners import DocumentListeners
from enterprise.documents.models import Document, DocumentSource, DocumentStatus, DocumentType, ExtractedTable
from enterprise.documents.storage import OriginalMissingError, OriginalStore
from shared.errors import ConflictError, PermissionDeniedError
from shared.settings import Settings
from shared.text_extraction import sniff_format
from shared.uploads import SpooledFile, safe_filename

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "txt": "text/plain",
    "json": "application/json",
}


class Uploader(Protocol):
    """Who a document is registered for: a member, or a connector acting for its creator."""

    @property
    def enterprise_id(self) -> uuid.UUID: ...

    @property
    def id(self) -> uuid.UUID | None: ...


@dataclass(frozen=True)
class Registered:
    document: Document
    created: bool


def register_upload(
    session: Session,
    settings: Settings,
    store: OriginalStore,
    user: Uploader,
    spooled: SpooledFile,
    raw_filename: str | None,
    metadata: dict[str, Any],
    source: DocumentSource = DocumentSource.UPLOAD,
    origin: dict[str, Any] | None = None,
) -> Registered:
    """Keep the original and queue the document; the same bytes again return the existing one."""
    try:
        filename = safe_filename(raw_filename)
        file_format = sniff_format(spooled.head, filename, settings.supported_format_set)
        existing = repository.document_by_sha(session, user.enterprise_id, spooled.sha256)
        if existing is None:
            _check_quota(session, user.enterprise_id)
    except BaseException:
        spooled.path.unlink(missing_ok=True)
        raise
    if existing is not None:
        spooled.path.unlink(missing_ok=True)
        return Registered(existing, created=False)
    store.put(user.enterprise_id, spooled.sha256, spooled.path)
    document = Document(
        enterprise_id=user.enterprise_id,
        filename=filename,
        file_format=file_format,
        content_type=CONTENT_TYPES[file_format],
        sha256=spooled.sha256,
        size_bytes=spooled.size_bytes,
        doc_type=metadata.get("doc_type") or DocumentType.OTHER,
        company=metadata.get("company"),
        fiscal_year=metadata.get("fiscal_year"),
        period=metadata.get("period"),
        tags=metadata.get("tags") or [],
        metadata_given=sorted(k for k in metadata if k != "tags"),
        source=source,
        origin=origin,
        status=DocumentStatus.QUEUED,
        heartbeat_at=datetime.now(UTC),
        uploaded_by_id=user.id,
    )
    try:
        with session.begin_nested():
            session.add(document)
    except IntegrityError:
        # The same bytes arrived twice at once: the other request's row wins.
        winner = repository.document_by_sha(session, user.enterprise_id, spooled.sha256)
        if winner is None:
            raise
        return Registered(winner, created=False)
    return Registered(document, created=True)


def _check_quota(session: Session, enterprise_id: uuid.UUID) -> None:
    enterprise = session.get(Enterprise, enterprise_id)
    assert enterprise is not None
    if repository.count_documents(session, enterprise_id) >= enterprise.max_documents:
        raise ConflictError(
            f"this enterprise has reached its limit of {enterprise.max_documents} documents; "
            "delete some or ask for a higher limit",
            limit=enterprise.max_documents,
        )


def get_document(session: Session, user: User, document_id: object) -> Document:
    return repository.document(session, user.enterprise_id, document_id)


def list_documents(
    session: Session, user: User, filters: repository.DocumentFilters, limit: int, offset: int
) -> tuple[Sequence[Document], int]:
    return repository.documents(session, user.enterprise_id, filters, limit, offset)


def _require_owner_or_admin(user: User, document: Document) -> None:
    if user.role == Role.ADMIN or document.uploaded_by_id == user.id:
        return
    raise PermissionDeniedError("only the uploader of this document or an admin may change or delete it")


def update_metadata(session: Session, user: User, document_id: object, changes: dict[str, Any]) -> Document:
    document = repository.document(session, user.enterprise_id, document_id)
    _require_owner_or_admin(user, document)
    for name, value in changes.items():
        setattr(document, name, value if name != "tags" else (value or []))
    document.metadata_given = sorted(set(document.metadata_given or []) | {k for k in changes if k != "tags"})
    return document


def delete_document(
    session: Session, user: User, store: OriginalStore, listeners: DocumentListeners, document_id: object
) -> None:
    document = repository.document(session, user.enterprise_id, document_id)
    _require_owner_or_admin(user, document)
    remove_document(session, store, listeners, document)


def remove_document(session: Session, store: OriginalStore, listeners: DocumentListeners, document: Document) -> None:
    """The document, what was derived from it and, when no other row holds the same bytes, its original."""
    enterprise_id, sha256 = document.enterprise_id, document.sha256
    listeners.document_removed(session, document)
    repository.delete_document_rows(session, document)
    session.flush()
    if repository.document_by_sha(session, enterprise_id, sha256) is None:
        store.delete(enterprise_id, sha256)


def prepare_reindex(session: Session, user: User, store: OriginalStore, document_id: object) -> Document:
    document = repository.document(session, user.enterprise_id, document_id)
    _require_owner_or_admin(user, document)
    if not store.exists(document.enterprise_id, document.sha256):
        raise OriginalMissingError()
    if document.status == DocumentStatus.PROCESSING:
        raise ConflictError("this document is being processed now; reindex it when it is ready or failed")
    document.status = DocumentStatus.QUEUED
    document.progress = 0
    document.error = None
    document.attempts = 0
    document.heartbeat_at = datetime.now(UTC)
    return document


def mark_unqueued(document: Document, reason: str) -> None:
    document.status = DocumentStatus.FAILED
    document.error = f"could not be queued for processing ({reason}); use reindex to try again"


def tables_of(session: Session, user: User, document_id: object) -> Sequence[ExtractedTable]:
    document = repository.document(session, user.enterprise_id, document_id)
    return repository.tables_of(session, user.enterprise_id, document.id)
