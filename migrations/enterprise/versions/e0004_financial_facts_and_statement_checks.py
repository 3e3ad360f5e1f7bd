"""Financial facts (one line item, one period) and the accounting checks of each filing

Revision ID: e0004
Revises: e0003
Create Date: 2026-11-26 03:26:38.677009
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e0004'
down_revision: str | None = 'e0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('financial_facts',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('table_id', sa.Uuid(), nullable=True),
    sa.Column('company', sa.String(length=200), nullable=True),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('period_label', sa.String(length=120), nullable=False),
    sa.Column('statement', sa.String(length=30), nullable=False),
    sa.Column('section', sa.String(length=300), nullable=False),
    sa.Column('line_item', sa.String(length=500), nullable=False),
    sa.Column('metric', sa.String(length=60), nullable=True),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('scale', sa.String(length=20), nullable=True),
    sa.Column('unit', sa.String(length=30), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('page', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('column', sa.Integer(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['enterprise.documents.id'], name=op.f('fk_financial_facts_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_financial_facts_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_financial_facts')),
    schema='enterprise'
    )
    op.create_index('ix_facts_document', 'financial_facts', ['document_id'], unique=False, schema='enterprise')
    op.create_index('ix_facts_lookup', 'financial_facts', ['enterprise_id', 'metric', 'fiscal_year'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_financial_facts_enterprise_id'), 'financial_facts', ['enterprise_id'], unique=False, schema='enterprise')
    op.create_table('statement_checks',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('statement', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('expected', sa.Float(), nullable=False),
    sa.Column('actual', sa.Float(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('core', sa.Boolean(), nullable=False),
    sa.Column('pages', sa.String(length=100), nullable=False),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['enterprise.documents.id'], name=op.f('fk_statement_checks_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_statement_checks_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_checks')),
    schema='enterprise'
    )
    op.create_index('ix_statement_checks_document', 'statement_checks', ['document_id'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_statement_checks_enterprise_id'), 'statement_checks', ['enterprise_id'], unique=False, schema='enterprise')


def downgrade() -> None:
    op.drop_index(op.f('ix_statement_checks_enterprise_id'), table_name='statement_checks', schema='enterprise')
    op.drop_index('ix_statement_checks_document', table_name='statement_checks', schema='enterprise')
    op.drop_table('statement_checks', schema='enterprise')
    op.drop_index(op.f('ix_financial_facts_enterprise_id'), table_name='financial_facts', schema='enterprise')
    op.drop_index('ix_facts_lookup', table_name='financial_facts', schema='enterprise')
    op.drop_index('ix_facts_document', table_name='financial_facts', schema='enterprise')
    op.drop_table('financial_facts', schema='enterprise')
