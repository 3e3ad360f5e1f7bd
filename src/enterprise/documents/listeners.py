"""What other domains do when a document comes and goes, behind an interface documents defines:
the runtime, which knows every domain, implements it, so documents imports none of them."""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy.orm import Session

from enterprise.documents.models import Document


class DocumentListeners(Protocol):
    def document_removed(self, session: Session, document: Document) -> None:
        """Delete what other domains derived from the document (vectors, facts), in `session`."""

    def document_queued(self, document_id: uuid.UUID) -> None:
        """The document is committed and waits to be read: hand it to the ingestion queue."""
