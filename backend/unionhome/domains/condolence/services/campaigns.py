"""Campaigns (慰问活动): set-up with categories, quotas, rules, deadline and budget; opening and closing
nominations; a new campaign from an earlier one (以去年为模板新建); judging the roster again on demand."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError

from ....core import audit
from ....core.db import transaction
from ....core.errors import Conflict, InvalidState, ValidationFailed
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.permissions import CONDOLENCE_MANAGE
from ...orgs.repository import OrgRepository
from .. import repository as repo
from ..models import (
    CAMPAIGN_STATUSES,
    FESTIVALS,
    CondolenceBatch,
    CondolenceCampaign,
    CondolenceCategory,
    CondolenceLine,
    CondolenceQuota,
)
from ..roster import jobs as roster_jobs
from ..roster.rules import effective_rules

EDITABLE_STATUSES = ("draft", "nominating", "reviewing")
_SIMPLE_FIELDS = ("name", "festival", "year", "basis_document", "budget_cash_fen", "budget_goods_fen",
                  "nomination_deadline", "remark")


def list_stmt(ctx: RequestContext, args: dict[str, Any]) -> Select[Any]:
    ctx.require_tenant()
    stmt = repo.CampaignRepository().select()
    if q := (args.get("q") or "").strip():
        stmt = stmt.where(CondolenceCampaign.name.contains(q, autoescape=True))
    for key in ("festival", "year", "status"):
        if args.get(key) is not None:
            stmt = stmt.where(getattr(CondolenceCampaign, key) == args[key])
    return stmt.order_by(CondolenceCampaign.year.desc(), CondolenceCampaign.id.desc())


def get_campaign(ctx: RequestContext, campaign_id: int) -> CondolenceCampaign:
    return repo.get_campaign(ctx, campaign_id)


def nominations_open(campaign: CondolenceCampaign, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    return campaign.status == "nominating" and (campaign.nomination_deadline is None
                                                 or now <= campaign.nomination_deadline)


def require_nominations_open(campaign: CondolenceCampaign) -> None:
    """Uploads, manual lines and submissions are refused outside the nomination window."""
    if campaign.status != "nominating":
        status = CAMPAIGN_STATUSES.get(campaign.status, campaign.status)
        raise InvalidState(f"活动当前状态为“{status}”，不在推荐申报期内，不能推荐")
    if campaign.nomination_deadline is not None and datetime.now(UTC) > campaign.nomination_deadline:
        raise InvalidState(f"推荐截止时间（{_when(campaign.nomination_deadline)}）已过，不能再推荐或上报")


def _when(dt: datetime) -> str:
    from ....core.clock import CHINA_TZ

    return dt.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")


def views(items: list[CondolenceCampaign]) -> list[dict[str, Any]]:
    if not items:
        return []
    ids = [c.id for c in items]
    tid = current_tenant_id()
    cats: dict[int, list[CondolenceCategory]] = {}
    for cat in db.session.execute(select(CondolenceCategory).where(
            CondolenceCategory.tenant_id == tid, CondolenceCategory.campaign_id.in_(ids))
            .order_by(CondolenceCategory.id)).scalars():
        cats.setdefault(cat.campaign_id, []).append(cat)
    quotas: dict[int, list[CondolenceQuota]] = {}
    for q in db.session.execute(select(CondolenceQuota).where(
            CondolenceQuota.tenant_id == tid, CondolenceQuota.campaign_id.in_(ids)).order_by(CondolenceQuota.id)).scalars():
        quotas.setdefault(q.campaign_id, []).append(q)
    names = repo.org_names({q.org_id for qs in quotas.values() for q in qs})
    templates = {c.id: c.name for c in db.session.execute(select(CondolenceCampaign).where(
        CondolenceCampaign.tenant_id == tid,
        CondolenceCampaign.id.in_({c.template_id for c in items if c.template_id}))).scalars()}
    out = []
    for c in items:
        code_of = {cat.id: cat.code for cat in cats.get(c.id, [])}
        data = {k: getattr(c, k) for k in (
            "id", "name", "festival", "year", "basis_document", "budget_cash_fen", "budget_goods_fen",
            "nomination_deadline", "status", "template_id", "notice_start", "notice_end", "notice_place",
            "frozen_at", "remark", "roster_job_id", "judged_at", "roster_summary", "version", "created_at",
            "updated_at")}
        data["festival_label"] = FESTIVALS.get(c.festival, c.festival)
        data["status_label"] = CAMPAIGN_STATUSES.get(c.status, c.status)
        data["rules"] = effective_rules(c.rules)
        data["template_name"] = templates.get(c.template_id) if c.template_id else None
        data["nominations_open"] = nominations_open(c)
        data["categories"] = [{k: getattr(cat, k) for k in ("id", "code", "name", "standard_cash_fen",
                                                              "standard_goods_fen", "budget_cash_fen")}
                              for cat in cats.get(c.id, [])]
        data["quotas"] = [{"id": q.id, "org_id": q.org_id, "org_name": names.get(q.org_id),
                           "category_code": code_of.get(q.category_id) if q.category_id else None,
                           "max_households": q.max_households} for q in quotas.get(c.id, [])]
        out.append(data)
    return out


def _check_categories(items: list[dict[str, Any]]) -> None:
    codes = [c["code"] for c in items]
    names = [c["name"] for c in items]
    errors: dict[str, str] = {}
    if len(set(codes)) != len(codes):
        errors["categories"] = "类别代码不能重复"
    elif len(set(names)) != len(names):
        errors["categories"] = "类别名称不能重复"
    if errors:
        raise ValidationFailed(errors)


def _check_quotas(ctx: RequestContext, items: list[dict[str, Any]], codes: set[str]) -> None:
    seen = set()
    orgs = OrgRepository()
    for i, q in enumerate(items):
        org = orgs.get(q["org_id"])
        if org is None:
            raise ValidationFailed({f"quotas.{i}.org_id": "组织不存在"})
        if q.get("category_code") and q["category_code"] not in codes:
            raise ValidationFailed({f"quotas.{i}.category_code": f"类别“{q['category_code']}”不在本活动的类别中"})
        key = (q["org_id"], q.get("category_code") or None)
        if key in seen:
            raise ValidationFailed({f"quotas.{i}": f"“{org.name}”的名额重复设置"})
        seen.add(key)


def _write_children(campaign: CondolenceCampaign, data: dict[str, Any], ctx: RequestContext) -> None:
    tid = current_tenant_id()
    if "categories" in data:
        _check_categories(data["categories"])
        existing = {c.code: c for c in repo.categories(campaign.id)}
        wanted = {c["code"]: c for c in data["categories"]}
        removed = set(existing) - set(wanted)
        if removed:
            used = db.session.execute(select(CondolenceLine.category_code).where(
                CondolenceLine.tenant_id == tid, CondolenceLine.campaign_id == campaign.id,
                CondolenceLine.category_code.in_(removed)).limit(1)).scalar_one_or_none()
            if used is not None:
                raise Conflict(f"类别“{existing[used].name}”已有推荐名单使用，不能删除")
            for code in removed:
                db.session.delete(existing[code])
        for code, item in wanted.items():
            cat = existing.get(code)
            if cat is None:
                cat = CondolenceCategory(tenant_id=tid, campaign_id=campaign.id, code=code)
                db.session.add(cat)
            cat.name = item["name"]
            cat.standard_cash_fen = item.get("standard_cash_fen") or 0
            cat.standard_goods_fen = item.get("standard_goods_fen") or 0
            cat.budget_cash_fen = item.get("budget_cash_fen")
        db.session.flush()
    if "quotas" in data:
        cats = {c.code: c.id for c in repo.categories(campaign.id)}
        _check_quotas(ctx, data["quotas"], set(cats))
        db.session.execute(delete(CondolenceQuota).where(CondolenceQuota.tenant_id == tid,
                                                         CondolenceQuota.campaign_id == campaign.id))
        for q in data["quotas"]:
            db.session.add(CondolenceQuota(tenant_id=tid, campaign_id=campaign.id, org_id=q["org_id"],
                                           category_id=cats.get(q["category_code"]) if q.get("category_code") else None,
                                           max_households=q["max_households"]))
        db.session.flush()


def _has_lines(campaign_id: int) -> bool:
    return db.session.execute(select(CondolenceBatch.id).where(
        CondolenceBatch.tenant_id == current_tenant_id(), CondolenceBatch.campaign_id == campaign_id,
        CondolenceBatch.status.in_(("processed", "submitted", "processing", "uploaded"))).limit(1)).first() is not None


def create_campaign(ctx: RequestContext, data: dict[str, Any]) -> CondolenceCampaign:
    ctx.require(CONDOLENCE_MANAGE)
    with transaction():
        campaign = CondolenceCampaign(
            tenant_id=current_tenant_id(), status="draft", created_by=ctx.user_id,
            rules=effective_rules(data.get("rules")),
            **{k: data.get(k) for k in _SIMPLE_FIELDS if k in data})
        campaign.budget_cash_fen = data.get("budget_cash_fen") or 0
        campaign.budget_goods_fen = data.get("budget_goods_fen") or 0
        db.session.add(campaign)
        _flush_unique(campaign)
        _write_children(campaign, data, ctx)
        audit.record(ctx, "condolence.campaign_create", "condolence_campaign", campaign.id,
                     {"name": campaign.name, "festival": campaign.festival, "year": campaign.year,
                      "categories": len(data.get("categories") or []), "quotas": len(data.get("quotas") or [])})
    return campaign


def _flush_unique(campaign: CondolenceCampaign) -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as err:
        if "uq_condolence_campaigns_name" in str(err.orig):
            raise ValidationFailed({"name": "已有同名的慰问活动"}) from None
        raise


def update_campaign(ctx: RequestContext, campaign: CondolenceCampaign, data: dict[str, Any]) -> CondolenceCampaign:
    ctx.require(CONDOLENCE_MANAGE)
    if campaign.status not in EDITABLE_STATUSES:
        raise InvalidState("县总工会已审定名单，活动设置不能再修改")
    with transaction():
        changes = {}
        for key in _SIMPLE_FIELDS:
            if key in data and getattr(campaign, key) != data[key]:
                changes[key] = [_plain(getattr(campaign, key)), _plain(data[key])]
                setattr(campaign, key, data[key] if data[key] is not None or key not in (
                    "budget_cash_fen", "budget_goods_fen") else 0)
        if "rules" in data:
            rules = effective_rules({**effective_rules(campaign.rules), **data["rules"]})
            if rules != effective_rules(campaign.rules):
                changes["rules"] = [campaign.rules, rules]
                campaign.rules = rules
        if "categories" in data or "quotas" in data:
            changes["categories_quotas"] = ["…", "…"]
        _flush_unique(campaign)
        _write_children(campaign, data, ctx)
        audit.record(ctx, "condolence.campaign_update", "condolence_campaign", campaign.id, changes)
        if changes and _has_lines(campaign.id):
            roster_jobs.request(ctx, campaign)  # the rules changed under the judged lines
    return campaign


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, datetime) else v


def open_nominations(ctx: RequestContext, campaign: CondolenceCampaign) -> CondolenceCampaign:
    ctx.require(CONDOLENCE_MANAGE)
    if campaign.status != "draft":
        raise InvalidState("只有筹备中的活动可以开始推荐申报")
    if not repo.categories(campaign.id):
        raise ValidationFailed({"categories": "请先设置至少一个慰问类别及标准"})
    if campaign.nomination_deadline is not None and campaign.nomination_deadline <= datetime.now(UTC):
        raise ValidationFailed({"nomination_deadline": "推荐截止时间已过，请先修改截止时间"})
    with transaction():
        campaign.status = "nominating"
        audit.record(ctx, "condolence.campaign_open", "condolence_campaign", campaign.id, {"status": ["draft", "nominating"]})
    return campaign


def close_nominations(ctx: RequestContext, campaign: CondolenceCampaign) -> CondolenceCampaign:
    """Nominations end (推荐截止): the roster goes to review."""
    ctx.require(CONDOLENCE_MANAGE)
    if campaign.status != "nominating":
        raise InvalidState("只有推荐申报中的活动可以截止推荐")
    with transaction():
        campaign.status = "reviewing"
        audit.record(ctx, "condolence.campaign_close_nominations", "condolence_campaign", campaign.id,
                     {"status": ["nominating", "reviewing"]})
    return campaign


def copy_campaign(ctx: RequestContext, source: CondolenceCampaign, data: dict[str, Any]) -> CondolenceCampaign:
    """以去年为模板新建: a new draft with the source's festival, rules, budget, categories and quotas."""
    ctx.require(CONDOLENCE_MANAGE)
    with transaction():
        campaign = CondolenceCampaign(
            tenant_id=current_tenant_id(), status="draft", created_by=ctx.user_id, name=data["name"],
            festival=source.festival, year=data["year"], basis_document=None,
            budget_cash_fen=source.budget_cash_fen, budget_goods_fen=source.budget_goods_fen,
            nomination_deadline=data.get("nomination_deadline"), rules=effective_rules(source.rules),
            template_id=source.id, remark=source.remark)
        db.session.add(campaign)
        _flush_unique(campaign)
        cats = repo.categories(source.id)
        code_of = {c.id: c.code for c in cats}
        _write_children(campaign, {
            "categories": [{k: getattr(c, k) for k in ("code", "name", "standard_cash_fen", "standard_goods_fen",
                                                       "budget_cash_fen")} for c in cats],
            "quotas": [{"org_id": q.org_id, "category_code": code_of.get(q.category_id) if q.category_id else None,
                        "max_households": q.max_households} for q in repo.quotas(source.id)],
        }, ctx)
        audit.record(ctx, "condolence.campaign_copy", "condolence_campaign", campaign.id,
                     {"template_id": source.id, "name": campaign.name, "year": campaign.year})
    return campaign


def delete_campaign(ctx: RequestContext, campaign: CondolenceCampaign) -> None:
    ctx.require(CONDOLENCE_MANAGE)
    if campaign.status != "draft":
        raise InvalidState("只有筹备中的活动可以删除")
    n = db.session.execute(select(func.count()).select_from(CondolenceBatch).where(
        CondolenceBatch.tenant_id == current_tenant_id(), CondolenceBatch.campaign_id == campaign.id)).scalar_one()
    if n:
        raise InvalidState("活动已有推荐批次，不能删除")
    used = db.session.execute(select(CondolenceCampaign.id).where(
        CondolenceCampaign.tenant_id == current_tenant_id(), CondolenceCampaign.template_id == campaign.id)
        .limit(1)).first()
    with transaction():
        if used:
            db.session.execute(CondolenceCampaign.__table__.update().where(
                CondolenceCampaign.tenant_id == current_tenant_id(),
                CondolenceCampaign.template_id == campaign.id).values(template_id=None))
        audit.record(ctx, "condolence.campaign_delete", "condolence_campaign", campaign.id, {"name": campaign.name})
        db.session.delete(campaign)


def rejudge(ctx: RequestContext, campaign: CondolenceCampaign) -> int | None:
    """重新校验: read any uploaded batches again and judge the whole roster (a job)."""
    ctx.require(CONDOLENCE_MANAGE)
    if campaign.status not in EDITABLE_STATUSES:
        raise InvalidState("县总工会已审定名单，不再重新校验")
    with transaction():
        locked = repo.get_campaign(ctx, campaign.id, for_update=True)
        job_id = roster_jobs.request(ctx, locked)
        audit.record(ctx, "condolence.roster_rejudge", "condolence_campaign", campaign.id, {"job_id": job_id})
    return job_id

