"""A chunk says whether it lies on a financial statement page in its own column, instead of a
"Financial statement: " prefix in its section; its section is then the statement's title

Revision ID: e0009
Revises: e0008
Create Date: 2026-11-26 22:30:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e0009'
down_revision: str | None = 'e0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PREFIX = 'Financial statement: '
_LANGUAGE = "CASE WHEN language = 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END"
# The index still reads the words "Financial statement" before a statement chunk's title, as it did.
_INDEXED_SECTION = f"CASE WHEN is_statement THEN '{_PREFIX}' ELSE '' END || coalesce(section, '')"
_SPLIT_JOINED = "'([[:alpha:]])[._/](?=[[:alpha:]])', '\\1 ', 'g'"


def _search_vector(section: str) -> None:
    op.execute('DROP INDEX IF EXISTS enterprise.ix_chunks_search_vector')
    op.execute('ALTER TABLE enterprise.chunks DROP COLUMN IF EXISTS search_vector')
    op.execute(
        'ALTER TABLE enterprise.chunks ADD COLUMN search_vector tsvector GENERATED ALWAYS AS '
        f"(to_tsvector({_LANGUAGE}, regexp_replace({section} || ' ' || text, {_SPLIT_JOINED}))) STORED"
    )
    op.execute('CREATE INDEX ix_chunks_search_vector ON enterprise.chunks USING gin (search_vector)')


def upgrade() -> None:
    op.add_column(
        'chunks',
        sa.Column('is_statement', sa.Boolean(), nullable=False, server_default=sa.false()),
        schema='enterprise',
    )
    op.execute(
        f"UPDATE enterprise.chunks SET is_statement = TRUE, section = substr(section, {len(_PREFIX) + 1}) "
        f"WHERE section LIKE '{_PREFIX}%'"
    )
    if op.get_bind().dialect.name == 'postgresql':
        _search_vector(_INDEXED_SECTION)
    # SQLite's FTS5 table keeps its own copy of the section, prefix included.


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _search_vector("coalesce(section, '')")
    op.execute(f"UPDATE enterprise.chunks SET section = '{_PREFIX}' || section WHERE is_statement")
    op.drop_column('chunks', 'is_statement', schema='enterprise')
