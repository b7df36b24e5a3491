"""Pay: period conversion, plausibility of the salary fields, salary figures in the text.

Thresholds are data (rules/pay.toml). All comparisons happen per month, in CNY for Chinese
postings and USD for US ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from app.moderation.screening.normalize import fold
from app.moderation.screening.rules import read_toml

PERIODS: Final = ("hour", "day", "week", "month", "year")
_PERIOD_WORDS: Final = {
    "hour": ("小时", "时", "hour", "hr", "hourly"),
    "day": ("日", "天", "day", "daily"),
    "week": ("周", "星期", "week", "wk", "weekly"),
    "month": ("月", "month", "mo", "monthly"),
    "year": ("年", "year", "yr", "annum", "annual", "annually", "yearly"),
}
_AMOUNT: Final = re.compile(r"([0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?) ?(万|千|k)?(?![0-9])")
_WORD_AMOUNTS: Final = (("百万", 1_000_000), ("十万", 100_000), ("过万", 10_000), ("上万", 10_000), ("过千", 1_000), ("上千", 1_000), ("千元", 1_000))  # fmt: skip
_YEARS: Final = re.compile(r"([0-9]+)(?: ?(?:-|~|至|到) ?[0-9]+)? ?\+? ?(?:年|years?|yrs?)")

# A salary statement in free text. Chinese: a pay word, then an amount or a range with an
# optional unit and period. English: a dollar amount or range with a period, or right after
# a pay word.
_ZH_SALARY: Final = re.compile(
    r"(?P<kw>综合月薪|税前月薪|月薪|月收入|月入|年薪|日薪|时薪|日结|日赚|薪资|薪酬|工资|待遇)"
    r"[^0-9,;。!?\n]{0,4}"
    r"(?P<a>[0-9]+(?:\.[0-9]+)?) ?(?P<au>万|千|k)?"
    r"(?: ?(?:-|~|至|到) ?(?P<b>[0-9]+(?:\.[0-9]+)?) ?(?P<bu>万|千|k)?)?"
    r" ?(?:元|块|rmb)?(?: ?(?:/|每|一|per) ?(?P<per>小时|时|天|日|月|年|周))?"
)
_EN_SALARY: Final = re.compile(
    r"(?P<kw>(?:salary|pay|pays|wage|wages|compensation|rate|base|income|stipend)"
    r"(?: range| rate| is| of| will be| between|:)*[ :]*)?"
    r"\$(?P<a>[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)(?P<au>k)?"
    r"(?: ?(?:-|to) ?\$?(?P<b>[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)(?P<bu>k)?)?"
    r"(?: ?(?:/|per|an|a|each) ?(?P<per>hour|hr|year|yr|annum|month|mo|week|wk|day)(?![a-z]))?"
)
_KW_PERIOD: Final = {"综合月薪": "month", "税前月薪": "month", "月薪": "month", "月收入": "month",
                     "月入": "month", "年薪": "year", "日薪": "day", "日结": "day", "日赚": "day",
                     "时薪": "hour"}  # fmt: skip
_EARN: Final = re.compile(
    r"赚|挣|[日月年]入|收入|回报|收益|返利|分红|(?<![a-z])(?:earn|earning|make|making)(?![a-z])"
)
_BASE_PAY: Final = re.compile(r"底|基本|保底|起步|base(?! ?salary)")
_PROVISIONAL: Final = re.compile(
    r"试用期|实习|见习|培训期|学徒期|转正前|前[0-9一二三]个月|trial|probation|intern"
)


@dataclass(frozen=True, slots=True)
class PayTables:
    convert: dict[str, dict[str, float]]
    plausible: dict[str, dict[str, tuple[float, float]]]
    families: tuple[tuple[str, tuple[str, ...], dict[str, tuple[float, ...]]], ...]
    hype: dict[str, dict[str, float]]
    experienced_factor: float
    no_experience: frozenset[str]


@cache
def tables() -> PayTables:
    data: dict[str, Any] = read_toml("pay.toml")
    families = tuple(
        (
            str(f["name"]),
            tuple(fold(k) for k in f["keywords"]),
            {"cny": tuple(f["cny_month"]), "usd": tuple(f["usd_month"])},
        )
        for f in data["family"]
    )
    return PayTables(
        convert=data["convert"],
        plausible={
            c: {p: (v[0], v[1]) for p, v in t.items()} for c, t in data["plausible"].items()
        },
        families=families,
        hype={c: data["hype"][c] for c in ("cny", "usd")},
        experienced_factor=float(data["hype"]["experienced_factor"]),
        no_experience=frozenset(fold(v) for v in data["experience"]["none"]),
    )


def monthly(amount: float, period: str, currency: str) -> float:
    return amount * tables().convert[currency].get(period, 1.0)


def period_of(word: str) -> str | None:
    for period, words in _PERIOD_WORDS.items():
        if any(w in word for w in words):
            return period
    return None


def _scaled(number: str, unit: str | None) -> float:
    value = float(number.replace(",", ""))
    return value * {"万": 10_000, "千": 1_000, "k": 1_000}.get(unit or "", 1)


def amounts(text: str) -> list[float]:
    """Money amounts in a normalised snippet: 800, 3-5万, 过万, $5,000, 10k."""
    found = [_scaled(m.group(1), m.group(2)) for m in _AMOUNT.finditer(text)]
    # 3-5万: the unit after the second number applies to the first too.
    units = [m.group(2) for m in _AMOUNT.finditer(text)]
    if len(found) == 2 and units[1] and not units[0]:
        found[0] *= {"万": 10_000, "千": 1_000, "k": 1_000}[units[1]]
    found += [value for word, value in _WORD_AMOUNTS if word in text]
    return found


def experience_years(experience: str) -> int | None:
    """Years asked by the experience field: 0 for none, None when it says nothing usable."""
    text = fold(experience).strip()
    if not text:
        return None
    if text in tables().no_experience or "不限" in text or "no experience" in text:
        return 0
    m = _YEARS.search(text)
    if m:
        return int(m.group(1))
    if re.search(r"[0-9]+ ?(?:个月|months?)", text):
        return 0
    return None


def family_ceiling(category: str, title: str, years: int, currency: str) -> float:
    tier = 0 if years <= 0 else 1 if years <= 2 else 2 if years <= 4 else 3
    key_text = fold(category), fold(title)
    for _, keywords, ceilings in tables().families:
        if not keywords or any(k in text for text in key_text for k in keywords):
            return ceilings[currency][tier]
    return tables().families[-1][2][currency][tier]


def is_hype(snippet: str, currency_hint: str, experienced: bool) -> bool:
    """Does a pay promise in the text ("日赚800", "$5,000 a week") reach the hype threshold?

    Earning verbs (日赚, 月入, "make $...") are hype wording themselves: they get the strict
    thresholds whatever the experience asked; plain pay words (日薪, 月薪) do not.
    """
    currency = "usd" if "$" in snippet or "dollar" in snippet else currency_hint
    if _EARN.search(snippet):
        experienced = False
    period = period_of(snippet) or "month"
    values = amounts(snippet)
    if not values:
        return False
    limit = tables().hype[currency][period]
    if experienced:
        limit *= tables().experienced_factor
    return max(values) >= limit


@dataclass(frozen=True, slots=True)
class SalaryMention:
    start: int
    end: int
    low: float
    high: float
    period: str | None  # None: the text gives no period; assume the fields' one


def salary_mentions(text: str, currency: str) -> Iterator[SalaryMention]:
    """Salary statements in a normalised text, skipping base pay and probation rates."""
    pattern = _ZH_SALARY if currency == "cny" else _EN_SALARY
    for m in pattern.finditer(text):
        if currency == "usd" and not (m.group("kw") or m.group("per")):
            continue  # "$30 bonus per package": not a salary statement
        if _BASE_PAY.search(text, m.start(), m.start("a")):
            continue  # 薪资：底薪3500元 is the base, not the pay range
        clause_start = max(text.rfind(c, 0, m.start()) for c in ",;。\n")
        if _PROVISIONAL.search(text, clause_start + 1, m.end()):
            continue
        low = _scaled(m.group("a"), m.group("au") or m.group("bu"))
        high = _scaled(m.group("b"), m.group("bu")) if m.group("b") else low
        per = m.group("per")
        period = period_of(per) if per else _KW_PERIOD.get(m.group("kw") or "")
        start = m.start("kw") if m.group("kw") else m.start("a") - 1
        yield SalaryMention(start, m.end(), low, high, period)


def field_range(low: int | None, high: int | None) -> tuple[float, float] | None:
    values = [v for v in (low, high) if v is not None]
    if not values:
        return None
    return float(values[0]), float(values[-1])


def ranges_disagree(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """No overlap even with 15% slack: the two figures describe different pay."""
    return a[1] < min(b) * 0.85 or a[0] > max(b) * 1.15
