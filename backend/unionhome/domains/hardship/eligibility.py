"""The eligibility engine of the hardship file (domain.md W1-b): who counts in a household, the
per-capita income, and which of the four entry rules a household meets — or why it meets none.

Pure functions over plain values (no Flask, no database), so the API, the spreadsheet import and the
tests judge a household the same way. Money is integer fen throughout; explanations give yuan.

The household-size rule (W1-b: "家庭成员一般按三口计算,已婚者按照本人、配偶和未婚子女计算;未婚者按照
父母、本人和家庭其他未婚成员计算。单亲、已婚无子女、多子女的按照实际人口计算。") is applied like this:

* married head: the head, the spouse and the unmarried children;
* unmarried head: the head, the parents and the other unmarried members (siblings, …);
* divorced or widowed head (single parent): the actual household — the head and everyone listed except
  married children and a (former) spouse;
* a member whose marital status is not given counts as unmarried (children and siblings usually are);
* "一般按三口计算" is the default for a household whose members have not been entered at all (an
  application taken down before the home visit, an old file imported without a member list): then the
  stated size is used if one was given, else three. As soon as members are listed, the rule above
  decides, which gives the actual count for single parents, childless couples and large families.

The four rules (percentages are of the county's minimum living line 低保线, from the policy in force):

1. ``basic``: per-capita monthly income ≤ basic_pct (150%);
2. ``special``: ≤ special_pct (200%) and a special cause (schooling, disability, single parent, other);
3. ``major``: ≤ major_pct (300%) and a major illness or disaster;
4. ``self_paid``: a major illness or disaster, and self-paid medical costs or disaster losses of at least
   the threshold (20,000 yuan) — whatever the income.

"以内" is read as inclusive (rules 2 and 3 say "(含)" explicitly): exactly 150% of the line meets rule 1.
Comparisons are exact integer arithmetic on fen (income × 100 ≤ line × pct).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from .models import CAUSES, MAJOR_CAUSES, SPECIAL_CAUSES

RULES: dict[str, str] = {
    "basic": "第一项：家庭人均收入在最低生活保障线150%以内",
    "special": "第二项：人均收入在最低生活保障线200%以内，且因子女上学、残疾、单亲等特殊原因生活困难",
    "major": "第三项：因重大疾病或重大意外灾害，且人均收入在最低生活保障线3倍以内",
    "self_paid": "第四项：因重大疾病或重大意外灾害，自负医药费或灾害财产损失达2万元以上",
}
RULE_ORDER = ("basic", "special", "major", "self_paid")
RULE_NUMBERS = {"basic": "一", "special": "二", "major": "三", "self_paid": "四"}
DEFAULT_HOUSEHOLD_SIZE = 3


class PolicyLike(Protocol):
    min_living_line_fen: int
    basic_pct: int
    special_pct: int
    major_pct: int
    self_paid_threshold_fen: int
    exit_pct: int


def rule_labels(policy: PolicyLike) -> dict[str, str]:
    """The four rules worded with the policy's own percentages and threshold."""
    return {
        "basic": f"第一项：家庭人均收入在最低生活保障线{policy.basic_pct}%以内",
        "special": f"第二项：人均收入在最低生活保障线{policy.special_pct}%以内，且因子女上学、残疾、单亲等特殊原因生活困难",
        "major": f"第三项：因重大疾病或重大意外灾害，且人均收入在最低生活保障线{policy.major_pct}%以内",
        "self_paid": f"第四项：因重大疾病或重大意外灾害，自负医药费或灾害财产损失达{yuan(policy.self_paid_threshold_fen)}以上",
    }


def yuan(fen: int) -> str:
    """12345 → "123.45元" (integer arithmetic, thousands separated)."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}元"


def pct_of_line(policy: PolicyLike, pct: int) -> int:
    """The threshold in fen, rounded down to the fen (1170.00 for 150% of 780)."""
    return policy.min_living_line_fen * pct // 100


def per_capita(household_income_fen: int, size: int) -> int:
    """Monthly per-capita income in fen, rounded half up."""
    size = max(1, int(size))
    return (2 * int(household_income_fen) + size) // (2 * size)


# ---- household size -----------------------------------------------------------------------------

@dataclass(frozen=True)
class MemberFacts:
    relation: str
    marital_status: str | None = None
    name: str = ""


@dataclass(frozen=True)
class HouseholdSize:
    size: int
    counted: tuple[bool, ...]  # per listed member, in order
    explanation_zh: str
    defaulted: bool = False


def member_counted(head_marital_status: str, member: MemberFacts) -> bool:
    unmarried = member.marital_status in (None, "", "unmarried")
    if head_marital_status == "married":
        return member.relation == "spouse" or (member.relation == "child" and unmarried)
    if head_marital_status == "unmarried":
        if member.relation == "parent":
            return True
        return member.relation != "spouse" and unmarried
    # divorced / widowed: a single-parent household counts its actual members
    if member.relation == "spouse":
        return False
    return not (member.relation == "child" and not unmarried)


def household_size(head_marital_status: str, members: Sequence[MemberFacts],
                   stated_size: int | None = None) -> HouseholdSize:
    """The household size by the W1-b rule (see the module docstring)."""
    if not members:
        size = stated_size if stated_size else DEFAULT_HOUSEHOLD_SIZE
        why = (f"未登记家庭成员，按填报的家庭人口{size}人计算" if stated_size
               else f"未登记家庭成员，按一般情形三口计算（{size}人）")
        return HouseholdSize(size, (), why, defaulted=not stated_size)
    counted = tuple(member_counted(head_marital_status, m) for m in members)
    size = 1 + sum(counted)
    basis = {
        "married": "已婚：本人、配偶和未婚子女",
        "unmarried": "未婚：本人、父母和家庭其他未婚成员",
    }.get(head_marital_status, "单亲：按实际人口")
    left_out = [m.name or m.relation for m, c in zip(members, counted, strict=True) if not c]
    why = f"按{basis}计算，共{size}人"
    if left_out:
        why += f"（不计入：{'、'.join(left_out)}）"
    return HouseholdSize(size, counted, why)


# ---- the four rules ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleResult:
    code: str
    label: str
    met: bool
    detail_zh: str
    threshold_fen: int | None = None


@dataclass(frozen=True)
class Assessment:
    rule_code: str | None
    met: bool
    explanation_zh: str
    rules: tuple[RuleResult, ...]
    per_capita_income_fen: int
    household_size: int
    min_living_line_fen: int
    exit_standard_fen: int
    income_reaches_exit_standard: bool
    details: dict[str, Any] = field(default_factory=dict)

    def rule(self, code: str) -> RuleResult:
        return next(r for r in self.rules if r.code == code)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_code": self.rule_code, "rule_label": self.rule(self.rule_code).label if self.rule_code else None,
            "met": self.met,
            "explanation": self.explanation_zh, "per_capita_income_fen": self.per_capita_income_fen,
            "household_size": self.household_size, "min_living_line_fen": self.min_living_line_fen,
            "exit_standard_fen": self.exit_standard_fen,
            "income_reaches_exit_standard": self.income_reaches_exit_standard,
            "rules": [{"code": r.code, "label": r.label, "met": r.met, "detail": r.detail_zh,
                       "threshold_fen": r.threshold_fen} for r in self.rules],
        }


@dataclass(frozen=True)
class HouseholdFacts:
    """What the rules read; a HardshipHousehold row has these attributes."""

    per_capita_income_fen: int
    household_size: int
    causes: Sequence[str]
    self_paid_medical_fen: int = 0
    disaster_loss_fen: int = 0


def _cause_names(causes: Iterable[str]) -> str:
    return "、".join(CAUSES.get(c, c) for c in causes)


def assess(household: Any, members: Sequence[Any], policy: PolicyLike) -> Assessment:
    """Judge a household against the four rules of `policy`. `household` needs per_capita_income_fen,
    household_size, causes, self_paid_medical_fen and disaster_loss_fen (a model row or
    HouseholdFacts); `members` is only reported in the details (their count is already the size)."""
    income = int(household.per_capita_income_fen)
    causes = list(household.causes or [])
    line = int(policy.min_living_line_fen)
    special = [c for c in causes if c in SPECIAL_CAUSES]
    major = [c for c in causes if c in MAJOR_CAUSES]
    medical = int(household.self_paid_medical_fen or 0)
    loss = int(household.disaster_loss_fen or 0)
    threshold = int(policy.self_paid_threshold_fen)
    inc = f"家庭人均月收入{yuan(income)}"
    labels = rule_labels(policy)

    def within(pct: int) -> tuple[bool, int, str]:
        limit = pct_of_line(policy, pct)
        ok = income * 100 <= line * pct
        rel = "不高于" if ok else "高于"
        return ok, limit, f"{inc}{rel}最低生活保障线{yuan(line)}的{pct}%（{yuan(limit)}）"

    ok1, lim1, text1 = within(policy.basic_pct)
    r1 = RuleResult("basic", labels["basic"], ok1, text1, lim1)

    ok2_income, lim2, text2 = within(policy.special_pct)
    if special:
        detail2 = f"{text2}，有特殊原因（{_cause_names(special)}）"
    else:
        detail2 = f"{text2}，但没有子女上学、残疾、单亲或其他特殊原因"
    r2 = RuleResult("special", labels["special"], ok2_income and bool(special), detail2, lim2)

    ok3_income, lim3, text3 = within(policy.major_pct)
    if major:
        detail3 = f"{text3}，有{_cause_names(major)}"
    else:
        detail3 = f"{text3}，但没有重大疾病或重大意外灾害"
    r3 = RuleResult("major", labels["major"], ok3_income and bool(major), detail3, lim3)

    costs = f"自负医药费{yuan(medical)}、灾害财产损失{yuan(loss)}"
    reaches = medical >= threshold or loss >= threshold
    if not major:
        detail4 = f"没有重大疾病或重大意外灾害（{costs}）"
    elif reaches:
        detail4 = f"有{_cause_names(major)}，{costs}，达到{yuan(threshold)}"
    else:
        detail4 = f"有{_cause_names(major)}，但{costs}，均未达到{yuan(threshold)}"
    r4 = RuleResult("self_paid", labels["self_paid"], bool(major) and reaches, detail4, threshold)

    rules = (r1, r2, r3, r4)
    met = next((r for r in rules if r.met), None)
    if met is not None:
        explanation = f"符合{met.label}的标准：{met.detail_zh}。"
    else:
        parts = "；".join(f"第{RULE_NUMBERS[r.code]}项：{r.detail_zh}" for r in rules)
        explanation = f"不符合任何一项建档标准。{parts}。"
    exit_standard = pct_of_line(policy, policy.exit_pct)
    return Assessment(
        rule_code=met.code if met else None, met=met is not None, explanation_zh=explanation, rules=rules,
        per_capita_income_fen=income, household_size=int(household.household_size), min_living_line_fen=line,
        exit_standard_fen=exit_standard, income_reaches_exit_standard=income * 100 >= line * policy.exit_pct,
        details={"members": len(members), "causes": causes},
    )


def exit_income_reached(per_capita_income_fen: int, policy: PolicyLike) -> bool:
    return per_capita_income_fen * 100 >= policy.min_living_line_fen * policy.exit_pct


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (2024-01-31 → 2024-07-30 is 5)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


def add_months(day: date, months: int) -> date:
    """`day` + `months`, clamped to the month's end (2024-08-31 + 6 → 2025-02-28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)
