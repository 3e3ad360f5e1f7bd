"""initial enterprise schema

Revision ID: e0001
Revises: 
Create Date: 2026-11-25 23:36:41.287979
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'e0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('enterprises',
    sa.Column('slug', sa.String(length=63), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('plan', sa.String(length=40), nullable=False),
    sa.Column('max_documents', sa.Integer(), nullable=False),
    sa.Column('monthly_token_quota', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprises')),
    sa.UniqueConstraint('slug', name=op.f('uq_enterprises_slug')),
    schema='enterprise'
    )
    op.create_table('users',
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.Enum('viewer', 'analyst', 'executive', 'admin', name='user_role', native_enum=False, create_constraint=True, length=20, schema='enterprise'), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('token_version', sa.Integer(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('invited_by_id', sa.Uuid(), nullable=True),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_users_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['enterprise.users.id'], name=op.f('fk_users_invited_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email')),
    schema='enterprise'
    )
    op.create_index(op.f('ix_users_enterprise_id'), 'users', ['enterprise_id'], unique=False, schema='enterprise')


def downgrade() -> None:
    op.drop_index(op.f('ix_users_enterprise_id'), table_name='users', schema='enterprise')
    op.drop_table('users', schema='enterprise')
    op.drop_table('enterprises', schema='enterprise')
