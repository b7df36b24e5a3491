"""Word rules: run each rule set's single alternation over a normalised field.

A match becomes a finding unless a lawful look-alike covers it (男女不限, 乙肝疫苗), its
numbers say it is lawful (年满18周岁 is not an age limit), its clause negates, warns against
or quotes it, or it sits in an equal-opportunity statement. A posting-level context can make
it `info` (male-only for work the law forbids to women) or is required for it to count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Final

from app.moderation.screening import pay
from app.moderation.screening.model import Finding, Severity
from app.moderation.screening.normalize import Normalized
from app.moderation.screening.rules import Rule, RuleSet
from app.moderation.screening.scope import Scope, scope_rules

_NUMBER: Final = re.compile(r"[0-9]+|[一二两三四五六七八九十]+")
_DIGITS: Final = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
# Below this an upper age limit keeps minors out (未满18周岁勿扰) and is lawful; from the
# statutory retirement age (60) on it is not a hiring preference either.
_MIN_LIMIT: Final = 20
_RETIREMENT: Final = 60
_WORKING_AGE: Final = 16


@dataclass(slots=True)
class PostingContext:
    """What word rules may need to know about the whole posting."""

    text: str  # all normalised text of the posting, for named contexts
    currency: str
    experienced: bool
    _seen: dict[str, bool] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        if name not in self._seen:
            context = scope_rules().contexts.get(name)
            self._seen[name] = bool(context and context.pattern.search(self.text))
        return self._seen[name]

    def note(self, name: str) -> tuple[str, str]:
        context = scope_rules().contexts[name]
        return context.note_zh, context.note_en


def _chinese_number(token: str) -> int:
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, ones = token.partition("十")
        return _DIGITS.get(tens, 1) * 10 + _DIGITS.get(ones, 0)
    return _DIGITS.get(token[:1], 0)


def _age_limit(snippet: str, ctx: PostingContext) -> bool:
    """An upper limit or a range beyond the legal minimum and below retirement age."""
    numbers = [_chinese_number(t) for t in _NUMBER.findall(snippet)]
    if not numbers:
        return True  # "young", 年轻人优先
    if len(numbers) == 1:
        return _MIN_LIMIT <= numbers[0] < _RETIREMENT
    return min(numbers) >= _WORKING_AGE and max(numbers) < _RETIREMENT


def _pay_hype(snippet: str, ctx: PostingContext) -> bool:
    return pay.is_hype(snippet, ctx.currency, ctx.experienced)


CHECKS: Final[dict[str, Callable[[str, PostingContext], bool]]] = {
    "age_limit": _age_limit,
    "pay_hype": _pay_hype,
}


def scan_field(
    field_name: str,
    original: str,
    norm: Normalized,
    rule_sets: Iterable[RuleSet],
    ctx: PostingContext,
) -> list[Finding]:
    """Findings of the word rules in one field; spans are in the original text."""
    out: list[Finding] = []
    scope: Scope | None = None
    text = norm.text
    for rule_set in rule_sets:
        lawful: list[tuple[int, int]] | None = None
        prev_end, prev_negated = -1, False
        for m in rule_set.pattern.finditer(text):
            start, end = m.span()
            rule = rule_set.rule_at(text, start) if end > start else None
            if rule is None:
                continue
            if rule_set.lawful is not None:
                if lawful is None:
                    lawful = [x.span() for x in rule_set.lawful.finditer(text)]
                if any(a < end and start < b for a, b in lawful):
                    continue
            snippet = m.group()
            if rule.check is not None and not CHECKS[rule.check](snippet, ctx):
                continue
            if rule.requires is not None and not ctx.has(rule.requires):
                continue
            scope = scope or Scope(text)
            if rule_set.eeo_exempt and scope.eeo(start, end):
                continue
            if scope.warned(start, end):
                continue
            if rule.negatable:
                negated = scope.negated(start, end) or (
                    prev_negated and scope.continues_list(prev_end, start)
                )
                prev_end, prev_negated = end, negated
                if negated:
                    continue
            out.append(_finding(rule, field_name, original, norm, start, end, snippet, ctx))
    return out


def _finding(
    rule: Rule,
    field_name: str,
    original: str,
    norm: Normalized,
    start: int,
    end: int,
    snippet: str,
    ctx: PostingContext,
) -> Finding:
    severity: Severity = rule.severity
    explanation_zh, explanation_en = rule.explanation_zh, rule.explanation_en
    if (
        rule.exempt is not None
        and ctx.has(rule.exempt)
        and (rule.exempt_when is None or rule.exempt_when.search(snippet))
    ):
        severity = "info"
        note_zh, note_en = ctx.note(rule.exempt)
        explanation_zh = f"{explanation_zh} {note_zh}"
        explanation_en = f"{explanation_en} {note_en}"
    o_start, o_end = norm.to_original(start, end)
    return Finding(
        rule=rule.id,
        category=rule.category,
        severity=severity,
        field=field_name,
        start=o_start,
        end=o_end,
        text=original[o_start:o_end],
        explanation_zh=explanation_zh,
        explanation_en=explanation_en,
        legal_basis=rule.legal_basis,
        suggestion=rule.suggestion,
    )
