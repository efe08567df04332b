"""Households of the hardship file: the list with its filters, one household with its members and the
live assessment, application / nomination (status candidate), edits, and the audited reveal."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, select, text

from ....core import audit
from ....core.audit import AuditLog
from ....core.clock import today as china_today
from ....core.cnid import InvalidIdNumber, InvalidMobile, mask_id_number, parse_id_number, parse_mobile
from ....core.db import transaction
from ....core.errors import InvalidState, ValidationFailed
from ....core.pii import get_cipher
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...orgs.models import Employer, Member, Org
from ...orgs.repository import OrgRepository
from ..eligibility import (
    DEFAULT_HOUSEHOLD_SIZE,
    Assessment,
    HouseholdFacts,
    MemberFacts,
    assess,
    household_size,
    per_capita,
    yuan,
)
from ..models import ACTIVE_STATUSES, HardshipHousehold, HardshipHouseholdMember, HardshipRelief
from ..repository import HouseholdRepository, PolicyRepository
from . import people as pp
from .common import ENTITY, check_day, policy_in_force, under_path

_ID_LIKE = re.compile(r"^[0-9０-９]{17}[0-9Xx０-９Ｘｘ]$")
EDITABLE_STATUSES = ACTIVE_STATUSES
HEAD_FIELDS = ("org_id", "member_id", "head_name", "mobile", "address", "employer_id", "employer_name",
               "employment_status", "stable_employment_since", "marital_status", "head_health", "category", "causes",
               "self_paid_medical_fen", "disaster_loss_fen", "bank_name", "claimed_rule", "remark")


# ---- list -------------------------------------------------------------------------------------------

def list_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    stmt = HouseholdRepository().scoped(ctx, under_path(ctx, args.get("under"))).where(*filters(args))
    return stmt.order_by(*_order(args.get("sort")))


def filters(args: dict[str, Any]) -> list[Any]:
    h = HardshipHousehold
    out: list[Any] = []
    if q := (args.get("q") or "").strip():
        if _ID_LIKE.match(q):
            try:
                out.append(h.head_id_hash == pp.id_hash_of(parse_id_number(q).number))
            except InvalidIdNumber:
                out.append(h.id == -1)
        elif re.fullmatch(r"\d{3}[\dXx]", q):
            out.append(h.head_id_last4 == q.upper())
        elif re.fullmatch(r"[A-Za-z]{1,4}\d+", q):
            out.append(h.file_no == q.upper())
        else:
            out.append(h.head_name.like(f"{q.replace('%', '').replace('_', '')}%"))
    for key in ("status", "category", "org_id", "exit_reason", "rule_code", "exit_recommended"):
        if args.get(key) is not None:
            out.append(getattr(h, key) == args[key])
    if args.get("cause"):
        out.append(h.causes.contains([args["cause"]]))
    if args.get("review_overdue") is not None:
        overdue = and_(h.status == "filed", h.next_review_due < china_today())
        out.append(overdue if args["review_overdue"] else ~overdue)
    if args.get("filed_from"):
        out.append(h.filed_on >= args["filed_from"])
    if args.get("filed_to"):
        out.append(h.filed_on <= args["filed_to"])
    return out


_SORTS = {"file_no": HardshipHousehold.file_no, "filed_on": HardshipHousehold.filed_on,
          "next_review_due": HardshipHousehold.next_review_due, "head_name": HardshipHousehold.head_name,
          "per_capita_income_fen": HardshipHousehold.per_capita_income_fen}


def _order(sort: str | None) -> list[Any]:
    if sort:
        col = _SORTS[sort.lstrip("-")]
        return [col.desc().nulls_last() if sort.startswith("-") else col.asc().nulls_last(), HardshipHousehold.id]
    return [HardshipHousehold.id.desc()]


# ---- views ------------------------------------------------------------------------------------------

_VIEW_FIELDS = (
    "id", "file_no", "org_id", "member_id", "head_name", "head_gender", "head_birth_date", "mobile", "address",
    "employer_id", "employer_name", "employment_status", "stable_employment_since", "marital_status", "head_health",
    "category", "causes", "household_size", "household_income_fen", "per_capita_income_fen", "self_paid_medical_fen",
    "disaster_loss_fen", "bank_name", "status", "source", "rule_code", "claimed_rule", "policy_id", "applied_on",
    "verified_on", "filed_on", "last_review_on", "next_review_due", "review_reminded_on", "exit_recommended",
    "exited_on", "exit_reason", "exit_note", "rejected_reason", "remark", "version", "created_at", "updated_at")


def org_labels(org_ids: set[int]) -> dict[int, tuple[str, int | None, str | None]]:
    """org id → (name, top-level ancestor id, its name): the 镇街/系统 a union belongs to."""
    if not org_ids:
        return {}
    tid = current_tenant_id()
    top = func.nullif(func.split_part(Org.path, "/", 3), "").cast(db.BigInteger)
    rows = db.session.execute(select(Org.id, Org.name, top).where(Org.tenant_id == tid, Org.id.in_(org_ids))).all()
    tops = {t for _, _, t in rows if t is not None}
    names = OrgRepository().names(tops)
    return {i: (n, t, names.get(t) if t is not None else None) for i, n, t in rows}


def views(households: list[HardshipHousehold]) -> list[dict[str, Any]]:
    labels = org_labels({h.org_id for h in households})
    today = china_today()
    out = []
    for h in households:
        data = {k: getattr(h, k) for k in _VIEW_FIELDS}
        name, top_id, top_name = labels.get(h.org_id, (None, None, None))
        data.update(
            org_name=name, township_id=top_id, township_name=top_name,
            head_id_masked=mask_id_number(f"{h.head_id_region}{'0' * 8}{h.head_id_last4}"),
            bank_card_masked=f"**** **** **** {h.bank_card_last4}" if h.bank_card_last4 else None,
            review_overdue=h.status == "filed" and h.next_review_due is not None and h.next_review_due < today,
            causes=list(h.causes or []),
        )
        out.append(data)
    return out


def member_view(m: HardshipHouseholdMember) -> dict[str, Any]:
    data = {k: getattr(m, k) for k in ("id", "name", "relation", "birth_date", "gender", "marital_status", "health",
                                       "school_stage", "school_name", "occupation", "monthly_income_fen", "counted")}
    data["id_number_masked"] = f"{'*' * 14}{m.id_last4}" if m.id_last4 else None
    return data


def current_assessment(household: HardshipHousehold, members: list[HardshipHouseholdMember],
                       on: date | None = None) -> dict[str, Any] | None:
    """The household judged by the policy in force today (None when the county has no policy yet)."""
    policy = PolicyRepository().in_force(on or china_today())
    if policy is None:
        return None
    result = assess(household, members, policy).as_dict()
    size = household_size(household.marital_status,
                          [MemberFacts(m.relation, m.marital_status, m.name) for m in members],
                          None if household.household_size == DEFAULT_HOUSEHOLD_SIZE else household.household_size)
    result.update(policy_id=policy.id, policy_name=policy.name, size_explanation=size.explanation_zh)
    return result


def detail_view(household: HardshipHousehold) -> dict[str, Any]:
    members = HouseholdRepository().members(household.id)
    data = views([household])[0]
    data["members"] = [member_view(m) for m in members]
    data["assessment"] = current_assessment(household, members)
    tid = current_tenant_id()
    total, count = db.session.execute(
        select(func.coalesce(func.sum(HardshipRelief.amount_fen), 0), func.count())
        .where(HardshipRelief.tenant_id == tid, HardshipRelief.household_id == household.id)).one()
    data["relief_total_fen"], data["relief_count"] = int(total), int(count)
    return data


# ---- create / update ----------------------------------------------------------------------------------

def _resolve_refs(ctx: RequestContext, values: dict[str, Any], head_hash: bytes | None) -> None:
    """Org in the user's scope; employer and member of this county; the member must be the head."""
    if "org_id" in values:
        org = OrgRepository().get_in_scope(ctx, values["org_id"])
        if org is None:
            raise ValidationFailed({"org_id": "所在工会不存在或不在您的管辖范围内"})
    tid = current_tenant_id()
    if values.get("employer_id") is not None:
        employer = db.session.get(Employer, (tid, values["employer_id"]))
        if employer is None:
            raise ValidationFailed({"employer_id": "工作单位不存在"})
        values.setdefault("employer_name", employer.name)
        if not values.get("employer_name"):
            values["employer_name"] = employer.name
    if values.get("member_id") is not None:
        member = db.session.get(Member, (tid, values["member_id"]))
        if member is None:
            raise ValidationFailed({"member_id": "会员不存在"})
        if head_hash is not None and member.id_number_hash != head_hash:
            raise ValidationFailed({"member_id": "所选会员的身份证号与户主身份证号不一致"})
    elif head_hash is not None and "member_id" not in values:
        found = db.session.execute(select(Member.id).where(Member.tenant_id == tid, Member.id_number_hash == head_hash)
                                   ).scalar_one_or_none()
        values["member_id"] = found


def _incomes(total: int | None, each: int | None, size: int, listed: list[dict[str, Any]]) -> dict[str, int]:
    """household_income_fen / per_capita_income_fen from what was given; contradictions are 422s."""
    if total is None and each is None:
        raise ValidationFailed({"household_income_fen": "请填写家庭月总收入（或人均月收入）"})
    if total is None:
        total = each * size if each is not None else 0
    computed = per_capita(total, size)
    if each is not None and abs(each - computed) > 100:
        raise ValidationFailed({"per_capita_income_fen":
                                f"人均月收入{yuan(each)}与家庭月总收入{yuan(total)}÷家庭人口{size}人"
                                f"（{yuan(computed)}）不一致，请核对"})
    listed_income = sum(r.get("monthly_income_fen") or 0 for r in listed if r.get("counted"))
    if listed_income > total:
        raise ValidationFailed({"household_income_fen":
                                f"计入家庭人口的成员月收入合计{yuan(listed_income)}，已超过家庭月总收入{yuan(total)}，"
                                "请核对"})
    return {"household_income_fen": total, "per_capita_income_fen": computed}


def _listed_row(m: HardshipHouseholdMember) -> dict[str, Any]:
    return {"name": m.name, "relation": m.relation, "marital_status": m.marital_status,
            "monthly_income_fen": m.monthly_income_fen, "id_number_hash": m.id_number_hash, "id_last4": m.id_last4}


def _prepare(ctx: RequestContext, data: dict[str, Any], current: HardshipHousehold | None,
             current_members: list[HardshipHouseholdMember]
             ) -> tuple[dict[str, Any], list[dict[str, Any]] | None, list[dict[str, Any]], list[pp.Person]]:
    """Validate a create/update payload. Returns the column values, the new member rows (None when the
    list is unchanged), the rows the size rule counted (new or current members, with `counted`) and the
    people (head and members with ID numbers) the one-open-file rule applies to."""
    values = {k: v for k, v in data.items() if k not in ("id_number", "bank_card", "members", "per_capita_income_fen")}
    if "id_number" in data:
        values.update(pp.id_columns(data["id_number"], "id_number", "head"))
    if "bank_card" in data:
        values.update(pp.bank_columns(data["bank_card"]))
    if values.get("mobile"):
        try:
            values["mobile"] = parse_mobile(values["mobile"])
        except InvalidMobile as err:
            raise ValidationFailed({"mobile": err.message}) from None
    if "causes" in values:
        values["causes"] = list(dict.fromkeys(values["causes"]))
    check_day("stable_employment_since", values.get("stable_employment_since"), "稳定就业起始日期")
    rows = pp.member_rows(data["members"], current_members) if "members" in data else None
    listed = rows if rows is not None else [_listed_row(m) for m in current_members]
    marital = values.get("marital_status") or (current.marital_status if current is not None else "married")

    # Household size by the W1-b rule; a stated size only stands in for a household with no members listed.
    stated = values.pop("household_size", None)
    if stated and listed:
        counted, why = pp.count_members(marital, [dict(r) for r in listed], None)
        if stated != counted:
            raise ValidationFailed({"household_size": f"家庭人口填写为{stated}人，但{why}，两者不一致；"
                                                      "已登记家庭成员的，家庭人口按成员自动计算"})
    fallback = stated or (current.household_size if current is not None else None)
    size, _ = pp.count_members(marital, listed, fallback)
    values["household_size"] = size

    # Incomes: the total, or the per-capita figure; a contradiction between them is refused.
    total = data.get("household_income_fen")
    if total is None and data.get("per_capita_income_fen") is None and current is not None:
        total = current.household_income_fen
    values.update(_incomes(total, data.get("per_capita_income_fen"), size, listed))

    head_hash = values.get("head_id_hash") or (current.head_id_hash if current is not None else None)
    relink = current is None or "id_number" in data or "member_id" in data
    _resolve_refs(ctx, values, head_hash if relink else None)
    head_name = values.get("head_name") or (current.head_name if current is not None else "")
    last4 = values.get("head_id_last4") or (current.head_id_last4 if current is not None else "")
    people = pp.people_of(head_name, head_hash or b"", last4, listed)
    pp.check_within_household(people)
    return values, rows, listed, people


def _assess_values(household: HardshipHousehold | None, values: dict[str, Any], listed: list[dict[str, Any]],
                   on: date) -> Assessment | None:
    """Judge the merged values by the policy in force on `on`; a claimed rule that does not hold is a 422."""
    def get(key: str, default: Any = 0) -> Any:
        return values[key] if key in values else (getattr(household, key) if household is not None else default)

    claimed = get("claimed_rule", None)
    policy = PolicyRepository().in_force(on)
    if policy is None:
        if household is None or "claimed_rule" in values:
            policy_in_force(on)  # raises with the message
        return None
    facts = HouseholdFacts(get("per_capita_income_fen"), get("household_size", 1), get("causes", []) or [],
                           get("self_paid_medical_fen"), get("disaster_loss_fen"))
    result = assess(facts, listed, policy)
    recheck = household is None or household.status == "candidate" or "claimed_rule" in values
    if claimed and recheck and not result.rule(claimed).met:
        raise ValidationFailed({"claimed_rule": f"所申报的{result.rule(claimed).label}不成立：{result.rule(claimed).detail_zh}"})
    return result


def create_household(ctx: RequestContext, data: dict[str, Any]) -> HardshipHousehold:
    """An application (职工申请) or a nomination by a union (基层工会推荐): status candidate, judged
    by the policy in force on the application day (a claimed rule that does not hold is refused)."""
    applied_on = data.get("applied_on") or china_today()
    check_day("applied_on", applied_on, "申请日期")
    values, rows, _, people = _prepare(ctx, {**data, "applied_on": applied_on}, None, [])
    assessment = _assess_values(None, values, rows or [], applied_on)
    pp.check_not_in_open_file(people)
    with pp.claims_guard(lambda: people, lambda: None), transaction():
        new_id = int(db.session.execute(text("SELECT nextval(pg_get_serial_sequence('hardship_households', 'id'))")
                                        ).scalar_one())
        household = HardshipHousehold(
            id=new_id, file_no=f"KN{applied_on.year}{new_id:06d}", status="candidate",
            source=values.pop("source", "application"), rule_code=assessment.rule_code if assessment else None,
            **values)
        HouseholdRepository().add(household)
        db.session.flush()
        for row in rows or []:
            db.session.add(HardshipHouseholdMember(household_id=new_id, **row))
        pp.claim_people(new_id, people)
        db.session.flush()
        snap = audit.snapshot(household)
        snap["members"] = [r["name"] for r in rows or []]
        audit.record(ctx, "hardship.household.create", ENTITY, new_id, snap)
    return household


def update_household(ctx: RequestContext, household: HardshipHousehold, data: dict[str, Any]) -> HardshipHousehold:
    """Edit an open file (members as a whole list). Incomes and causes are re-judged by today's policy;
    status changes only through visits, filing, reviews and exit."""
    if household.status not in EDITABLE_STATUSES:
        raise InvalidState("已退档或未通过的档案不能修改；如情况变化，请重新申请建档")
    current_members = HouseholdRepository().members(household.id)
    values, rows, listed, people = _prepare(ctx, data, household, current_members)
    pp.check_not_in_open_file(people, household.id)
    assessment = _assess_values(household, values, listed, china_today())
    if assessment is not None:
        values["rule_code"] = assessment.rule_code
    hid = household.id
    with pp.claims_guard(lambda: people, lambda: hid), transaction():
        for key, value in values.items():
            setattr(household, key, value)
        changes = audit.diff(household)
        if rows is not None:
            for m in current_members:
                db.session.delete(m)
            db.session.flush()
            for row in rows:
                db.session.add(HardshipHouseholdMember(household_id=hid, **row))
            changes["members"] = [[m.name for m in current_members], [r["name"] for r in rows]]
        else:
            for m, row in zip(current_members, listed, strict=True):
                m.counted = bool(row["counted"])
        pp.claim_people(hid, people)
        db.session.flush()
        audit.record(ctx, "hardship.household.update", ENTITY, hid, changes)
    return household


# ---- reveal, history ------------------------------------------------------------------------------------

def reveal(ctx: RequestContext, household: HardshipHousehold) -> dict[str, Any]:
    """Full ID and bank card numbers of a household; every reveal is written to the audit log."""
    cipher, tid = get_cipher(), current_tenant_id()
    members = HouseholdRepository().members(household.id)
    out = {
        "id_number": cipher.decrypt(tid, household.head_id_enc),
        "bank_card_number": cipher.decrypt(tid, household.bank_card_enc) if household.bank_card_enc else None,
        "members": [{"id": m.id, "name": m.name,
                     "id_number": cipher.decrypt(tid, m.id_number_enc) if m.id_number_enc else None} for m in members],
    }
    with transaction():
        audit.record(ctx, "hardship.household.reveal_pii", ENTITY, household.id)
    return out


ACTION_LABELS = {
    "hardship.household.create": "申请建档",
    "hardship.household.update": "修改档案信息",
    "hardship.household.import": "历史档案导入",
    "hardship.household.reveal_pii": "查看完整身份证号/银行卡号",
    "hardship.visit.create": "入户核实/走访",
    "hardship.household.file": "建档",
    "hardship.household.review": "复核",
    "hardship.household.exit": "脱困退档",
    "hardship.household.reject": "不予建档",
    "hardship.relief.create": "发放帮扶",
    "hardship.review.remind": "复核提醒",
}


def history_stmt(household_id: int) -> Select[Any]:
    return (select(AuditLog).where(AuditLog.tenant_id == current_tenant_id(), AuditLog.entity_type == ENTITY,
                                   AuditLog.entity_id == household_id)
            .order_by(AuditLog.at.desc(), AuditLog.id.desc()))


def history_views(rows: list[AuditLog]) -> list[dict[str, Any]]:
    return [{"id": r.id, "at": r.at, "actor_name": r.actor_name, "action": r.action,
             "action_label": ACTION_LABELS.get(r.action, r.action), "changes": r.changes} for r in rows]
