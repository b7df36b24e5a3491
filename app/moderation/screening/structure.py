"""Structural checks: required fields, the employer, the USCC and the salary fields.

Fraud shows more in structure than in words (in EMSCAD an empty employer profile marks two
thirds of the fakes, while fee words are as common in real ads as in fake ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import cast

from app.auth.uscc import USCCError, normalize_uscc
from app.moderation.screening import pay
from app.moderation.screening.model import Finding, PostingText, Severity
from app.moderation.screening.normalize import Normalized
from app.moderation.screening.rules import read_toml

_USCC_REASONS_ZH = {
    "18 characters": "长度不是18位",
    "not allowed": "含有不允许的字符",
    "check character": "校验码不符",
}


@dataclass(frozen=True, slots=True)
class Meta:
    id: str
    category: str
    severity: Severity
    field: str
    explanation_zh: str
    explanation_en: str
    legal_basis: str | None
    suggestion: str | None


class _Params(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@cache
def metas() -> dict[str, Meta]:
    rules = read_toml("structural.toml")["rule"]
    return {
        r["id"]: Meta(
            id=r["id"],
            category=r["category"],
            severity=cast(Severity, r["severity"]),
            field=r["field"],
            explanation_zh=r["explanation_zh"],
            explanation_en=r["explanation_en"],
            legal_basis=r.get("legal_basis"),
            suggestion=r.get("suggestion"),
        )
        for r in rules
    }


def finding(
    rule_id: str,
    *,
    field: str | None = None,
    start: int = 0,
    end: int = 0,
    text: str = "",
    **params: object,
) -> Finding:
    """A finding of a structural rule; with no span it is empty (start == end == 0)."""
    meta = metas()[rule_id]
    values = _Params({k: str(v) for k, v in params.items()})
    return Finding(
        rule=meta.id,
        category=meta.category,
        severity=meta.severity,
        field=field or meta.field,
        start=start,
        end=end,
        text=text,
        explanation_zh=meta.explanation_zh.format_map(values),
        explanation_en=meta.explanation_en.format_map(values),
        legal_basis=meta.legal_basis,
        suggestion=meta.suggestion,
    )


def required_fields(posting: PostingText) -> list[Finding]:
    """Elements a posting must have by law: without them it cannot be submitted."""
    out: list[Finding] = []
    if not posting.title.strip():
        out.append(finding("missing-text", field="title", what="岗位名称", what_en="job title"))
    if not posting.description.strip():
        out.append(finding("missing-text", what="岗位描述", what_en="job description"))
    if posting.salary_min is None and posting.salary_max is None:
        out.append(finding("missing-pay"))
    if not posting.city.strip():
        out.append(finding("missing-place"))
    if posting.headcount is None:
        out.append(finding("missing-headcount"))
    if not posting.org_name.strip():
        out.append(finding("missing-employer"))
    return out


def employer_checks(posting: PostingText, lang: str) -> list[Finding]:
    out: list[Finding] = []
    if not posting.org_profile.strip():
        out.append(finding("empty-profile"))
    code = posting.org_uscc
    if code is None or not code.strip():
        if lang == "zh":
            out.append(finding("missing-uscc"))
        return out
    try:
        normalize_uscc(code)
    except USCCError as exc:
        reason_zh = next(
            (zh for key, zh in _USCC_REASONS_ZH.items() if key in exc.message), "格式错误"
        )
        out.append(
            finding(
                "uscc-check",
                start=0,
                end=len(code),
                text=code,
                reason=exc.message.rstrip(".").split(":")[0].lower(),
                reason_zh=reason_zh,
            )
        )
    return out


def salary_checks(
    posting: PostingText,
    currency: str,
    no_experience: bool,
    texts: Mapping[str, tuple[str, Normalized]],
) -> list[Finding]:
    """Contradictory salary fields, figures for another period, text that disagrees, hype."""
    out: list[Finding] = []
    low, high = posting.salary_min, posting.salary_max
    period = posting.salary_period if posting.salary_period in pay.PERIODS else "month"
    if low is not None and high is not None and low > high:
        out.append(finding("salary-reversed", low=low, high=high))
    if posting.headcount is not None and posting.headcount <= 0:
        out.append(finding("headcount-zero", headcount=posting.headcount))
    fields = pay.field_range(low, high)
    if fields is None:
        return out
    lo, hi = pay.tables().plausible[currency][period]
    plausible = lo <= min(fields) and max(fields) <= hi
    if not plausible:
        out.append(
            finding("salary-period-implausible", low=low, high=high, period=posting.salary_period)
        )
    field_month = (
        pay.monthly(fields[0], period, currency),
        pay.monthly(fields[1], period, currency),
    )
    mismatch = _text_mismatch(field_month, currency, period, texts)
    if mismatch is not None:
        out.append(mismatch)
    if plausible and mismatch is None:
        years = pay.experience_years(posting.experience)
        if years is None:
            years = 0 if no_experience else 1
        ceiling = pay.family_ceiling(posting.category, posting.title, years, currency)
        top = max(field_month)
        if top > ceiling:
            unit = "元" if currency == "cny" else " USD"
            out.append(
                finding(
                    "pay-above-ceiling",
                    monthly=f"{top:,.0f}{unit}",
                    ceiling=f"{ceiling:,.0f}{unit}",
                )
            )
    return out


def _text_mismatch(
    field_month: tuple[float, float],
    currency: str,
    period: str,
    texts: Mapping[str, tuple[str, Normalized]],
) -> Finding | None:
    for name, (original, norm) in texts.items():
        for mention in pay.salary_mentions(norm.text, currency):
            mentioned = (
                pay.monthly(mention.low, mention.period or period, currency),
                pay.monthly(mention.high, mention.period or period, currency),
            )
            if pay.ranges_disagree(mentioned, field_month):
                start, end = norm.to_original(mention.start, mention.end)
                unit = "元/月" if currency == "cny" else " USD/month"
                return finding(
                    "salary-text-mismatch",
                    field=name,
                    start=start,
                    end=end,
                    text=original[start:end],
                    fields=f"{field_month[0]:,.0f}-{field_month[1]:,.0f}{unit}",
                )
    return None
