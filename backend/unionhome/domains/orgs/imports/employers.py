"""Employer import (法人单位台账): one row per employer, natural key = the unified social credit code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.orm import Session

from ....core.security import RequestContext
from ....core.spreadsheets import CellError, Column, ParsedRow
from ....core.spreadsheets import cells as c
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.permissions import EMPLOYERS_WRITE
from ..models import OWNERSHIP_TYPES, UNION_STATUSES, Employer
from ..repository import EmployerRepository
from ..schemas import PHONE
from ..services.employers import COVERING_TYPES, TOWNSHIP_TYPES, employer_rule_errors
from . import repository as sql
from .definition import ImportDefinition, digest
from .refs import OrgIndex

_LEN = {col: Employer.__table__.c[col].type.length
        for col in ("name", "sector", "address", "legal_representative", "contact_phone")}

OWNERSHIP_SYNONYMS = {
    "国企": "state_owned", "国有": "state_owned", "国有独资": "state_owned", "国有控股": "state_owned",
    "集体": "collective", "民营企业": "private", "民营": "private", "私营": "private", "私企": "private",
    "有限责任公司": "private", "股份有限公司": "private", "外资": "foreign", "外资企业": "foreign", "中外合资": "foreign",
    "外商独资": "foreign", "港澳台": "hk_macao_taiwan", "港澳台企业": "hk_macao_taiwan", "个体": "individual",
    "个体户": "individual", "党政机关": "agency", "行政机关": "agency", "事业": "public_institution",
    "社会团体": "social_org", "民办非企业单位": "social_org", "社团": "social_org", "合作社": "cooperative",
    "专业合作社": "cooperative",
}
UNION_STATUS_SYNONYMS = {
    "已建会": "founded", "单独建会": "founded", "独立建会": "founded", "是": "founded", "已建": "founded",
    "联合建会": "covered_by_joint", "联合建会覆盖": "covered_by_joint", "联建": "covered_by_joint",
    "否": "not_founded", "未建": "not_founded", "未组建": "not_founded",
}


def _phone(max_length: int) -> c.Parser:
    base = c.text(max_length)

    def parse(value: Any) -> str:
        out = base(value)
        try:
            for validator in PHONE:
                validator(out)
        except ma.ValidationError:
            raise CellError("电话号码格式不正确") from None
        return out

    return parse


COLUMNS: tuple[Column, ...] = (
    Column("name", "单位名称", ("企业名称", "单位全称", "用人单位", "用人单位名称", "法人单位名称", "名称", "企业（单位）名称"),
           required=True, parse=c.text(_LEN["name"])),
    Column("credit_code", "统一社会信用代码", ("信用代码", "社会信用代码", "统一代码", "统一社会信用代码证号", "社会统一信用代码"),
           required=True, parse=c.credit_code()),
    Column("ownership_type", "单位性质", ("企业性质", "经济类型", "单位类型", "所有制性质", "登记注册类型", "经济性质"),
           parse=c.choice(OWNERSHIP_TYPES, synonyms=OWNERSHIP_SYNONYMS)),
    Column("sector", "所属行业", ("行业", "行业类别", "行业分类", "国民经济行业"), parse=c.text(_LEN["sector"])),
    Column("staff_count", "职工人数", ("职工总数", "从业人数", "员工人数", "在岗职工人数", "职工数", "从业人员数"),
           parse=c.integer(0, 1_000_000)),
    Column("women_count", "女职工人数", ("女职工数", "其中女职工", "女职工"), parse=c.integer(0, 1_000_000)),
    Column("migrant_count", "农民工人数", ("农民工数", "其中农民工", "农民工"), parse=c.integer(0, 1_000_000)),
    Column("address", "单位地址", ("地址", "注册地址", "经营地址", "详细地址", "住所"), parse=c.text(_LEN["address"])),
    Column("legal_representative", "法定代表人", ("法人代表", "法人", "负责人", "法定代表人（负责人）"),
           parse=c.text(_LEN["legal_representative"])),
    Column("contact_phone", "联系电话", ("电话", "联系方式", "办公电话", "单位电话"), parse=_phone(_LEN["contact_phone"])),
    Column("township", "所在乡镇（街道）", ("所在乡镇", "乡镇（街道）", "所属乡镇", "所属街道", "乡镇街道", "镇街", "所在街道",
                                    "所属乡镇（街道）"), parse=c.text(200)),
    Column("covering", "所属工会", ("覆盖工会", "工会名称", "所在工会", "建会名称", "基层工会名称"), parse=c.text(200)),
    Column("union_status", "建会状态", ("建会情况", "是否建会", "建会方式"),
           parse=c.choice(UNION_STATUSES, synonyms=UNION_STATUS_SYNONYMS)),
    Column("remark", "备注", ("说明",), parse=c.text(2000)),
)

COUNTS = ("staff_count", "women_count", "migrant_count")
PAYLOAD = ("is_new", "name", "ownership_type", "sector", "staff_count", "women_count", "migrant_count", "address",
           "legal_representative", "contact_phone", "township_org_id", "union_status", "covering_org_id", "remark")


class EmployerImport(ImportDefinition):
    kind = "employers"
    label = "单位"
    columns = COLUMNS
    key_column = "credit_code"
    staging_table = "import_employer_rows"
    payload_columns = PAYLOAD
    write_permission = EMPLOYERS_WRITE

    def __init__(self, ctx: RequestContext, *, default_org_id: int | None = None) -> None:
        super().__init__(ctx, default_org_id=default_org_id)
        self.orgs = OrgIndex(ctx)
        self.tenant_id = current_tenant_id()

    def stage_chunk(self, rows: list[ParsedRow]) -> list[Sequence[Any]]:
        codes = {r.values["credit_code"] for r in rows if r.values["credit_code"]}
        existing, in_scope = self._existing(codes)
        staged: list[Sequence[Any]] = []
        for row in rows:
            v = row.values
            self._resolve(row)
            current = existing.get(v["credit_code"]) if v["credit_code"] else None
            if current is not None and current.id not in in_scope:
                row.error("credit_code", "该单位已由其他工会登记，不在您的管辖范围内，不能修改")
            merged = {k: (v[k] if v.get(k) is not None else getattr(current, k, None))
                      for k in ("staff_count", "women_count", "migrant_count", "union_status", "covering_org_id")}
            for field, message in employer_rule_errors(merged).items():
                row.error("covering" if field == "covering_org_id" else field, message)
            if current is None:
                if v["ownership_type"] is None:
                    row.error("ownership_type", "新登记的单位须填写单位性质")
                if v["staff_count"] is None:
                    row.error("staff_count", "新登记的单位须填写职工人数")
                if v["township_org_id"] is None and v["covering_org_id"] is None and not self.ctx.scope_is_root:
                    row.error("township", "请填写您管辖范围内的所在乡镇(街道)或所属工会")
            if not row.ok:
                continue
            payload = (current is None, v["name"], v["ownership_type"], v["sector"], v["staff_count"], v["women_count"],
                       v["migrant_count"], v["address"], v["legal_representative"], v["contact_phone"],
                       v["township_org_id"], v["union_status"], v["covering_org_id"], v["remark"])
            staged.append((row.number, v["credit_code"], digest(*payload[1:]), *payload))
        return staged

    def _resolve(self, row: ParsedRow) -> None:
        v = row.values
        v["township_org_id"] = v["covering_org_id"] = None
        if v["township"] is not None:
            org, message = self.orgs.resolve(v["township"], TOWNSHIP_TYPES, "所在乡镇（街道）")
            if message:
                row.error("township", message)
            v["township_org_id"] = org.id if org else None
        if v["covering"] is not None:
            org, message = self.orgs.resolve(v["covering"], COVERING_TYPES, "所属工会")
            if message:
                row.error("covering", message)
            elif org is not None:
                v["covering_org_id"] = org.id
                if v["union_status"] is None:  # a covering union says how the employer is unionised
                    v["union_status"] = "founded" if org.org_type == "grassroots" else "covered_by_joint"

    def _existing(self, codes: set[str]) -> tuple[dict[str, Any], set[int]]:
        if not codes:
            return {}, set()
        # plain rows, not ORM objects: nothing accumulates in the session over a million-row file
        stmt = select(Employer.id, Employer.credit_code, Employer.staff_count, Employer.women_count,
                      Employer.migrant_count, Employer.union_status, Employer.covering_org_id)
        found = {e.credit_code: e for e in db.session.execute(
            stmt.where(Employer.tenant_id == self.tenant_id, Employer.credit_code.in_(codes)))}
        scoped = EmployerRepository().scoped(self.ctx).with_only_columns(Employer.id)
        in_scope = set(db.session.execute(scoped.where(Employer.credit_code.in_(codes))).scalars())
        return found, in_scope

    def upsert(self, session: Session, tenant_id: int, batch_id: int, lo: int, hi: int) -> tuple[int, int]:
        return sql.upsert_employers(session, tenant_id, self.ctx, batch_id, lo, hi)
