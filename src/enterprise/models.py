"""Every enterprise table, imported in one place for migrations and metadata."""

from enterprise.auth.models import Enterprise, Role, User
from enterprise.documents.models import Chunk, Document, ExtractedTable
from enterprise.retrieval.models import QueryRecord, TokenUsage

__all__ = ["Chunk", "Document", "Enterprise", "ExtractedTable", "QueryRecord", "Role", "TokenUsage", "User"]
