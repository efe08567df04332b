"""Employers (法人单位): the legal-person register behind union founding rates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.exc import IntegrityError

from ....core import audit
from ....core.cnid import InvalidCreditCode, parse_uscc
from ....core.db import transaction
from ....core.errors import Conflict, NotFound, ValidationFailed
from ....core.security import RequestContext
from ....extensions import db
from ..models import Employer, Member, Org
from ..repository import EmployerRepository
from .common import apply, org_field_in_scope, unique_violation

COVERING_TYPES = frozenset({"grassroots", "joint_grassroots", "community", "temporary", "regional_federation"})
TOWNSHIP_TYPES = frozenset({"township"})


def list_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    stmt = EmployerRepository().scoped(ctx)
    if q := args.get("q"):
        like = f"%{q}%"
        stmt = stmt.where(or_(Employer.name.ilike(like), Employer.credit_code == q.upper()))
    for key in ("ownership_type", "union_status", "township_org_id", "covering_org_id", "sector"):
        if args.get(key) is not None:
            stmt = stmt.where(getattr(Employer, key) == args[key])
    if args.get("min_staff") is not None:
        stmt = stmt.where(Employer.staff_count >= args["min_staff"])
    if args.get("max_staff") is not None:
        stmt = stmt.where(Employer.staff_count <= args["max_staff"])
    return stmt.order_by(*_order(args.get("sort")))


_SORTS = {"name": Employer.name, "staff_count": Employer.staff_count, "created_at": Employer.created_at}


def _order(sort: str | None) -> list[Any]:
    if sort:
        col = _SORTS[sort.lstrip("-")]
        return [col.desc() if sort.startswith("-") else col.asc(), Employer.id]
    return [Employer.id]


def get_employer(ctx: RequestContext, employer_id: int) -> Employer:
    obj = db.session.execute(EmployerRepository().scoped(ctx).where(Employer.id == employer_id)).scalar_one_or_none()
    if obj is None:
        raise NotFound("单位不存在")
    return obj


def _validate(ctx: RequestContext, data: dict[str, Any], current: Employer | None = None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if "credit_code" in data:
        try:
            data["credit_code"] = parse_uscc(data["credit_code"]).code
        except InvalidCreditCode as err:
            errors["credit_code"] = str(err)
    merged = {k: data.get(k, getattr(current, k, None) if current else None)
              for k in ("staff_count", "women_count", "migrant_count", "union_status", "covering_org_id")}
    errors.update(employer_rule_errors(merged))
    if errors:
        raise ValidationFailed(errors)
    org_field_in_scope(ctx, "township_org_id", data.get("township_org_id"), allowed_types=TOWNSHIP_TYPES,
                       label="所在乡镇(街道)")
    org_field_in_scope(ctx, "covering_org_id", data.get("covering_org_id"), allowed_types=COVERING_TYPES,
                       label="所属工会")
    return data


def employer_rule_errors(merged: dict[str, Any]) -> dict[str, str]:
    """The cross-field rules of an employer (counts, founding status), shared by the form and the
    spreadsheet import. `merged`: the record's values after the change."""
    errors: dict[str, str] = {}
    staff = merged.get("staff_count") or 0
    if (merged.get("women_count") or 0) > staff:
        errors["women_count"] = "女职工人数不能超过职工总数"
    if (merged.get("migrant_count") or 0) > staff:
        errors["migrant_count"] = "农民工人数不能超过职工总数"
    if merged.get("union_status") in ("founded", "covered_by_joint") and merged.get("covering_org_id") is None:
        errors["covering_org_id"] = "已建会或联合建会的单位须填写所属工会"
    if merged.get("union_status") == "not_founded" and merged.get("covering_org_id") is not None:
        errors["covering_org_id"] = "未建会的单位不能填写所属工会"
    return errors


def _flush(employer: Employer) -> None:
    try:
        db.session.flush()
    except IntegrityError as err:
        if unique_violation(err, "uq_employers_credit_code"):
            raise ValidationFailed({"credit_code": "该统一社会信用代码已登记"}) from err
        raise


def create_employer(ctx: RequestContext, data: dict[str, Any]) -> Employer:
    with transaction():
        data = _validate(ctx, data)
        if data.get("township_org_id") is None and data.get("covering_org_id") is None and not ctx.scope_is_root:
            raise ValidationFailed({"township_org_id": "请选择您管辖范围内的所在乡镇(街道)或所属工会"})
        employer = EmployerRepository().add(Employer(**data))
        _flush(employer)
        audit.record(ctx, "employer.create", "employer", employer.id, audit.snapshot(employer))
    return employer


def update_employer(ctx: RequestContext, employer: Employer, data: dict[str, Any]) -> Employer:
    with transaction():
        data = _validate(ctx, data, employer)
        apply(employer, data)
        changes = audit.diff(employer)
        _flush(employer)
        audit.record(ctx, "employer.update", "employer", employer.id, changes)
    return employer


def delete_employer(ctx: RequestContext, employer: Employer) -> None:
    with transaction():
        tid = employer.tenant_id
        if db.session.execute(select(exists().where(Member.tenant_id == tid, Member.employer_id == employer.id))).scalar():
            raise Conflict("该单位下仍有会员，不能删除")
        if db.session.execute(select(exists().where(Org.tenant_id == tid, Org.employer_id == employer.id))).scalar():
            raise Conflict("该单位已关联工会组织，不能删除")
        audit.record(ctx, "employer.delete", "employer", employer.id, audit.snapshot(employer))
        db.session.delete(employer)
