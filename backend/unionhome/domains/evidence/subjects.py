"""The records evidence can be attached to ("subjects"), as a registry other domains extend.

A subject type says which permissions read and attach its evidence, how to load one record for a
user (raising NotFound when it is missing, in another tenant or outside the user's org subtree:
that is what makes evidence ids answer 404 exactly like their records), and which of its ids a user
sees (for lists across all records). The org register's four types are built in; a later domain
registers its own from its package `__init__` (imported at app start by `register_blueprints`):

    from ..evidence.subjects import SubjectType, register
    register(SubjectType("hardship_file", "困难职工档案", HARDSHIP_READ, HARDSHIP_WRITE,
                         get=services.get_file, scoped_ids=lambda ctx: repository.scoped(ctx)...))
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select

from ...core.errors import PermissionDenied, ValidationFailed
from ...core.security import RequestContext


@dataclass(frozen=True)
class SubjectType:
    code: str
    label: str
    read_permission: str
    write_permission: str
    get: Callable[[RequestContext, int], Any]  # the record, or NotFound
    scoped_ids: Callable[[RequestContext], Select[Any]]  # one-column select of the ids ctx may see
    describe: Callable[[Any], str] = field(default=lambda obj: str(getattr(obj, "name", "") or ""))


_REGISTRY: dict[str, SubjectType] = {}
_builtin_lock = threading.Lock()
_builtin_done = False


def register(subject: SubjectType) -> None:
    _REGISTRY[subject.code] = subject


def _register_builtin() -> None:
    global _builtin_done
    if _builtin_done:
        return
    with _builtin_lock:
        if _builtin_done:
            return
        from ..auth import permissions as p
        from ..orgs.models import Cadre, Employer, Member, Org
        from ..orgs.repository import CadreRepository, EmployerRepository, MemberRepository, OrgRepository
        from ..orgs.services import cadres, employers, members, tree

        for st in (
            SubjectType("org", "组织", p.ORGS_READ, p.ORGS_WRITE, tree.get_org,
                        lambda ctx: OrgRepository().scoped(ctx).with_only_columns(Org.id)),
            SubjectType("employer", "单位", p.EMPLOYERS_READ, p.EMPLOYERS_WRITE, employers.get_employer,
                        lambda ctx: EmployerRepository().scoped(ctx).with_only_columns(Employer.id)),
            SubjectType("member", "会员", p.MEMBERS_READ, p.MEMBERS_WRITE, members.get_member,
                        lambda ctx: MemberRepository().scoped(ctx).with_only_columns(Member.id)),
            SubjectType("cadre", "工会干部", p.CADRES_READ, p.CADRES_WRITE, cadres.get_cadre,
                        lambda ctx: CadreRepository().scoped(ctx).with_only_columns(Cadre.id)),
        ):
            _REGISTRY.setdefault(st.code, st)
        _builtin_done = True


def all_types() -> list[SubjectType]:
    _register_builtin()
    return list(_REGISTRY.values())


def get_type(code: str, *, field_name: str = "subject_type") -> SubjectType:
    _register_builtin()
    st = _REGISTRY.get(code)
    if st is None:
        codes = "、".join(_REGISTRY)
        raise ValidationFailed({field_name: f"不支持的记录类型，应为以下之一：{codes}"})
    return st


def label(code: str) -> str:
    _register_builtin()
    st = _REGISTRY.get(code)
    return st.label if st else code


def resolve(ctx: RequestContext, code: str, subject_id: int, *, write: bool = False) -> tuple[SubjectType, Any]:
    """The subject record, checked for permission (403) and for tenant and org scope (404)."""
    st = get_type(code)
    permission = st.write_permission if write else st.read_permission
    if not ctx.can(permission):
        raise PermissionDenied(f"没有{'上传或删除' if write else '查看'}{st.label}证据材料的权限")
    return st, st.get(ctx, subject_id)
