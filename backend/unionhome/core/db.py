"""Model mixins, the unit of work (`transaction()` + `after_commit`) and the tenant repository base."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import BigInteger, DateTime, Identity, Integer, Select, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from ..extensions import db
from .errors import NotFound
from .tenancy import TenantMixin, current_tenant_id


class IdMixin:
    """A bigint identity `id`; for tenant-owned models the primary key is (tenant_id, id)."""

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True, sort_order=-90)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False, sort_order=900
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False, sort_order=901
    )


class VersionMixin:
    """Optimistic concurrency: SQLAlchemy bumps `version` on every UPDATE and raises
    StaleDataError when the row changed underneath (mapped to 409 in core.errors)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, sort_order=902)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Unit of work


def after_commit(fn: Callable[[], Any]) -> None:
    """Run `fn` once the current transaction has committed (e.g. enqueue a job); dropped on rollback."""
    db.session.info.setdefault("uh_after_commit", []).append(fn)


def _run_after_commit(session: Session) -> None:
    callbacks = session.info.pop("uh_after_commit", [])
    for fn in callbacks:
        fn()


def _drop_after_commit(session: Session, *args: Any) -> None:
    session.info.pop("uh_after_commit", None)


def install_session_hooks(session_class: Any) -> None:
    if not event.contains(session_class, "after_commit", _run_after_commit):
        event.listen(session_class, "after_commit", _run_after_commit)
        event.listen(session_class, "after_soft_rollback", _drop_after_commit)


@contextmanager
def transaction() -> Iterator[Any]:
    """Services own the transaction: everything in the block commits together or not at all."""
    session = db.session
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


# ---------------------------------------------------------------------------------------------
# Repositories

M = TypeVar("M", bound=TenantMixin)


class TenantRepository(Generic[M]):
    """Tenant-scoped access to one model. Filters by tenant explicitly (layer 1 of 3)."""

    model: type[M]
    not_found_message = "记录不存在"

    def __init__(self, session: Session | None = None) -> None:
        self.session = session or db.session

    def select(self) -> Select[Any]:
        return select(self.model).where(self.model.tenant_id == current_tenant_id())

    def get(self, id_: int) -> M | None:
        return self.session.get(self.model, (current_tenant_id(), id_))

    def get_or_404(self, id_: int) -> M:
        obj = self.get(id_)
        if obj is None:
            raise NotFound(self.not_found_message)
        return obj

    def add(self, obj: M) -> M:
        obj.tenant_id = current_tenant_id()
        self.session.add(obj)
        return obj


def app_database_url(owner_url: str, role: str, password: str) -> str:
    """The URL the app connects with: same server and database as the owner URL, as the
    non-owner role that row-level security applies to."""
    url = make_url(owner_url).set(username=role, password=password)
    return url.render_as_string(hide_password=False)


def may_maintain(conn: Any, table: str) -> bool:
    """Whether the connected role may ANALYZE `table`: PostgreSQL ≥ 17 with the MAINTAIN privilege (which
    migrations grant the app role on its bulk-written tables). Older servers have no such grant: there
    ANALYZE by a non-owner only warns, and autovacuum catches up."""
    return bool(conn.execute(text(
        "SELECT CASE WHEN current_setting('server_version_num')::int >= 170000 "
        "THEN has_table_privilege(:t, 'MAINTAIN') ELSE false END"), {"t": table}).scalar())
