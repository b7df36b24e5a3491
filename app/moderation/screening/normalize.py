"""Text normalisation with an exact map back to the original characters.

Matching runs on a normalised copy of each field: NFKC (full-width to half-width), case
folding, traditional to simplified Chinese, zero-width and combining characters dropped, and
the separators that evasions put between Chinese characters (限 男, 限·男, 限-男) removed.
Every character of the copy remembers the index of the original character it came from, so a
span found in the copy maps back to an exact span of the original field text.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

# Han ideographs (CJK unified, extension A, compatibility). Python's \w matches them too, so
# character classes in this package are always spelled out.
CJK: Final = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Dashes NFKC leaves alone; folding them lets one rule say 18-30岁 for all of them.
_DASHES: Final = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\ufe58\ufe63"
# What an evasion may put between two Chinese characters. Not the clause punctuation
# (，。；：、！？) nor quotes: those carry meaning for the scope rules.
_SEPARATORS: Final = " \t·•・‧∙⋅.\\-_*~^|/\\\\+=#`"
_JOINERS: Final = re.compile(
    rf"(?<=[{CJK}])[{_SEPARATORS}]+(?=[{CJK}])"  # 限·男, 限 - 男
    rf"|(?<=[{CJK}])[ \t]+(?=[0-9a-z])|(?<=[0-9a-z])[ \t]+(?=[{CJK}])"  # 35 岁, 加 v
    r"|(?<=[ \t])[ \t]+"  # runs of blanks count as one
)


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text and the original index of each of its characters."""

    text: str
    original_length: int
    index: tuple[int, ...] | None  # None: character i came from original character i

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span [start, end) of `text` to the span of original characters it covers."""
        if self.index is None:
            return start, end
        if end <= start:
            point = self.index[start] if start < len(self.index) else self.original_length
            return point, point
        return self.index[start], self.index[end - 1] + 1


@cache
def _t2s() -> dict[str, str]:
    data = tomllib.loads(
        resources.files("app.moderation.rules").joinpath("t2s.toml").read_text("utf-8")
    )
    pairs: list[str] = data["pairs"]
    return {pair[0]: pair[1] for pair in pairs}


def fold_char(ch: str) -> str:
    """The normalised form of one character: "" (dropped), one character or several."""
    if ch in "\n\r":
        return "\n"
    category = unicodedata.category(ch)
    if category in ("Cf", "Mn", "Me"):  # zero-width joiners, soft hyphens, combining marks
        return ""
    if category == "Cc" or category == "Zs" or ch in "\u2028\u2029":
        return " "
    if ch in _DASHES:
        return "-"
    if ch in "\u2018\u2019\u02bc":  # typographic apostrophes: don’t -> don't
        return "'"
    folded = unicodedata.normalize("NFKC", ch).casefold()
    t2s = _t2s()
    return "".join(t2s.get(c, c) for c in folded)


_fold_cached = cache(fold_char)


@cache
def _tables() -> tuple[dict[int, str], re.Pattern[str]]:
    """A translate table for the one-to-one cases, and a pattern for the other characters."""
    table: dict[int, str] = {}
    special: list[str] = []
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        folded = fold_char(ch)
        if len(folded) != 1:
            special.append(re.escape(ch))
        elif folded != ch:
            table[cp] = folded
    # Characters outside the BMP (mathematical letters, rare ideographs) take the slow path.
    pattern = re.compile("[" + "".join(special) + "\U00010000-\U0010ffff]")
    return table, pattern


def normalize(text: str) -> Normalized:
    """Normalise `text` for matching and keep the map back to its characters."""
    table, special = _tables()
    index: list[int] | None = None
    if special.search(text) is None:
        folded = text.translate(table)
    else:
        pieces: list[str] = []
        index = []
        for i, ch in enumerate(text):
            mapped = table.get(ord(ch))
            if mapped is None:
                mapped = _fold_cached(ch)
            pieces.append(mapped)
            index.extend([i] * len(mapped))
        folded = "".join(pieces)
    removed = [(m.start(), m.end()) for m in _JOINERS.finditer(folded)]
    if removed:
        if index is None:
            index = list(range(len(folded)))
        keep_text: list[str] = []
        keep_index: list[int] = []
        last = 0
        for start, end in removed:
            keep_text.append(folded[last:start])
            keep_index.extend(index[last:start])
            last = end
        keep_text.append(folded[last:])
        keep_index.extend(index[last:])
        folded = "".join(keep_text)
        index = keep_index
    return Normalized(folded, len(text), None if index is None else tuple(index))


def fold(text: str) -> str:
    """Normalise a rule term or a lookup key the same way texts are normalised."""
    return normalize(text).text
