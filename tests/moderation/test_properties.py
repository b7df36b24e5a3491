"""Properties: any input is screened without raising, spans are exact, results repeat."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.moderation.screening import PostingText, screen, screen_chat_message
from app.moderation.screening.model import FIELD_ORDER, SEVERITIES

# Text mixing what the rules look at with anything at all: lexicon fragments, evasion
# characters, full-width and traditional forms, digits, quotes and clause punctuation.
FRAGMENTS = st.sampled_from(
    ["限", "男", "女", "性", "岁", "以下", "押金", "乙肝", "微信", "加", "不", "无", "“", "”", '"',
     "，", "。", "\n", " ", "\u200b", "·", "-", "３５", "歲", "13812345678", "male", " only",
     "under 40", "deposit", "no ", "he will", "$5,000 a week", "日赚", "1、", "985"]
)  # fmt: skip
TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=20).map("".join)
AMOUNT = st.one_of(st.none(), st.integers(min_value=-10, max_value=10**8))


@st.composite
def postings(draw: st.DrawFn) -> PostingText:
    return PostingText(
        title=draw(TEXT),
        description=draw(TEXT),
        requirements=draw(TEXT),
        benefits=draw(TEXT),
        category=draw(st.text(max_size=6)),
        city=draw(st.text(max_size=6)),
        salary_min=draw(AMOUNT),
        salary_max=draw(AMOUNT),
        salary_period=draw(st.sampled_from(["month", "day", "hour", "year", "week", "", "x"])),
        headcount=draw(st.one_of(st.none(), st.integers(min_value=-3, max_value=500))),
        experience=draw(st.sampled_from(["", "经验不限", "3-5年", "None", "10+ years", "abc"])),
        org_name=draw(st.text(max_size=6)),
        org_uscc=draw(st.one_of(st.none(), st.text(max_size=20))),
        org_profile=draw(TEXT),
        lang=draw(st.sampled_from(["auto", "zh", "en", "fr"])),
        justification=draw(TEXT),
    )


@settings(max_examples=300, deadline=None)
@given(postings())
def test_screen_is_total_exact_and_deterministic(p: PostingText) -> None:
    findings = screen(p)
    assert findings == screen(p)
    for f in findings:
        assert f.severity in SEVERITIES
        assert f.field in FIELD_ORDER
        assert f.rule != "screening-error"
        value = getattr(p, f.field)
        if isinstance(value, str):
            assert 0 <= f.start <= f.end <= len(value)
            assert value[f.start : f.end] == f.text
        else:
            assert (f.start, f.end, f.text) == (0, 0, "")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_never_crashes(text: str) -> None:
    p = PostingText(title=text, description=text)
    for f in screen(p):
        assert f.rule != "screening-error"
        value = getattr(p, f.field)
        assert (value if isinstance(value, str) else "")[f.start : f.end] == f.text


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_chat_spans_are_exact(text: str) -> None:
    for f in screen_chat_message(text):
        assert text[f.start : f.end] == f.text
