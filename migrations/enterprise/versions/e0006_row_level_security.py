"""Row-level security on every enterprise table (PostgreSQL): a second wall behind the
application's own scoping. A role that does not own the tables sees and writes only the rows
of the enterprise its transaction names in `app.enterprise_id`; none when it names none.

Revision ID: e0006
Revises: e0005
Create Date: 2026-11-26 04:40:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = 'e0006'
down_revision: str | None = 'e0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = (
    'users', 'documents', 'chunks', 'tables', 'queries', 'token_usage',
    'financial_facts', 'statement_checks', 'audit_events',
)
CURRENT = "NULLIF(current_setting('app.enterprise_id', true), '')::uuid"


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in TENANT_TABLES:
        op.execute(f'ALTER TABLE enterprise.{table} ENABLE ROW LEVEL SECURITY')
        op.execute(
            f'CREATE POLICY tenant_isolation ON enterprise.{table} '
            f'USING (enterprise_id = {CURRENT}) WITH CHECK (enterprise_id = {CURRENT})'
        )
    op.execute('ALTER TABLE enterprise.enterprises ENABLE ROW LEVEL SECURITY')
    op.execute(f'CREATE POLICY tenant_isolation ON enterprise.enterprises USING (id = {CURRENT}) WITH CHECK (id = {CURRENT})')
    # Sign-in must learn an account's enterprise before it can name one: this function, run
    # with its owner's rights, answers that and nothing else.
    op.execute(
        """
        CREATE FUNCTION enterprise.login_enterprise(p_email text) RETURNS uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $$ SELECT enterprise_id FROM enterprise.users WHERE email = lower(p_email) $$
        """
    )
    op.execute('REVOKE ALL ON FUNCTION enterprise.login_enterprise(text) FROM PUBLIC')


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('DROP FUNCTION IF EXISTS enterprise.login_enterprise(text)')
    for table in (*TENANT_TABLES, 'enterprises'):
        op.execute(f'DROP POLICY IF EXISTS tenant_isolation ON enterprise.{table}')
        op.execute(f'ALTER TABLE enterprise.{table} DISABLE ROW LEVEL SECURITY')
