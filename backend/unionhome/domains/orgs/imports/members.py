"""Member import (工会会员实名制登记): one row per member, natural key = the ID number (its HMAC)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ....core.cnid import IdNumber
from ....core.pii import get_cipher
from ....core.security import RequestContext
from ....core.spreadsheets import Column, ParsedRow
from ....core.spreadsheets import cells as c
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ...auth.permissions import MEMBERS_WRITE
from ..models import EMPLOYMENT_TYPES, Member, Org
from ..services.members import MEMBER_ORG_TYPES, duplicate_message, member_rule_errors
from . import repository as sql
from .definition import ImportDefinition, digest
from .refs import OrgIndex, employers_by_reference, resolve_employer

_LEN = {col: Member.__table__.c[col].type.length for col in ("name", "member_card_number")}

EMPLOYMENT_SYNONYMS = {"正式工": "regular", "合同工": "regular", "在编": "regular", "正式": "regular",
                       "派遣": "dispatched", "劳务派遣工": "dispatched", "派遣工": "dispatched",
                       "农民合同制工人": "migrant", "进城务工人员": "migrant", "灵活用工": "flexible",
                       "新就业形态劳动者": "flexible", "退休": "retired", "离休": "retired", "退休职工": "retired"}

COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", ("会员姓名", "职工姓名", "名字"), required=True, parse=c.person_name(_LEN["name"])),
    Column("id_number", "身份证号", ("身份证号码", "公民身份号码", "公民身份证号码", "居民身份证号码", "证件号码",
                                  "身份证", "身份证件号码", "证件号", "身份号码"), required=True, parse=c.id_number()),
    Column("gender", "性别", parse=c.choice({"M": "男", "F": "女"}, synonyms={"男性": "M", "女性": "F"})),
    Column("mobile", "手机", ("手机号", "手机号码", "联系电话", "联系方式", "移动电话", "电话", "电话号码"),
           parse=c.mobile()),
    Column("org", "所属工会", ("工会名称", "所在工会", "基层工会", "所属基层工会", "基层工会名称", "工会", "所属组织",
                           "组织名称", "所在基层工会", "工会组织"), parse=c.text(200)),
    Column("employer", "工作单位", ("单位名称", "所在单位", "工作单位名称", "单位", "用人单位", "就业单位"),
           parse=c.text(200)),
    Column("employer_code", "单位统一社会信用代码", ("工作单位统一社会信用代码", "单位信用代码", "统一社会信用代码",
                                             "信用代码"), parse=c.credit_code()),
    Column("join_date", "入会时间", ("入会日期", "入会年月日", "加入工会时间", "入会时间（年月日）"),
           parse=c.date_value()),
    Column("employment_type", "用工类型", ("用工形式", "用工性质", "职工类型", "用工方式", "身份类别"),
           parse=c.choice(EMPLOYMENT_TYPES, synonyms=EMPLOYMENT_SYNONYMS)),
    Column("member_card_number", "会员卡号", ("会员证号", "工会会员卡号", "会员卡号码", "会员证编号"),
           parse=c.code(_LEN["member_card_number"])),
    Column("remark", "备注", ("说明",), parse=c.text(2000)),
)

PAYLOAD = ("id_enc", "region_code", "last4", "birth_date", "gender", "name", "mobile", "org_id", "employer_id",
           "join_date", "employment_type", "member_card_number", "remark")


class MemberImport(ImportDefinition):
    kind = "members"
    label = "会员"
    columns = COLUMNS
    key_column = "id_number"
    staging_table = "import_member_rows"
    payload_columns = PAYLOAD
    write_permission = MEMBERS_WRITE

    def __init__(self, ctx: RequestContext, *, default_org_id: int | None = None) -> None:
        super().__init__(ctx, default_org_id=default_org_id)
        self.orgs = OrgIndex(ctx)
        self.cipher = get_cipher()
        self.tenant_id = current_tenant_id()

    def stage_chunk(self, rows: list[ParsedRow]) -> list[Sequence[Any]]:
        employers = employers_by_reference(
            self.ctx, [r.values[k] for r in rows for k in ("employer", "employer_code") if r.values.get(k)])
        hashes: dict[int, bytes] = {}
        for row in rows:
            self._check(row, employers)
            info: IdNumber | None = row.values["id_number"]
            if info is not None:
                hashes[row.number] = self.cipher.lookup_hash(self.tenant_id, "id_number", info.number)
        existing = self._existing(set(hashes.values()))
        staged: list[Sequence[Any]] = []
        for row in rows:
            if not row.ok:
                continue
            v, key = row.values, hashes[row.number]
            info = v["id_number"]
            found = existing.get(key)
            if found is not None and found[0] != v["org_id"]:
                row.error("id_number", duplicate_message(found[1], found[2]))
                continue
            enc = None if found is not None else self.cipher.encrypt(self.tenant_id, info.number)
            payload = (info.region_code, info.last4, info.birth_date, info.gender, v["name"], v["mobile"],
                       v["org_id"], v["employer_id"], v["join_date"], v["employment_type"], v["member_card_number"],
                       v["remark"])
            staged.append((row.number, key, digest(*payload), enc, *payload))
        return staged

    def _check(self, row: ParsedRow, employers: Any) -> None:
        v = row.values
        info: IdNumber | None = v["id_number"]
        for field, rule_message in member_rule_errors(info.birth_date if info else None, v["join_date"]).items():
            row.error(field, rule_message)
        if info is not None and v["gender"] is not None and v["gender"] != info.gender:
            row.error("gender", "性别与身份证号不符")
        v["org_id"] = None
        if v["org"] is not None:
            org, message = self.orgs.resolve(v["org"], MEMBER_ORG_TYPES, "所属工会")
            if message:
                row.error("org", message)
            else:
                v["org_id"] = org.id if org else None
        elif self.default_org_id is not None:
            v["org_id"] = self.default_org_id
        elif "org" not in row.cells:
            row.error("org", "请填写所属工会（或上传时选择默认的所属工会）")
        v["employer_id"] = None
        ref_value = v["employer_code"] or v["employer"]
        if ref_value is not None:
            employer, message = resolve_employer(employers, ref_value)
            if message:
                row.error("employer_code" if v["employer_code"] else "employer", message)
            elif employer is not None:
                v["employer_id"] = employer.id

    def _existing(self, hashes: set[bytes]) -> dict[bytes, tuple[int, str, str | None]]:
        """Members of the tenant already registered with these ID numbers: hash → (org id, name, org name)."""
        if not hashes:
            return {}
        stmt = (select(Member.id_number_hash, Member.org_id, Member.name, Org.name)
                .join(Org, (Org.tenant_id == Member.tenant_id) & (Org.id == Member.org_id))
                .where(Member.tenant_id == self.tenant_id, Member.id_number_hash.in_(hashes)))
        return {bytes(h): (oid, name, org_name) for h, oid, name, org_name in db.session.execute(stmt)}

    def upsert(self, session: Session, tenant_id: int, batch_id: int, lo: int, hi: int) -> tuple[int, int]:
        return sql.upsert_members(session, tenant_id, self.ctx, batch_id, lo, hi)
