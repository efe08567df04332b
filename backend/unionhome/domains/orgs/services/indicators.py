"""Organisation-building indicators (组织建设统计, domain.md W7, §3.1, §5.2) for an org subtree, broken
down by the direct children of its top node.

Definitions (the API description of `GET /api/v1/indicators` repeats them):

* **Subtree**: the org given by `org_id` (default: the top of the user's scope) and everything below it.
* **Rows**: every counted record falls into exactly one row of `by_child`: the direct child whose
  subtree holds it, or the node itself (the `is_self` row, "本级"). `totals` is the sum of the rows,
  both built from the same grouped query results, so they cannot disagree.
* **建会率 (founding rate)**: employers of the subtree are those whose township (`township_org_id`) or
  covering union (`covering_org_id`) lies in it. Founded = `founded` (own union) + `covered_by_joint`.
  rate = founded / total × 100, a percentage with two decimals (``Decimal``, half-up), null when there
  are no employers. Given for employers with ≥ 25 staff (domain.md §3.1 #1–2) and for all employers.
  An employer's row is the child holding its township if any, else the child holding its covering
  union, else the node itself (so a township's founding rate counts the employers located there).
* **入会率 (membership rate, 建会单位职工入会率)**: active members whose union lies in the subtree ÷ the
  staff (`staff_count`) of founded employers (`founded` or `covered_by_joint`) whose covering union lies
  in the subtree. Both sides are anchored at unions, so rows compare like with like; the rate is a
  percentage with two decimals, null when the denominator is 0, and may exceed 100 when unions enrol
  people their employers' staff counts do not include (retirees, stale headcounts).
* **农民工会员**: active members with `employment_type = migrant`; share = of active members (percent).
* **女会员**: active members with `gender = F`; share = of active members (percent).
* **工会干部**: current cadres (`is_current`) of orgs in the subtree, per post, full-time / part-time.
* **组织**: active orgs of the subtree (the node itself included) per type; `reelection_overdue` counts
  active orgs whose `reelection_due_date` is before today.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Date,
    Select,
    and_,
    case,
    cast,
    false,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import aliased

from ....core.clock import CHINA_TZ, day_start
from ....core.clock import today as china_today
from ....core.errors import NotFound
from ....core.security import RequestContext
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ..models import CADRE_POSTS, ORG_TYPES, Cadre, Employer, Member, MemberTransfer, Org
from ..repository import OrgRepository, subtree_clause
from .common import org_in_scope_or_404

FOUNDED_STATUSES = ("founded", "covered_by_joint")
LARGE_EMPLOYER_STAFF = 25
_PLACES = Decimal("0.01")


def report_root(ctx: RequestContext, org_id: int | None) -> Org:
    """The top node of a report: `org_id` if it lies in the user's scope (404 otherwise), else the top of
    the scope (the federation for tenant-wide users)."""
    if org_id is not None:
        return org_in_scope_or_404(ctx, org_id)
    repo = OrgRepository()
    org = repo.root() if ctx.scope_is_root or ctx.scope_org_id is None else repo.get(ctx.scope_org_id)
    if org is None:
        raise NotFound("组织不存在")
    return org


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole × 100 with two decimals (half-up); None when `whole` is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_PLACES, rounding=ROUND_HALF_UP)


def child_of(path_col: Any, node_path: str) -> ColumnElement[Any]:
    """SQL: id of the node's direct child whose subtree holds the org with materialised path `path_col`
    (NULL for the node itself). `/1/5/23/` under node `/1/` → 5 (the 3rd `/`-separated field)."""
    field = node_path.count("/") + 1
    return cast(func.nullif(func.split_part(path_col, "/", field), ""), BigInteger)


# ---- the grouped queries: each returns rows keyed by bucket (child id, or None for the node) -------

def _employer_rows(tid: int, path: str) -> list[Any]:
    township, covering = aliased(Org), aliased(Org)
    in_township = subtree_clause(township.path, path)
    in_covering = subtree_clause(covering.path, path)
    bucket = func.coalesce(case((in_township, child_of(township.path, path))),
                           case((in_covering, child_of(covering.path, path))))
    inner = (
        select(bucket.label("bucket"), Employer.staff_count, Employer.union_status)
        .select_from(Employer)
        .outerjoin(township, and_(township.tenant_id == tid, township.id == Employer.township_org_id))
        .outerjoin(covering, and_(covering.tenant_id == tid, covering.id == Employer.covering_org_id))
        .where(Employer.tenant_id == tid, or_(in_township, in_covering))
    ).subquery()
    large = inner.c.staff_count >= LARGE_EMPLOYER_STAFF
    single = inner.c.union_status == "founded"
    joint = inner.c.union_status == "covered_by_joint"
    stmt = select(
        inner.c.bucket,
        func.count().label("emp.total"),
        func.count().filter(single).label("emp.single"),
        func.count().filter(joint).label("emp.joint"),
        func.count().filter(large).label("emp25.total"),
        func.count().filter(and_(large, single)).label("emp25.single"),
        func.count().filter(and_(large, joint)).label("emp25.joint"),
    ).group_by(inner.c.bucket)
    return list(db.session.execute(stmt).mappings())


def _unionised_staff_rows(tid: int, path: str) -> list[Any]:
    covering = aliased(Org)
    inner = (
        select(child_of(covering.path, path).label("bucket"), Employer.staff_count)
        .select_from(Employer)
        .join(covering, and_(covering.tenant_id == tid, covering.id == Employer.covering_org_id))
        .where(Employer.tenant_id == tid, Employer.union_status.in_(FOUNDED_STATUSES),
               subtree_clause(covering.path, path))
    ).subquery()
    stmt = (select(inner.c.bucket, func.coalesce(func.sum(inner.c.staff_count), 0).label("staff"))
            .group_by(inner.c.bucket))
    return list(db.session.execute(stmt).mappings())


def _subtree_org_ids(tid: int, path: str) -> Select[Any]:
    return select(Org.id).where(Org.tenant_id == tid, subtree_clause(Org.path, path))


def _member_rows(tid: int, path: str) -> list[Any]:
    # Aggregate per union first (members are the big table), then roll unions up into rows.
    per_org = (
        select(Member.org_id,
               func.count().label("members"),
               func.count().filter(Member.employment_type == "migrant").label("migrant"),
               func.count().filter(Member.gender == "F").label("female"))
        .where(Member.tenant_id == tid, Member.status == "active", Member.org_id.in_(_subtree_org_ids(tid, path)))
        .group_by(Member.org_id)
    ).subquery()
    inner = (
        select(child_of(Org.path, path).label("bucket"), per_org.c.members, per_org.c.migrant, per_org.c.female)
        .select_from(per_org)
        .join(Org, and_(Org.tenant_id == tid, Org.id == per_org.c.org_id))
    ).subquery()
    stmt = select(
        inner.c.bucket,
        func.sum(inner.c.members).label("members"),
        func.sum(inner.c.migrant).label("migrant"),
        func.sum(inner.c.female).label("female"),
    ).group_by(inner.c.bucket)
    return list(db.session.execute(stmt).mappings())


def _cadre_rows(tid: int, path: str) -> list[Any]:
    inner = (
        select(child_of(Org.path, path).label("bucket"), Cadre.post, Cadre.full_time)
        .select_from(Cadre)
        .join(Org, and_(Org.tenant_id == tid, Org.id == Cadre.org_id))
        .where(Cadre.tenant_id == tid, Cadre.is_current.is_(True), subtree_clause(Org.path, path))
    ).subquery()
    stmt = (select(inner.c.bucket, inner.c.post, inner.c.full_time, func.count().label("n"))
            .group_by(inner.c.bucket, inner.c.post, inner.c.full_time))
    return list(db.session.execute(stmt).mappings())


def _org_rows(tid: int, path: str, today: date) -> list[Any]:
    inner = (
        select(child_of(Org.path, path).label("bucket"), Org.org_type,
               func.coalesce(Org.reelection_due_date < today, False).label("overdue"))
        .where(Org.tenant_id == tid, Org.is_active.is_(True), subtree_clause(Org.path, path))
    ).subquery()
    stmt = (select(inner.c.bucket, inner.c.org_type, func.count().label("n"),
                   func.count().filter(inner.c.overdue).label("overdue"))
            .group_by(inner.c.bucket, inner.c.org_type))
    return list(db.session.execute(stmt).mappings())


# ---- assembly --------------------------------------------------------------------------------------

def _collect(tid: int, path: str, today: date) -> dict[int | None, Counter[str]]:
    """Flat counters per bucket: 'emp25.single', 'members', 'cadre.chair.ft', 'org.grassroots', …"""
    rows: dict[int | None, Counter[str]] = {}

    def bucket(key: int | None) -> Counter[str]:
        return rows.setdefault(key, Counter())

    for r in _employer_rows(tid, path):
        bucket(r["bucket"]).update({k: int(v) for k, v in r.items() if k != "bucket"})
    for r in _unionised_staff_rows(tid, path):
        bucket(r["bucket"])["staff"] += int(r["staff"])
    for r in _member_rows(tid, path):
        bucket(r["bucket"]).update({k: int(r[k]) for k in ("members", "migrant", "female")})
    for r in _cadre_rows(tid, path):
        bucket(r["bucket"])[f"cadre.{r['post']}.{'ft' if r['full_time'] else 'pt'}"] += int(r["n"])
    for r in _org_rows(tid, path, today):
        c = bucket(r["bucket"])
        c[f"org.{r['org_type']}"] += int(r["n"])
        c["org_overdue"] += int(r["overdue"])
    return rows


def _founding(c: Counter[str], prefix: str) -> dict[str, Any]:
    total, single, joint = c[f"{prefix}.total"], c[f"{prefix}.single"], c[f"{prefix}.joint"]
    return {"total": total, "founded": single + joint, "founded_single": single, "covered_by_joint": joint,
            "not_founded": total - single - joint, "rate": percent(single + joint, total)}


def _block(c: Counter[str]) -> dict[str, Any]:
    members = c["members"]
    # Codes outside the code lists (legacy data) still count, under their own code.
    posts = list(CADRE_POSTS) + sorted({k.split(".")[1] for k in c if k.startswith("cadre.")} - set(CADRE_POSTS))
    by_post = [{"post": p, "post_label": CADRE_POSTS.get(p, p), "full_time": c[f"cadre.{p}.ft"],
                "part_time": c[f"cadre.{p}.pt"], "total": c[f"cadre.{p}.ft"] + c[f"cadre.{p}.pt"]} for p in posts]
    full_time = sum(c[f"cadre.{p}.ft"] for p in posts)
    part_time = sum(c[f"cadre.{p}.pt"] for p in posts)
    types = list(ORG_TYPES) + sorted({k[4:] for k in c if k.startswith("org.")} - set(ORG_TYPES))
    by_type = [{"org_type": t, "org_type_label": ORG_TYPES.get(t, t), "count": c[f"org.{t}"]} for t in types]
    return {
        "founding_25_plus": _founding(c, "emp25"),
        "founding_all": _founding(c, "emp"),
        "membership": {"members": members, "unionised_staff": c["staff"], "rate": percent(members, c["staff"])},
        "migrant_members": {"count": c["migrant"], "share": percent(c["migrant"], members)},
        "female_members": {"count": c["female"], "share": percent(c["female"], members)},
        "cadres": {"total": full_time + part_time, "full_time": full_time, "part_time": part_time,
                   "by_post": by_post},
        "orgs": {"total": sum(c[f"org.{t}"] for t in types), "by_type": by_type,
                 "reelection_overdue": c["org_overdue"]},
    }


def _org_ref(org: Any) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "org_type": org.org_type,
            "org_type_label": ORG_TYPES.get(org.org_type, org.org_type)}


def compute(ctx: RequestContext, org_id: int | None = None, *, today: date | None = None) -> dict[str, Any]:
    """Indicators of the subtree under `org_id` (default: the user's scope), totals and one row per
    direct child plus the node's own row (see the module docstring for the definitions)."""
    node = report_root(ctx, org_id)
    tid = current_tenant_id()
    today = today or china_today()
    rows = _collect(tid, node.path, today)

    type_order = {t: i for i, t in enumerate(ORG_TYPES)}
    children = list(db.session.execute(
        select(Org.id, Org.name, Org.org_type).where(Org.tenant_id == tid, Org.parent_id == node.id)).all())
    children.sort(key=lambda o: (type_order.get(o.org_type, len(type_order)), o.name, o.id))
    known = {o.id for o in children}
    strays = [k for k in rows if k is not None and k not in known]  # only if paths were inconsistent
    if strays:
        children += list(db.session.execute(
            select(Org.id, Org.name, Org.org_type).where(Org.tenant_id == tid, Org.id.in_(strays))).all())

    by_child = [{"org": _org_ref(node), "is_self": True, **_block(rows.get(None, Counter()))}]
    by_child += [{"org": _org_ref(o), "is_self": False, **_block(rows.get(o.id, Counter()))} for o in children]
    totals: Counter[str] = Counter()
    for c in rows.values():
        totals.update(c)
    return {"org": _org_ref(node), "as_of": today, "totals": _block(totals), "by_child": by_child}


# ---- members over time (会员人数变化) ------------------------------------------------------------------

LEFT_STATUSES = ("lapsed", "transferred_out")
FLOWS = ("joined", "transferred_in", "transferred_out", "left")


def month_starts(today: date, months: int) -> list[date]:
    """The first days of the last `months` months, oldest first, the month of `today` last."""
    index = today.year * 12 + today.month - 1
    return [date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def _month_key(col: Any) -> Any:
    # A literal, not a bound parameter: GROUP BY must repeat the select's expression exactly.
    return func.to_char(col, literal_column("'YYYY-MM'"))


def _member_flow_rows(tid: int, path: str, start: date, today: date, *, whole_tenant: bool) -> list[Any]:
    """Joins, leaves and today's members of a subtree in one grouped pass, as GROUPING SETS rows:
    `g = 1`: members per join day (`jd`); `g = 2`: members per leave day (`ld`); `g = 3`: the total,
    with `active` (today's members) and `unknown` (of those, without a join date). Days rather than
    months keep the per-row work to date comparisons; Python folds the days into months.

    For the whole county every member counts, so nothing is joined. For a subtree there are two
    parts: A) members whose union is in the subtree now (joins when they were never transferred or
    their first union is in the subtree too; leaves; today's number), and B) members elsewhere now
    whose first union was in the subtree (their joins only)."""
    joined_in_window = and_(Member.join_date >= start, Member.join_date <= today)
    start_ts = day_start(start)
    leave_day = case((and_(Member.status.in_(LEFT_STATUSES), Member.updated_at >= start_ts),
                      cast(func.timezone(CHINA_TZ.key, Member.updated_at), Date)))
    columns = (leave_day.label("ld"), (Member.status == "active").label("active"),
               Member.join_date.is_(None).label("no_join"))
    if whole_tenant:
        rows = (select(case((joined_in_window, Member.join_date)).label("jd"), *columns)
                .where(Member.tenant_id == tid)).subquery()
    else:
        # The subtree's orgs as a list of ids: the planner then knows how many members to expect and
        # walks ix_members_org for a small union instead of scanning the county.
        org_ids = list(db.session.execute(_subtree_org_ids(tid, path)).scalars())
        touching = (select(MemberTransfer.member_id)
                    .where(MemberTransfer.tenant_id == tid,
                           or_(MemberTransfer.from_org_id.in_(org_ids), MemberTransfer.to_org_id.in_(org_ids))))
        # A member joined the union it was in before its first transfer (its current one if never
        # moved). Only members whose transfers touch the subtree can matter: one now in it arrived by
        # a transfer into it, one that left it was first in it.
        first = (
            select(MemberTransfer.member_id, MemberTransfer.from_org_id)
            .where(MemberTransfer.tenant_id == tid, MemberTransfer.member_id.in_(touching))
            .ext(distinct_on(MemberTransfer.member_id))
            .order_by(MemberTransfer.member_id, MemberTransfer.transfer_date, MemberTransfer.id)
        ).cte("first_union")
        first_in = or_(first.c.member_id.is_(None), first.c.from_org_id.in_(org_ids))
        part_a = (
            select(case((and_(joined_in_window, first_in), Member.join_date)).label("jd"), *columns)
            .select_from(Org)
            .join(Member, and_(Member.tenant_id == tid, Member.org_id == Org.id))
            .outerjoin(first, first.c.member_id == Member.id)
            .where(Org.tenant_id == tid, Org.id.in_(org_ids))
        )
        earlier = aliased(MemberTransfer)
        first_from_inside = (
            select(MemberTransfer.member_id)
            .where(MemberTransfer.tenant_id == tid, MemberTransfer.from_org_id.in_(org_ids),
                   ~select(earlier.id).where(
                       earlier.tenant_id == tid, earlier.member_id == MemberTransfer.member_id,
                       or_(earlier.transfer_date < MemberTransfer.transfer_date,
                           and_(earlier.transfer_date == MemberTransfer.transfer_date,
                                earlier.id < MemberTransfer.id))).exists())
        ).subquery()
        # LATERAL … LIMIT 1 (not flattened into a join): look the few members up by id rather than
        # let the planner scan the county for them.
        moved = (select(Member.join_date, Member.org_id)
                 .where(Member.tenant_id == tid, Member.id == first_from_inside.c.member_id)
                 .limit(1)).lateral("moved")
        part_b = (
            select(moved.c.join_date.label("jd"), null().label("ld"), false().label("active"), false().label("no_join"))
            .select_from(first_from_inside)
            .join(moved, true())
            .where(moved.c.org_id.not_in(org_ids), moved.c.join_date >= start, moved.c.join_date <= today)
        )
        rows = union_all(part_a, part_b).subquery()
    stmt = (
        select(rows.c.jd, rows.c.ld, func.grouping(rows.c.jd, rows.c.ld).label("g"), func.count().label("n"),
               func.count().filter(rows.c.active).label("active"),
               func.count().filter(and_(rows.c.active, rows.c.no_join)).label("unknown"))
        .group_by(func.grouping_sets(tuple_(rows.c.jd), tuple_(rows.c.ld), tuple_()))
    )
    return list(db.session.execute(stmt).mappings())


def _transfer_rows(tid: int, path: str, start: date, today: date) -> list[Any]:
    src, dst = aliased(Org), aliased(Org)
    src_in, dst_in = subtree_clause(src.path, path), subtree_clause(dst.path, path)
    stmt = (
        select(_month_key(MemberTransfer.transfer_date).label("month"),
               func.count().filter(and_(dst_in, ~src_in)).label("transferred_in"),
               func.count().filter(and_(src_in, ~dst_in)).label("transferred_out"))
        .select_from(MemberTransfer)
        .join(src, and_(src.tenant_id == tid, src.id == MemberTransfer.from_org_id))
        .join(dst, and_(dst.tenant_id == tid, dst.id == MemberTransfer.to_org_id))
        .where(MemberTransfer.tenant_id == tid, MemberTransfer.transfer_date >= start,
               MemberTransfer.transfer_date <= today, or_(src_in, dst_in))
        .group_by(_month_key(MemberTransfer.transfer_date))
    )
    return list(db.session.execute(stmt).mappings())


def members_over_time(ctx: RequestContext, org_id: int | None = None, months: int = 24, *,
                      today: date | None = None) -> dict[str, Any]:
    """Monthly member flows of a subtree (会员人数变化) over the last `months` months, the current one
    included (Beijing time), and the number of active members at the end of each month.

    What the data lets us count, per month, for the subtree under `org_id` (default: the user's scope):

    * **joined (入会)**: members whose `join_date` falls in the month and whose first union lies in the
      subtree. The first union is the `from_org` of the member's earliest transfer, or its current
      union if it was never transferred, so a later transfer away does not move the join elsewhere.
      Members without a join date are never counted as joins (`unknown_join_date` says how many of
      today's members that is): they are taken to have been members since before the first month.
    * **transferred_in / transferred_out (转入 / 转出)**: organisational-relation transfers dated in the
      month (`transfer_date`) that cross the subtree's boundary. Transfers inside the subtree (or
      inside the county, for the whole county) change nothing here.
    * **left (退会)**: members whose status is now `lapsed` (退会) or `transferred_out` (转出本县) and
      whose union lies in the subtree, dated by the record's last change (`updated_at`). No leave date
      is recorded, and a lapsed member's record is normally not edited afterwards, so the last change
      is the lapse; an edit made later moves the leave to that later month. A member who lapsed and
      was re-activated counts as active and never as left.
    * **net** = joined + transferred_in − transferred_out − left.
    * **members_end**: today's active members for the current month; each earlier month's end is the
      next month's end minus the next month's net. `members_start` is the number before the first
      month. Figures are exact when every join has a date and every leave was the last change of
      the record; otherwise they are the best reconstruction the register allows.

    Two grouped queries (members, transfers), set-based; for a subtree the members are reached through
    its orgs. Days are folded into months in Python.
    """
    node = report_root(ctx, org_id)
    tid = current_tenant_id()
    today = today or china_today()
    starts = month_starts(today, months)
    start = starts[0]
    flows: dict[str, Counter[str]] = {f: Counter() for f in FLOWS}
    members_now = unknown_join = 0
    # The county's top org (its only root) holds every member: no need to join the org tree.
    whole_tenant = node.parent_id is None and db.session.execute(
        select(func.count()).select_from(Org).where(Org.tenant_id == tid, Org.parent_id.is_(None))).scalar() == 1
    for r in _member_flow_rows(tid, node.path, start, today, whole_tenant=whole_tenant):
        if r["g"] == 1 and r["jd"] is not None:
            flows["joined"][r["jd"].strftime("%Y-%m")] += int(r["n"])
        elif r["g"] == 2 and r["ld"] is not None:
            flows["left"][r["ld"].strftime("%Y-%m")] += int(r["n"])
        elif r["g"] == 3:
            members_now, unknown_join = int(r["active"]), int(r["unknown"])
    for r in _transfer_rows(tid, node.path, start, today):
        flows["transferred_in"][r["month"]] += int(r["transferred_in"])
        flows["transferred_out"][r["month"]] += int(r["transferred_out"])

    series: list[dict[str, Any]] = []
    for first_day in starts:
        key = first_day.strftime("%Y-%m")
        point = {f: flows[f][key] for f in FLOWS}
        point["net"] = point["joined"] + point["transferred_in"] - point["transferred_out"] - point["left"]
        series.append({"month": key, **point})
    end = members_now
    for point in reversed(series):
        point["members_end"] = end
        end -= point["net"]
    totals = {f: sum(p[f] for p in series) for f in (*FLOWS, "net")}
    return {"org": _org_ref(node), "as_of": today, "months": months, "members_now": members_now,
            "members_start": end, "unknown_join_date": unknown_join, "totals": totals, "series": series}
