"""Builders for screening tests: a complete, lawful posting around the text under test."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.moderation.screening import Finding, PostingText, screen

VALID_USCC = "914403001922038216"  # 华为技术有限公司, published on its licence


def posting(text: str, lang: str = "zh", **fields: Any) -> PostingText:
    """A posting whose only questionable part is `text` (the description)."""
    if lang == "zh":
        base = PostingText(
            title="行政专员",
            description=text,
            category="行政",
            city="苏州",
            district="工业园区",
            salary_min=6000,
            salary_max=8000,
            headcount=2,
            education="大专",
            experience="1-3年",
            org_name="苏州澄湖示例科技有限公司",
            org_uscc=VALID_USCC,
            org_profile="专注工业软件的科技企业，办公地址：苏州工业园区星湖街100号。",
            lang="zh",
        )
    else:
        base = PostingText(
            title="Office Coordinator",
            description=text,
            category="Administration",
            city="Columbus, OH",
            district="Short North",
            salary_min=22,
            salary_max=26,
            salary_period="hour",
            headcount=1,
            education="High school diploma",
            experience="1+ year",
            org_name="Buckeye Example Logistics LLC",
            org_profile="Regional logistics firm, 250 N High St, Columbus.",
            lang="en",
        )
    return replace(base, **fields)


def flagged(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity in ("block", "review")]


def categories(text: str, lang: str = "zh", **fields: Any) -> set[str]:
    """Categories raised at review or block level."""
    return {f.category for f in flagged(screen(posting(text, lang, **fields)))}


def rules(text: str, lang: str = "zh", **fields: Any) -> set[str]:
    return {f.rule for f in flagged(screen(posting(text, lang, **fields)))}
