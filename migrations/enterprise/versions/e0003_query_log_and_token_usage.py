"""Query log (questions, answers, citations, feedback) and LLM token usage per enterprise and month

Revision ID: e0003
Revises: e0002
Create Date: 2026-11-26 02:52:49.167525
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e0003'
down_revision: str | None = 'e0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('token_usage',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('prompt_tokens', sa.Integer(), nullable=False),
    sa.Column('completion_tokens', sa.Integer(), nullable=False),
    sa.Column('requests', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_token_usage_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_token_usage')),
    sa.UniqueConstraint('enterprise_id', 'month', name=op.f('uq_token_usage_enterprise_id_month')),
    schema='enterprise'
    )
    op.create_index(op.f('ix_token_usage_enterprise_id'), 'token_usage', ['enterprise_id'], unique=False, schema='enterprise')
    op.create_table('queries',
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('request', sa.JSON(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('unit', sa.String(length=40), nullable=True),
    sa.Column('mode', sa.Enum('extractive', 'llm', 'facts', name='answer_mode', native_enum=False, create_constraint=True, length=20, schema='enterprise'), nullable=False),
    sa.Column('citations', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('found', sa.Boolean(), nullable=False),
    sa.Column('latency_ms', sa.Integer(), nullable=False),
    sa.Column('prompt_tokens', sa.Integer(), nullable=False),
    sa.Column('completion_tokens', sa.Integer(), nullable=False),
    sa.Column('feedback', sa.Enum('up', 'down', name='query_feedback', native_enum=False, create_constraint=True, length=20, schema='enterprise'), nullable=True),
    sa.Column('feedback_comment', sa.Text(), nullable=True),
    sa.Column('feedback_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_queries_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['enterprise.users.id'], name=op.f('fk_queries_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queries')),
    schema='enterprise'
    )
    op.create_index('ix_queries_enterprise_created', 'queries', ['enterprise_id', 'created_at'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_queries_enterprise_id'), 'queries', ['enterprise_id'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_queries_user_id'), 'queries', ['user_id'], unique=False, schema='enterprise')


def downgrade() -> None:
    op.drop_index(op.f('ix_queries_user_id'), table_name='queries', schema='enterprise')
    op.drop_index(op.f('ix_queries_enterprise_id'), table_name='queries', schema='enterprise')
    op.drop_index('ix_queries_enterprise_created', table_name='queries', schema='enterprise')
    op.drop_table('queries', schema='enterprise')
    op.drop_index(op.f('ix_token_usage_enterprise_id'), table_name='token_usage', schema='enterprise')
    op.drop_table('token_usage', schema='enterprise')
