"""Each chunk's language, and full-text search that stems it in that language (PostgreSQL)

Revision ID: e0008
Revises: e0007
Create Date: 2026-11-26 17:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e0008'
down_revision: str | None = 'e0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Words joined by '.', '_' or '/' (JSON paths, file names) are split so each part matches.
_TEXT = "regexp_replace(coalesce(section, '') || ' ' || text, '([[:alpha:]])[._/](?=[[:alpha:]])', '\\1 ', 'g')"


def _search_vector(config: str) -> None:
    op.execute('DROP INDEX IF EXISTS enterprise.ix_chunks_search_vector')
    op.execute('ALTER TABLE enterprise.chunks DROP COLUMN IF EXISTS search_vector')
    op.execute(f'ALTER TABLE enterprise.chunks ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector({config}, {_TEXT})) STORED')
    op.execute('CREATE INDEX ix_chunks_search_vector ON enterprise.chunks USING gin (search_vector)')


def upgrade() -> None:
    op.add_column('chunks', sa.Column('language', sa.String(length=2), nullable=True), schema='enterprise')
    if op.get_bind().dialect.name != 'postgresql':
        return  # SQLite's FTS5 table keeps its Porter stemmer and folds accents
    _search_vector("CASE WHEN language = 'es' THEN 'spanish'::regconfig ELSE 'english'::regconfig END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        _search_vector("'english'::regconfig")
    op.drop_column('chunks', 'language', schema='enterprise')
