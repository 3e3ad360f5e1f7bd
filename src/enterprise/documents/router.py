from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import quote

import structlog
from fastapi import APIRouter, Path, Query, Request, Response, status
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import ValidationError

from enterprise.audit import service as audit
from enterprise.audit.service import Action, Actor
from enterprise.dependencies import AnalystUser, ClientIp, CurrentUser, DbSession, Runtime
from enterprise.documents import service
from enterprise.documents.models import Document, DocumentStatus, DocumentType
from enterprise.documents.pages import MAX_HIGHLIGHT_CHARS, MAX_HIGHLIGHTS, page_image
from enterprise.documents.repository import DocumentFilters
from enterprise.documents.schemas import DocumentMetadataIn, DocumentOut, DocumentPage, TableOut
from shared.errors import InvalidInputError
from shared.multipart import receive_multipart
from shared.request_guards import Offset, UTCTimestamp

router = APIRouter(tags=["documents"])
log = structlog.get_logger(__name__)

UPLOAD_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "doc_type": {"type": "string", "enum": [t.value for t in DocumentType]},
                        "company": {"type": "string", "maxLength": 200},
                        "fiscal_year": {"type": "integer", "minimum": 1900, "maximum": 2100},
                        "period": {"type": "string", "maxLength": 40},
                        "tags": {"type": "string", "description": "comma-separated"},
                    },
                }
            }
        },
    }
}


def _metadata_from_form(fields: dict[str, str]) -> dict[str, Any]:
    known = {k: v for k, v in fields.items() if v != ""}
    unknown = sorted(set(known) - set(DocumentMetadataIn.model_fields))
    if unknown:
        raise InvalidInputError(f"unknown form field(s): {', '.join(unknown)}", field=f"body.{unknown[0]}")
    try:
        return DocumentMetadataIn.model_validate(known).given_fields()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise InvalidInputError(f"body.{field}: {first['msg']}", field=f"body.{field}") from exc


def _enqueue_after_commit(session: DbSession, runtime: Runtime, document: Document) -> None:
    session.commit()
    try:
        runtime.document_queued(document.id)
    except Exception as exc:  # the queue is down: say so on the document rather than leave it queued
        log.error("document.enqueue_failed", document_id=str(document.id), error=str(exc))
        service.mark_unqueued(document, type(exc).__name__)
        session.commit()


@router.post(
    "/documents",
    response_model=DocumentOut,
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=UPLOAD_FORM,
    responses={200: {"description": "the same file was already uploaded"}, 409: {}, 413: {}, 415: {}},
)
async def upload_document(
    request: Request, response: Response, user: AnalystUser, session: DbSession, runtime: Runtime, ip: ClientIp
) -> DocumentOut:
    settings = runtime.settings
    upload = await receive_multipart(request, settings.data_dir / "incoming", settings.max_file_size)
    assert upload.file is not None
    try:
        metadata = _metadata_from_form(upload.fields)
    except BaseException:
        upload.file.path.unlink(missing_ok=True)
        raise
    registered = service.register_upload(session, settings, runtime.store, user, upload.file, upload.filename, metadata)
    if registered.created:
        _enqueue_after_commit(session, runtime, registered.document)
        document = registered.document
        audit.record(
            runtime.session_factory,
            Actor.of(user, ip),
            Action.DOCUMENT_UPLOADED,
            "document",
            document.id,
            filename=document.filename,
            size_bytes=document.size_bytes,
        )
    else:
        response.status_code = status.HTTP_200_OK
    return DocumentOut.model_validate(registered.document)


@router.get("/documents", response_model=DocumentPage)
def list_documents(
    user: CurrentUser,
    session: DbSession,
    status_: Annotated[DocumentStatus | None, Query(alias="status")] = None,
    doc_type: DocumentType | None = None,
    company: Annotated[str | None, Query(max_length=200)] = None,
    fiscal_year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    tag: Annotated[str | None, Query(max_length=50)] = None,
    q: Annotated[str | None, Query(max_length=200, description="part of the file name")] = None,
    uploaded_after: UTCTimestamp | None = None,
    uploaded_before: UTCTimestamp | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Offset = 0,
) -> DocumentPage:
    filters = DocumentFilters(status_, doc_type, company, fiscal_year, tag, q, uploaded_after, uploaded_before)
    items, total = service.list_documents(session, user, filters, limit, offset)
    return DocumentPage(items=[DocumentOut.model_validate(d) for d in items], total=total, limit=limit, offset=offset)


@router.get("/documents/{document_id}", response_model=DocumentOut)
def get_document(document_id: uuid.UUID, user: CurrentUser, session: DbSession) -> DocumentOut:
    return DocumentOut.model_validate(service.get_document(session, user, document_id))


@router.patch("/documents/{document_id}", response_model=DocumentOut)
def update_document(
    document_id: uuid.UUID, body: DocumentMetadataIn, user: AnalystUser, session: DbSession
) -> DocumentOut:
    return DocumentOut.model_validate(service.update_metadata(session, user, document_id, body.given_fields()))


@router.delete("/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_document(
    document_id: uuid.UUID, user: AnalystUser, session: DbSession, runtime: Runtime, ip: ClientIp
) -> None:
    filename = service.get_document(session, user, document_id).filename
    service.delete_document(session, user, runtime.store, runtime, document_id)
    session.commit()
    audit.record(
        runtime.session_factory, Actor.of(user, ip), Action.DOCUMENT_DELETED, "document", document_id, filename=filename
    )


@router.get("/documents/{document_id}/file", response_class=FileResponse)
def download_original(document_id: uuid.UUID, user: CurrentUser, session: DbSession, runtime: Runtime) -> Response:
    document = service.get_document(session, user, document_id)
    local = runtime.store.local_file(document.enterprise_id, document.sha256)
    if local is not None:
        return FileResponse(local, media_type=document.content_type, filename=document.filename)
    blocks = runtime.store.stream(document.enterprise_id, document.sha256)
    headers = {"content-disposition": _attachment(document.filename), "content-length": str(document.size_bytes)}
    return StreamingResponse(blocks, media_type=document.content_type, headers=headers)


def _attachment(filename: str) -> str:
    """Content-Disposition for a download, RFC 6266's encoded form when the name is not plain ASCII."""
    quoted = quote(filename)
    return f'attachment; filename="{filename}"' if quoted == filename else f"attachment; filename*=utf-8''{quoted}"


PAGE_IMAGE_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}},
    304: {"description": "Not modified: the image named by `If-None-Match` is current."},
}


@router.get(
    "/documents/{document_id}/pages/{page}",
    response_class=Response,
    responses=PAGE_IMAGE_RESPONSES,
)
def page_png(
    document_id: uuid.UUID,
    page: Annotated[int, Path(ge=1, le=100_000, description="1-based page of the file")],
    request: Request,
    user: CurrentUser,
    session: DbSession,
    runtime: Runtime,
    highlight: Annotated[
        list[Annotated[str, Query(max_length=MAX_HIGHLIGHT_CHARS)]] | None,
        Query(max_length=MAX_HIGHLIGHTS, description="words or a figure to mark on the page (up to 5)"),
    ] = None,
) -> Response:
    """A page of a PDF document as a PNG image, with the given words or figures highlighted."""
    document = service.get_document(session, user, document_id)
    png, key = page_image(runtime.store, document, page, highlight or [])
    etag = f'"{key}"'
    headers = {"ETag": etag, "Cache-Control": "private, max-age=86400"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(png, media_type="image/png", headers=headers)


@router.post("/documents/{document_id}/reindex", response_model=DocumentOut, status_code=status.HTTP_202_ACCEPTED)
def reindex_document(document_id: uuid.UUID, user: AnalystUser, session: DbSession, runtime: Runtime) -> DocumentOut:
    document = service.prepare_reindex(session, user, runtime.store, document_id)
    _enqueue_after_commit(session, runtime, document)
    return DocumentOut.model_validate(document)


@router.get("/documents/{document_id}/tables", response_model=list[TableOut])
def document_tables(document_id: uuid.UUID, user: CurrentUser, session: DbSession) -> list[TableOut]:
    return [TableOut.model_validate(t) for t in service.tables_of(session, user, document_id)]
