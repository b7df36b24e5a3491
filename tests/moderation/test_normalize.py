"""Normalisation: NFKC, case folding, traditional to simplified, evasions, exact index map."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.moderation.screening.normalize import fold, normalize


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("ＱＱ：１２３４５", "qq:12345"),  # full-width letters, digits, colon
        ("Male ONLY", "male only"),
        ("年齡３５歲以下", "年龄35岁以下"),  # traditional and full-width
        ("限 男", "限男"),
        ("限·男", "限男"),
        ("限\u200b男", "限男"),
        ("限-男", "限男"),
        ("限 * 男", "限男"),
        ("35 岁", "35岁"),
        ("加 V", "加v"),
        ("18—30岁", "18-30岁"),  # em dash
        ("don’t", "don't"),
        ("a   b", "a b"),
        ("男，女", "男,女"),  # clause punctuation stays
        ("限男\n女", "限男\n女"),  # a line break is a boundary, not an evasion
        ("985/211", "985/211"),  # separators between digits stay
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_index_maps_back_to_original_characters() -> None:
    raw = "要求：限\u200b男 性，ＱＱ１２３"
    norm = normalize(raw)
    start = norm.text.index("限男性")
    o_start, o_end = norm.to_original(start, start + 3)
    assert raw[o_start:o_end] == "限\u200b男 性"
    q = norm.text.index("qq123")
    assert raw[slice(*norm.to_original(q, q + 5))] == "ＱＱ１２３"


def test_plain_text_takes_the_fast_path() -> None:
    assert normalize("限男性，male only").index is None


def test_expanding_characters_keep_the_map() -> None:
    raw = "ﬁx ㎏ ß"  # ligature, unit square, sharp s: one character becomes several
    norm = normalize(raw)
    assert norm.text == "fix kg ss"
    assert raw[slice(*norm.to_original(0, 3))] == "ﬁx"
    assert raw[slice(*norm.to_original(4, 6))] == "㎏"


@given(st.text(max_size=60))
def test_every_span_maps_inside_the_original(raw: str) -> None:
    norm = normalize(raw)
    n = len(norm.text)
    for start in range(n + 1):
        for end in (start, min(n, start + 1), n):
            o_start, o_end = norm.to_original(start, end)
            assert 0 <= o_start <= o_end <= len(raw)
