from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from chatbot import service
from chatbot.models import Admin, Conversation
from chatbot.runtime import ChatbotRuntime
from chatbot.schemas import (
    AdminOut,
    ConversationCreate,
    ConversationDetail,
    ConversationOut,
    DocumentOut,
    MessageIn,
    MessageOut,
    TokenOut,
)
from shared.database import session_scope
from shared.errors import AuthenticationError
from shared.text_extraction import sniff_format
from shared.uploads import safe_filename, spool_upload

router = APIRouter(tags=["chatbot"])
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/token", auto_error=False)


def get_runtime(request: Request) -> ChatbotRuntime:
    runtime: ChatbotRuntime = request.app.state.chatbot
    return runtime


Runtime = Annotated[ChatbotRuntime, Depends(get_runtime)]


def get_session(runtime: Runtime) -> Iterator[Session]:
    with session_scope(runtime.session_factory) as session:
        yield session


DbSession = Annotated[Session, Depends(get_session, scope="function")]


def get_admin(session: DbSession, runtime: Runtime, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Admin:
    if not token:
        raise AuthenticationError("not authenticated: send an Authorization: Bearer token")
    return service.admin_from_token(session, runtime, token)


CurrentAdmin = Annotated[Admin, Depends(get_admin)]


@router.post("/auth/token", response_model=TokenOut)
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: DbSession, runtime: Runtime) -> TokenOut:
    admin = service.authenticate(session, form.username, form.password)
    return TokenOut(
        access_token=service.issue_token(runtime, admin), expires_in=int(runtime.token_lifetime.total_seconds())
    )


@router.get("/me", response_model=AdminOut)
def me(admin: CurrentAdmin, session: DbSession) -> AdminOut:
    tenant = service.tenant_of(session, admin)
    return AdminOut(email=admin.email, tenant_slug=tenant.slug, tenant_name=tenant.name)


@router.post("/documents", response_model=DocumentOut, status_code=status.HTTP_201_CREATED)
async def upload_document(
    admin: CurrentAdmin,
    session: DbSession,
    runtime: Runtime,
    response: Response,
    file: Annotated[UploadFile, File()],
) -> DocumentOut:
    filename = safe_filename(file.filename)
    spooled = await spool_upload(file, runtime.settings.data_dir / "tmp", runtime.settings.chatbot_max_file_size)
    try:
        file_format = sniff_format(spooled.head, filename, service.CHAT_FORMATS)
        upload = service.StoredUpload(spooled.path, filename, file_format, spooled.size_bytes, spooled.sha256)
        tenant = service.tenant_of(session, admin)
        document, created = await run_in_threadpool(
            service.add_document, session, runtime.vector_client(), runtime.embedder(), tenant, upload
        )
    finally:
        spooled.path.unlink(missing_ok=True)
    if not created:
        response.status_code = status.HTTP_200_OK
    return DocumentOut.model_validate(document)


@router.get("/documents", response_model=list[DocumentOut])
def list_documents(admin: CurrentAdmin, session: DbSession) -> list[DocumentOut]:
    tenant = service.tenant_of(session, admin)
    return [DocumentOut.model_validate(d) for d in service.list_documents(session, tenant)]


@router.delete("/documents/{document_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_document(document_id: uuid.UUID, admin: CurrentAdmin, session: DbSession, runtime: Runtime) -> None:
    tenant = service.tenant_of(session, admin)
    service.delete_document(session, runtime.vector_client(), runtime.embedder(), tenant, document_id)


@router.get("/conversations", response_model=list[ConversationDetail])
def list_conversations(
    admin: CurrentAdmin,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ConversationDetail]:
    tenant = service.tenant_of(session, admin)
    return [_detail(session, c) for c in service.conversations_of(session, tenant, limit, offset)]


def _detail(session: Session, conversation: Conversation) -> ConversationDetail:
    messages = [MessageOut.model_validate(m) for m in service.messages_of(session, conversation)]
    return ConversationDetail(
        id=conversation.id, visitor=conversation.visitor, created_at=conversation.created_at, messages=messages
    )


@router.post("/{tenant_slug}/conversations", response_model=ConversationOut, status_code=status.HTTP_201_CREATED)
def start_conversation(tenant_slug: str, body: ConversationCreate, session: DbSession) -> ConversationOut:
    tenant = service.tenant_by_slug(session, tenant_slug)
    conversation = service.start_conversation(session, tenant, body.visitor)
    return ConversationOut(id=conversation.id, greeting=tenant.greeting, created_at=conversation.created_at)


@router.get("/{tenant_slug}/conversations/{conversation_id}", response_model=ConversationDetail)
def get_conversation(tenant_slug: str, conversation_id: uuid.UUID, session: DbSession) -> ConversationDetail:
    tenant = service.tenant_by_slug(session, tenant_slug)
    return _detail(session, service.conversation_of(session, tenant, conversation_id))


@router.post("/{tenant_slug}/conversations/{conversation_id}/messages", response_model=MessageOut)
def send_message(
    tenant_slug: str, conversation_id: uuid.UUID, body: MessageIn, session: DbSession, runtime: Runtime
) -> MessageOut:
    tenant = service.tenant_by_slug(session, tenant_slug)
    conversation = service.conversation_of(session, tenant, conversation_id)
    message = service.reply(
        session, runtime.vector_client(), runtime.embedder(), runtime.chat_model(), conversation, body.message
    )
    return MessageOut.model_validate(message)
