"""What the screening engine reads (`PostingText`) and what it reports (`Finding`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Severity = Literal["block", "review", "info"]

SEVERITIES: Final[tuple[Severity, ...]] = ("block", "review", "info")

# Category ids of the moderation README, plus the two structural ones this engine adds.
CATEGORIES: Final[tuple[str, ...]] = (
    "gender",
    "age",
    "marital",
    "ethnicity",
    "origin",
    "health",
    "appearance",
    "school",
    "fee",
    "identity",
    "pyramid",
    "task_scam",
    "unrealistic_pay",
    "off_platform",
    "inconsistent",
    "duplicate",
    "uscc",
    "missing_field",  # a legally required element is absent: the posting cannot be submitted
    "profile",  # thin employer details: a fraud signal for the review queue, never a verdict
    "harassment",  # chat only
)

# Free-text fields, screened for words, in the order findings are reported.
TEXT_FIELDS: Final[tuple[str, ...]] = (
    "title",
    "description",
    "requirements",
    "benefits",
    "education",
    "experience",
    "org_profile",
)

# Every field a finding can name, in report order (text fields first).
FIELD_ORDER: Final[tuple[str, ...]] = (
    *TEXT_FIELDS,
    "category",
    "city",
    "district",
    "salary_min",
    "salary_max",
    "salary_period",
    "headcount",
    "org_name",
    "org_uscc",
    "justification",
    "message",
)


@dataclass(frozen=True, slots=True)
class PostingText:
    """Everything the engine looks at; all optional except title and description."""

    title: str
    description: str
    requirements: str = ""
    benefits: str = ""
    category: str = ""
    city: str = ""
    district: str = ""
    salary_min: int | None = None
    salary_max: int | None = None
    salary_period: str = "month"  # month | day | hour | year
    headcount: int | None = None
    education: str = ""
    experience: str = ""
    org_name: str = ""
    org_uscc: str | None = None
    org_profile: str = ""  # employer description/address, "" if empty
    lang: str = "auto"  # auto | zh | en
    justification: str = ""  # "genuine occupational requirement" note: context only, never flagged


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: `text == field_text[start:end]` in the original field.

    Structural findings that have no text of their own (a missing field, a salary range
    that contradicts itself) carry an empty span: ``start == end == 0`` and ``text == ""``.
    """

    rule: str
    category: str
    severity: Severity
    field: str
    start: int
    end: int
    text: str
    explanation_zh: str
    explanation_en: str
    legal_basis: str | None
    suggestion: str | None


def sort_key(finding: Finding) -> tuple[int, int, int, str, str]:
    """Report order: field order, then start, then end, then rule."""
    try:
        field_rank = FIELD_ORDER.index(finding.field)
    except ValueError:
        field_rank = len(FIELD_ORDER)
    return (field_rank, finding.start, finding.end, finding.rule, finding.category)
