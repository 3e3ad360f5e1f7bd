"""Outgoing webhooks (endpoints, deliveries) and connectors (credentials, OAuth consents under
way, synced items, runs); documents.origin for a synced document's place at its source;
row-level security on every new table, and a function that names the enterprise of an OAuth
state before one is bound (the source's redirect carries no bearer token)

Revision ID: e0012
Revises: e0011
Create Date: 2026-11-27 00:33:24.352097
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e0012'
down_revision: str | None = 'e0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = "NULLIF(current_setting('app.enterprise_id', true), '')::uuid"
TABLES = (
    'connectors', 'connector_authorizations', 'connector_items', 'connector_runs',
    'webhook_endpoints', 'webhook_deliveries',
)


def upgrade() -> None:
    op.create_table('connectors',
    sa.Column('kind', sa.Enum('google_drive', 'dropbox', 'salesforce', name='connector_kind', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('status', sa.Enum('needs_authorization', 'active', 'paused', name='connector_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('sync_minutes', sa.Integer(), nullable=True),
    sa.Column('access_token', sa.Text(), nullable=True),
    sa.Column('refresh_token', sa.Text(), nullable=True),
    sa.Column('token_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('account', sa.JSON(), nullable=False),
    sa.Column('cursor', sa.JSON(), nullable=False),
    sa.Column('next_sync_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['enterprise.users.id'], name=op.f('fk_connectors_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_connectors_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connectors')),
    schema='enterprise'
    )
    op.create_index(op.f('ix_connectors_enterprise_id'), 'connectors', ['enterprise_id'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_connectors_next_sync_at'), 'connectors', ['next_sync_at'], unique=False, schema='enterprise')
    op.create_table('webhook_endpoints',
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('secret', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['enterprise.users.id'], name=op.f('fk_webhook_endpoints_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_webhook_endpoints_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints')),
    schema='enterprise'
    )
    op.create_index(op.f('ix_webhook_endpoints_enterprise_id'), 'webhook_endpoints', ['enterprise_id'], unique=False, schema='enterprise')
    op.create_table('connector_authorizations',
    sa.Column('connector_id', sa.Uuid(), nullable=False),
    sa.Column('state_hash', sa.String(length=64), nullable=False),
    sa.Column('code_verifier', sa.Text(), nullable=False),
    sa.Column('redirect_uri', sa.String(length=2000), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_by_id', sa.Uuid(), nullable=True),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['connector_id'], ['enterprise.connectors.id'], name=op.f('fk_connector_authorizations_connector_id_connectors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_connector_authorizations_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['enterprise.users.id'], name=op.f('fk_connector_authorizations_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connector_authorizations')),
    sa.UniqueConstraint('state_hash', name=op.f('uq_connector_authorizations_state_hash')),
    schema='enterprise'
    )
    op.create_index(op.f('ix_connector_authorizations_enterprise_id'), 'connector_authorizations', ['enterprise_id'], unique=False, schema='enterprise')
    op.create_table('connector_items',
    sa.Column('connector_id', sa.Uuid(), nullable=False),
    sa.Column('external_id', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('path', sa.String(length=2000), nullable=False),
    sa.Column('version', sa.String(length=200), nullable=False),
    sa.Column('modified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('owner', sa.String(length=300), nullable=True),
    sa.Column('link', sa.String(length=2000), nullable=True),
    sa.Column('document_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.Enum('synced', 'skipped', 'failed', name='connector_item_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['connector_id'], ['enterprise.connectors.id'], name=op.f('fk_connector_items_connector_id_connectors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['enterprise.documents.id'], name=op.f('fk_connector_items_document_id_documents'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_connector_items_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connector_items')),
    sa.UniqueConstraint('connector_id', 'external_id', name=op.f('uq_connector_items_connector_id_external_id')),
    schema='enterprise'
    )
    op.create_index('ix_connector_items_document', 'connector_items', ['document_id'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_connector_items_enterprise_id'), 'connector_items', ['enterprise_id'], unique=False, schema='enterprise')
    op.create_table('connector_runs',
    sa.Column('connector_id', sa.Uuid(), nullable=False),
    sa.Column('trigger', sa.Enum('schedule', 'manual', 'authorized', name='connector_run_trigger', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('status', sa.Enum('pending', 'running', 'succeeded', 'failed', name='connector_run_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('items_seen', sa.Integer(), nullable=False),
    sa.Column('items_added', sa.Integer(), nullable=False),
    sa.Column('items_updated', sa.Integer(), nullable=False),
    sa.Column('items_removed', sa.Integer(), nullable=False),
    sa.Column('items_skipped', sa.Integer(), nullable=False),
    sa.Column('items_failed', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('claimed_by', sa.String(length=120), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['connector_id'], ['enterprise.connectors.id'], name=op.f('fk_connector_runs_connector_id_connectors'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_connector_runs_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connector_runs')),
    schema='enterprise'
    )
    op.create_index('ix_connector_runs_connector_created', 'connector_runs', ['connector_id', 'created_at'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_connector_runs_enterprise_id'), 'connector_runs', ['enterprise_id'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_connector_runs_status'), 'connector_runs', ['status'], unique=False, schema='enterprise')
    op.create_table('webhook_deliveries',
    sa.Column('endpoint_id', sa.Uuid(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'delivered', 'failed', name='webhook_delivery_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('log', sa.JSON(), nullable=False),
    sa.Column('enterprise_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['endpoint_id'], ['enterprise.webhook_endpoints.id'], name=op.f('fk_webhook_deliveries_endpoint_id_webhook_endpoints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f('fk_webhook_deliveries_enterprise_id_enterprises'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    schema='enterprise'
    )
    op.create_index('ix_webhook_deliveries_due', 'webhook_deliveries', ['status', 'next_attempt_at'], unique=False, schema='enterprise')
    op.create_index('ix_webhook_deliveries_endpoint_created', 'webhook_deliveries', ['endpoint_id', 'created_at'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_webhook_deliveries_enterprise_id'), 'webhook_deliveries', ['enterprise_id'], unique=False, schema='enterprise')
    op.add_column('documents', sa.Column('origin', sa.JSON(), nullable=True), schema='enterprise')
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        op.execute(f'ALTER TABLE enterprise.{table} ENABLE ROW LEVEL SECURITY')
        op.execute(
            f'CREATE POLICY tenant_isolation ON enterprise.{table} '
            f'USING (enterprise_id = {CURRENT}) WITH CHECK (enterprise_id = {CURRENT})'
        )
    op.execute(
        """
        CREATE FUNCTION enterprise.connector_authorization_enterprise(p_hash text) RETURNS uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $$ SELECT enterprise_id FROM enterprise.connector_authorizations WHERE state_hash = p_hash $$
        """
    )
    op.execute('REVOKE ALL ON FUNCTION enterprise.connector_authorization_enterprise(text) FROM PUBLIC')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION IF EXISTS enterprise.connector_authorization_enterprise(text)')
    op.drop_column('documents', 'origin', schema='enterprise')
    op.drop_index(op.f('ix_webhook_deliveries_enterprise_id'), table_name='webhook_deliveries', schema='enterprise')
    op.drop_index('ix_webhook_deliveries_endpoint_created', table_name='webhook_deliveries', schema='enterprise')
    op.drop_index('ix_webhook_deliveries_due', table_name='webhook_deliveries', schema='enterprise')
    op.drop_table('webhook_deliveries', schema='enterprise')
    op.drop_index(op.f('ix_connector_runs_status'), table_name='connector_runs', schema='enterprise')
    op.drop_index(op.f('ix_connector_runs_enterprise_id'), table_name='connector_runs', schema='enterprise')
    op.drop_index('ix_connector_runs_connector_created', table_name='connector_runs', schema='enterprise')
    op.drop_table('connector_runs', schema='enterprise')
    op.drop_index(op.f('ix_connector_items_enterprise_id'), table_name='connector_items', schema='enterprise')
    op.drop_index('ix_connector_items_document', table_name='connector_items', schema='enterprise')
    op.drop_table('connector_items', schema='enterprise')
    op.drop_index(op.f('ix_connector_authorizations_enterprise_id'), table_name='connector_authorizations', schema='enterprise')
    op.drop_table('connector_authorizations', schema='enterprise')
    op.drop_index(op.f('ix_webhook_endpoints_enterprise_id'), table_name='webhook_endpoints', schema='enterprise')
    op.drop_table('webhook_endpoints', schema='enterprise')
    op.drop_index(op.f('ix_connectors_next_sync_at'), table_name='connectors', schema='enterprise')
    op.drop_index(op.f('ix_connectors_enterprise_id'), table_name='connectors', schema='enterprise')
    op.drop_table('connectors', schema='enterprise')
