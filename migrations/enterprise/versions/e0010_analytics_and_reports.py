"""Analytics results kept until their data changes (analytics_cache), and executive reports with
each enterprise's schedule (reports, report_settings); row-level security on all three

Revision ID: e0010
Revises: e0009
Create Date: 2026-11-26 23:00:00.000000
"""
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = 'e0010'
down_revision: str | None = 'e0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = "NULLIF(current_setting('app.enterprise_id', true), '')::uuid"
TABLES = ('analytics_cache', 'report_settings', 'reports')


def _owned(table: str) -> list[Any]:
    return [
        sa.Column('enterprise_id', sa.Uuid(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['enterprise_id'], ['enterprise.enterprises.id'], name=op.f(f'fk_{table}_enterprise_id_enterprises'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade() -> None:
    op.create_table('analytics_cache',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('data_version', sa.String(length=300), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    *_owned('analytics_cache'),
    sa.UniqueConstraint('enterprise_id', 'key', name=op.f('uq_analytics_cache_enterprise_id_key')),
    schema='enterprise'
    )
    op.create_table('report_settings',
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('cron', sa.String(length=100), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    *_owned('report_settings'),
    sa.UniqueConstraint('enterprise_id', name=op.f('uq_report_settings_enterprise_id')),
    schema='enterprise'
    )
    op.create_table('reports',
    sa.Column('trigger', sa.Enum('scheduled', 'on_demand', name='report_trigger', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('schedule_key', sa.String(length=40), nullable=True),
    sa.Column('period_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('period_end', sa.DateTime(timezone=True), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('status', sa.Enum('pending', 'running', 'done', 'failed', name='report_status', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.Uuid(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('html', sa.Text(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('pdf_bytes', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('claimed_by', sa.String(length=120), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_to', sa.JSON(), nullable=False),
    sa.Column('delivery_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by'], ['enterprise.users.id'], name=op.f('fk_reports_requested_by_users'), ondelete='SET NULL'),
    *_owned('reports'),
    sa.UniqueConstraint('enterprise_id', 'schedule_key', name=op.f('uq_reports_enterprise_id_schedule_key')),
    schema='enterprise'
    )
    for table in TABLES:
        op.create_index(op.f(f'ix_{table}_enterprise_id'), table, ['enterprise_id'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_analytics_cache_read_at'), 'analytics_cache', ['read_at'], unique=False, schema='enterprise')
    op.create_index('ix_reports_enterprise_created', 'reports', ['enterprise_id', 'created_at'], unique=False, schema='enterprise')
    op.create_index(op.f('ix_reports_status'), 'reports', ['status'], unique=False, schema='enterprise')
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TABLES:
        op.execute(f'ALTER TABLE enterprise.{table} ENABLE ROW LEVEL SECURITY')
        op.execute(
            f'CREATE POLICY tenant_isolation ON enterprise.{table} '
            f'USING (enterprise_id = {CURRENT}) WITH CHECK (enterprise_id = {CURRENT})'
        )


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_table(table, schema='enterprise')
