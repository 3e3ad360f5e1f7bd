from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from chatbot.database import ChatbotBase, TenantOwned
from shared.database import ModelMixin


class Tenant(ModelMixin, ChatbotBase):
    __tablename__ = "tenants"

    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    greeting: Mapped[str] = mapped_column(String(500), default="Hi! How can I help you today?")


class Admin(TenantOwned, ChatbotBase):
    __tablename__ = "admins"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))


class MarketingDocument(TenantOwned, ChatbotBase):
    __tablename__ = "documents"

    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    chunks: Mapped[int] = mapped_column(Integer, default=0)


class Conversation(TenantOwned, ChatbotBase):
    __tablename__ = "conversations"

    visitor: Mapped[str] = mapped_column(String(200), default="")


class Message(TenantOwned, ChatbotBase):
    __tablename__ = "messages"

    conversation_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("chatbot.conversations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    content: Mapped[str] = mapped_column(Text)
    citations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    mode: Mapped[str | None] = mapped_column(String(20), nullable=True)
