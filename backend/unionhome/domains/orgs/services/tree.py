"""The union org tree: create, edit, move and remove nodes within the user's subtree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError

from ....core import audit
from ....core.db import transaction
from ....core.errors import Conflict, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.models import User
from ..models import ALLOWED_CHILDREN, ORG_TYPES, Cadre, Employer, Member, Org
from ..repository import OrgRepository
from .common import apply, org_field_in_scope, org_in_scope_or_404, unique_violation

SIBLING_NAME_TAKEN = "同一上级组织下已有同名组织"


def create_root(tenant_id: int, name: str) -> Org:
    """The federation itself, root of a new tenant's tree (called inside the tenant's transaction)."""
    org = Org(tenant_id=tenant_id, name=name, org_type="federation", path="", depth=0)
    db.session.add(org)
    db.session.flush()
    org.path = f"/{org.id}/"
    return org


def _flush_sibling_names(field: str, message: str) -> None:
    """Flush; a clash with a sibling's name becomes a field error instead of a 500."""
    try:
        db.session.flush()
    except IntegrityError as err:
        if unique_violation(err, "uq_orgs_sibling_name"):
            raise ValidationFailed({field: message}) from err
        raise


def _check_child_type(parent: Org, org_type: str) -> None:
    if org_type not in ALLOWED_CHILDREN.get(parent.org_type, frozenset()):
        allowed = "、".join(ORG_TYPES[t] for t in sorted(ALLOWED_CHILDREN.get(parent.org_type, ())))
        raise ValidationFailed({"org_type": f"{ORG_TYPES[parent.org_type]}下不能设立{ORG_TYPES[org_type]}"
                                + (f"，可设立：{allowed}" if allowed else "")})


def create_org(ctx: RequestContext, data: dict[str, Any]) -> Org:
    with transaction():
        parent = org_field_in_scope(ctx, "parent_id", data["parent_id"], label="上级组织")
        assert parent is not None
        _check_child_type(parent, data["org_type"])
        if data.get("employer_id") is not None:
            _check_employer(data["employer_id"])
        org = Org(**data)
        OrgRepository().add(org)
        _flush_sibling_names("name", SIBLING_NAME_TAKEN)
        org.path = f"{parent.path}{org.id}/"
        org.depth = parent.depth + 1
        audit.record(ctx, "org.create", "org", org.id, audit.snapshot(org))
    return org


def _check_employer(employer_id: int) -> None:
    if db.session.get(Employer, (current_tenant_id(), employer_id)) is None:
        raise ValidationFailed({"employer_id": "所属单位不存在"})


def update_org(ctx: RequestContext, org: Org, data: dict[str, Any]) -> Org:
    with transaction():
        if "org_type" in data and data["org_type"] != org.org_type:
            if org.parent_id is None:
                raise ValidationFailed({"org_type": "总工会的类型不能修改"})
            parent = OrgRepository().get(org.parent_id)
            assert parent is not None
            _check_child_type(parent, data["org_type"])
        if data.get("employer_id") is not None:
            _check_employer(data["employer_id"])
        apply(org, data)
        changes = audit.diff(org)
        _flush_sibling_names("name", SIBLING_NAME_TAKEN)
        audit.record(ctx, "org.update", "org", org.id, changes)
    return org


def move_org(ctx: RequestContext, org: Org, new_parent_id: int) -> Org:
    """Move a node and its whole subtree under another parent (paths rewritten in one statement)."""
    with transaction():
        if org.parent_id is None:
            raise ValidationFailed({"parent_id": "总工会不能移动"})
        if not ctx.scope_is_root and org.path == ctx.scope_path:
            raise ValidationFailed({"parent_id": "不能移动您自己的管辖根组织"})
        new_parent = org_field_in_scope(ctx, "parent_id", new_parent_id, label="新上级组织")
        assert new_parent is not None
        if new_parent.path.startswith(org.path):
            raise ValidationFailed({"parent_id": "不能移动到自身或其下级组织之下"})
        if new_parent.id == org.parent_id:
            return org
        _check_child_type(new_parent, org.org_type)
        old_parent_id, old_path = org.parent_id, org.path
        new_path = f"{new_parent.path}{org.id}/"
        repo = OrgRepository()
        org.parent_id = new_parent.id
        _flush_sibling_names("parent_id", "新上级组织下已有同名组织")
        repo.move_subtree(old_path, new_path, new_parent.depth + 1 - org.depth)
        db.session.expire_all()
        audit.record(ctx, "org.move", "org", org.id, {"parent_id": [old_parent_id, new_parent.id],
                                                      "path": [old_path, new_path]})
    return repo.get_or_404(org.id)


def delete_org(ctx: RequestContext, org: Org) -> None:
    """Remove an org that nothing refers to any more; otherwise say what still hangs on it."""
    with transaction():
        tid = current_tenant_id()
        if org.parent_id is None:
            raise Conflict("总工会不能删除")
        checks = [
            (exists().where(Org.tenant_id == tid, Org.parent_id == org.id), "下级组织"),
            (exists().where(Member.tenant_id == tid, Member.org_id == org.id), "会员"),
            (exists().where(Cadre.tenant_id == tid, Cadre.org_id == org.id), "工会干部"),
            (exists().where(User.tenant_id == tid, User.scope_org_id == org.id), "用户账号（管辖范围）"),
            (exists().where(Employer.tenant_id == tid,
                            or_(Employer.covering_org_id == org.id, Employer.township_org_id == org.id)), "所覆盖/辖区单位"),
        ]
        blocking = [label for clause, label in checks if db.session.execute(select(clause)).scalar()]
        if blocking:
            raise Conflict(f"该组织下仍有{'、'.join(blocking)}，请先转移或删除后再删除组织")
        audit.record(ctx, "org.delete", "org", org.id, audit.snapshot(org))
        db.session.delete(org)


def get_org(ctx: RequestContext, org_id: int) -> Org:
    return org_in_scope_or_404(ctx, org_id)
