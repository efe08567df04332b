"""The eligibility engine (W1-b): every rule at its edges, the household-size rule, the explanations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from unionhome.domains.hardship.eligibility import (
    HouseholdFacts,
    MemberFacts,
    add_months,
    assess,
    exit_income_reached,
    household_size,
    months_between,
    per_capita,
    yuan,
)

pytestmark = pytest.mark.unit


@dataclass
class Policy:
    min_living_line_fen: int = 78000  # 780 元 (W1-b: 1170/1.5 = 1560/2 = 2340/3)
    basic_pct: int = 150
    special_pct: int = 200
    major_pct: int = 300
    self_paid_threshold_fen: int = 2_000_000
    exit_pct: int = 150


P = Policy()


def facts(income: int, causes: list[str] | None = None, medical: int = 0, loss: int = 0, size: int = 3) -> HouseholdFacts:
    return HouseholdFacts(income, size, causes or [], medical, loss)


def test_rule_1_at_exactly_150_percent_is_met_one_fen_above_is_not():
    assert assess(facts(117000), [], P).rule_code == "basic"
    at = assess(facts(117000), [], P)
    assert "1,170.00元" in at.explanation_zh and "不高于" in at.rule("basic").detail_zh
    above = assess(facts(117001), [], P)
    assert above.rule_code is None and not above.met
    assert "高于最低生活保障线780.00元的150%（1,170.00元）" in above.rule("basic").detail_zh


def test_rule_2_needs_a_special_cause_and_is_inclusive_at_200_percent():
    for cause in ("schooling", "disability", "single_parent", "other"):
        assert assess(facts(156000, [cause]), [], P).rule_code == "special", cause
    assert assess(facts(156001, ["schooling"]), [], P).rule_code is None
    no_cause = assess(facts(150000, ["unemployment"]), [], P)
    assert no_cause.rule_code is None
    assert "没有子女上学、残疾、单亲或其他特殊原因" in no_cause.rule("special").detail_zh


def test_rule_3_needs_major_illness_or_disaster_and_is_inclusive_at_300_percent():
    assert assess(facts(234000, ["major_illness"]), [], P).rule_code == "major"
    assert assess(facts(234000, ["disaster"]), [], P).rule_code == "major"
    assert assess(facts(234001, ["major_illness"]), [], P).rule_code is None
    # A special cause alone does not open the 300% ceiling.
    assert assess(facts(200000, ["schooling"]), [], P).rule_code is None


def test_rule_4_self_paid_costs_or_losses_of_20000_yuan_with_a_major_cause_whatever_the_income():
    rich = 900000
    assert assess(facts(rich, ["major_illness"], medical=2_000_000), [], P).rule_code == "self_paid"
    assert assess(facts(rich, ["disaster"], loss=2_000_000), [], P).rule_code == "self_paid"
    short = assess(facts(rich, ["major_illness"], medical=1_999_999, loss=1_999_999), [], P)
    assert short.rule_code is None
    assert "均未达到20,000.00元" in short.rule("self_paid").detail_zh
    # Costs without a major illness or disaster do not count.
    assert assess(facts(rich, ["low_income"], medical=5_000_000), [], P).rule_code is None


def test_the_first_rule_met_is_reported_and_none_met_explains_each_rule():
    both = assess(facts(100000, ["major_illness"], medical=3_000_000), [], P)
    assert both.rule_code == "basic" and both.rule("self_paid").met
    none = assess(facts(300000, ["low_income"]), [], P)
    text = none.explanation_zh
    assert text.startswith("不符合任何一项建档标准")
    for part in ("第一项", "第二项", "第三项", "第四项", "3,000.00元", "1,170.00元", "1,560.00元", "2,340.00元"):
        assert part in text, part


def test_thresholds_follow_the_policy():
    other = Policy(min_living_line_fen=65000, basic_pct=160)
    assert assess(facts(104000), [], other).rule_code == "basic"  # 650 × 160% = 1040
    assert assess(facts(104001), [], other).rule_code is None


def test_exit_standard():
    assert exit_income_reached(117000, P)
    assert not exit_income_reached(116999, P)
    assert assess(facts(117000), [], P).income_reaches_exit_standard


# ---- household size (W1-b) ------------------------------------------------------------------------

def m(relation: str, marital: str | None = None, name: str = "") -> MemberFacts:
    return MemberFacts(relation, marital, name or relation)


def test_married_counts_self_spouse_and_unmarried_children_only():
    members = [m("spouse", "married"), m("child", "unmarried"), m("child", "married", "已婚子女"), m("parent", "widowed")]
    result = household_size("married", members)
    assert result.size == 3
    assert result.counted == (True, True, False, False)
    assert "已婚子女" in result.explanation_zh


def test_married_without_children_and_with_many_children_use_the_actual_count():
    assert household_size("married", [m("spouse", "married")]).size == 2
    many = [m("spouse", "married")] + [m("child") for _ in range(4)]
    assert household_size("married", many).size == 6


def test_unmarried_counts_parents_self_and_other_unmarried_members():
    members = [m("parent", "married"), m("parent", "married"), m("sibling", "unmarried"), m("sibling", "married")]
    result = household_size("unmarried", members)
    assert result.size == 4
    assert result.counted == (True, True, True, False)


def test_single_parent_counts_the_actual_household():
    members = [m("child"), m("child"), m("parent", "widowed"), m("child", "married")]
    assert household_size("divorced", members).size == 4
    assert household_size("widowed", [m("child")]).size == 2


def test_default_of_three_only_when_no_members_are_listed():
    default = household_size("married", [])
    assert default.size == 3 and default.defaulted and "三口" in default.explanation_zh
    stated = household_size("married", [], stated_size=5)
    assert stated.size == 5 and not stated.defaulted


def test_per_capita_rounds_half_up_and_money_formats_in_yuan():
    assert per_capita(100, 3) == 33
    assert per_capita(350000, 3) == 116667
    assert per_capita(5, 2) == 3
    assert yuan(117000) == "1,170.00元" and yuan(5) == "0.05元"


def test_months_and_adding_months():
    assert months_between(date(2024, 1, 31), date(2024, 7, 30)) == 5
    assert months_between(date(2024, 1, 31), date(2024, 7, 31)) == 6
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2023, 3, 15), 12) == date(2024, 3, 15)
