"""Members (会员): real-name registration with encrypted ID numbers, and transfers (组织关系接转)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import Select, literal, select, union_all
from sqlalchemy.exc import IntegrityError

from ....core import audit
from ....core.clock import today as china_today
from ....core.cnid import InvalidIdNumber, InvalidMobile, mask_id_number, parse_id_number, parse_mobile
from ....core.db import transaction
from ....core.errors import NotFound, ValidationFailed
from ....core.pagination import with_page_builder
from ....core.pii import get_cipher
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ..models import Employer, Member, MemberTransfer, Org
from ..repository import MemberRepository, OrgRepository, scope_paths, transfers_scoped
from .common import apply, org_field_in_scope, org_in_scope_or_404, unique_violation

MEMBER_ORG_TYPES = frozenset({"grassroots", "joint_grassroots", "branch", "group", "community", "temporary"})
_ID_LIKE = re.compile(r"^[0-9０-９]{17}[0-9Xx０-９Ｘｘ]$")


def id_number_hash(number: str) -> bytes:
    return get_cipher().lookup_hash(current_tenant_id(), "id_number", number)


def list_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    under_path = org_in_scope_or_404(ctx, args["under"]).path if args.get("under") is not None else None
    repo = MemberRepository()
    filters = _filters(args)
    stmt = repo.scoped(ctx, under_path).where(*filters).order_by(*_order(args.get("sort")))
    paths = scope_paths(ctx, under_path)
    if paths and not args.get("sort") and not _selective(args):
        # A subtree in id order: read the page per org (see first_ids_per_org), then the rows.
        def page(limit: int, offset: int) -> Select[Any]:
            ids = repo.first_ids_per_org(paths, filters, limit, offset)
            return repo.select().where(Member.id.in_(ids.scalar_subquery())).order_by(Member.id)

        stmt = with_page_builder(stmt, page)
    return stmt


def _selective(args: dict[str, Any]) -> bool:
    """Filters that an index finds directly (a search, one org or employer): no per-org reading."""
    return bool((args.get("q") or "").strip()) or args.get("org_id") is not None or args.get("employer_id") is not None


def _filters(args: dict[str, Any]) -> list[Any]:
    filters: list[Any] = []
    if q := (args.get("q") or "").strip():
        if _ID_LIKE.match(q):
            try:
                filters.append(Member.id_number_hash == id_number_hash(parse_id_number(q).number))
            except InvalidIdNumber:
                filters.append(Member.id == -1)
        elif q.isdigit() and len(q) == 4:
            filters.append(Member.id_last4 == q)
        elif q.isdigit():
            filters.append(Member.mobile == q)
        else:
            filters.extend(name_prefix_clauses(q))
    for key in ("org_id", "employer_id", "employment_type", "member_card_status", "status", "gender"):
        if args.get(key) is not None:
            filters.append(getattr(Member, key) == args[key])
    if args.get("joined_from"):
        filters.append(Member.join_date >= args["joined_from"])
    if args.get("joined_to"):
        filters.append(Member.join_date <= args["joined_to"])
    return filters


def name_prefix_clauses(q: str) -> list[Any]:
    """`name LIKE 'q%'` as a range in the "C" (code point) collation: `'张' <= name < '弡'`.

    Row-level security lets PostgreSQL use an index only for leakproof operators; LIKE is not one, so
    on its own it reads the whole tenant, while `>=`/`<` are and use ix_members_name_prefix. Without
    LIKE wildcards in `q` the range is exactly the prefix match; with them, LIKE stays as the filter
    and the range covers the literal part before the first wildcard."""
    literal = re.split(r"[%_\\]", q, maxsplit=1)[0]
    clauses: list[Any] = [] if literal == q else [Member.name.like(f"{q}%")]
    if literal:
        name_c = Member.name.collate("C")
        clauses.append(name_c >= literal)
        if (upper := _prefix_upper_bound(literal)) is not None:
            clauses.append(name_c < upper)
    return clauses


def _prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string above every string starting with `prefix`, in code point ("C") order."""
    while prefix:
        nxt = ord(prefix[-1]) + 1
        if 0xD800 <= nxt <= 0xDFFF:
            nxt = 0xE000
        if nxt <= 0x10FFFF:
            return prefix[:-1] + chr(nxt)
        prefix = prefix[:-1]
    return None


_SORTS = {"name": Member.name, "join_date": Member.join_date, "birth_date": Member.birth_date}


def _order(sort: str | None) -> list[Any]:
    if sort:
        col = _SORTS[sort.lstrip("-")]
        return [col.desc().nulls_last() if sort.startswith("-") else col.asc().nulls_last(), Member.id]
    return [Member.id]


def get_member(ctx: RequestContext, member_id: int) -> Member:
    obj = db.session.execute(MemberRepository().scoped(ctx).where(Member.id == member_id)).scalar_one_or_none()
    if obj is None:
        raise NotFound("会员不存在")
    return obj


def view(member: Member, org_names: dict[int, str] | None = None, employer_names: dict[int, str] | None = None
         ) -> dict[str, Any]:
    """Output dict: the ID number only ever leaves masked here (reveal is its own endpoint)."""
    data = {c: getattr(member, c) for c in (
        "id", "name", "gender", "birth_date", "mobile", "org_id", "employer_id", "join_date", "employment_type",
        "member_card_status", "member_card_number", "status", "remark", "version", "created_at", "updated_at")}
    data["id_number_masked"] = mask_id_number(f"{member.id_region_code}{'0' * 8}{member.id_last4}")
    if org_names is not None:
        data["org_name"] = org_names.get(member.org_id)
    if employer_names is not None and member.employer_id is not None:
        data["employer_name"] = employer_names.get(member.employer_id)
    return data


def views(members: list[Member]) -> list[dict[str, Any]]:
    org_ids = {m.org_id for m in members}
    emp_ids = {m.employer_id for m in members if m.employer_id is not None}
    org_names: dict[int, str] = {}
    emp_names: dict[int, str] = {}
    if members:
        # Both name lookups in one round trip.
        tid = current_tenant_id()
        parts = [select(literal("o"), Org.id, Org.name).where(Org.tenant_id == tid, Org.id.in_(org_ids))]
        if emp_ids:
            parts.append(select(literal("e"), Employer.id, Employer.name)
                         .where(Employer.tenant_id == tid, Employer.id.in_(emp_ids)))
        for kind, id_, name in db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
            (org_names if kind == "o" else emp_names)[id_] = name
    return [view(m, org_names, emp_names) for m in members]


def _validate(ctx: RequestContext, data: dict[str, Any], current: Member | None = None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out = dict(data)
    if "id_number" in out:
        try:
            info = parse_id_number(out.pop("id_number"))
        except InvalidIdNumber as err:
            errors["id_number"] = str(err)
        else:
            cipher, tid = get_cipher(), current_tenant_id()
            out.update(
                id_number_enc=cipher.encrypt(tid, info.number),
                id_number_hash=cipher.lookup_hash(tid, "id_number", info.number),
                id_region_code=info.region_code, id_last4=info.last4, birth_date=info.birth_date,
                gender=info.gender,
            )
            if age_error := member_rule_errors(info.birth_date, None).get("id_number"):
                errors["id_number"] = age_error
            else:
                existing = MemberRepository().by_id_hash(out["id_number_hash"])
                if existing is not None and (current is None or existing.id != current.id):
                    errors["id_number"] = _duplicate_message(existing)
    if out.get("mobile"):
        try:
            out["mobile"] = parse_mobile(out["mobile"])
        except InvalidMobile as err:
            errors["mobile"] = str(err)
    birth = out.get("birth_date") or (current.birth_date if current else None)
    if join_error := member_rule_errors(birth, out.get("join_date")).get("join_date"):
        errors["join_date"] = join_error
    if errors:
        raise ValidationFailed(errors)
    if "org_id" in out:
        org_field_in_scope(ctx, "org_id", out["org_id"], allowed_types=MEMBER_ORG_TYPES, label="所属工会")
    if out.get("employer_id") is not None and db.session.get(Employer, (current_tenant_id(), out["employer_id"])) is None:
        raise ValidationFailed({"employer_id": "工作单位不存在"})
    return out


def _flush_unique(member: Member) -> None:
    try:
        db.session.flush()
    except IntegrityError as err:
        if unique_violation(err, "uq_members_id_number"):
            raise ValidationFailed({"id_number": "该身份证号已登记为会员"}) from err
        raise


def _duplicate_message(existing: Member) -> str:
    org = OrgRepository().get(existing.org_id)
    return duplicate_message(existing.name, org.name if org else None)


def duplicate_message(member_name: str, org_name: str | None) -> str:
    return f"该身份证号已登记为会员（{member_name}，{org_name or '未知工会'}），如需调整请办理组织关系接转"


MIN_MEMBER_AGE = 14


def member_rule_errors(birth_date: date | None, join_date: date | None) -> dict[str, str]:
    """The date rules of a member, shared by the form (`_validate`) and the spreadsheet import."""
    errors: dict[str, str] = {}
    today = china_today()
    if birth_date is not None and birth_date > today.replace(year=today.year - MIN_MEMBER_AGE):
        errors["id_number"] = f"会员年龄应满{MIN_MEMBER_AGE}周岁（依身份证号出生日期）"
    if join_date is not None:
        if join_date > today:
            errors["join_date"] = "入会日期不能晚于今天"
        elif birth_date is not None and join_date < birth_date:
            errors["join_date"] = "入会日期不能早于出生日期"
    return errors


def create_member(ctx: RequestContext, data: dict[str, Any]) -> Member:
    with transaction():
        values = _validate(ctx, data)
        member = MemberRepository().add(Member(**values))
        _flush_unique(member)
        audit.record(ctx, "member.create", "member", member.id, audit.snapshot(member))
    return member


def update_member(ctx: RequestContext, member: Member, data: dict[str, Any]) -> Member:
    if "org_id" in data and data["org_id"] != member.org_id:
        raise ValidationFailed({"org_id": "变更所属工会请办理组织关系接转"})
    with transaction():
        values = _validate(ctx, data, member)
        apply(member, values)
        changes = audit.diff(member)
        _flush_unique(member)
        audit.record(ctx, "member.update", "member", member.id, changes)
    return member


def delete_member(ctx: RequestContext, member: Member) -> None:
    """Members are never erased (their history matters): removal marks them as lapsed (退会)."""
    with transaction():
        member.status = "lapsed"
        audit.record(ctx, "member.lapse", "member", member.id, audit.diff(member))


def reveal_id_number(ctx: RequestContext, member: Member) -> str:
    """The full ID number, for users allowed to see it; every reveal is logged."""
    with transaction():
        number = get_cipher().decrypt(current_tenant_id(), member.id_number_enc)
        audit.record(ctx, "member.reveal_id_number", "member", member.id)
    return number


def transfer_member(ctx: RequestContext, member: Member, data: dict[str, Any]) -> MemberTransfer:
    """Move a member to another union of the county (转出 from the user's scope to anywhere in the tenant)."""
    with transaction():
        target = OrgRepository().get(data["to_org_id"])
        if target is None:
            raise ValidationFailed({"to_org_id": "转入工会不存在"})
        if target.org_type not in MEMBER_ORG_TYPES:
            raise ValidationFailed({"to_org_id": "转入组织须为基层工会、联合工会、分工会、工会小组、村(社区)工会或临时工会"})
        if target.id == member.org_id:
            raise ValidationFailed({"to_org_id": "转入工会与当前所属工会相同"})
        if member.status != "active":
            raise ValidationFailed({"to_org_id": "只有在籍会员可以办理接转"})
        if data["transfer_date"] > china_today():
            raise ValidationFailed({"transfer_date": "接转日期不能晚于今天"})
        if member.join_date and data["transfer_date"] < member.join_date:
            raise ValidationFailed({"transfer_date": "接转日期不能早于入会日期"})
        if data.get("to_employer_id") is not None and db.session.get(
                Employer, (current_tenant_id(), data["to_employer_id"])) is None:
            raise ValidationFailed({"to_employer_id": "新工作单位不存在"})
        transfer = MemberTransfer(member_id=member.id, from_org_id=member.org_id, to_org_id=target.id,
                                  transfer_date=data["transfer_date"], reason=data.get("reason"),
                                  created_by=ctx.user_id)
        db.session.add(transfer)
        old_org = member.org_id
        member.org_id = target.id
        if "to_employer_id" in data:
            member.employer_id = data["to_employer_id"]
        db.session.flush()
        audit.record(ctx, "member.transfer", "member", member.id,
                     {"org_id": [old_org, target.id], "transfer_id": transfer.id})
    return transfer


def transfers_list_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    under_path = org_in_scope_or_404(ctx, args["under"]).path if args.get("under") is not None else None
    stmt = transfers_scoped(ctx, under_path)
    if args.get("member_id") is not None:
        stmt = stmt.where(MemberTransfer.member_id == args["member_id"])
    if args.get("date_from"):
        stmt = stmt.where(MemberTransfer.transfer_date >= args["date_from"])
    if args.get("date_to"):
        stmt = stmt.where(MemberTransfer.transfer_date <= args["date_to"])
    return stmt.order_by(MemberTransfer.transfer_date.desc(), MemberTransfer.id.desc())


def transfer_views(transfers: list[MemberTransfer]) -> list[dict[str, Any]]:
    org_ids = {t.from_org_id for t in transfers} | {t.to_org_id for t in transfers}
    names = OrgRepository().names(org_ids)
    member_names = dict(db.session.execute(
        Member.__table__.select().with_only_columns(Member.id, Member.name)
        .where(Member.tenant_id == current_tenant_id(), Member.id.in_({t.member_id for t in transfers}))
    ).all()) if transfers else {}
    return [{
        "id": t.id, "member_id": t.member_id, "member_name": member_names.get(t.member_id),
        "from_org_id": t.from_org_id, "from_org_name": names.get(t.from_org_id),
        "to_org_id": t.to_org_id, "to_org_name": names.get(t.to_org_id),
        "transfer_date": t.transfer_date, "reason": t.reason, "created_at": t.created_at,
    } for t in transfers]
