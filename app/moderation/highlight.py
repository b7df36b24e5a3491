"""Splitting a text into plain and flagged segments, for highlighting findings on a page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.moderation.screening import Finding

SEVERITY_RANK = {"block": 0, "review": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    finding: Finding | None = None


def segments(text: str, findings: Iterable[Finding], field: str) -> list[Segment]:
    """The text cut at the findings' spans; where spans overlap the more severe one wins."""
    spans = sorted(
        (f for f in findings if f.field == field and 0 <= f.start < f.end <= len(text)),
        key=lambda f: (f.start, SEVERITY_RANK.get(f.severity, 3), -f.end),
    )
    result: list[Segment] = []
    cursor = 0
    for finding in spans:
        if finding.start < cursor:
            continue  # overlaps a span already shown
        if finding.start > cursor:
            result.append(Segment(text[cursor : finding.start]))
        result.append(Segment(text[finding.start : finding.end], finding))
        cursor = finding.end
    if cursor < len(text):
        result.append(Segment(text[cursor:]))
    return result


def by_severity(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (SEVERITY_RANK.get(f.severity, 3), f.field, f.start))
