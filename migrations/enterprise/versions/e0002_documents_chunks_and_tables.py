"""documents chunks and tables

Revision ID: e0002
Revises: e0001
Create Date: 2026-11-26 00:00:39.908259
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'e0002'
down_revision: str | None = 'e0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('documents',
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_format', sa.String(length=10), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('doc_type', sa.Enum('balance', 'contract', 'report', 'other', name='document_type', native_enum=False, create_constraint=True, length=20, schema='enterprise'), nullable=False),
    sa.Column('company', sa.String(length=200), nullable=True),
    sa.Column('fiscal_year', sa.Integer(), nullable=True),
    sa.Column('period', sa.String(length=40), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('metadata_given', sa.JSON(), nullable=False),
    sa.Column('source', sa.Enum('upload', 'connector', name='document_source', native_enum=False, create_constraint=True, length=20, schema='enterprise'), nullable=False),
    sa.Column('status', sa.Enum('queued', 'processing', 'ready', 'failed', name='document_status', native_enum=False, create_constraint=True, length=20, schema='enterprise'), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('stages', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('pages_without_text', sa.Integer(), nullable=False),
    sa.Column('chunk_count', sa.Integer(), nullable=False),
    sa.Column('table_count', sa.Integer(), nullable=False),
    sa.Column('uploaded_by_id', sa.Uuid(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('searchable_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_documents_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['enterprise.users.id'], name=op.f('fk_documents_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('enterprise_id', 'sha256', name=op.f('uq_documents_enterprise_id_sha256')),
    schema='enterprise'
    )
    op.create_index(op.f('ix_documents_company'), 'documents', ['company'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_documents_enterprise_id'), 'documents', ['enterprise_id'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_documents_fiscal_year'), 'documents', ['fiscal_year'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_documents_status'), 'documents', ['status'], unique=False, schema='enterprise')
    op.create_table('chunks',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('text', 'table', name='chunk_kind', native_enum=False, create_constraint=True, length=20, schema='enterprise'), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('table_id', sa.Uuid(), nullable=True),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['enterprise.documents.id'], name=op.f('fk_chunks_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_chunks_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chunks')),
    schema='enterprise'
    )
    op.create_index('ix_chunks_document_ordinal', 'chunks', ['document_id', 'ordinal'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_chunks_enterprise_id'), 'chunks', ['enterprise_id'], unique=False, schema='enterprise')
    _create_full_text_index()
    op.create_table('tables',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('sheet', sa.String(length=200), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('bbox', sa.JSON(), nullable=True),
    sa.Column('scale', sa.String(length=20), nullable=True),
    sa.Column('header', sa.JSON(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['enterprise.documents.id'], name=op.f('fk_tables_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_tables_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tables')),
    schema='enterprise'
    )
    op.create_index('ix_tables_document_page', 'tables', ['document_id', 'page'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_tables_enterprise_id'), 'tables', ['enterprise_id'], unique=False, schema='enterprise')


def _create_full_text_index() -> None:
    """PostgreSQL: a generated tsvector column with a GIN index. SQLite: an FTS5 table."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE enterprise.chunks ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
            # Split words joined by '.', '_' or '/' (JSON paths, file names) so each part matches.
            "(to_tsvector('english', regexp_replace(coalesce(section, '') || ' ' || text, "
            "'([[:alpha:]])[._/](?=[[:alpha:]])', '\\1 ', 'g'))) STORED"
        )
        op.execute("CREATE INDEX ix_chunks_search_vector ON enterprise.chunks USING gin (search_vector)")
        return
    op.execute(
        "CREATE VIRTUAL TABLE enterprise.chunk_fts USING fts5("
        "chunk_id UNINDEXED, enterprise_id UNINDEXED, document_id UNINDEXED, section, text, "
        "tokenize = 'porter unicode61 remove_diacritics 2')"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS enterprise.chunk_fts")
    op.drop_index(op.f('ix_tables_enterprise_id'), table_name='tables', schema='enterprise')
    op.drop_index('ix_tables_document_page', table_name='tables', schema='enterprise')
    op.drop_table('tables', schema='enterprise')
    op.drop_index(op.f('ix_chunks_enterprise_id'), table_name='chunks', schema='enterprise')
    op.drop_index('ix_chunks_document_ordinal', table_name='chunks', schema='enterprise')
    op.drop_table('chunks', schema='enterprise')
    op.drop_index(op.f('ix_documents_status'), table_name='documents', schema='enterprise')
    op.drop_index(op.f('ix_documents_fiscal_year'), table_name='documents', schema='enterprise')
    op.drop_index(op.f('ix_documents_enterprise_id'), table_name='documents', schema='enterprise')
    op.drop_index(op.f('ix_documents_company'), table_name='documents', schema='enterprise')
    op.drop_table('documents', schema='enterprise')
