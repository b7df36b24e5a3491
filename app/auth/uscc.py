"""统一社会信用代码 (Unified Social Credit Code) check, GB 32100-2015.

18 characters from a 31-character alphabet (digits and capitals without I, O, Z, S, V).
The last is a check character over the first 17 with weights 3^i mod 31.
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}


class USCCError(ValueError):
    """Why a code is not a valid USCC; the message is an English source string."""

    def __init__(self, message: str, **params: str) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


def check_character(first17: str) -> str:
    total = sum(_VALUE[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(raw: str) -> str:
    """Return the code in canonical form or raise USCCError saying what is wrong."""
    code = raw.strip().upper().replace(" ", "").replace("-", "")
    # Full-width input from Chinese keyboards: fold it to ASCII first.
    code = code.translate({cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)})
    if len(code) != 18:
        raise USCCError("A Unified Social Credit Code has 18 characters.")
    bad = [ch for ch in code if ch not in _VALUE]
    if bad:
        raise USCCError("The code contains a character that is not allowed: %(char)s", char=bad[0])
    if check_character(code[:17]) != code[17]:
        raise USCCError("The check character does not match: please check the code for typos.")
    return code
