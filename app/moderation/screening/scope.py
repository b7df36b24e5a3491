"""Clause-level scope of a match: negation, warnings, quotation and equal-opportunity text.

A match is not a finding when its own clause says the opposite (不收取任何押金, 不限男女,
"we never ask for a deposit"), warns against it (严禁刷单, 谨防押金诈骗), reports it inside
quotes (谨防"押金"诈骗, 'beware of anyone asking for a "deposit"'), or is part of an
equal-opportunity statement that lists protected grounds. The cues are data
(rules/scopes.toml); this module only finds the clauses they apply to.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from typing import Final

from app.moderation.screening.normalize import CJK
from app.moderation.screening.rules import read_toml

# Sentences end at 。!?; and line breaks, at an English full stop, and before a list number
# (1、 2. (3)) when the list runs on without line breaks.
_SENTENCE_END: Final = re.compile(
    r"[。!?;\n]|\.(?=[ \n]|$)"
    r"|(?<![0-9a-z.,])(?=[0-9]{1,2}(?:、|\.(?![0-9])|\)))|(?=\([0-9]{1,2}\))"
)
# A comma ends a clause in Chinese (，folds to ","); in English it mostly separates list items
# ("no deposit, training fee or kit"), so there it is no boundary.
_HAN: Final = re.compile(f"[{CJK}]")
_SUBCLAUSE_END: Final = re.compile(_SENTENCE_END.pattern + rf"|(?<=[{CJK}]),|,(?=[{CJK}])")
# What may stand between two items of one negated list: 不收取押金、培训费或服装费.
_LIST_GLUE: Final = re.compile(
    r"(?:[ ,、/和与及或跟+&]|以及|或者|或是|等"
    r"|(?<![a-z])(?:and|or|nor|any|a|an|the|other|also)(?![a-z]))*"
)


@dataclass(frozen=True, slots=True)
class Context:
    """A posting-level condition (e.g. work forbidden to women) that rules refer to by name."""

    name: str
    pattern: re.Pattern[str]
    note_zh: str
    note_en: str


@dataclass(frozen=True, slots=True)
class ScopeRules:
    neg_before_zh: re.Pattern[str]
    neg_before_en: re.Pattern[str]
    neg_after_zh: re.Pattern[str]
    neg_after_en: re.Pattern[str]
    warn_before: re.Pattern[str]
    warn_after: re.Pattern[str]
    contrast: re.Pattern[str]
    eeo: re.Pattern[str]
    quote_pairs: tuple[tuple[str, str], ...]
    contexts: dict[str, Context]


@cache
def scope_rules() -> ScopeRules:
    data = read_toml("scopes.toml")
    neg = data["negation"]
    zh_tail = f"(?:{neg['filler_zh']}){{0,{int(neg['filler_zh_max'])}}}$"
    en_tail = f"(?:[ ,]+{neg['filler_en']}(?![a-z])){{0,{int(neg['filler_en_max'])}}}[ ,]*$"
    contexts = {
        name: Context(
            name,
            re.compile("|".join(f"(?:{p})" for p in spec["patterns"])),
            str(spec.get("note_zh", "")),
            str(spec.get("note_en", "")),
        )
        for name, spec in data["context"].items()
    }
    return ScopeRules(
        neg_before_zh=re.compile(f"(?:{neg['before_zh']}){zh_tail}"),
        neg_before_en=re.compile(f"(?:{neg['before_en']}){en_tail}"),
        neg_after_zh=re.compile(neg["after_zh"]),
        neg_after_en=re.compile(neg["after_en"]),
        warn_before=re.compile(data["warning"]["before"]),
        warn_after=re.compile(data["warning"]["after"]),
        contrast=re.compile(data["contrast"]["pattern"]),
        eeo=re.compile(data["eeo"]["pattern"]),
        quote_pairs=tuple((p[0], p[1]) for p in data["quotes"]["pairs"]),
        contexts=contexts,
    )


def _ends(pattern: re.Pattern[str], text: str) -> list[int]:
    return [m.start() for m in pattern.finditer(text)]


class Scope:
    """The clause structure of one normalised field text, computed lazily and once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._sentence_ends: list[int] | None = None
        self._subclause_ends: list[int] | None = None
        self._quotes: list[tuple[int, int]] | None = None
        self.rules = scope_rules()

    def _span(self, ends: list[int], start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_right(ends, start - 1)  # last boundary strictly before the match
        lo = ends[i - 1] + 1 if i > 0 else 0
        j = bisect.bisect_left(ends, end)
        hi = ends[j] if j < len(ends) else len(self.text)
        return lo, hi

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        if self._sentence_ends is None:
            self._sentence_ends = _ends(_SENTENCE_END, self.text)
        return self._span(self._sentence_ends, start, end)

    def subclause(self, start: int, end: int) -> tuple[int, int]:
        if self._subclause_ends is None:
            self._subclause_ends = _ends(_SUBCLAUSE_END, self.text)
        return self._span(self._subclause_ends, start, end)

    def negated(self, start: int, end: int) -> bool:
        """A negation cue right before the match, or a "not required" right after it."""
        lo, hi = self.subclause(start, end)
        before = self.text[lo:start]
        after = self.text[end:hi]
        r = self.rules
        return bool(
            r.neg_before_zh.search(before)
            or r.neg_before_en.search(before)
            or r.neg_after_zh.match(after)
            or r.neg_after_en.match(after.lstrip())
        )

    def continues_list(self, prev_end: int, start: int) -> bool:
        """Only list glue between an earlier match and this one."""
        return (
            0 <= prev_end <= start and _LIST_GLUE.fullmatch(self.text[prev_end:start]) is not None
        )

    def warned(self, start: int, end: int) -> bool:
        """A warning or a report frames the match (in quotes: anywhere in its sentence)."""
        if self.in_quotes(start, end):
            lo, hi = self.sentence(start, end)
            sentence = self.text[lo:hi]
            return bool(
                self.rules.warn_before.search(sentence) or self.rules.warn_after.search(sentence)
            )
        lo, hi = self.subclause(start, end)
        before = self.text[lo:start]
        cues = list(self.rules.warn_before.finditer(before))
        # The last cue counts, unless a turn (但, "but") follows it.
        if cues and not self.rules.contrast.search(before, cues[-1].end()):
            return True
        return self.rules.warn_after.search(self.text, end, hi) is not None

    def eeo(self, start: int, end: int) -> bool:
        """Inside an equal-opportunity statement: its English sentence or Chinese clause."""
        lo, hi = self.sentence(start, end)
        if _HAN.search(self.text, lo, hi):  # 我们不分性别、年龄，限男性: the clause decides
            lo, hi = self.subclause(start, end)
        return self.rules.eeo.search(self.text, lo, hi) is not None

    def in_quotes(self, start: int, end: int) -> bool:
        if self._quotes is None:
            self._quotes = self._find_quotes()
        return any(lo <= start and end <= hi for lo, hi in self._quotes)

    def _find_quotes(self) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for open_, close in self.rules.quote_pairs:
            pos = 0
            while (i := self.text.find(open_, pos)) >= 0:
                j = self.text.find(close, i + 1)
                if j < 0:
                    break
                spans.append((i + 1, j))
                pos = j + 1
        return spans
