"""References typed into a sheet (所属工会, 所在乡镇, 工作单位) resolved inside the user's scope."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_

from ....core.cnid import InvalidCreditCode, normalize_text, parse_uscc
from ....core.security import RequestContext
from ....core.spreadsheets.cells import as_text
from ....extensions import db
from ..models import ORG_TYPES, Employer, Org
from ..repository import EmployerRepository, OrgRepository


def name_key(value: str) -> str:
    """Names compare without spaces and with half-width brackets: ``XX镇 总工会（筹）`` = ``XX镇总工会(筹)``."""
    return re.sub(r"\s+", "", normalize_text(value)).replace("（", "(").replace("）", ")")


def _as_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = as_text(value)
    return int(text) if text.isdigit() and len(text) <= 18 else None


@dataclass(frozen=True)
class OrgRef:
    id: int
    name: str
    org_type: str
    path: str


class OrgIndex:
    """The orgs of the user's subtree by id, name and short name (one query, loaded once per import)."""

    def __init__(self, ctx: RequestContext) -> None:
        stmt = OrgRepository().scoped(ctx).with_only_columns(Org.id, Org.name, Org.short_name, Org.org_type, Org.path)
        self.by_id: dict[int, OrgRef] = {}
        self.by_name: dict[str, list[OrgRef]] = {}
        shorts: dict[str, list[OrgRef]] = {}
        for oid, name, short, org_type, path in db.session.execute(stmt.where(Org.is_active.is_(True))):
            ref = OrgRef(oid, name, org_type, path)
            self.by_id[oid] = ref
            self.by_name.setdefault(name_key(name), []).append(ref)
            if short:
                shorts.setdefault(name_key(short), []).append(ref)
        for key, refs in shorts.items():
            self.by_name.setdefault(key, refs)

    def resolve(self, value: Any, allowed_types: Iterable[str], what: str) -> tuple[OrgRef | None, str | None]:
        """(org, None) or (None, a Chinese message)."""
        allowed = frozenset(allowed_types)
        oid = _as_id(value)
        text = as_text(value)
        if oid is not None and oid in self.by_id:
            candidates = [self.by_id[oid]]
        else:
            candidates = self.by_name.get(name_key(text), [])
        if not candidates:
            return None, f"“{text[:40]}”不存在或不在您的管辖范围内"
        fitting = [c for c in candidates if c.org_type in allowed]
        if not fitting:
            kinds = "、".join(sorted({ORG_TYPES.get(t, t) for t in allowed}))
            return None, f"“{text[:40]}”是{ORG_TYPES.get(candidates[0].org_type, '')}，{what}应为{kinds}"
        if len(fitting) > 1:
            ids = "、".join(str(c.id) for c in fitting[:5])
            return None, f"名称“{text[:40]}”对应多个组织（编号{ids}），请改填组织编号"
        return fitting[0], None


@dataclass(frozen=True)
class EmployerRef:
    id: int
    name: str
    credit_code: str


def employers_by_reference(ctx: RequestContext, values: Iterable[Any]) -> dict[str, list[EmployerRef]]:
    """Employers in the user's scope matching the given names or credit codes, keyed by ``name_key``
    of the name and by the code (one query per chunk)."""
    codes, names = set(), set()
    for v in values:
        try:
            codes.add(parse_uscc(v).code)
        except InvalidCreditCode:
            names.add(as_text(v))
    out: dict[str, list[EmployerRef]] = {}
    if not codes and not names:
        return out
    conds = []
    if codes:
        conds.append(Employer.credit_code.in_(codes))
    if names:
        conds.append(Employer.name.in_(names))
    stmt = EmployerRepository().scoped(ctx).with_only_columns(Employer.id, Employer.name, Employer.credit_code)
    for eid, name, code in db.session.execute(stmt.where(or_(*conds))):
        ref = EmployerRef(eid, name, code)
        out.setdefault(code, []).append(ref)
        out.setdefault(name_key(name), []).append(ref)
    return out


def resolve_employer(found: dict[str, list[EmployerRef]], value: Any) -> tuple[EmployerRef | None, str | None]:
    try:
        key = parse_uscc(value).code
    except InvalidCreditCode:
        key = name_key(as_text(value))
    refs = {r.id: r for r in found.get(key, [])}
    if not refs:
        return None, f"“{as_text(value)[:40]}”不存在或不在您的管辖范围内，请先登记（导入）该单位"
    if len(refs) > 1:
        return None, f"名称“{as_text(value)[:40]}”对应多个单位，请改填统一社会信用代码"
    return next(iter(refs.values())), None


