"""Import of an existing hardship file (困难职工档案) from the spreadsheets federations keep, through the
import framework (`domains/orgs/imports`: dry run, annotated workbook, all-or-nothing or valid-only
commit, idempotent re-import). One row per household; natural key: the head's ID number (its HMAC).

The same checks as the API: valid ID and bank card numbers, the union in the user's scope, category and
causes from the code lists, a household size (家庭人口; three when blank), incomes that agree with each
other (家庭月总收入 / 人均月收入), a policy in force on the filing day and a rule of it met, and one open file
per person in the county (a head already in another union's open file, as head or member, is refused
with the union and the file number, as is one with an application still pending). A row whose head
already has a filed household in the same union updates it; re-importing the same file changes nothing.

Imported households are filed (source "import") on their 建档日期; their next review falls on the next
anniversary of filing (by the policy's interval) on or after the day of the import, since when they
were last reviewed is not known.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import and_, select, text
from sqlalchemy.orm import Session

from ...core.clock import today as china_today
from ...core.cnid import IdNumber, normalize_code
from ...core.pii import get_cipher
from ...core.security import RequestContext
from ...core.spreadsheets import Column, ParsedRow
from ...core.spreadsheets import cells as c
from ...core.spreadsheets.errors import CellError
from ...core.tenancy import current_tenant_id
from ...extensions import db
from ..auth.permissions import HARDSHIP_APPROVE
from ..orgs.imports.definition import ImportDefinition, digest
from ..orgs.imports.refs import OrgIndex
from ..orgs.models import ORG_TYPES, Org
from .eligibility import HouseholdFacts, add_months, assess, per_capita, yuan
from .models import (
    CATEGORIES,
    CAUSES,
    MARITAL_STATUSES,
    HardshipActivePerson,
    HardshipHousehold,
    HardshipPolicy,
)
from .services.people import Person, conflict_message

MAX_YUAN = Decimal(100_000_000)

CATEGORY_SYNONYMS = {
    "劳模": "model_worker", "困难劳动模范": "model_worker", "困难劳模家庭": "model_worker",
    "特困": "extreme", "特困职工家庭": "extreme", "特困户": "extreme",
    "一般困难": "ordinary", "困难职工家庭": "ordinary", "困难户": "ordinary", "一般困难职工": "ordinary",
    "农民工": "migrant", "困难农民工家庭": "migrant",
    "下岗职工": "laid_off", "失业职工": "laid_off", "下岗": "laid_off", "失业": "laid_off", "下岗失业职工": "laid_off",
    "派遣": "dispatched", "派遣职工": "dispatched", "劳务派遣": "dispatched",
}
CAUSE_SYNONYMS = {
    "大病": "major_illness", "重病": "major_illness", "重大疾病": "major_illness", "患病": "major_illness",
    "因病": "major_illness", "疾病": "major_illness", "因病致困": "major_illness",
    "灾害": "disaster", "意外": "disaster", "事故": "disaster", "意外伤害": "disaster", "因灾": "disaster",
    "残疾": "disability", "因残": "disability", "单亲": "single_parent", "单亲家庭": "single_parent",
    "子女上学": "schooling", "上学": "schooling", "因学": "schooling", "学费": "schooling", "子女教育": "schooling",
    "失业": "unemployment", "下岗": "unemployment", "失业下岗": "unemployment", "下岗失业": "unemployment",
    "收入低": "low_income", "低收入": "low_income", "收入偏低": "low_income", "其他": "other",
}
MARITAL_SYNONYMS = {"离婚": "divorced", "离异": "divorced", "丧偶": "widowed", "已婚": "married", "未婚": "unmarried"}
_CAUSE = c.choice(CAUSES, synonyms=CAUSE_SYNONYMS)


def causes_list() -> c.Parser:
    """致困原因: one or several, separated by 、，,；; / or spaces."""

    def parse(value: Any) -> list[str]:
        parts = [p for p in re.split(r"[、,，;；/\s]+", c.as_text(value)) if p]
        if not parts:
            raise CellError("请填写致困原因")
        return list(dict.fromkeys(_CAUSE(p) for p in parts))

    return parse


def money_yuan() -> c.Parser:
    """An amount in yuan (``1,234.5``, ``1234.50元``, a number cell) → integer fen."""

    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise CellError("应为金额（元）")
        if isinstance(value, int | float):
            amount = Decimal(str(value))
        else:
            raw = c.as_text(value).strip()
            if raw[:1] in ("-", "－", "−"):
                raise CellError("金额不能为负数")
            s = normalize_code(raw).replace(",", "").removesuffix("元").removeprefix("¥")
            try:
                amount = Decimal(s)
            except InvalidOperation:
                raise CellError("应为金额（元），如 1200 或 1200.50") from None
        if not amount.is_finite() or amount < 0 or amount >= MAX_YUAN:
            raise CellError("金额应在0到1亿元之间")
        fen = amount * 100
        if fen != fen.to_integral_value():
            raise CellError("金额最多保留两位小数")
        return int(fen)

    return parse


COLUMNS: tuple[Column, ...] = (
    Column("file_no", "档案编号", ("档案号", "建档编号", "编号"), parse=c.code(30)),
    Column("name", "姓名", ("户主姓名", "职工姓名", "困难职工姓名", "户主"), required=True, parse=c.person_name(60)),
    Column("id_number", "身份证号", ("身份证号码", "公民身份号码", "居民身份证号码", "证件号码", "身份证"), required=True,
           parse=c.id_number()),
    Column("employer", "工作单位", ("单位", "单位名称", "工作单位名称", "所在单位"), parse=c.text(200)),
    Column("category", "困难类别", ("困难类型", "类别", "困难职工类别"), required=True,
           parse=c.choice(CATEGORIES, synonyms=CATEGORY_SYNONYMS)),
    Column("causes", "致困原因", ("困难原因", "致困原因（可多选）", "主要致困原因"), required=True, parse=causes_list()),
    Column("household_size", "家庭人口", ("家庭人数", "家庭成员人数", "人口数", "家庭人口数"),
           parse=c.integer(1, 21, units="人口个")),
    Column("household_income", "家庭月总收入", ("家庭月收入", "月总收入", "家庭总收入（月）", "家庭收入"), parse=money_yuan()),
    Column("per_capita", "人均月收入", ("家庭人均月收入", "人均收入", "月人均收入"), parse=money_yuan()),
    Column("medical", "自负医药费", ("本年自负医药费", "自付医药费", "医药费"), parse=money_yuan()),
    Column("loss", "灾害损失", ("灾害财产损失", "财产损失"), parse=money_yuan()),
    Column("marital", "婚姻状况", ("婚否",), parse=c.choice(MARITAL_STATUSES, synonyms=MARITAL_SYNONYMS)),
    Column("mobile", "联系电话", ("手机", "手机号", "手机号码", "电话", "联系方式"), parse=c.mobile()),
    Column("address", "家庭住址", ("住址", "家庭地址", "居住地址"), parse=c.text(200)),
    Column("bank_card", "银行卡号", ("卡号", "帮扶卡号", "发放卡号", "银行账号", "账号"), parse=c.bank_card()),
    Column("bank_name", "开户行", ("开户银行", "银行", "开户行名称"), parse=c.text(60)),
    Column("filed_on", "建档日期", ("建档时间", "建档年月", "入档日期"), required=True, parse=c.date_value()),
    Column("org", "所在工会", ("所属工会", "工会名称", "基层工会", "所在基层工会", "推荐工会"), required=True, parse=c.text(200)),
    Column("remark", "备注", ("说明",), parse=c.text(2000)),
)

PAYLOAD = ("existing_id", "id_enc", "region_code", "last4", "birth_date", "gender", "name", "org_id", "file_no",
           "employer_name", "category", "causes", "marital_status", "household_size", "household_income_fen",
           "per_capita_income_fen", "self_paid_medical_fen", "disaster_loss_fen", "mobile", "address", "bank_card_enc",
           "bank_card_hash", "bank_card_last4", "bank_name", "filed_on", "next_review_due", "policy_id", "rule_code",
           "remark")


def next_review(filed_on: date, interval_months: int, today: date) -> date:
    """The first review date (filing + k × interval, k ≥ 1) on or after `today`."""
    k = 1
    due = add_months(filed_on, interval_months)
    while due < today:
        k += 1
        due = add_months(filed_on, interval_months * k)
    return due


class HardshipImport(ImportDefinition):
    kind = "hardship_households"
    label = "困难职工档案"
    columns = COLUMNS
    key_column = "id_number"
    staging_table = "import_hardship_rows"
    payload_columns = PAYLOAD
    write_permission = HARDSHIP_APPROVE  # importing files is filing them (建档), the federation's act

    def __init__(self, ctx: RequestContext, *, default_org_id: int | None = None) -> None:
        super().__init__(ctx, default_org_id=default_org_id)
        self.orgs = OrgIndex(ctx)
        self.cipher = get_cipher()
        self.tenant_id = current_tenant_id()
        self.today = china_today()
        self.policies = list(db.session.execute(
            select(HardshipPolicy).where(HardshipPolicy.tenant_id == self.tenant_id)
            .order_by(HardshipPolicy.effective_from.desc())).scalars())

    def policy_on(self, day: date) -> HardshipPolicy | None:
        return next((p for p in self.policies if p.effective_from <= day), None)

    def stage_chunk(self, rows: list[ParsedRow]) -> list[Sequence[Any]]:
        hashes: dict[int, bytes] = {}
        for row in rows:
            info: IdNumber | None = row.values["id_number"]
            if info is not None:
                hashes[row.number] = self.cipher.lookup_hash(self.tenant_id, "id_number", info.number)
        holders = self._holders(set(hashes.values()))
        file_nos = self._file_nos({r.values["file_no"] for r in rows if r.values.get("file_no")})
        staged: list[Sequence[Any]] = []
        for row in rows:
            payload = self._check(row, hashes.get(row.number), holders, file_nos)
            if payload is None or not row.ok:
                continue
            staged.append((row.number, hashes[row.number], digest(*payload[2:]), *payload))
        return staged

    def _check(self, row: ParsedRow, key: bytes | None, holders: dict[bytes, tuple[Any, Any, str]],
               file_nos: dict[str, bytes]) -> tuple[Any, ...] | None:
        v = row.values
        info: IdNumber | None = v["id_number"]
        org_id = None
        if v["org"] is not None:
            org, message = self.orgs.resolve(v["org"], ORG_TYPES, "所在工会")
            if message:
                row.error("org", message)
            else:
                org_id = org.id if org else None
        filed_on: date | None = v["filed_on"]
        if filed_on is not None and filed_on > self.today:
            row.error("filed_on", "建档日期不能晚于今天")
        size = v["household_size"] or 3
        total, each = v["household_income"], v["per_capita"]
        if total is None and each is None:
            row.error("household_income", "请填写家庭月总收入或人均月收入")
            return None
        if total is None:
            total = each * size
        computed = per_capita(total, size)
        if each is not None and abs(each - computed) > 100:
            row.error("per_capita", f"人均月收入{yuan(each)}与家庭月总收入{yuan(total)}÷家庭人口{size}人（{yuan(computed)}）"
                                    "不一致")
            return None
        policy = self.policy_on(filed_on) if filed_on else None
        if filed_on is not None and policy is None:
            row.error("filed_on", f"{filed_on.isoformat()}没有生效的帮扶政策，无法按标准认定；请先设置帮扶政策")
        rule_code = None
        if policy is not None and v["causes"]:
            result = assess(HouseholdFacts(computed, size, v["causes"], v["medical"] or 0, v["loss"] or 0), [], policy)
            if not result.met:
                row.error("per_capita" if "per_capita" in row.cells else "household_income",
                          f"不符合建档标准：{result.explanation_zh}")
            rule_code = result.rule_code
        existing_id = None
        if key is not None and key in holders:
            claim, household, org_name = holders[key]
            if claim.role == "head" and household.org_id == org_id and household.status == "filed":
                existing_id = household.id
            else:
                person = Person("id_number", v["name"] or "", key, info.last4 if info else "", "head")
                row.error("id_number", conflict_message(person, household, org_name))
        if v["file_no"] and key is not None and file_nos.get(v["file_no"], key) != key:
            row.error("file_no", f"档案编号{v['file_no']}已被另一户使用")
        if not row.ok or info is None or key is None or filed_on is None or policy is None:
            return None
        bank: tuple[Any, Any, Any] = (None, None, None)
        if v["bank_card"]:
            number = v["bank_card"]
            bank = (self.cipher.encrypt(self.tenant_id, number),
                    self.cipher.lookup_hash(self.tenant_id, "bank_card", number), number[-4:])
        id_enc = None if existing_id else self.cipher.encrypt(self.tenant_id, info.number)
        return (existing_id, id_enc, info.region_code, info.last4, info.birth_date, info.gender, v["name"], org_id,
                v["file_no"], v["employer"], v["category"], ",".join(v["causes"]), v["marital"] or "married", size,
                total, computed, v["medical"] or 0, v["loss"] or 0, v["mobile"], v["address"], *bank, v["bank_name"],
                filed_on, next_review(filed_on, policy.review_interval_months, self.today), policy.id, rule_code,
                v["remark"])

    def _holders(self, hashes: set[bytes]) -> dict[bytes, tuple[Any, Any, str]]:
        """Open files holding these people: hash → (claim, household, union name)."""
        if not hashes:
            return {}
        tid = self.tenant_id
        stmt = (select(HardshipActivePerson, HardshipHousehold, Org.name)
                .join(HardshipHousehold, and_(HardshipHousehold.tenant_id == tid,
                                              HardshipHousehold.id == HardshipActivePerson.household_id))
                .join(Org, and_(Org.tenant_id == tid, Org.id == HardshipHousehold.org_id))
                .where(HardshipActivePerson.tenant_id == tid, HardshipActivePerson.id_hash.in_(hashes)))
        return {bytes(claim.id_hash): (claim, household, name) for claim, household, name in db.session.execute(stmt)}

    def _file_nos(self, numbers: set[str]) -> dict[str, bytes]:
        if not numbers:
            return {}
        stmt = select(HardshipHousehold.file_no, HardshipHousehold.head_id_hash).where(
            HardshipHousehold.tenant_id == self.tenant_id, HardshipHousehold.file_no.in_(numbers))
        return {n: bytes(h) for n, h in db.session.execute(stmt)}

    def upsert(self, session: Session, tenant_id: int, batch_id: int, lo: int, hi: int) -> tuple[int, int]:
        return upsert_households(session, tenant_id, self.ctx, batch_id, lo, hi)


UPDATABLE = ("head_name", "employer_name", "category", "causes", "marital_status", "household_size",
             "household_income_fen", "per_capita_income_fen", "self_paid_medical_fen", "disaster_loss_fen", "mobile",
             "address", "bank_card_enc", "bank_card_hash", "bank_card_last4", "bank_name", "rule_code", "remark")
_COMPARED = tuple(c for c in UPDATABLE if c not in ("bank_card_enc",))  # the HMAC tells a card change


def upsert_households(session: Session, tenant_id: int, actor: Any, batch_id: int, lo: int, hi: int
                      ) -> tuple[int, int]:
    """Update the open files the rows match (same head, same union), then file the new households with
    their claim on the head, for the staged rows ``lo`` ≤ row < ``hi``; one audit row per created or
    changed household. Returns (created, updated); running it again for the same rows changes nothing."""
    params = {"tid": tenant_id, "bid": batch_id, "lo": lo, "hi": hi, "uid": getattr(actor, "user_id", None),
              "uname": getattr(actor, "username", None)}
    rows = ("(SELECT * FROM import_hardship_rows WHERE tenant_id = :tid AND batch_id = :bid AND ok "
            "AND row_no >= :lo AND row_no < :hi)")
    source = {col: f"t.{col}" for col in UPDATABLE}
    source["head_name"] = "t.name"
    source["causes"] = "string_to_array(t.causes, ',')::varchar[]"
    source["bank_card_enc"] = "COALESCE(t.bank_card_enc, h.bank_card_enc)"
    source["bank_card_hash"] = "COALESCE(t.bank_card_hash, h.bank_card_hash)"
    source["bank_card_last4"] = "COALESCE(t.bank_card_last4, h.bank_card_last4)"
    for col in ("employer_name", "mobile", "address", "bank_name", "remark"):
        source[col] = f"COALESCE(t.{col}, h.{col})"
    sets = ", ".join(f"{col} = {source[col]}" for col in UPDATABLE)
    old = ", ".join(f"h.{col}" for col in _COMPARED)
    new = ", ".join(source[col] for col in _COMPARED)
    changes = ", ".join(f"'{col}', CASE WHEN o.{col} IS DISTINCT FROM h.{col} THEN jsonb_build_array(o.{col}, h.{col}) END"
                        for col in _COMPARED if not col.startswith("bank_card"))
    updated = session.execute(text(f"""
        WITH upd AS (
            UPDATE hardship_households h SET {sets}, version = h.version + 1, updated_at = now()
            FROM {rows} t, hardship_households o
            WHERE h.tenant_id = :tid AND h.id = t.existing_id AND h.status IN ('candidate', 'verified', 'filed')
              AND o.tenant_id = h.tenant_id AND o.id = h.id AND ({old}) IS DISTINCT FROM ({new})
            RETURNING h.id, jsonb_strip_nulls(jsonb_build_object({changes})) AS changes
        )
        INSERT INTO audit_log (tenant_id, actor_user_id, actor_name, action, entity_type, entity_id, changes)
        SELECT :tid, :uid, :uname, 'hardship.household.import_update', 'hardship_household', id,
               changes || jsonb_build_object('import_id', :bid) FROM upd
    """), params).rowcount  # type: ignore[attr-defined]
    created = session.execute(text(f"""
        WITH src AS (
            SELECT t.*, nextval(pg_get_serial_sequence('hardship_households', 'id')) AS new_id
            FROM {rows} t WHERE t.existing_id IS NULL AND t.id_enc IS NOT NULL ORDER BY t.row_no
        ), ins AS (
            INSERT INTO hardship_households (
                tenant_id, id, file_no, org_id, head_name, head_id_enc, head_id_hash, head_id_region, head_id_last4,
                head_birth_date, head_gender, mobile, address, employer_name, employment_status, marital_status,
                head_health, category, causes, household_size, household_income_fen, per_capita_income_fen,
                self_paid_medical_fen, disaster_loss_fen, bank_card_enc, bank_card_hash, bank_card_last4, bank_name,
                status, source, rule_code, policy_id, applied_on, verified_on, filed_on, next_review_due,
                exit_recommended, remark, version)
            SELECT :tid, s.new_id,
                   COALESCE(s.file_no, 'KN' || extract(year FROM s.filed_on)::int || lpad(s.new_id::text, 6, '0')),
                   s.org_id, s.name, s.id_enc, s.key, s.region_code, s.last4, s.birth_date, s.gender, s.mobile,
                   s.address, s.employer_name, 'employed', s.marital_status, 'healthy', s.category,
                   string_to_array(s.causes, ',')::varchar[], s.household_size, s.household_income_fen,
                   s.per_capita_income_fen, s.self_paid_medical_fen, s.disaster_loss_fen, s.bank_card_enc,
                   s.bank_card_hash, s.bank_card_last4, s.bank_name, 'filed', 'import', s.rule_code, s.policy_id,
                   s.filed_on, s.filed_on, s.filed_on, s.next_review_due, false, s.remark, 1
            FROM src s
            ON CONFLICT DO NOTHING
            RETURNING id, head_id_hash, head_name, file_no, org_id
        ), claims AS (
            INSERT INTO hardship_active_persons (tenant_id, id_hash, household_id, role, name)
            SELECT :tid, head_id_hash, id, 'head', head_name FROM ins
            ON CONFLICT DO NOTHING
        )
        INSERT INTO audit_log (tenant_id, actor_user_id, actor_name, action, entity_type, entity_id, changes)
        SELECT :tid, :uid, :uname, 'hardship.household.import', 'hardship_household', id,
               jsonb_build_object('file_no', file_no, 'org_id', org_id, 'import_id', :bid) FROM ins
    """), params).rowcount  # type: ignore[attr-defined]
    return int(created or 0), int(updated or 0)
