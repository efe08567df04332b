"""SQL for the database side of tenancy, used by the Alembic migrations: the non-owner app role,
its grants, and the row-level-security policies (layer 3 of DESIGN's three layers).

An unset `app.tenant_id` makes `nullif(...)` NULL, so `tenant_id = NULL` is never true and the
table looks empty. `app.system = 'on'` is set only inside `tenancy.system_context()`.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

# Each a scalar subquery, so PostgreSQL evaluates it once per statement (an InitPlan) instead of once per
# row it filters or checks: a scan of a million rows under the policy costs ~0.1 s less (migration 0014).
TENANT_EXPR = "(SELECT nullif(current_setting('app.tenant_id', true), '')::bigint)"
SYSTEM_EXPR = "(SELECT coalesce(current_setting('app.system', true), '') = 'on')"


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe identifier {name!r}")
    return f'"{name}"'


def ensure_app_role(role: str, password: str) -> None:
    """Create (or re-password) the login role the app connects as. It owns nothing."""
    r = _ident(role)
    op.execute(text(
        "DO $$ BEGIN "
        f"IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN "
        f"CREATE ROLE {r} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS; END IF; END $$"
    ))
    escaped = password.replace("'", "''")
    op.execute(text(f"ALTER ROLE {r} WITH LOGIN NOBYPASSRLS PASSWORD '{escaped}'"))
    op.execute(text(f"GRANT USAGE ON SCHEMA public TO {r}"))


def grant_app_role(role: str, tables: list[str]) -> None:
    r = _ident(role)
    for table in tables:
        op.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {_ident(table)} TO {r}"))
    op.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}"))


def tenant_condition(column: str = "tenant_id", tenant_expr: str = TENANT_EXPR, system_expr: str = SYSTEM_EXPR) -> str:
    """The `tenant_isolation` policy's condition on `column` (the expressions: migration 0014 also writes
    the ones before it)."""
    return f"({_ident(column)} = {tenant_expr} OR {system_expr})"


def system_condition(system_expr: str = SYSTEM_EXPR) -> str:
    """The `system_only` policy's condition."""
    return f"({system_expr})"


def tenant_policy(table: str, column: str = "tenant_id") -> None:
    """Rows visible/writable only for the tenant in `app.tenant_id` (or in a system context)."""
    t, cond = _ident(table), tenant_condition(column)
    op.execute(text(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"))
    op.execute(text(f"DROP POLICY IF EXISTS tenant_isolation ON {t}"))
    op.execute(text(f"CREATE POLICY tenant_isolation ON {t} USING {cond} WITH CHECK {cond}"))


def system_only_policy(table: str) -> None:
    t = _ident(table)
    op.execute(text(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY"))
    op.execute(text(f"DROP POLICY IF EXISTS system_only ON {t}"))
    cond = system_condition()
    op.execute(text(f"CREATE POLICY system_only ON {t} USING {cond} WITH CHECK {cond}"))
