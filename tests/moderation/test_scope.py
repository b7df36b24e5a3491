"""Negation, warnings, quotation and equal-opportunity statements are clause-level scopes."""

from __future__ import annotations

import pytest

from tests.moderation.support import categories


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # negation before the term, in the same clause
        ("入职无需缴纳任何押金", "zh"),
        ("不收取押金、培训费、服装费", "zh"),  # a negated list
        ("不限男女，能适应倒班", "zh"),
        ("零押金入职", "zh"),
        ("We never ask for a deposit, training fee or equipment purchase.", "en"),
        ("No fees of any kind are charged to applicants.", "en"),
        ("There is no starter kit to buy.", "en"),
        # negation after the term
        ("工作服免费发放，押金全免", "zh"),
        ("培训费用由公司承担", "zh"),
        ("体检费用公司报销", "zh"),
        ("Uniform fee is waived for all new hires.", "en"),
        ("The training fee is covered by the company.", "en"),
        # warnings and reports
        ("谨防刷单诈骗", "zh"),
        ("严禁向求职者收取押金", "zh"),
        ("押金骗局屡见不鲜，请求职者提高警惕", "zh"),
        ("Beware of scams asking for a training fee.", "en"),
        # quotation with a warning in the sentence
        ('严禁"刷单"', "zh"),
        ("谨防“押金”诈骗", "zh"),
        ("平台提醒：以「保证金」为名收费的都是骗局", "zh"),
        ('Beware of anyone asking for a "deposit" to get a job.', "en"),
        # equal-opportunity statements list protected grounds
        ("我们不分性别、年龄、民族、户籍，一视同仁", "zh"),
        (
            "We hire regardless of age, sex, marital status, religion, national origin or disability.",
            "en",
        ),
        (
            "Employment decisions are not made on the basis of race, pregnancy or marital status.",
            "en",
        ),
    ],
)
def test_negated_warned_or_quoted_text_is_not_a_finding(text: str, lang: str) -> None:
    assert categories(text, lang) == set()


@pytest.mark.parametrize(
    ("text", "lang", "category"),
    [
        # a cue elsewhere in the posting does not reach a later clause
        ("无需经验，入职交押金200元", "zh", "fee"),
        ("不收培训费，但需交服装押金", "zh", "fee"),  # a turn cancels the cue
        ("经验不限，限男性", "zh", "gender"),
        ("No experience needed, female applicants only.", "en", "gender"),
        # quotes without a warning are just quotes
        ("岗位名称：“刷单员”，一单3元", "zh", "task_scam"),
        ('Position: "Reshipping Coordinator" working from home.', "en", "task_scam"),
        # a warning in one clause does not excuse the next
        ("谨防诈骗，入职需缴纳保证金500元", "zh", "fee"),
    ],
)
def test_scope_ends_at_the_clause(text: str, lang: str, category: str) -> None:
    assert category in categories(text, lang)


def test_an_equal_opportunity_clause_does_not_cover_the_next_one() -> None:
    assert "gender" in categories("我们不分地域一视同仁，限男性")
    assert categories("我们不分性别、年龄、民族，一视同仁") == set()


def test_employer_paid_costs_with_modifiers_between_are_lawful() -> None:
    from app.moderation.screening import PostingText, screen

    for text in ("公司承担岗前培训费用。", "单位负担全部入职体检费用。"):
        findings = screen(PostingText(title="销售代表", description=text))
        assert [f for f in findings if f.category == "fee"] == [], text
    charged = screen(
        PostingText(title="销售代表", description="公司提供岗前培训，培训费500元自理。")
    )
    assert any(f.category == "fee" and f.severity == "block" for f in charged)
