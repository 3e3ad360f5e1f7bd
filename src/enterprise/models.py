"""Every enterprise table, imported in one place for migrations and metadata."""

from enterprise.analytics.models import AnalyticsCacheEntry
from enterprise.answers.models import QueryRecord, TokenUsage
from enterprise.audit.models import AuditEvent
from enterprise.auth.models import ApiKey, Enterprise, Role, User
from enterprise.connectors.models import Connector, ConnectorAuthorization, ConnectorItem, ConnectorRun
from enterprise.documents.models import Chunk, Document, ExtractedTable
from enterprise.finance.models import FinancialFact, StatementCheck
from enterprise.reports.models import Report, ReportSettings
from enterprise.webhooks.models import WebhookDelivery, WebhookEndpoint

__all__ = [
    "AnalyticsCacheEntry",
    "ApiKey",
    "AuditEvent",
    "Chunk",
    "Connector",
    "ConnectorAuthorization",
    "ConnectorItem",
    "ConnectorRun",
    "Document",
    "Enterprise",
    "ExtractedTable",
    "FinancialFact",
    "QueryRecord",
    "Report",
    "ReportSettings",
    "Role",
    "StatementCheck",
    "TokenUsage",
    "User",
    "WebhookDelivery",
    "WebhookEndpoint",
]
