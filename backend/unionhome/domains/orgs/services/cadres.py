"""Cadres (工会干部): posts, terms and the public card of the 三亮 campaign."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from ....core import audit
from ....core.cnid import InvalidMobile, parse_mobile
from ....core.db import transaction
from ....core.errors import NotFound, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ..models import Cadre, Member
from ..repository import CadreRepository, OrgRepository
from .common import apply, org_field_in_scope, org_in_scope_or_404

# Posts that only make sense in some org types.
POST_ORG_TYPES = {
    "branch_chair": frozenset({"branch"}),
    "group_leader": frozenset({"group"}),
}


def list_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    under_path = org_in_scope_or_404(ctx, args["under"]).path if args.get("under") is not None else None
    stmt = CadreRepository().scoped(ctx, under_path)
    if q := args.get("q"):
        stmt = stmt.where(Cadre.name.like(f"{q}%"))
    for key in ("org_id", "post", "full_time", "is_current"):
        if args.get(key) is not None:
            stmt = stmt.where(getattr(Cadre, key) == args[key])
    return stmt.order_by(Cadre.org_id, Cadre.post, Cadre.id)


def get_cadre(ctx: RequestContext, cadre_id: int) -> Cadre:
    obj = db.session.execute(CadreRepository().scoped(ctx).where(Cadre.id == cadre_id)).scalar_one_or_none()
    if obj is None:
        raise NotFound("工会干部不存在")
    return obj


def views(cadres: list[Cadre]) -> list[dict[str, Any]]:
    names = OrgRepository().names({c.org_id for c in cadres})
    out = []
    for c in cadres:
        data = {k: getattr(c, k) for k in ("id", "name", "gender", "member_id", "org_id", "post", "full_time",
                                           "term_start", "term_end", "office_phone", "mobile", "duties",
                                           "is_current", "version", "created_at", "updated_at")}
        data["org_name"] = names.get(c.org_id)
        out.append(data)
    return out


def _validate(ctx: RequestContext, data: dict[str, Any], current: Cadre | None = None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    start = data.get("term_start", current.term_start if current else None)
    end = data.get("term_end", current.term_end if current else None)
    if start and end and end < start:
        errors["term_end"] = "任期结束日期不能早于开始日期"
    if data.get("mobile"):
        try:
            data["mobile"] = parse_mobile(data["mobile"])
        except InvalidMobile as err:
            errors["mobile"] = str(err)
    if errors:
        raise ValidationFailed(errors)
    org_id = data.get("org_id", current.org_id if current else None)
    post = data.get("post", current.post if current else None)
    org = org_field_in_scope(ctx, "org_id", org_id, label="任职组织")
    if org is not None and post in POST_ORG_TYPES and org.org_type not in POST_ORG_TYPES[post]:
        raise ValidationFailed({"post": "分会主席须在分工会任职，工会小组长须在工会小组任职"})
    if data.get("member_id") is not None:
        member = db.session.get(Member, (current_tenant_id(), data["member_id"]))
        if member is None:
            raise ValidationFailed({"member_id": "关联会员不存在"})
        data.setdefault("name", member.name)
        data.setdefault("gender", member.gender)
    return data


def create_cadre(ctx: RequestContext, data: dict[str, Any]) -> Cadre:
    with transaction():
        data = _validate(ctx, data)
        if not data.get("name"):
            raise ValidationFailed({"name": "请填写姓名或选择关联会员"})
        cadre = CadreRepository().add(Cadre(**data))
        db.session.flush()
        audit.record(ctx, "cadre.create", "cadre", cadre.id, audit.snapshot(cadre))
    return cadre


def update_cadre(ctx: RequestContext, cadre: Cadre, data: dict[str, Any]) -> Cadre:
    with transaction():
        data = _validate(ctx, data, cadre)
        apply(cadre, data)
        changes = audit.diff(cadre)
        db.session.flush()
        audit.record(ctx, "cadre.update", "cadre", cadre.id, changes)
    return cadre


def delete_cadre(ctx: RequestContext, cadre: Cadre) -> None:
    with transaction():
        audit.record(ctx, "cadre.delete", "cadre", cadre.id, audit.snapshot(cadre))
        db.session.delete(cadre)
