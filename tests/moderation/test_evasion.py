"""Evasions: inserted spaces, punctuation, zero-width characters, full-width and traditional."""

from __future__ import annotations

import pytest

from app.moderation.screening import screen
from tests.moderation.support import categories, posting


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("限 男", "gender"),
        ("限·男", "gender"),
        ("限\u200b男", "gender"),
        ("限\u200d男\ufeff性", "gender"),
        ("限-男", "gender"),
        ("限 _ 女", "gender"),
        ("刷 单 兼 职", "task_scam"),
        ("押·金200元", "fee"),
        ("乙\u200b肝携带者勿扰", "health"),
        ("加 微 信：abc_12345", "off_platform"),
        ("ＱＱ：２８４６６１３９０７", "off_platform"),
        ("年龄３５岁以下", "age"),
        ("性別：女", "gender"),
        ("已婚已育者優先", "marital"),
        ("入職需繳納押金", "fee"),
        ("乙肝攜帶者勿擾", "health"),
        ("限本地戶口", "origin"),
        ("身高１６５ｃｍ以上", "appearance"),
        ("MALE ONLY", "gender"),
        ("Ｗｏｍｅｎ ｏｎｌｙ", "gender"),
    ],
)
def test_evasions_are_caught(text: str, category: str) -> None:
    lang = "en" if text.isascii() or "ｏｎｌｙ" in text else "zh"
    assert category in categories(text, lang)


def test_span_covers_the_evasion_in_the_original_text() -> None:
    text = "要求：限\u200b男·性，能倒班"
    findings = [f for f in screen(posting(text)) if f.category == "gender"]
    assert findings
    f = findings[0]
    assert text[f.start : f.end] == f.text
    assert "\u200b" in f.text
    assert "·" in f.text
