"""Public notice (公示) of the frozen roster, and objections (异议) received during its window.

The county notices the approved lines of a subtree (the whole county by default); a line is in one
notice only. A draft notice can be edited or withdrawn; once posted (张贴, the proof photo goes to the
evidence archive as subject `condolence_notice`) its window and place are fixed. Objections are
recorded against lines of the notice, dated inside the window, and decided by the county: an upheld or
undecided objection blocks payment of its line (see payments.eligibility).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import BigInteger, Select, and_, delete, exists, func, insert, literal, select, update
from sqlalchemy.orm import aliased

from ....core import audit
from ....core.clock import today as china_today
from ....core.db import transaction
from ....core.errors import Conflict, InvalidState, NotFound, PermissionDenied, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.permissions import CONDOLENCE_MANAGE, CONDOLENCE_READ, CONDOLENCE_REVIEW
from ...orgs.models import Org
from ...orgs.repository import subtree_clause
from ..models import CondolenceLine
from ..workflow_models import (
    NOTICE_STATUSES,
    OBJECTION_OUTCOMES,
    CondolenceNotice,
    CondolenceNoticeLine,
    CondolenceObjection,
)
from . import preparing
from .scope import (
    get_campaign,
    get_line,
    org_in_scope,
    org_names,
    require_county,
    scope_filter,
    township_expr,
)
from .statuses import APPROVED_AT

NOTICEABLE_CAMPAIGN = ("frozen", "noticing", "paying")


def window_state(n: CondolenceNotice, today: date | None = None) -> str:
    today = today or china_today()
    if n.status != "posted":
        return "not_posted"
    if today < n.start_date:
        return "scheduled"
    return "open" if today <= n.end_date else "closed"


WINDOW_LABELS = {"not_posted": "未张贴", "scheduled": "待开始", "open": "公示中", "closed": "公示期已结束"}


def _check_window(start: date, end: date) -> None:
    if end < start:
        raise ValidationFailed({"end_date": "公示结束日期不能早于开始日期"})
    if (end - start).days > 60:
        raise ValidationFailed({"end_date": "公示期不能超过60天"})


def get_notice(ctx: RequestContext, notice_id: int) -> CondolenceNotice:
    """A notice whose subtree overlaps the user's (unions see the notices covering them)."""
    ctx.require_tenant()
    get_campaign_permission(ctx)
    tid = current_tenant_id()
    row = db.session.execute(
        select(CondolenceNotice, Org.path).join(Org, and_(Org.tenant_id == tid, Org.id == CondolenceNotice.org_id))
        .where(CondolenceNotice.tenant_id == tid, CondolenceNotice.id == notice_id)).one_or_none()
    if row is None or not _visible(ctx, row[1]):
        raise NotFound("公示不存在")
    preparing.settle_if_gone(row[0])
    return row[0]


def get_campaign_permission(ctx: RequestContext) -> None:
    if not ctx.can(CONDOLENCE_READ):
        raise PermissionDenied("没有查看节日慰问的权限")


def _visible(ctx: RequestContext, notice_path: str) -> bool:
    """The notice covers the user's subtree or lies inside it."""
    if ctx.scope_is_root or not ctx.scope_path:
        return True
    return notice_path.startswith(ctx.scope_path) or ctx.scope_path.startswith(notice_path)


def list_stmt(ctx: RequestContext, campaign_id: int) -> Select[Any]:
    get_campaign(ctx, campaign_id)
    tid = current_tenant_id()
    stmt = (select(CondolenceNotice).join(Org, and_(Org.tenant_id == tid, Org.id == CondolenceNotice.org_id))
            .where(CondolenceNotice.tenant_id == tid, CondolenceNotice.campaign_id == campaign_id))
    if not ctx.scope_is_root and ctx.scope_path:
        stmt = stmt.where(subtree_clause(Org.path, ctx.scope_path)
                          | func.starts_with(literal(ctx.scope_path), Org.path))
    return stmt.order_by(CondolenceNotice.id.desc())


def scoped_ids(ctx: RequestContext) -> Select[Any]:
    """Ids of the notices the user sees (evidence lists)."""
    tid = current_tenant_id()
    stmt = (select(CondolenceNotice.id).join(Org, and_(Org.tenant_id == tid, Org.id == CondolenceNotice.org_id))
            .where(CondolenceNotice.tenant_id == tid))
    if not ctx.scope_is_root and ctx.scope_path:
        stmt = stmt.where(subtree_clause(Org.path, ctx.scope_path) | func.starts_with(literal(ctx.scope_path), Org.path))
    return stmt


def create_notice(ctx: RequestContext, campaign_id: int, data: dict[str, Any]) -> CondolenceNotice:
    """Check the request and record the notice as `preparing`; its job (`fill_notice_job`) takes the
    lines. Refused at once (nothing created): a campaign not frozen, a notice already being prepared,
    a subtree with no line left to notice."""
    require_county(ctx)
    _check_window(data["start_date"], data["end_date"])
    with transaction():
        campaign = get_campaign(ctx, campaign_id, lock=True)
        if campaign.status not in NOTICEABLE_CAMPAIGN:
            raise InvalidState("名单经县总工会审定（冻结）后才能公示")
        org = org_in_scope(ctx, data.get("org_id"))
        preparing.refuse_busy(CondolenceNotice, campaign_id, "公示")
        if db.session.execute(_unnoticed(campaign_id, org.path, ()).limit(1)).first() is None:
            raise Conflict(_NOTHING_TO_NOTICE.format(org=org.name))
        notice = CondolenceNotice(
            campaign_id=campaign_id, org_id=org.id, title=data.get("title") or f"{campaign.name}慰问对象公示",
            start_date=data["start_date"], end_date=data["end_date"], place=data["place"],
            contact=data.get("contact"), remark=data.get("remark"), status=preparing.PREPARING,
            created_by=ctx.user_id)
        db.session.add(notice)
        db.session.flush()
        preparing.start(ctx, JOB_KIND, fill_notice_job, notice, {})
    return notice


JOB_KIND = "condolence.notice"
_NOTHING_TO_NOTICE = "{org}没有待公示的对象（已审定的对象都已列入其他公示）"


def _unnoticed(campaign_id: int, org_path: str, head: tuple[Any, ...]) -> Select[Any]:
    """The county-approved lines of the subtree not yet in a notice: `head` columns, then the line's
    id, then its 序号 on the notice, cash and goods (CondolenceLine.id alone when `head` is empty)."""
    tid = current_tenant_id()
    line_org = aliased(Org, name="line_org")
    noticed = aliased(CondolenceNoticeLine, name="noticed")  # not the INSERT's own table (no correlation)
    columns: tuple[Any, ...] = (CondolenceLine.id,)
    if head:
        columns = (*head, CondolenceLine.id,
                   func.row_number().over(order_by=(township_expr(line_org), line_org.path, CondolenceLine.batch_id,
                                                    CondolenceLine.row_no, CondolenceLine.id)).label("seq"),
                   CondolenceLine.cash_fen, CondolenceLine.goods_fen)
    return (select(*columns).select_from(CondolenceLine)
            .join(line_org, and_(line_org.tenant_id == tid, line_org.id == CondolenceLine.org_id))
            .where(CondolenceLine.tenant_id == tid, CondolenceLine.campaign_id == campaign_id,
                   CondolenceLine.review_status == APPROVED_AT["county"], subtree_clause(line_org.path, org_path),
                   ~exists().where(noticed.tenant_id == tid, noticed.line_id == CondolenceLine.id)))


def fill_notice_job(tenant_id: int, job_id: int, notice_id: int, params: dict[str, Any],
                    actor: dict[str, Any]) -> dict[str, Any]:
    """The job: write the notice's lines (see `preparing.run`)."""
    return preparing.run(tenant_id, CondolenceNotice, notice_id, actor, _fill_notice)


def _fill_notice(ctx: RequestContext, notice: CondolenceNotice, progress: preparing.Progress) -> dict[str, Any]:
    """Under the campaign's lock, in the job's one transaction: the subtree's approved lines not in
    another notice, numbered in notice order, and the totals, in one statement (the selected rows are
    counted and summed as they are inserted)."""
    campaign = get_campaign(ctx, notice.campaign_id)
    if campaign.status not in NOTICEABLE_CAMPAIGN:
        raise InvalidState("名单经县总工会审定（冻结）后才能公示")
    tid = current_tenant_id()
    org_path = db.session.execute(select(Org.path).where(Org.tenant_id == tid, Org.id == notice.org_id)).scalar_one()
    src = _unnoticed(notice.campaign_id, org_path, (literal(tid, BigInteger).label("tid"),
                                                    literal(notice.id, BigInteger).label("nid"))).cte("src")
    ins = insert(CondolenceNoticeLine.__table__).from_select(
        ["tenant_id", "notice_id", "line_id", "seq"], select(src.c.tid, src.c.nid, src.c.id, src.c.seq)).cte("ins")
    n, cash, goods = db.session.execute(
        select(func.count(), func.coalesce(func.sum(src.c.cash_fen), 0), func.coalesce(func.sum(src.c.goods_fen), 0))
        .select_from(src).add_cte(ins)).one()
    progress(2)
    if not n:
        org_name = org_names({notice.org_id}).get(notice.org_id) or "该单位"
        raise Conflict(_NOTHING_TO_NOTICE.format(org=org_name))
    notice.line_count, notice.cash_fen, notice.goods_fen = int(n), int(cash), int(goods)
    notice.status, notice.error = "draft", None
    audit.record(ctx, "condolence.notice.create", "condolence_notice", notice.id,
                 {**audit.snapshot(notice), "lines": int(n), "job_id": notice.job_id})
    progress(3)
    return {"notice_id": notice.id, "lines": int(n), "cash_fen": int(cash), "goods_fen": int(goods)}


def require_draft(notice: CondolenceNotice, posted_message: str) -> None:
    if notice.status == preparing.PREPARING:
        raise InvalidState("公示名单正在生成，请稍候")
    if notice.status == preparing.FAILED:
        raise InvalidState(f"公示名单生成失败（{notice.error or '未知原因'}），请撤回后重新生成")
    if notice.status != "draft":
        raise InvalidState(posted_message)


def update_notice(ctx: RequestContext, notice: CondolenceNotice, data: dict[str, Any]) -> CondolenceNotice:
    require_county(ctx)
    require_draft(notice, "公示已张贴，公示期和地点不能再修改")
    start, end = data.get("start_date", notice.start_date), data.get("end_date", notice.end_date)
    _check_window(start, end)
    with transaction():
        for key in ("title", "start_date", "end_date", "place", "contact", "remark"):
            if key in data:
                setattr(notice, key, data[key])
        changes = audit.diff(notice)
        audit.record(ctx, "condolence.notice.update", "condolence_notice", notice.id, changes)
    return notice


def delete_notice(ctx: RequestContext, notice: CondolenceNotice) -> None:
    require_county(ctx)
    if notice.status == preparing.PREPARING:
        raise InvalidState("公示名单正在生成，请生成完成后再撤回")
    if notice.status not in ("draft", preparing.FAILED):
        raise InvalidState("公示已张贴，不能撤回")
    with transaction():
        audit.record(ctx, "condolence.notice.delete", "condolence_notice", notice.id, audit.snapshot(notice))
        db.session.execute(delete(CondolenceNoticeLine).where(CondolenceNoticeLine.tenant_id == notice.tenant_id,
                                                              CondolenceNoticeLine.notice_id == notice.id))
        db.session.delete(notice)


def post_notice(ctx: RequestContext, notice: CondolenceNotice, data: dict[str, Any]) -> CondolenceNotice:
    """张贴: the notice is up at its place; its window starts counting."""
    require_county(ctx)
    require_draft(notice, "该公示已张贴")
    posted_on = data.get("posted_on") or china_today()
    if posted_on > china_today():
        raise ValidationFailed({"posted_on": "张贴日期不能晚于今天"})
    if posted_on > notice.start_date:
        raise ValidationFailed({"posted_on": f"张贴日期晚于公示开始日期（{notice.start_date}），请先调整公示期"})
    with transaction():
        campaign = get_campaign(ctx, notice.campaign_id, lock=True)
        notice.status, notice.posted_on, notice.posted_by = "posted", posted_on, ctx.user_id
        if campaign.status == "frozen":
            campaign.status = "noticing"
        audit.record(ctx, "condolence.notice.post", "condolence_notice", notice.id,
                     {"status": ["draft", "posted"], "posted_on": posted_on.isoformat(),
                      "window": [notice.start_date.isoformat(), notice.end_date.isoformat()], "place": notice.place})
    return notice


def notice_view(n: CondolenceNotice, names: dict[int, str] | None = None) -> dict[str, Any]:
    state = window_state(n)
    counts = dict(db.session.execute(
        select(CondolenceObjection.outcome, func.count()).where(CondolenceObjection.tenant_id == n.tenant_id,
                                                                CondolenceObjection.notice_id == n.id)
        .group_by(CondolenceObjection.outcome)).all())
    return {
        "id": n.id, "campaign_id": n.campaign_id, "org_id": n.org_id, "org_name": (names or {}).get(n.org_id),
        "title": n.title, "start_date": n.start_date, "end_date": n.end_date, "days": (n.end_date - n.start_date).days + 1,
        "place": n.place, "contact": n.contact, "remark": n.remark, "status": n.status,
        "status_label": NOTICE_STATUSES.get(n.status), "window_state": state, "window_label": WINDOW_LABELS[state],
        "posted_on": n.posted_on, "line_count": n.line_count, "cash_fen": n.cash_fen, "goods_fen": n.goods_fen,
        "objections_pending": int(counts.get("pending", 0)), "objections_upheld": int(counts.get("upheld", 0)),
        "objections_dismissed": int(counts.get("dismissed", 0)), "version": n.version,
        "created_at": n.created_at, "updated_at": n.updated_at, "job_id": n.job_id, "error": n.error,
    }


def notice_views(notices: list[CondolenceNotice]) -> list[dict[str, Any]]:
    names = org_names({n.org_id for n in notices})
    return [notice_view(n, names) for n in notices]


def notice_lines_stmt(ctx: RequestContext, notice: CondolenceNotice, args: dict[str, Any]) -> Any:
    tid = current_tenant_id()
    line_org = aliased(Org, name="line_org")
    stmt = (select(CondolenceLine, CondolenceNoticeLine.seq)
            .select_from(CondolenceNoticeLine)
            .join(CondolenceLine, and_(CondolenceLine.tenant_id == tid, CondolenceLine.id == CondolenceNoticeLine.line_id))
            .join(line_org, and_(line_org.tenant_id == tid, line_org.id == CondolenceLine.org_id))
            .where(CondolenceNoticeLine.tenant_id == tid, CondolenceNoticeLine.notice_id == notice.id,
                   *scope_filter(ctx, line_org.path)))
    if args.get("q"):
        stmt = stmt.where(CondolenceLine.name.startswith(args["q"], autoescape=True))
    if args.get("objection_upheld") is not None:
        stmt = stmt.where(CondolenceLine.objection_upheld.is_(args["objection_upheld"]))
    return stmt.order_by(CondolenceNoticeLine.seq)


# ---- objections ----------------------------------------------------------------------------------


def _require_objection_writer(ctx: RequestContext) -> None:
    if not (ctx.can(CONDOLENCE_MANAGE) or ctx.can(CONDOLENCE_REVIEW)):
        raise PermissionDenied("没有登记公示异议的权限")


def create_objection(ctx: RequestContext, notice: CondolenceNotice, data: dict[str, Any]) -> CondolenceObjection:
    """Record an objection against a line of the notice, received inside the window (unions may record
    those about their own subtree's lines; the county decides them)."""
    _require_objection_writer(ctx)
    if notice.status != "posted":
        raise InvalidState("公示尚未张贴，不能登记异议")
    received = data["received_on"]
    if received < notice.start_date or received > notice.end_date:
        raise ValidationFailed({"received_on": f"异议须在公示期内（{notice.start_date}至{notice.end_date}）提出"})
    if received > china_today():
        raise ValidationFailed({"received_on": "收到日期不能晚于今天"})
    try:
        line, _ = get_line(ctx, data["line_id"])
    except NotFound:
        raise ValidationFailed({"line_id": "该对象不存在或不在您的管辖范围内"}) from None
    in_notice = db.session.execute(select(CondolenceNoticeLine.seq).where(
        CondolenceNoticeLine.tenant_id == notice.tenant_id, CondolenceNoticeLine.notice_id == notice.id,
        CondolenceNoticeLine.line_id == line.id)).scalar_one_or_none()
    if in_notice is None:
        raise ValidationFailed({"line_id": "该对象不在本公示中"})
    with transaction():
        obj = CondolenceObjection(notice_id=notice.id, line_id=line.id, content=data["content"], received_on=received,
                                  received_from=data.get("received_from"), contact=data.get("contact"),
                                  outcome="pending", created_by=ctx.user_id)
        db.session.add(obj)
        db.session.flush()
        audit.record(ctx, "condolence.objection.create", "condolence_objection", obj.id, audit.snapshot(obj))
    return obj


def get_objection(ctx: RequestContext, objection_id: int) -> CondolenceObjection:
    ctx.require_tenant()
    get_campaign_permission(ctx)
    obj = db.session.execute(select(CondolenceObjection).where(
        CondolenceObjection.tenant_id == current_tenant_id(), CondolenceObjection.id == objection_id)).scalar_one_or_none()
    if obj is None:
        raise NotFound("异议不存在")
    try:
        get_line(ctx, obj.line_id)
    except NotFound:
        raise NotFound("异议不存在") from None
    return obj


def decide_objection(ctx: RequestContext, obj: CondolenceObjection, data: dict[str, Any]) -> CondolenceObjection:
    """The county's finding: upheld (异议成立: the line is not paid) or dismissed. Final once decided."""
    require_county(ctx)
    if obj.outcome != "pending":
        raise InvalidState(f"该异议已有核实结论（{OBJECTION_OUTCOMES[obj.outcome]}），不能再修改")
    note = (data.get("outcome_note") or "").strip() or None
    if data["outcome"] == "upheld" and not note:
        raise ValidationFailed({"outcome_note": "异议成立时请填写核实情况"})
    with transaction():
        obj.outcome, obj.outcome_note = data["outcome"], note
        obj.decided_at, obj.decided_by = datetime.now(UTC), ctx.user_id
        db.session.flush()
        upheld = exists().where(CondolenceObjection.tenant_id == obj.tenant_id,
                                CondolenceObjection.line_id == obj.line_id, CondolenceObjection.outcome == "upheld")
        db.session.execute(update(CondolenceLine).where(CondolenceLine.tenant_id == obj.tenant_id,
                                                        CondolenceLine.id == obj.line_id)
                           .values(objection_upheld=upheld).execution_options(synchronize_session=False))
        audit.record(ctx, "condolence.objection.decide", "condolence_objection", obj.id,
                     {"outcome": ["pending", obj.outcome], "note": note, "line_id": obj.line_id})
    return obj


def objections_stmt(ctx: RequestContext, notice: CondolenceNotice, args: dict[str, Any]) -> Any:
    tid = current_tenant_id()
    line_org = aliased(Org, name="line_org")
    stmt = (select(CondolenceObjection, CondolenceLine.name)
            .join(CondolenceLine, and_(CondolenceLine.tenant_id == tid, CondolenceLine.id == CondolenceObjection.line_id))
            .join(line_org, and_(line_org.tenant_id == tid, line_org.id == CondolenceLine.org_id))
            .where(CondolenceObjection.tenant_id == tid, CondolenceObjection.notice_id == notice.id,
                   *scope_filter(ctx, line_org.path)))
    if args.get("outcome"):
        stmt = stmt.where(CondolenceObjection.outcome == args["outcome"])
    return stmt.order_by(CondolenceObjection.id.desc())


def objection_view(o: CondolenceObjection, line_name: str | None = None) -> dict[str, Any]:
    return {"id": o.id, "notice_id": o.notice_id, "line_id": o.line_id, "line_name": line_name,
            "content": o.content, "received_on": o.received_on, "received_from": o.received_from,
            "contact": o.contact, "outcome": o.outcome, "outcome_label": OBJECTION_OUTCOMES.get(o.outcome),
            "outcome_note": o.outcome_note, "decided_at": o.decided_at, "version": o.version,
            "created_at": o.created_at}
