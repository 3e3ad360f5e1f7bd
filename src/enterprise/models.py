"""Every enterprise table, imported in one place for migrations and metadata."""

from enterprise.answers.models import QueryRecord, TokenUsage
from enterprise.audit.models import AuditEvent
from enterprise.auth.models import Enterprise, Role, User
from enterprise.documents.models import Chunk, Document, ExtractedTable
from enterprise.finance.models import FinancialFact, StatementCheck

__all__ = [
    "AuditEvent",
    "Chunk",
    "Document",
    "Enterprise",
    "ExtractedTable",
    "FinancialFact",
    "QueryRecord",
    "Role",
    "StatementCheck",
    "TokenUsage",
    "User",
]
