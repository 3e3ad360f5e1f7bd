"""Audit log of security-relevant actions per enterprise

Revision ID: e0005
Revises: e0004
Create Date: 2026-11-26 04:12:18.094018
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e0005'
down_revision: str | None = 'e0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('actor_email', sa.String(length=320), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('target_type', sa.String(length=40), nullable=True),
    sa.Column('target_id', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['enterprise.users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_audit_events_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    schema='enterprise'
    )
    op.create_index('ix_audit_enterprise_created', 'audit_events', ['enterprise_id', 'created_at'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_audit_events_action'), 'audit_events', ['action'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_audit_events_enterprise_id'), 'audit_events', ['enterprise_id'], unique=False, schema='enterprise')


def downgrade() -> None:
    op.drop_index(op.f('ix_audit_events_enterprise_id'), table_name='audit_events', schema='enterprise')
    op.drop_index(op.f('ix_audit_events_action'), table_name='audit_events', schema='enterprise')
    op.drop_index('ix_audit_enterprise_created', table_name='audit_events', schema='enterprise')
    op.drop_table('audit_events', schema='enterprise')
