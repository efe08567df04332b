"""row-level security: the policies read the tenant and system settings once per statement

The policies compared each row with `current_setting(...)` calls evaluated for every row a statement
filters or checks (~0.2 µs a row: a 1,000,000-line aggregate of a campaign took 1.05 s instead of
0.95 s, and every line a roster job inserts is checked). As scalar subqueries they are evaluated once
per statement (an InitPlan); what they allow is unchanged. Every `tenant_isolation` and `system_only`
policy is created again with the expressions of `core.rls`.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-22 14:00:00

"""
import re

from alembic import op
from sqlalchemy import text

from unionhome.core import rls

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# The expressions before this revision (for the downgrade).
_OLD_TENANT = "nullif(current_setting('app.tenant_id', true), '')::bigint"
_OLD_SYSTEM = "coalesce(current_setting('app.system', true), '') = 'on'"

# The compared column, as PostgreSQL prints a tenant_isolation policy of either form.
_COLUMN = re.compile(r"^\(\((\w+) = ")


def _policies() -> list[tuple[str, str, str]]:
    rows = op.get_bind().execute(text(
        "SELECT tablename, policyname, qual FROM pg_policies WHERE schemaname = 'public' "
        "AND policyname IN ('tenant_isolation', 'system_only') ORDER BY tablename")).all()
    return [(str(t), str(p), str(q)) for t, p, q in rows]


def _recreate(tenant_expr: str, system_expr: str) -> None:
    for table, policy, qual in _policies():
        if policy == "system_only":
            cond = rls.system_condition(system_expr)
        else:
            m = _COLUMN.match(qual)
            if m is None:
                raise RuntimeError(f"unexpected policy on {table}: {qual}")
            cond = rls.tenant_condition(m.group(1), tenant_expr, system_expr)
        op.execute(text(f'ALTER POLICY {policy} ON "{table}" USING {cond} WITH CHECK {cond}'))


def upgrade():
    _recreate(rls.TENANT_EXPR, rls.SYSTEM_EXPR)


def downgrade():
    _recreate(_OLD_TENANT, _OLD_SYSTEM)
