"""The people of a household: ID numbers (validated, encrypted, hashed), the listed members, and the
rule that a person is in at most one open file of the county (head or member, anywhere)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from ....core.cnid import InvalidBankCard, InvalidIdNumber, parse_bank_card, parse_id_number
from ....core.errors import Conflict, ValidationFailed
from ....core.pii import get_cipher
from ....core.tenancy import current_tenant_id
from ....extensions import db
from ..eligibility import MemberFacts, household_size
from ..models import HardshipHousehold, HardshipHouseholdMember
from ..repository import PersonClaims
from .common import status_label

CLAIM_CONSTRAINTS = ("pk_hardship_active_persons", "uq_hardship_households_active_head")


def nested(field: str, message: str) -> dict[str, Any]:
    """`members.1.id_number` → {"members": {"1": {"id_number": [message]}}} (smorest's shape for lists)."""
    head, *rest = field.split(".")
    return {head: nested(".".join(rest), message) if rest else [message]}


def field_error(field: str, message: str) -> ValidationFailed:
    err = ValidationFailed({})
    err.errors = {"json": nested(field, message)}
    return err


@dataclass(frozen=True)
class Person:
    """Someone whose ID number was given: the field it came from, for error messages."""

    field: str
    name: str
    id_hash: bytes
    last4: str
    role: str  # head | member


def id_columns(raw: Any, field: str, prefix: str) -> dict[str, Any]:
    """Validate an ID number; return the encrypted/hashed columns (`head_id_*` or `id_number_*`)."""
    try:
        info = parse_id_number(raw)
    except InvalidIdNumber as err:
        raise field_error(field, f"身份证号{err.message}") from None
    cipher, tid = get_cipher(), current_tenant_id()
    if prefix == "head":
        return {"head_id_enc": cipher.encrypt(tid, info.number),
                "head_id_hash": cipher.lookup_hash(tid, "id_number", info.number),
                "head_id_region": info.region_code, "head_id_last4": info.last4,
                "head_birth_date": info.birth_date, "head_gender": info.gender}
    return {"id_number_enc": cipher.encrypt(tid, info.number),
            "id_number_hash": cipher.lookup_hash(tid, "id_number", info.number),
            "id_last4": info.last4, "birth_date": info.birth_date, "gender": info.gender}


def id_hash_of(number: str) -> bytes:
    return get_cipher().lookup_hash(current_tenant_id(), "id_number", number)


def bank_columns(raw: Any, field: str = "bank_card") -> dict[str, Any]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {"bank_card_enc": None, "bank_card_hash": None, "bank_card_last4": None}
    try:
        number = parse_bank_card(raw)
    except InvalidBankCard as err:
        raise ValidationFailed({field: f"银行卡号{err.message}"}) from None
    cipher, tid = get_cipher(), current_tenant_id()
    return {"bank_card_enc": cipher.encrypt(tid, number),
            "bank_card_hash": cipher.lookup_hash(tid, "bank_card", number), "bank_card_last4": number[-4:]}


KEPT_ID_COLUMNS = ("id_number_enc", "id_number_hash", "id_last4", "birth_date", "gender")


def member_rows(members: list[dict[str, Any]], current: list[HardshipHouseholdMember] | None = None
                ) -> list[dict[str, Any]]:
    """Validate listed members (ID numbers optional) into column dicts (without `counted`). A member
    given with the `id` of one of `current` keeps its stored ID number unless a new one is given."""
    by_id = {m.id: m for m in current or []}
    rows = []
    for i, m in enumerate(members):
        row = {k: v for k, v in m.items() if k not in ("id_number", "id")}
        row.setdefault("health", "healthy")
        row.setdefault("monthly_income_fen", 0)
        if m.get("id_number"):
            row.update(id_columns(m["id_number"], f"members.{i}.id_number", "member"))
        elif m.get("id") is not None:
            kept = by_id.get(m["id"])
            if kept is None:
                raise field_error(f"members.{i}.id", "该家庭成员不属于本户")
            row.update({k: getattr(kept, k) for k in KEPT_ID_COLUMNS})
        rows.append(row)
    return rows


def count_members(marital_status: str, rows: list[dict[str, Any]], stated_size: int | None) -> tuple[int, str]:
    """Apply the W1-b size rule: sets `counted` on each row; returns (size, explanation)."""
    facts = [MemberFacts(r["relation"], r.get("marital_status"), r["name"]) for r in rows]
    result = household_size(marital_status, facts, stated_size)
    for row, counted in zip(rows, result.counted, strict=True):
        row["counted"] = counted
    return result.size, result.explanation_zh


def people_of(head_name: str, head_hash: bytes, head_last4: str, rows: list[dict[str, Any]]) -> list[Person]:
    people = [Person("id_number", head_name, head_hash, head_last4, "head")]
    for i, r in enumerate(rows):
        if r.get("id_number_hash") is not None:
            people.append(Person(f"members.{i}.id_number", r["name"], r["id_number_hash"], r["id_last4"], "member"))
    return people


def people_of_household(household: HardshipHousehold, members: list[HardshipHouseholdMember]) -> list[Person]:
    rows = [{"name": m.name, "id_number_hash": m.id_number_hash, "id_last4": m.id_last4} for m in members]
    return people_of(household.head_name, household.head_id_hash, household.head_id_last4, rows)


def check_within_household(people: list[Person]) -> None:
    seen: dict[bytes, Person] = {}
    for p in people:
        if p.id_hash in seen:
            first = seen[p.id_hash]
            raise field_error(p.field, f"身份证号与{'户主' if first.role == 'head' else first.name}相同，"
                                       "同一人不能在一户中登记两次")
        seen[p.id_hash] = p


def conflict_message(person: Person, household: HardshipHousehold, org_name: str) -> str:
    where = "户主" if household.head_id_hash == person.id_hash else f"家庭成员（户主{household.head_name}）"
    return (f"{person.name}（身份证号尾号{person.last4}）已作为{where}列入{org_name}的困难职工档案"
            f"（档案编号{household.file_no}，{status_label(household.status)}），"
            "同一人在全县只能有一份有效档案，不能重复建档")


def check_not_in_open_file(people: list[Person], exclude_household_id: int | None = None) -> None:
    """409 naming the union and the file number of the open file that already holds one of them."""
    by_hash = {p.id_hash: p for p in people}
    holders = PersonClaims().holders(list(by_hash), exclude_household_id)
    if holders:
        claim, household, org_name = holders[0]
        person = by_hash[claim.id_hash]
        message = conflict_message(person, household, org_name)
        raise Conflict(message, {"json": nested(person.field, message)})


def claim_people(household_id: int, people: list[Person]) -> None:
    claims = PersonClaims()
    claims.release(household_id)
    db.session.flush()
    claims.claim(household_id, [(p.id_hash, p.role, p.name) for p in people])


@contextmanager
def claims_guard(people: Callable[[], list[Person]], exclude_household_id: Callable[[], int | None]) -> Iterator[None]:
    """Around a transaction that claims people: a unique violation from a concurrent filing (the
    check passed, then the other transaction committed first) becomes the same 409 as the check's."""
    try:
        yield
    except IntegrityError as err:
        text = str(getattr(err, "orig", err))
        if not any(name in text for name in CLAIM_CONSTRAINTS):
            raise
        db.session.rollback()
        check_not_in_open_file(people(), exclude_household_id())
        raise Conflict("该人员已被列入另一份有效的困难职工档案，请刷新后重试") from err
