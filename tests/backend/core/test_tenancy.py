"""The three layers of tenant isolation, checked against the real database."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import create_engine, select, text

from unionhome.core.tenancy import TenantContextMissing, system_context, tenant_context
from unionhome.domains.orgs.models import Member, Org
from unionhome.domains.tenants.models import Tenant
from unionhome.extensions import db

pytestmark = pytest.mark.integration

TENANT_TABLES = ["orgs", "employers", "members", "member_transfers", "cadres", "audit_log", "users", "tenants"]


def _tenant_ids(app) -> list[int]:
    with app.app_context(), system_context("test"):
        ids = list(db.session.execute(select(Tenant.id).order_by(Tenant.id)).scalars())
        db.session.rollback()
    return ids


def test_raw_sql_as_app_role_without_tenant_sees_no_rows(app, database):
    """A raw connection with the app's credentials and no tenant set reads nothing."""
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", "")
    with psycopg.connect(url) as conn:
        for table in TENANT_TABLES:
            assert conn.execute(f"select count(*) from {table}").fetchone()[0] == 0, table
        # and it cannot write into a tenant either
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("insert into orgs (tenant_id, name, org_type, path, depth, is_active, version) "
                         "values (1, 'x', 'grassroots', '/', 0, true, 1)")


def test_raw_sql_as_app_role_sees_only_the_set_tenant(app, database):
    a, b = _tenant_ids(app)
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", "")
    with psycopg.connect(url) as conn:
        conn.execute("select set_config('app.tenant_id', %s, false)", (str(a),))
        tenants = {r[0] for r in conn.execute("select distinct tenant_id from members")}
        assert tenants == {a}
        assert conn.execute("select count(*) from members where tenant_id = %s", (b,)).fetchone()[0] == 0


def test_app_role_is_not_owner_and_cannot_bypass_rls(app, database):
    url = app.config["SQLALCHEMY_DATABASE_URI"].replace("+psycopg", "")
    with psycopg.connect(url) as conn:
        row = conn.execute("select rolsuper, rolbypassrls from pg_roles where rolname = current_user").fetchone()
        assert row == (False, False)
        owners = {r[0] for r in conn.execute(
            "select tableowner from pg_tables where schemaname = 'public'")}
        assert conn.execute("select current_user").fetchone()[0] not in owners


def test_every_tenant_table_has_rls_enabled(app, database):
    """A new tenant-owned table without a policy would fail here."""
    from unionhome.core.tenancy import TenantMixin

    tenant_tables = {m.local_table.name for m in db.Model.registry.mappers
                     if issubclass(m.class_, TenantMixin)}
    url = app.config["DATABASE_URL"].replace("+psycopg", "")
    with psycopg.connect(url) as conn:
        rows = dict(conn.execute(
            "select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'public' and c.relkind = 'r'").fetchall())
        policies = {r[0] for r in conn.execute("select tablename from pg_policies")}
    for table in tenant_tables:
        assert rows.get(table) is True, f"{table} has no row-level security"
        assert table in policies, f"{table} has no policy"


# table.policy → its condition as PostgreSQL prints it
_POLICY_QUALS = "select tablename || '.' || policyname, qual from pg_policies where schemaname = 'public'"


def test_policies_read_the_settings_once_per_statement_and_migration_0014_round_trips(app, database):
    """Every policy compares with the settings as scalar subqueries (one evaluation per statement); the
    migration that made them so turns them back and forth, keeping each policy's column."""
    import importlib.util
    from pathlib import Path

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    path = Path(app.extensions["migrate"].directory) / "versions" / "0014_rls_once_per_statement.py"
    spec = importlib.util.spec_from_file_location("migration_0014", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    url = app.config["DATABASE_URL"].replace("+psycopg", "")
    with psycopg.connect(url) as conn:
        quals = dict(conn.execute(_POLICY_QUALS).fetchall())
        assert quals["tenants.tenant_isolation"].startswith("((id = ( SELECT")
        for name, qual in quals.items():
            assert "current_setting" in qual and qual.count("current_setting") == qual.count("SELECT"), (name, qual)
    owner = create_engine(app.config["DATABASE_URL"])  # the migrations' role; everything is rolled back
    try:
        with owner.connect() as conn, conn.begin() as tx, app.app_context():
            with Operations.context(MigrationContext.configure(conn)):
                migration.downgrade()
                old = dict(conn.execute(text(_POLICY_QUALS)).all())
                assert old.keys() == quals.keys()
                assert all("SELECT" not in q for q in old.values())
                assert old["tenants.tenant_isolation"].startswith("((id = (NULLIF(current_setting")
                migration.upgrade()
                again = dict(conn.execute(text(_POLICY_QUALS)).all())
                assert again == quals
            tx.rollback()
    finally:
        owner.dispose()


def test_orm_query_without_tenant_context_is_refused(app, database):
    with app.app_context():
        with pytest.raises(TenantContextMissing):
            db.session.execute(select(Member).limit(1)).all()
        db.session.rollback()


def test_orm_safety_net_adds_tenant_criterion(app, database):
    a, b = _tenant_ids(app)
    with app.app_context():
        with tenant_context(a):
            # no explicit tenant filter: the listener adds it, RLS agrees
            tenants = set(db.session.execute(select(Org.tenant_id)).scalars())
            assert tenants == {a}
            # a direct get of another tenant's primary key finds nothing
            other = None
            with system_context("test"):
                other = db.session.execute(select(Org.id).where(Org.tenant_id == b).limit(1)).scalar_one()
            db.session.rollback()
            assert db.session.get(Org, (b, other)) is None
        db.session.rollback()


def test_tenant_setting_does_not_leak_between_contexts(app, database):
    a, b = _tenant_ids(app)
    with app.app_context():
        with tenant_context(a):
            assert db.session.execute(text("select current_setting('app.tenant_id', true)")).scalar() == str(a)
        with tenant_context(b):
            assert db.session.execute(text("select current_setting('app.tenant_id', true)")).scalar() == str(b)
        db.session.rollback()
        with system_context("test"):
            assert db.session.execute(text("select current_setting('app.system', true)")).scalar() == "on"
        db.session.rollback()
