"""Tenants, their admins, marketing documents and web conversations."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from langchain_core.language_models.chat_models import BaseChatModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from chatbot.answering import Answer, Passage, extractive_answer, llm_answer
from chatbot.models import Admin, Conversation, MarketingDocument, Message, Tenant
from chatbot.runtime import ChatbotRuntime
from shared.embeddings import Embedder
from shared.errors import AuthenticationError, ConflictError, InvalidInputError, NotFoundError
from shared.security import InvalidTokenError, hash_password, verify_password
from shared.text_extraction import UnreadableDocumentError, chunk_pages, extract_pages
from shared.vectorstore import model_collection

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
CHAT_FORMATS = frozenset({"txt", "pdf", "docx"})
TOP_K = 4


@dataclass(frozen=True)
class StoredUpload:
    path: Path
    filename: str
    file_format: str
    size_bytes: int
    sha256: str


def create_tenant(session: Session, slug: str, name: str, admin_email: str, admin_password: str) -> Tenant:
    if not SLUG_PATTERN.match(slug):
        raise InvalidInputError(f"tenant slug {slug!r} must be lowercase letters, digits and hyphens")
    if session.scalars(select(Tenant).where(Tenant.slug == slug)).first() is not None:
        raise ConflictError(f"tenant {slug!r} already exists")
    if session.scalars(select(Admin).where(Admin.email == admin_email.lower())).first() is not None:
        raise ConflictError(f"an admin with email {admin_email.lower()} already exists")
    tenant = Tenant(slug=slug, name=name or slug)
    session.add(tenant)
    session.flush()
    session.add(Admin(tenant_id=tenant.id, email=admin_email.lower(), password_hash=hash_password(admin_password)))
    session.flush()
    return tenant


def tenant_by_slug(session: Session, slug: str) -> Tenant:
    tenant = session.scalars(select(Tenant).where(Tenant.slug == slug)).one_or_none()
    if tenant is None:
        raise NotFoundError(f"tenant {slug} not found")
    return tenant


def authenticate(session: Session, email: str, password: str) -> Admin:
    admin = session.scalars(select(Admin).where(Admin.email == email.lower())).one_or_none()
    if not verify_password(password, admin.password_hash if admin else None) or admin is None:
        raise AuthenticationError("incorrect email or password")
    return admin


def issue_token(runtime: ChatbotRuntime, admin: Admin) -> str:
    return runtime.tokens.encode(str(admin.id), runtime.token_lifetime, {"tenant": str(admin.tenant_id)})


def admin_from_token(session: Session, runtime: ChatbotRuntime, token: str) -> Admin:
    try:
        claims = runtime.tokens.decode(token)
        admin_id = uuid.UUID(str(claims["sub"]))
    except (InvalidTokenError, KeyError, ValueError) as exc:
        raise AuthenticationError("invalid or expired token") from exc
    admin = session.get(Admin, admin_id)
    if admin is None or str(admin.tenant_id) != claims.get("tenant"):
        raise AuthenticationError("invalid or expired token")
    return admin


def tenant_of(session: Session, admin: Admin) -> Tenant:
    tenant = session.get(Tenant, admin.tenant_id)
    assert tenant is not None  # the foreign key guarantees it
    return tenant


def _collection(client: ClientAPI, embedder: Embedder, tenant: Tenant) -> Collection:
    return model_collection(client, f"chatbot_{tenant.slug}", embedder)


def add_document(
    session: Session, client: ClientAPI, embedder: Embedder, tenant: Tenant, upload: StoredUpload
) -> tuple[MarketingDocument, bool]:
    """The tenant's document for these bytes, and whether it was created now (not a re-upload)."""
    existing = session.scalars(
        select(MarketingDocument).where(
            MarketingDocument.tenant_id == tenant.id, MarketingDocument.sha256 == upload.sha256
        )
    ).first()
    if existing is not None:
        return existing, False
    try:
        pages = extract_pages(upload.path, upload.file_format)
    except UnreadableDocumentError as exc:
        raise InvalidInputError(f"{upload.filename}: {exc}") from exc
    chunks = chunk_pages(pages, max_words=150)
    if not chunks:
        raise InvalidInputError(f"{upload.filename}: the file has no text to index")
    document = MarketingDocument(
        tenant_id=tenant.id,
        filename=upload.filename,
        content_type=upload.file_format,
        sha256=upload.sha256,
        size_bytes=upload.size_bytes,
        pages=max(p.page for p in pages),
        chunks=len(chunks),
    )
    session.add(document)
    session.flush()
    texts = [c.text for c in chunks]
    _collection(client, embedder, tenant).add(
        ids=[f"{document.id}:{c.ordinal}" for c in chunks],
        embeddings=embedder.embed_documents(texts),  # type: ignore[arg-type]
        documents=texts,
        metadatas=[{"document_id": str(document.id), "filename": upload.filename, "page": c.page} for c in chunks],
    )
    return document, True


def list_documents(session: Session, tenant: Tenant) -> Sequence[MarketingDocument]:
    query = select(MarketingDocument).where(MarketingDocument.tenant_id == tenant.id)
    return session.scalars(query.order_by(MarketingDocument.created_at.desc())).all()


def delete_document(
    session: Session, client: ClientAPI, embedder: Embedder, tenant: Tenant, document_id: uuid.UUID
) -> None:
    document = session.scalars(
        select(MarketingDocument).where(MarketingDocument.tenant_id == tenant.id, MarketingDocument.id == document_id)
    ).one_or_none()
    if document is None:
        raise NotFoundError(f"document {document_id} not found")
    _collection(client, embedder, tenant).delete(where={"document_id": str(document.id)})
    session.delete(document)


def start_conversation(session: Session, tenant: Tenant, visitor: str) -> Conversation:
    conversation = Conversation(tenant_id=tenant.id, visitor=visitor)
    session.add(conversation)
    session.flush()
    return conversation


def conversation_of(session: Session, tenant: Tenant, conversation_id: uuid.UUID) -> Conversation:
    conversation = session.scalars(
        select(Conversation).where(Conversation.tenant_id == tenant.id, Conversation.id == conversation_id)
    ).one_or_none()
    if conversation is None:
        raise NotFoundError(f"conversation {conversation_id} not found")
    return conversation


def messages_of(session: Session, conversation: Conversation) -> Sequence[Message]:
    query = select(Message).where(
        Message.conversation_id == conversation.id, Message.tenant_id == conversation.tenant_id
    )
    return session.scalars(query.order_by(Message.created_at)).all()


def conversations_of(session: Session, tenant: Tenant, limit: int, offset: int) -> Sequence[Conversation]:
    query = select(Conversation).where(Conversation.tenant_id == tenant.id).order_by(Conversation.created_at.desc())
    return session.scalars(query.limit(limit).offset(offset)).all()


def _retrieve(client: ClientAPI, embedder: Embedder, tenant: Tenant, question: str) -> list[Passage]:
    collection = _collection(client, embedder, tenant)
    if collection.count() == 0:
        return []
    result: Any = collection.query(
        query_embeddings=[embedder.embed_query(question)],  # type: ignore[arg-type]
        n_results=min(TOP_K, collection.count()),
        include=["documents", "metadatas", "distances"],
    )
    return [
        Passage(
            document_id=str(meta["document_id"]),
            filename=str(meta["filename"]),
            page=int(meta["page"]),
            text=str(text),
            score=round(1.0 - float(distance), 4),
        )
        for text, meta, distance in zip(
            result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        )
    ]


def reply(
    session: Session,
    client: ClientAPI,
    embedder: Embedder,
    model: BaseChatModel | None,
    conversation: Conversation,
    question: str,
) -> Message:
    tenant = session.get(Tenant, conversation.tenant_id)
    assert tenant is not None
    session.add(Message(tenant_id=tenant.id, conversation_id=conversation.id, role="user", content=question))
    passages = _retrieve(client, embedder, tenant, question)
    answer: Answer = (
        llm_answer(model, tenant.name, question, passages) if model else extractive_answer(question, passages)
    )
    message = Message(
        tenant_id=tenant.id,
        conversation_id=conversation.id,
        role="assistant",
        content=answer.text,
        mode=answer.mode,
        citations=[
            {
                "document_id": p.document_id,
                "filename": p.filename,
                "page": p.page,
                "snippet": p.text[:300],
                "score": p.score,
            }
            for p in answer.passages
        ],
    )
    session.add(message)
    session.flush()
    return message


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
