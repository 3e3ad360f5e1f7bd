from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column

from enterprise.database import SCHEMA, EnterpriseBase, TenantOwned
from shared.database import ModelMixin, UTCDateTime


class Role(enum.StrEnum):
    """Ordered from least to most privileged: each role can do what the ones before it can."""

    VIEWER = "viewer"
    ANALYST = "analyst"
    EXECUTIVE = "executive"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


class Enterprise(ModelMixin, EnterpriseBase):
    __tablename__ = "enterprises"
    __label__ = "enterprise"

    slug: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    plan: Mapped[str] = mapped_column(String(40), default="standard")
    max_documents: Mapped[int] = mapped_column(Integer)
    monthly_token_quota: Mapped[int] = mapped_column(Integer, default=2_000_000)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class User(TenantOwned, EnterpriseBase):
    __tablename__ = "users"
    __label__ = "user"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="user_role",
            native_enum=False,
            create_constraint=True,
            length=20,
            values_callable=lambda roles: [r.value for r in roles],
        )
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped whenever access changes (disable, role, password), which voids every live token.
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The member an API key acts as: no password, not listed among the people, never an admin
    # that keeps the enterprise administrable.
    is_api_key: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(f"{SCHEMA}.users.id", ondelete="SET NULL"), nullable=True
    )


class ApiKey(TenantOwned, EnterpriseBase):
    """A machine client's key: shown once, kept as its SHA-256 (a random 256-bit secret needs no
    slow hash), acting as its own member with the role it was given."""

    __tablename__ = "api_keys"
    __label__ = "API key"

    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey(f"{SCHEMA}.users.id", ondelete="CASCADE"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey(f"{SCHEMA}.users.id", ondelete="SET NULL"), nullable=True
    )
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
