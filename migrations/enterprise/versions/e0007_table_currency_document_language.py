"""The currency a table's title or headings name (statements in euros become facts in euros), and
the language a document is written in (a question in the other language is searched in both)

Revision ID: e0007
Revises: e0006
Create Date: 2026-11-26 16:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e0007'
down_revision: str | None = 'e0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('tables', sa.Column('currency', sa.String(length=3), nullable=True), schema='enterprise')
    op.add_column('documents', sa.Column('language', sa.String(length=2), nullable=True), schema='enterprise')


def downgrade() -> None:
    op.drop_column('documents', 'language', schema='enterprise')
    op.drop_column('tables', 'currency', schema='enterprise')
