from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from enterprise.auth.models import Role

PASSWORD_FIELD = Field(min_length=10, max_length=256, description="At least 10 characters")


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 (not a secret)
    expires_in: int


class EnterpriseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    slug: str
    name: str
    plan: str
    max_documents: int


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str
    role: Role
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None
    invitation_pending: bool = False


class MeOut(UserOut):
    enterprise: EnterpriseOut


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    role: Role = Role.VIEWER
    full_name: str = Field(default="", max_length=200)
    password: str | None = Field(default=None, min_length=10, max_length=256)


class UserCreated(UserOut):
    invite_token: str | None = Field(
        default=None, description="Only when no password was given: hand it to the user to set one"
    )


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    is_active: bool | None = None
    full_name: str | None = Field(default=None, max_length=200)


class InviteAcceptance(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=10)
    password: str = PASSWORD_FIELD


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="what uses it: 'ERP nightly upload'")
    role: Role = Role.ANALYST
    expires_at: datetime | None = Field(default=None, description="after this the key is refused (401)")


class ApiKeyOut(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str = Field(description="the key's first characters, to tell keys apart; never the key")
    role: Role
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    key: str = Field(description="the key itself, shown this once: send it as 'Authorization: Bearer <key>'")
