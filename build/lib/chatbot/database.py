from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from shared.database import ModelMixin, schema_metadata

SCHEMA = "chatbot"


class ChatbotBase(DeclarativeBase):
    metadata = schema_metadata(SCHEMA)


class TenantOwned(ModelMixin):
    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:  # noqa: N805 (SQLAlchemy declared_attr)
        return mapped_column(Uuid, ForeignKey(f"{SCHEMA}.tenants.id", ondelete="CASCADE"), index=True)
