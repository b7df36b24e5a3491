"""统一社会信用代码 check character (GB 32100-2015)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.auth.uscc import ALPHABET, USCCError, check_character, normalize_uscc

# Codes published on business licences (public registry data).
REAL_CODES = [
    "91350100M000100Y43",
    "91110108551385082Q",  # 小米科技有限责任公司
    "914403001922038216",  # 华为技术有限公司
    "91330100799655058B",  # 阿里巴巴(中国)有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_published_codes_are_valid(code: str) -> None:
    assert normalize_uscc(code) == code


def test_lowercase_spaces_and_full_width_are_normalised() -> None:
    assert normalize_uscc(" 91110108 551385082q ") == "91110108551385082Q"
    assert normalize_uscc("９１１１０１０８５５１３８５０８２Ｑ") == "91110108551385082Q"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91110108551385082", "18 characters"),
        ("91110108551385082QQ", "18 characters"),
        ("91110108551385082A", "check character"),
        ("91110108551385O82Q", "not allowed"),  # letter O is not in the alphabet
        ("9111010855138508IQ", "not allowed"),
        ("", "18 characters"),
    ],
)
def test_invalid_codes_say_why(code: str, message: str) -> None:
    with pytest.raises(USCCError, match=message):
        normalize_uscc(code)


body = st.text(alphabet=ALPHABET, min_size=17, max_size=17)


@given(body)
def test_any_body_with_its_check_character_is_valid(first17: str) -> None:
    assert normalize_uscc(first17 + check_character(first17)) == first17 + check_character(first17)


@given(body, st.sampled_from(ALPHABET))
def test_every_other_check_character_is_rejected(first17: str, wrong: str) -> None:
    if wrong == check_character(first17):
        return
    with pytest.raises(USCCError):
        normalize_uscc(first17 + wrong)
