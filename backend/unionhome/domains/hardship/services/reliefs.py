"""Relief given against the file (W2–W4): living aid, major-illness aid, education aid (金秋助学, 圆梦计划)
with the student, mutual-aid claims, festival condolence. Only filed households receive relief; an
exited household keeps major-illness and education aid (AFTER_EXIT_KINDS) and nothing else."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, select

from ....core import audit
from ....core.db import transaction
from ....core.errors import InvalidState, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...orgs.models import Org
from ..eligibility import yuan
from ..models import (
    AFTER_EXIT_KINDS,
    PAYMENT_METHODS,
    RELIEF_KINDS,
    SCHOOL_STAGES,
    HardshipHousehold,
    HardshipHouseholdMember,
    HardshipRelief,
)
from ..repository import ReliefRepository
from .common import ENTITY, check_day, status_label, under_path

EDUCATION_KINDS = frozenset({"education_jinqiu", "education_yuanmeng"})


def list_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    stmt = ReliefRepository().scoped(ctx, under_path(ctx, args.get("under")))
    r = HardshipRelief
    if args.get("kind"):
        stmt = stmt.where(r.kind == args["kind"])
    if args.get("household_id") is not None:
        stmt = stmt.where(r.household_id == args["household_id"])
    if args.get("payment_method"):
        stmt = stmt.where(r.payment_method == args["payment_method"])
    if args.get("paid_from"):
        stmt = stmt.where(r.paid_on >= args["paid_from"])
    if args.get("paid_to"):
        stmt = stmt.where(r.paid_on <= args["paid_to"])
    return stmt.order_by(r.paid_on.desc(), r.id.desc())


def views(reliefs: list[HardshipRelief]) -> list[dict[str, Any]]:
    ids = {r.household_id for r in reliefs}
    heads: dict[int, tuple[str, str, str]] = {}
    if ids:
        tid = current_tenant_id()
        rows = db.session.execute(
            select(HardshipHousehold.id, HardshipHousehold.file_no, HardshipHousehold.head_name, Org.name)
            .join(Org, and_(Org.tenant_id == tid, Org.id == HardshipHousehold.org_id))
            .where(HardshipHousehold.tenant_id == tid, HardshipHousehold.id.in_(ids))).all()
        heads = {i: (f, h, o) for i, f, h, o in rows}
    out = []
    for r in reliefs:
        data = {k: getattr(r, k) for k in ("id", "household_id", "kind", "amount_fen", "goods_value_fen",
                                           "goods_description", "paid_on", "payment_method", "beneficiary_name",
                                           "school_stage", "source", "note", "created_at")}
        file_no, head, org = heads.get(r.household_id, (None, None, None))
        data.update(file_no=file_no, head_name=head, org_name=org)
        out.append(data)
    return out


def _check(household: HardshipHousehold, data: dict[str, Any]) -> dict[str, Any]:
    kind, paid_on = data["kind"], data["paid_on"]
    label = RELIEF_KINDS[kind]
    if household.status in ("candidate", "verified", "rejected"):
        raise InvalidState(f"档案状态为“{status_label(household.status)}”，尚未建档，不能发放{label}")
    check_day("paid_on", paid_on, "发放日期", not_before=household.filed_on, not_before_label="建档日期")
    if household.status == "exited" and kind not in AFTER_EXIT_KINDS and household.exited_on is not None \
            and paid_on >= household.exited_on:
        allowed = "、".join(RELIEF_KINDS[k] for k in sorted(AFTER_EXIT_KINDS))
        raise InvalidState(f"该户已于{household.exited_on.isoformat()}脱困退档，退档后只能享受{allowed}，"
                           f"不能再发放{label}")
    method = data["payment_method"]
    if method == "bank_card" and household.bank_card_enc is None:
        raise ValidationFailed({"payment_method": f"{PAYMENT_METHODS[method]}需要档案中登记帮扶资金发放银行卡，"
                                                  "请先在档案中填写银行卡号"})
    amount, goods = data["amount_fen"], data.get("goods_value_fen") or 0
    if method == "goods":
        if goods <= 0:
            raise ValidationFailed({"goods_value_fen": "实物发放请填写实物价值"})
        if not data.get("goods_description"):
            raise ValidationFailed({"goods_description": "实物发放请填写实物名称"})
    elif amount <= 0:
        raise ValidationFailed({"amount_fen": "发放金额应大于0"})
    values = {k: data.get(k) for k in ("kind", "amount_fen", "goods_description", "paid_on", "payment_method",
                                       "beneficiary_name", "school_stage", "note")}
    values["goods_value_fen"] = goods
    if kind in EDUCATION_KINDS:
        member_id = data.get("beneficiary_member_id")
        if member_id is not None:
            student = db.session.get(HardshipHouseholdMember, (current_tenant_id(), member_id))
            if student is None or student.household_id != household.id:
                raise ValidationFailed({"beneficiary_member_id": "受助学生须为本户登记的家庭成员"})
            values["beneficiary_name"] = values.get("beneficiary_name") or student.name
            values["school_stage"] = values.get("school_stage") or student.school_stage
        if not values.get("beneficiary_name"):
            raise ValidationFailed({"beneficiary_name": f"{label}请填写受助学生姓名"})
        if not values.get("school_stage"):
            raise ValidationFailed({"school_stage": f"{label}请填写受助学生的就学阶段"})
        if kind == "education_yuanmeng" and values["school_stage"] != "university":
            raise ValidationFailed({"school_stage": f"圆梦计划资助考上大学的困难职工子女，就学阶段应为"
                                                    f"“{SCHOOL_STAGES['university']}”"})
    elif data.get("beneficiary_member_id") is not None:
        raise ValidationFailed({"beneficiary_member_id": "只有助学类帮扶需要填写受助学生"})
    return values


def create_relief(ctx: RequestContext, household: HardshipHousehold, data: dict[str, Any]) -> HardshipRelief:
    values = _check(household, data)
    with transaction():
        relief = HardshipRelief(household_id=household.id, created_by=ctx.user_id, **values)
        ReliefRepository().add(relief)
        db.session.flush()
        audit.record(ctx, "hardship.relief.create", ENTITY, household.id,
                     {"relief_id": relief.id, "kind": relief.kind, "label": RELIEF_KINDS[relief.kind],
                      "amount": yuan(relief.amount_fen), "paid_on": relief.paid_on.isoformat(),
                      "payment_method": relief.payment_method, "beneficiary_name": relief.beneficiary_name})
    return relief
