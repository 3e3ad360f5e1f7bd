"""API keys for machine clients, each acting as a member of its own (users.is_api_key); row-level
security on the keys, and a function that names a key's enterprise before one is bound

Revision ID: e0011
Revises: e0010
Create Date: 2026-11-26 23:50:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e0011'
down_revision: str | None = 'e0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = "NULLIF(current_setting('app.enterprise_id', true), '')::uuid"


def upgrade() -> None:
    op.add_column('users', sa.Column('is_api_key', sa.Boolean(), server_default=sa.false(), nullable=False), schema='enterprise')
    op.create_table('api_keys',
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['enterprise.users.id'], name=op.f('fk_api_keys_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['enterprise.users.id'], name=op.f('fk_api_keys_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_api_keys_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_keys_key_hash')),
    schema='enterprise'
    )
    op.create_index(op.f('ix_api_keys_enterprise_id'), 'api_keys', ['enterprise_id'], unique=False, schema='enterprise')
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('ALTER TABLE enterprise.api_keys ENABLE ROW LEVEL SECURITY')
    op.execute(
        'CREATE POLICY tenant_isolation ON enterprise.api_keys '
        f'USING (enterprise_id = {CURRENT}) WITH CHECK (enterprise_id = {CURRENT})'
    )
    # A request with a key names no enterprise until the key is found: this function, run with
    # its owner's rights, answers that one question, as login_enterprise does for an e-mail.
    op.execute(
        """
        CREATE FUNCTION enterprise.api_key_enterprise(p_hash text) RETURNS uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $$ SELECT enterprise_id FROM enterprise.api_keys WHERE key_hash = p_hash $$
        """
    )
    op.execute('REVOKE ALL ON FUNCTION enterprise.api_key_enterprise(text) FROM PUBLIC')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS enterprise.api_key_enterprise(text)')
    op.drop_table('api_keys', schema='enterprise')
    op.drop_column('users', 'is_api_key', schema='enterprise')
