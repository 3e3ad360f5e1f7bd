from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (not a secret)
    expires_in: int


class AdminOut(BaseModel):
    email: str
    tenant_slug: str
    tenant_name: str


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    pages: int
    chunks: int
    created_at: datetime


class ConversationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    visitor: str = Field(default="", max_length=200)


class ConversationOut(BaseModel):
    id: uuid.UUID
    greeting: str
    created_at: datetime


class Citation(BaseModel):
    document_id: uuid.UUID
    filename: str
    page: int
    snippet: str
    score: float


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=4000)


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    role: str
    content: str
    citations: list[Citation]
    mode: str | None
    created_at: datetime


class ConversationDetail(BaseModel):
    id: uuid.UUID
    visitor: str
    created_at: datetime
    messages: list[MessageOut]
