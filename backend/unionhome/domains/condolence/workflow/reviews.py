"""The review chain (domain.md W1-b steps 2–5): grassroots union → township union → county federation.

A line climbs one level at a time. The levels a line needs follow from where its nominating union sits:
a grassroots union (depth ≥ 2) needs all three, a township's own nomination (depth 1) starts at the
township, the federation's own (depth 0) goes straight to the county. A user reviews at the level of
the top of its org subtree, only lines of that subtree, and only lines the level below has approved;
anything else is a 409 that says why. Approve / reject (不予通过) / return for revision (退回修改), per
line, per list of lines (all or nothing) or per batch (set-based: every line of the batch waiting for
this level). Every decision is kept in `condolence_reviews` and written to the audit log.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Select,
    and_,
    any_,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)

from ....core import audit
from ....core.db import transaction
from ....core.errors import Conflict, InvalidState, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...orgs.models import Org
from ...orgs.repository import subtree_clause
from ..models import REVIEW_STATUSES, CondolenceBatch, CondolenceCampaign, CondolenceLine
from ..roster import jobs as roster_jobs
from ..workflow_models import REVIEW_ACTIONS, REVIEW_LEVELS, CondolenceReview
from .scope import (
    COUNTY,
    GRASSROOTS,
    TOWNSHIP,
    LineScope,
    get_batch,
    get_campaign,
    get_line,
    org_in_scope,
    org_names,
    require_review,
    scope_filter,
)
from .statuses import APPROVED_AT, FROZEN_CAMPAIGN, LEVEL_OF_STATUS, REVIEWABLE_CAMPAIGN

ORDER = {GRASSROOTS: 0, TOWNSHIP: 1, COUNTY: 2}
MAX_LINES_PER_REQUEST = 1000


def steps_for(depth: int) -> tuple[str, ...]:
    if depth >= 2:
        return (GRASSROOTS, TOWNSHIP, COUNTY)
    if depth == 1:
        return (TOWNSHIP, COUNTY)
    return (COUNTY,)


def _done_index(steps: tuple[str, ...], status: str) -> int:
    level = LEVEL_OF_STATUS.get(status)
    if level is None:
        return -1
    done = [i for i, s in enumerate(steps) if ORDER[s] <= ORDER[level]]
    return done[-1] if done else -1


def refusal(level: str, action: str, line: CondolenceLine, depth: int, submitted: bool = True) -> str | None:
    """Why `level` may not take `action` on `line` (Chinese), or None."""
    status = line.review_status
    if not submitted:
        return "所在批次尚未上报，不能审核"
    if status == "rejected":
        return "该对象已不予通过，不能再审核"
    if status == "returned":
        return "该对象已退回推荐单位修改，须修改后重新提交才能审核"
    steps = steps_for(depth)
    if level not in steps:
        return f"该对象由{REVIEW_LEVELS[steps[0]]}直接推荐，不经{REVIEW_LEVELS[level]}审核"
    mine, done = steps.index(level), _done_index(steps, status)
    if done < mine - 1:
        return f"该对象尚未经{REVIEW_LEVELS[steps[done + 1]]}审核通过，不能越级审核"
    if done > mine:
        return f"{REVIEW_LEVELS[steps[done]]}已审核，本级不能再改变审核结果"
    if action == "approve":
        if done == mine:
            return "本级已审核通过，无需重复操作"
        if line.check_status != "ok":
            if line.check_status == "pending":
                return "该对象尚未完成校验，不能审核通过"
            return f"校验未通过（{line.check_reason or line.check_status}），不能审核通过"
    return None


def actionable(level: str, action: str, org: Any, submitted: Any) -> Any:
    """SQL condition: lines `level` may take `action` on (the set-based form of `refusal`); `submitted`
    is the condition that the line's batch was submitted (LineScope.submitted)."""
    rs = CondolenceLine.review_status
    if level == GRASSROOTS:
        before: Any = and_(rs == "pending", org.depth >= 2)
        mine: Any = and_(rs == APPROVED_AT[GRASSROOTS], org.depth >= 2)
    elif level == TOWNSHIP:
        before = or_(and_(rs == APPROVED_AT[GRASSROOTS], org.depth >= 2), and_(rs == "pending", org.depth == 1))
        mine = and_(rs == APPROVED_AT[TOWNSHIP], org.depth >= 1)
    else:
        before = or_(rs == APPROVED_AT[TOWNSHIP], and_(rs == "pending", org.depth == 0))
        mine = rs == APPROVED_AT[COUNTY]
    if action == "approve":
        return and_(before, CondolenceLine.check_status == "ok", submitted)
    if action == "awaiting":
        return and_(before, submitted)
    return and_(or_(before, mine), submitted)


def _new_status(level: str, action: str) -> str:
    return APPROVED_AT[level] if action == "approve" else ("rejected" if action == "reject" else "returned")


def check_campaign_open(campaign: CondolenceCampaign) -> None:
    if campaign.status in FROZEN_CAMPAIGN:
        raise InvalidState("名单已由县总工会审定冻结，不能再改变审核结果")
    if campaign.status not in REVIEWABLE_CAMPAIGN:
        raise InvalidState("活动尚未开始推荐，还没有可审核的名单")


def _check_comment(action: str, comment: str | None) -> str | None:
    comment = (comment or "").strip() or None
    if action in ("reject", "return") and not comment:
        raise ValidationFailed({"comment": "不予通过或退回修改时请填写原因"})
    return comment


def lock_campaign_shared(ctx: RequestContext, campaign_id: int, *, exclusive: bool = False) -> CondolenceCampaign:
    """Reviews hold the campaign row in share mode; the freeze takes it exclusively, so no review can
    slip in while the county freezes the roster. A decision that will ask for a new judgement (it writes
    the campaign row: `roster_jobs.request`) takes it exclusively from the start: two transactions each
    holding a share lock and then wanting to write the row would deadlock."""
    campaign = get_campaign(ctx, campaign_id)
    db.session.execute(select(CondolenceCampaign.id).where(CondolenceCampaign.tenant_id == campaign.tenant_id,
                                                           CondolenceCampaign.id == campaign.id)
                       .with_for_update(read=not exclusive))
    db.session.refresh(campaign)
    return campaign


def rejudge_after_reject(ctx: RequestContext, campaign: CondolenceCampaign, freed: bool) -> None:
    """A rejected line that had passed the checks held a place — in a quota, a budget, as the line kept
    among duplicates — that the roster job gives to the next line in order (a line judged 超出名额 /
    超出预算 / 重复推荐 may pass now): judge the roster again. The caller holds the campaign row
    exclusively (`lock_campaign_shared(..., exclusive=True)`)."""
    if freed:
        roster_jobs.request(ctx, campaign)


def review_lines(ctx: RequestContext, campaign_id: int, line_ids: list[int], action: str,
                 comment: str | None) -> dict[str, Any]:
    """Decide a list of lines, all or nothing: if any line may not take the action, nothing changes and
    the 409 names each refused line and why."""
    level = require_review(ctx)
    comment = _check_comment(action, comment)
    ids = _check_ids(line_ids)
    with transaction():
        campaign = lock_campaign_shared(ctx, campaign_id, exclusive=action == "reject")
        check_campaign_open(campaign)
        freed = decide_lines(ctx, level, campaign_id, ids, action, comment)
        if action == "reject":
            rejudge_after_reject(ctx, campaign, freed)
    return _result(level, action, len(ids), 0)


def _check_ids(line_ids: list[int]) -> list[int]:
    ids = list(dict.fromkeys(line_ids))
    if not ids:
        raise ValidationFailed({"line_ids": "请选择要审核的对象"})
    if len(ids) > MAX_LINES_PER_REQUEST:
        raise ValidationFailed({"line_ids": f"一次最多审核{MAX_LINES_PER_REQUEST}条，请按批次审核"})
    return ids


def decide_lines(ctx: RequestContext, level: str, campaign_id: int, ids: list[int], action: str,
                 comment: str | None) -> bool:
    """Inside the caller's transaction: check every line, then move them all and keep the history.
    True when one of the lines had passed the roster checks (a rejection frees its place)."""
    scope = LineScope(ctx, campaign_id)
    stmt = (scope.select(CondolenceLine, scope.org.depth, CondolenceBatch.submitted_at)
            .join(CondolenceBatch, and_(CondolenceBatch.tenant_id == scope.tid, CondolenceBatch.id == CondolenceLine.batch_id))
            .where(CondolenceLine.id.in_(ids)).with_for_update(of=CondolenceLine))
    rows = {ln.id: (ln, depth, sub is not None) for ln, depth, sub in db.session.execute(stmt).all()}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise ValidationFailed({"line_ids": f"以下对象不存在或不在您的管辖范围内：{_ids_text(missing)}"})
    refused = {i: msg for i in ids if (msg := refusal(level, action, *rows[i]))}
    if refused:
        first_id, first = next(iter(refused.items()))
        who = rows[first_id][0].name
        more = f"等{len(refused)}条" if len(refused) > 1 else ""
        raise Conflict(f"{who}{more}：{first}；本次操作未做任何修改",
                       {"lines": {str(i): m for i, m in refused.items()}})
    new_status = _new_status(level, action)
    now = datetime.now(UTC)
    tid = current_tenant_id()
    db.session.execute(
        update(CondolenceLine).where(CondolenceLine.tenant_id == tid, CondolenceLine.id.in_(ids))
        .values(review_status=new_status, review_comment=comment, reviewed_at=now)
        .execution_options(synchronize_session=False))
    db.session.execute(insert(CondolenceReview), [
        {"tenant_id": tid, "campaign_id": campaign_id, "scope": "line", "line_id": i,
         "batch_id": rows[i][0].batch_id, "line_count": 1, "level": level, "action": action,
         "to_status": new_status, "comment": comment, "org_id": ctx.scope_org_id, "actor_id": ctx.user_id,
         "actor_name": ctx.display_name[:100]} for i in ids])
    entity, entity_id = ("condolence_line", ids[0]) if len(ids) == 1 else ("condolence_campaign", campaign_id)
    audit.record(ctx, f"condolence.review.{action}", entity, entity_id,
                 {"level": level, "to_status": new_status, "line_ids": ids, "comment": comment})
    freed = any(row[0].check_status == "ok" for row in rows.values())
    for row in rows.values():
        db.session.expire(row[0])
    return freed


def review_batch(ctx: RequestContext, batch_id: int, action: str, comment: str | None) -> dict[str, Any]:
    """Decide every line of a batch that waits for the user's level (set-based). Approving skips the
    lines whose check failed (they can only be rejected or returned) and says how many."""
    level = require_review(ctx)
    comment = _check_comment(action, comment)
    batch, _ = get_batch(ctx, batch_id)
    if batch.submitted_at is None:
        raise InvalidState("该批次尚未上报，不能审核")
    with transaction():
        campaign = lock_campaign_shared(ctx, batch.campaign_id, exclusive=action == "reject")
        check_campaign_open(campaign)
        scope = LineScope(ctx, batch.campaign_id)
        org = scope.org
        base = [*scope.join_conditions(), CondolenceLine.batch_id == batch.id]
        cond = actionable(level, "awaiting" if action != "approve" else "approve", org, true())
        new_status = _new_status(level, action)
        ids = list(db.session.execute(
            update(CondolenceLine).where(*base, cond)
            .values(review_status=new_status, review_comment=comment, reviewed_at=datetime.now(UTC))
            .returning(CondolenceLine.id).execution_options(synchronize_session=False)).scalars())
        skipped = 0
        if action == "approve":
            skipped = int(db.session.execute(
                select(func.count()).select_from(CondolenceLine).where(*base, actionable(level, "awaiting", org, true()),
                                                                       CondolenceLine.check_status != "ok")
            ).scalar_one())
        if not ids:
            raise Conflict(_nothing_to_do(level, action, skipped, _state_counts(base)))
        if action == "reject":
            rejudge_after_reject(ctx, campaign, bool(db.session.execute(
                select(func.count()).select_from(CondolenceLine).where(
                    CondolenceLine.tenant_id == scope.tid, CondolenceLine.id.in_(ids),
                    CondolenceLine.check_status == "ok")).scalar_one()))
        ids.sort()
        db.session.add(CondolenceReview(
            campaign_id=batch.campaign_id, scope="batch", batch_id=batch.id, line_ids=ids, line_count=len(ids),
            level=level, action=action, to_status=new_status, comment=comment, org_id=ctx.scope_org_id,
            actor_id=ctx.user_id, actor_name=ctx.display_name[:100]))
        audit.record(ctx, f"condolence.review.{action}", "condolence_batch", batch.id,
                     {"level": level, "to_status": new_status, "lines": len(ids), "skipped": skipped,
                      "comment": comment})
    return _result(level, action, len(ids), skipped)


def _state_counts(base: list[Any]) -> dict[str, int]:
    rows = db.session.execute(
        select(CondolenceLine.review_status, func.count()).select_from(CondolenceLine)
        .where(*base).group_by(CondolenceLine.review_status)).all()
    return {s: int(n) for s, n in rows}


def _nothing_to_do(level: str, action: str, skipped: int, counts: dict[str, int]) -> str:
    if skipped:
        return f"该批次待本级审核的{skipped}条均未通过校验，只能逐条不予通过或退回修改"
    parts = "、".join(f"{REVIEW_STATUSES.get(s, s)}{n}条" for s, n in sorted(counts.items()))
    return f"该批次没有待{REVIEW_LEVELS[level]}{REVIEW_ACTIONS[action]}的对象" + (f"（{parts}）" if parts else "")


def _result(level: str, action: str, affected: int, skipped: int) -> dict[str, Any]:
    msg = f"{REVIEW_LEVELS[level]}{REVIEW_ACTIONS[action]}{affected}条"
    if skipped:
        msg += f"；{skipped}条校验未通过，未审核"
    return {"level": level, "level_label": REVIEW_LEVELS[level], "action": action, "affected": affected,
            "skipped": skipped, "message": msg}


def _ids_text(ids: list[int]) -> str:
    shown = "、".join(str(i) for i in ids[:10])
    return shown + (f" 等{len(ids)}条" if len(ids) > 10 else "")


# ---- reading -------------------------------------------------------------------------------------

QUEUE_VIEWS = ("awaiting", "approved", "returned", "rejected", "all")


def queue_stmt(ctx: RequestContext, campaign_id: int, args: dict[str, Any]) -> Select[Any]:
    """The lines of the user's review queue: `view=awaiting` (default) the lines waiting for its level,
    `approved` those its level approved (and the levels above, later), `returned`/`rejected`, `all`."""
    level = require_review(ctx)
    get_campaign(ctx, campaign_id)
    scope = LineScope(ctx, campaign_id, with_batch=True)
    stmt, org = scope.select(), scope.org
    view = args.get("view") or "awaiting"
    if view == "awaiting":
        stmt = stmt.where(actionable(level, "awaiting", org, scope.submitted()))
    elif view == "approved":
        higher = [APPROVED_AT[lv] for lv in (GRASSROOTS, TOWNSHIP, COUNTY) if ORDER[lv] >= ORDER[level]]
        stmt = stmt.where(CondolenceLine.review_status.in_(higher))
    elif view in ("returned", "rejected"):
        stmt = stmt.where(CondolenceLine.review_status == view)
    if args.get("batch_id"):
        stmt = stmt.where(CondolenceLine.batch_id == args["batch_id"])
    if args.get("org_id"):
        under = org_in_scope(ctx, args["org_id"])
        stmt = stmt.where(subtree_clause(org.path, under.path))
    if args.get("check_status"):
        stmt = stmt.where(CondolenceLine.check_status == args["check_status"])
    if args.get("category_code"):
        stmt = stmt.where(CondolenceLine.category_code == args["category_code"])
    if args.get("q"):
        stmt = stmt.where(CondolenceLine.name.startswith(args["q"], autoescape=True))
    return stmt.order_by(CondolenceLine.batch_id, CondolenceLine.row_no, CondolenceLine.id)


def overview(ctx: RequestContext, campaign_id: int) -> dict[str, Any]:
    """Counts of the user's subtree by review status, and how many lines wait for its level."""
    level = require_review(ctx)
    campaign = get_campaign(ctx, campaign_id)
    scope = LineScope(ctx, campaign_id, with_batch=True)
    org, submitted = scope.org, scope.submitted()
    stmt = scope.select(CondolenceLine.review_status, func.count())
    awaiting = func.count().filter(actionable(level, "awaiting", org, submitted))
    awaiting_ok = func.count().filter(actionable(level, "approve", org, submitted))
    rows = db.session.execute(stmt.add_columns(awaiting, awaiting_ok).group_by(CondolenceLine.review_status)).all()
    counts = {s: 0 for s in REVIEW_STATUSES}
    wait = wait_ok = 0
    for status, n, aw, aw_ok in rows:
        counts[status] = int(n)
        wait += int(aw)
        wait_ok += int(aw_ok)
    return {
        "campaign_id": campaign.id, "campaign_status": campaign.status, "level": level,
        "level_label": REVIEW_LEVELS[level], "frozen": campaign.status in FROZEN_CAMPAIGN,
        "can_review": campaign.status in REVIEWABLE_CAMPAIGN, "awaiting": wait, "awaiting_ok": wait_ok,
        "by_status": [{"status": s, "label": REVIEW_STATUSES[s], "count": counts.get(s, 0)} for s in REVIEW_STATUSES],
        "total": sum(counts.values()),
    }


def batches_stmt(ctx: RequestContext, campaign_id: int) -> Select[Any]:
    """The batches of the user's subtree with, for each, how many lines wait for its level."""
    level = require_review(ctx)
    get_campaign(ctx, campaign_id)
    scope = LineScope(ctx, campaign_id, with_batch=True)
    org, submitted = scope.org, scope.submitted()
    stmt = scope.select(CondolenceLine.batch_id, CondolenceLine.org_id)
    awaiting = func.count().filter(actionable(level, "awaiting", org, submitted)).label("awaiting")
    awaiting_ok = func.count().filter(actionable(level, "approve", org, submitted)).label("awaiting_ok")
    approved = func.count().filter(CondolenceLine.review_status == APPROVED_AT[level]).label("approved")
    returned = func.count().filter(CondolenceLine.review_status == "returned").label("returned")
    rejected = func.count().filter(CondolenceLine.review_status == "rejected").label("rejected")
    total = func.count().label("total")
    stmt = stmt.add_columns(awaiting, awaiting_ok, approved, returned, rejected, total) \
        .group_by(CondolenceLine.batch_id, CondolenceLine.org_id)
    order = case((awaiting > 0, 0), else_=1)
    return stmt.order_by(order, CondolenceLine.batch_id)


def batch_rows(rows: Any) -> list[dict[str, Any]]:
    """The rows of `batches_stmt` with each batch's union, file and submission."""
    ids = [r.batch_id for r in rows]
    batches = {b.id: b for b in db.session.execute(select(CondolenceBatch).where(
        CondolenceBatch.tenant_id == current_tenant_id(), CondolenceBatch.id.in_(ids))).scalars()} if ids else {}
    names = org_names({r.org_id for r in rows})
    out = []
    for r in rows:
        b = batches.get(r.batch_id)
        out.append({"batch_id": r.batch_id, "org_id": r.org_id, "org_name": names.get(r.org_id),
                    "filename": b.filename if b else None, "source": b.source if b else None,
                    "submitted_at": b.submitted_at if b else None, "awaiting": r.awaiting,
                    "awaiting_ok": r.awaiting_ok, "approved": r.approved, "returned": r.returned,
                    "rejected": r.rejected, "total": r.total})
    return out


def history_stmt(ctx: RequestContext, campaign_id: int, args: dict[str, Any]) -> Select[Any]:
    """Decisions of the campaign, newest first; a union sees the decisions its subtree's reviewers took
    and those about its own lines' batches."""
    get_campaign(ctx, campaign_id)
    stmt = select(CondolenceReview).where(CondolenceReview.tenant_id == current_tenant_id(),
                                          CondolenceReview.campaign_id == campaign_id)
    if not ctx.scope_is_root and ctx.scope_path:
        visible_lines = LineScope(ctx, campaign_id).select(CondolenceLine.id)
        visible_batches = select(CondolenceBatch.id).join(
            Org, and_(Org.tenant_id == CondolenceBatch.tenant_id, Org.id == CondolenceBatch.org_id)
        ).where(CondolenceBatch.tenant_id == current_tenant_id(), *scope_filter(ctx, Org.path))
        stmt = stmt.where(or_(CondolenceReview.line_id.in_(visible_lines),
                              CondolenceReview.batch_id.in_(visible_batches)))
    if args.get("level"):
        stmt = stmt.where(CondolenceReview.level == args["level"])
    if args.get("action"):
        stmt = stmt.where(CondolenceReview.action == args["action"])
    return stmt.order_by(CondolenceReview.id.desc())


def line_history(ctx: RequestContext, line_id: int) -> list[CondolenceReview]:
    line, _ = get_line(ctx, line_id)
    stmt = (select(CondolenceReview)
            .where(CondolenceReview.tenant_id == current_tenant_id(),
                   or_(CondolenceReview.line_id == line.id,
                       and_(CondolenceReview.batch_id == line.batch_id, CondolenceReview.line_id.is_(None),
                            literal(line.id, BigInteger) == any_(CondolenceReview.line_ids)),
                       and_(CondolenceReview.scope == "campaign", CondolenceReview.campaign_id == line.campaign_id)))
            .order_by(CondolenceReview.id))
    return list(db.session.execute(stmt).scalars())


def review_view(r: CondolenceReview, names: dict[int, str] | None = None) -> dict[str, Any]:
    return {
        "id": r.id, "campaign_id": r.campaign_id, "scope": r.scope, "batch_id": r.batch_id, "line_id": r.line_id,
        "line_count": r.line_count, "level": r.level, "level_label": REVIEW_LEVELS.get(r.level, r.level),
        "action": r.action, "action_label": REVIEW_ACTIONS.get(r.action, r.action), "to_status": r.to_status,
        "comment": r.comment, "org_id": r.org_id, "org_name": (names or {}).get(r.org_id or 0),
        "actor_name": r.actor_name, "created_at": r.created_at,
    }
