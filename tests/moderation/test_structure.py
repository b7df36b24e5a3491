"""Structural checks: required fields, employer, USCC, contradictory and implausible pay."""

from __future__ import annotations

from app.moderation.screening import Finding, screen
from tests.moderation.support import posting


def by_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def test_a_complete_lawful_posting_has_no_findings_above_info() -> None:
    for lang in ("zh", "en"):
        text = "负责日常行政事务。" if lang == "zh" else "Coordinate office supplies and visitors."
        assert [f for f in screen(posting(text, lang)) if f.severity != "info"] == []


def test_missing_required_fields_block_submission() -> None:
    findings = screen(
        posting(
            "负责行政事务", salary_min=None, salary_max=None, city="", headcount=None, org_name=""
        )
    )
    missing = {f.field for f in findings if f.category == "missing_field"}
    assert missing == {"salary_min", "city", "headcount", "org_name"}
    assert all(f.severity == "block" for f in findings if f.category == "missing_field")
    assert all(
        (f.start, f.end, f.text) == (0, 0, "") for f in findings if f.category == "missing_field"
    )


def test_empty_description_and_title_are_missing() -> None:
    findings = screen(posting("  ", title=""))
    assert {f.field for f in by_rule(findings, "missing-text")} == {"title", "description"}


def test_one_salary_bound_is_enough() -> None:
    assert not by_rule(screen(posting("负责行政事务", salary_max=None)), "missing-pay")


def test_empty_employer_profile_is_info_only() -> None:
    (finding,) = by_rule(screen(posting("负责行政事务", org_profile="")), "empty-profile")
    assert finding.severity == "info"
    assert finding.category == "profile"


def test_missing_uscc_is_info_for_chinese_postings_only() -> None:
    assert by_rule(screen(posting("负责行政事务", org_uscc=None)), "missing-uscc")
    assert not by_rule(screen(posting("Coordinate visitors.", "en")), "missing-uscc")


def test_failing_uscc_is_review_with_its_span() -> None:
    code = "91330106MA0G85T97X"  # check character altered
    (f,) = by_rule(screen(posting("负责行政事务", org_uscc=code)), "uscc-check")
    assert (f.category, f.severity, f.field) == ("uscc", "review", "org_uscc")
    assert (f.start, f.end, f.text) == (0, 18, code)
    assert "check" in f.explanation_en


def test_valid_uscc_in_lower_case_with_spaces_passes() -> None:
    assert not by_rule(
        screen(posting("负责行政事务", org_uscc=" 91110108 551385082q ")), "uscc-check"
    )


def test_reversed_salary_and_zero_headcount_are_inconsistent() -> None:
    findings = screen(posting("负责行政事务", salary_min=9000, salary_max=7000, headcount=0))
    assert by_rule(findings, "salary-reversed")
    assert by_rule(findings, "headcount-zero")


def test_daily_figure_in_monthly_field() -> None:
    findings = screen(posting("装卸工，按天结算", salary_min=180, salary_max=220))
    assert by_rule(findings, "salary-period-implausible")
    assert not by_rule(findings, "pay-above-ceiling")


def test_yearly_figure_in_hourly_field() -> None:
    findings = screen(posting("Answer phones.", "en", salary_min=45000, salary_max=52000))
    assert by_rule(findings, "salary-period-implausible")


def test_salary_in_text_differs_from_fields() -> None:
    text = "岗位职责：整理档案。\n福利：月薪3500-4500元，五险一金。"
    (f,) = by_rule(screen(posting(text)), "salary-text-mismatch")
    assert f.field == "description"
    assert text[f.start : f.end] == f.text
    assert f.text.startswith("月薪3500")


def test_salary_in_text_in_another_period_is_converted() -> None:
    consistent = "日薪300元"  # 300 x 21.75 = 6,525 a month: inside 6,000-8,000
    assert not by_rule(screen(posting(consistent)), "salary-text-mismatch")
    assert by_rule(screen(posting("Base pay $30/hour.", "en")), "salary-text-mismatch")
    assert not by_rule(
        screen(posting("Pay is $24 per hour plus tips.", "en")), "salary-text-mismatch"
    )


def test_base_pay_and_probation_rates_are_not_compared() -> None:
    assert not by_rule(screen(posting("底薪3000元+提成")), "salary-text-mismatch")
    assert not by_rule(screen(posting("试用期月薪4000元，转正后7000元")), "salary-text-mismatch")


def test_pay_far_above_the_category_for_no_experience() -> None:
    findings = screen(
        posting(
            "在线客服", category="客服", salary_min=30000, salary_max=45000, experience="经验不限"
        )
    )
    assert by_rule(findings, "pay-above-ceiling")
    en = screen(
        posting("Remote data entry.", "en", salary_min=90, salary_max=120, experience="None")
    )
    assert by_rule(en, "pay-above-ceiling")


def test_high_pay_for_senior_roles_is_plausible() -> None:
    zh = posting(
        "带领算法团队",
        title="算法总监",
        category="人工智能",
        salary_min=80000,
        salary_max=120000,
        experience="10年以上",
    )
    assert not by_rule(screen(zh), "pay-above-ceiling")
    en = posting(
        "Lead the platform org.",
        "en",
        title="VP Engineering",
        category="Engineering",
        salary_min=280000,
        salary_max=360000,
        salary_period="year",
        experience="15+ years",
    )
    assert not by_rule(screen(en), "pay-above-ceiling")


def test_no_experience_in_the_text_lowers_the_ceiling() -> None:
    text = "无需经验，在家即可"
    high = posting(text, category="兼职", salary_min=25000, salary_max=30000, experience="")
    assert by_rule(screen(high), "pay-above-ceiling")
