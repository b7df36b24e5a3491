"""`screen`: a posting in, findings out. Pure: no I/O, no clock, no randomness."""

from __future__ import annotations

import logging
import re
from typing import Final

from app.moderation.screening import pay, structure
from app.moderation.screening.duplicates import DuplicateIndex, posting_text
from app.moderation.screening.lexical import PostingContext, scan_field
from app.moderation.screening.model import TEXT_FIELDS, Finding, PostingText, sort_key
from app.moderation.screening.normalize import CJK, Normalized, fold, normalize
from app.moderation.screening.rules import posting_rule_sets

logger = logging.getLogger(__name__)

_CJK_CHAR: Final = re.compile(f"[{CJK}]")
_LATIN: Final = re.compile("[A-Za-z]")
# Tiers stay below 99 and category weights above 0.8, so a tier never reaches the next unit.
_SEVERITY_UNIT: Final = {"block": 1_000_000.0, "review": 1_000.0, "info": 1.0}
# Fraud and money categories first in the review queue; structural hints weigh least.
_CATEGORY_WEIGHT: Final = {
    "task_scam": 3.0,
    "pyramid": 3.0,
    "identity": 3.0,
    "fee": 2.5,
    "unrealistic_pay": 2.0,
    "off_platform": 2.0,
    "duplicate": 1.5,
    "uscc": 1.5,
    "inconsistent": 1.2,
    "profile": 0.8,
    "missing_field": 1.0,
}
_SALARY_TEXT_FIELDS: Final = ("title", "description", "requirements", "benefits")


def resolve_lang(posting: PostingText) -> str:
    """zh or en: the posting's own, or guessed from its text.

    Only pay conventions (CNY or USD, periods) depend on it: every rule set runs on every
    posting, since Chinese postings quote English and the reverse.
    """
    if posting.lang in ("zh", "en"):
        return posting.lang
    if posting.org_uscc:
        return "zh"
    sample = posting.title + posting.description + posting.requirements
    han = len(_CJK_CHAR.findall(sample))
    # A Han character carries about four letters' worth of text.
    return "zh" if han >= 10 or (han > 0 and han * 4 >= len(_LATIN.findall(sample))) else "en"


def screen(
    posting: PostingText,
    *,
    duplicates: DuplicateIndex | None = None,
    posting_id: str | None = None,
    org_key: str | None = None,
) -> list[Finding]:
    """Every finding on `posting`, in field order, then start, then rule.

    `duplicates` holds earlier postings; the posting is compared with those of other
    organizations (`org_key`) but not added: the caller adds it once it is stored.
    Never raises: an internal error becomes a `review` finding so a person looks at it.
    """
    try:
        return _screen(posting, duplicates, posting_id, org_key)
    except Exception:  # a screening bug must route the posting to a person, not crash submit
        logger.exception("screening failed for posting %s", posting_id)
        return [structure.finding("screening-error")]


def _screen(
    posting: PostingText,
    duplicates: DuplicateIndex | None,
    posting_id: str | None,
    org_key: str | None,
) -> list[Finding]:
    lang = resolve_lang(posting)
    currency = "cny" if lang == "zh" else "usd"
    texts: dict[str, tuple[str, Normalized]] = {}
    for name in TEXT_FIELDS:
        value = getattr(posting, name)
        if value:
            texts[name] = (value, normalize(value))
    context_text = "\n".join(
        [n.text for _, n in texts.values()] + [fold(posting.justification), fold(posting.category)]
    )
    years = pay.experience_years(posting.experience)
    # Unknown experience counts as experienced: only a posting that asks for none gets the
    # stricter "no experience" pay thresholds.
    ctx = PostingContext(text=context_text, currency=currency, experienced=years != 0)
    no_experience = years == 0 or ctx.has("no_experience")
    if no_experience:
        ctx.experienced = False
    findings: list[Finding] = []
    rule_sets = posting_rule_sets()
    for name, (original, norm) in texts.items():
        findings += scan_field(name, original, norm, rule_sets, ctx)
    findings += structure.required_fields(posting)
    findings += structure.employer_checks(posting, lang)
    salary_texts: dict[str, tuple[str, Normalized]] = {
        n: texts[n] for n in _SALARY_TEXT_FIELDS if n in texts
    }
    findings += structure.salary_checks(posting, currency, no_experience, salary_texts)
    if duplicates is not None:
        hit = duplicates.match(posting_text(posting), org_key, exclude_id=posting_id)
        if hit is not None:
            findings.append(
                structure.finding("near-duplicate", other=hit[0], similarity=f"{hit[1]:.2f}")
            )
    return _unique(sorted(findings, key=sort_key))


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, int, int]] = set()
    out = []
    for f in findings:
        key = (f.rule, f.field, f.start, f.end)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def risk_score(findings: list[Finding]) -> float:
    """Order for the review queue: any block outranks any number of reviews, and so on.

    Within a severity each category counts once (weighted: fraud first), plus a little for
    every further finding, so the score stays below the next severity's unit.
    """
    score = 0.0
    for severity, unit in _SEVERITY_UNIT.items():
        level = [f for f in findings if f.severity == severity]
        categories = {f.category for f in level}
        tier = sum(_CATEGORY_WEIGHT.get(c, 1.0) for c in categories) + 0.01 * len(level)
        score += unit * min(tier, 99.0)
    return score
