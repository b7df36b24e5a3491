"""The fair lobby: booths with their live postings, searched and filtered.

A booth shows the postings its staff chose, or all of the organization's visible postings
if they chose none; the queries here follow that rule in SQL so that a fair of hundreds of
booths costs two queries, not one per booth. Keyword matching uses the search index
(app/fair/search.py), never a ``LIKE`` scan.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.models import Organization
from app.db import dialect_of
from app.fair import repository, search
from app.fair.models import (
    Booth,
    BoothPosting,
    BoothStatus,
    Posting,
    PostingVersion,
    SalaryPeriod,
)
from app.fair.seekers import EDUCATION_LEVELS

# Rough monthly equivalents, so one salary filter covers hourly and daily pay too.
_MONTHLY = {SalaryPeriod.MONTH: 1.0, SalaryPeriod.DAY: 21.75, SalaryPeriod.HOUR: 174.0}
MAX_POSTINGS = 200


@dataclass(slots=True)
class Filters:
    q: str = ""
    category: str = ""
    district: str = ""
    salary: int | None = None  # at least this much a month
    education: str = ""  # postings asking for at most this level

    @property
    def posting_filters(self) -> bool:
        return bool(self.category or self.district or self.salary or self.education)

    @property
    def any(self) -> bool:
        return bool(self.q.strip()) or self.posting_filters


def parse_filters(params: dict[str, str]) -> Filters:
    """From the lobby's query string; unknown or malformed values are ignored, never fatal."""
    salary_raw = params.get("salary", "").strip()
    education = params.get("education", "").strip()
    return Filters(
        q=params.get("q", "").strip()[: search.MAX_QUERY_CHARS],
        category=params.get("category", "").strip()[:40],
        district=params.get("district", "").strip()[:40],
        salary=int(salary_raw) if salary_raw.isdigit() and len(salary_raw) < 8 else None,
        education=education if education in EDUCATION_LEVELS else "",
    )


def _shown_at_booth() -> sa.ColumnElement[bool]:
    """The posting is one the booth shows (chosen, or no choice made)."""
    chosen_any = sa.exists().where(col(BoothPosting.booth_id) == col(Booth.id))
    chosen_this = sa.exists().where(
        col(BoothPosting.booth_id) == col(Booth.id), col(BoothPosting.posting_id) == col(Posting.id)
    )
    return sa.or_(~chosen_any, chosen_this)


def _posting_conditions(
    dialect: str, filters: Filters, *, with_query: bool
) -> list[sa.ColumnElement[bool]]:
    conditions: list[sa.ColumnElement[bool]] = []
    if filters.category:
        conditions.append(col(PostingVersion.category) == filters.category)
    if filters.district:
        conditions.append(col(PostingVersion.district) == filters.district)
    if filters.salary:
        monthly = sa.case(
            *[
                (
                    col(PostingVersion.salary_period) == period,
                    col(PostingVersion.salary_max) * factor,
                )
                for period, factor in _MONTHLY.items()
            ],
            else_=col(PostingVersion.salary_max),
        )
        conditions.append(monthly >= filters.salary)
    if filters.education:
        allowed = EDUCATION_LEVELS[: EDUCATION_LEVELS.index(filters.education) + 1]
        conditions.append(col(PostingVersion.education).in_(("", *allowed)))
    if with_query and filters.q:
        match = search.posting_match(dialect, filters.q)
        if match is not None:
            conditions.append(match)
    return conditions


def _fair_postings(fair_id: int, today: date, *columns: Any) -> Any:
    """Visible postings shown at the fair's accepted booths, with only ``columns``: the
    lobby lists hundreds of rows and never needs whole postings (a version row carries its
    screening findings and signature)."""
    return (
        sa.select(*columns)
        .select_from(Posting)
        .join(PostingVersion, col(PostingVersion.posting_id) == col(Posting.id))
        .join(Organization, col(Organization.id) == col(Posting.org_id))
        .join(
            Booth,
            sa.and_(
                col(Booth.org_id) == col(Posting.org_id),
                col(Booth.fair_id) == fair_id,
                col(Booth.status) == BoothStatus.ACCEPTED,
            ),
        )
        .where(*repository.visible_conditions(today), _shown_at_booth())
    )


@dataclass(slots=True, frozen=True)
class LobbyBooth:
    id: int
    org_name: str
    logo: str
    free: bool
    postings: int
    matches: int = 0  # postings matching the search, when there is one


@dataclass(slots=True, frozen=True)
class LobbyPosting:
    id: int
    booth_id: int
    title: str
    org_name: str
    salary_min: int | None
    salary_max: int | None
    salary_period: str
    city: str
    district: str
    education: str


@dataclass(slots=True)
class Lobby:
    booths: list[LobbyBooth]
    postings: list[LobbyPosting] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class _Summary:
    booths: list[tuple[int, str, str, bool]]  # id, organization name, logo, free
    totals: dict[int, int]  # booth id -> postings shown
    categories: list[str]
    districts: list[str]
    at: float


# The unfiltered lobby of a fair changes when a booth is accepted or a posting goes live,
# not per visitor; each node keeps it for a few seconds instead of re-reading it for every
# page view. Searches always read the index.
SUMMARY_TTL_S = 5.0
_summaries: dict[tuple[str, int, date], _Summary] = {}


async def _summary(session: AsyncSession, fair_id: int, today: date) -> _Summary:
    key = (str(session.get_bind().engine.url), fair_id, today)
    now = time.monotonic()
    cached = _summaries.get(key)
    if cached is not None and now - cached.at < SUMMARY_TTL_S:
        return cached
    booth_rows = (
        await session.exec(
            select(Booth.id, Organization.name, Booth.logo, Booth.free)
            .join(Organization, col(Organization.id) == col(Booth.org_id))
            .where(Booth.fair_id == fair_id, Booth.status == BoothStatus.ACCEPTED)
            .order_by(col(Organization.name))
        )
    ).all()
    grouped = (
        await session.exec(
            _fair_postings(
                fair_id, today, col(Booth.id), col(PostingVersion.category),
                col(PostingVersion.district), func.count(),
            ).group_by(col(Booth.id), col(PostingVersion.category), col(PostingVersion.district))
        )
    ).all()  # fmt: skip
    totals: dict[int, int] = {}
    categories: set[str] = set()
    districts: set[str] = set()
    for booth_id, category, district, count in grouped:
        totals[booth_id] = totals.get(booth_id, 0) + int(count)
        categories.add(category)
        districts.add(district)
    summary = _Summary(
        booths=[(b or 0, name, logo, free) for b, name, logo, free in booth_rows],
        totals=totals,
        categories=sorted(c for c in categories if c),
        districts=sorted(d for d in districts if d),
        at=now,
    )
    if len(_summaries) > 1000:
        _summaries.clear()
    _summaries[key] = summary
    return summary


def forget_summaries() -> None:
    """Tests that change a fair and look at once."""
    _summaries.clear()


async def lobby(session: AsyncSession, fair_id: int, filters: Filters, *, today: date) -> Lobby:
    """Three queries whatever the number of booths: the booths, one pass over the fair's
    postings for counts and facets, and the matches when there is a search."""
    dialect = dialect_of(session)
    summary = await _summary(session, fair_id, today)
    booth_rows, totals = summary.booths, summary.totals
    result = Lobby(booths=[], categories=summary.categories, districts=summary.districts)
    if not filters.any:
        result.booths = [
            LobbyBooth(
                id=b or 0, org_name=name, logo=logo, free=free, postings=totals.get(b or 0, 0)
            )
            for b, name, logo, free in booth_rows
        ]
        return result
    matching = (
        await session.exec(
            _fair_postings(
                fair_id, today, col(Posting.id), col(Booth.id), col(PostingVersion.title),
                col(Organization.name), col(PostingVersion.salary_min),
                col(PostingVersion.salary_max), col(PostingVersion.salary_period),
                col(PostingVersion.city), col(PostingVersion.district),
                col(PostingVersion.education),
            )
            .where(*_posting_conditions(dialect, filters, with_query=True))
            .order_by(col(PostingVersion.decided_at).desc())
            .limit(MAX_POSTINGS)
        )
    ).all()  # fmt: skip
    result.postings = [LobbyPosting(*row) for row in matching]
    per_booth: dict[int, int] = {}
    for posting in result.postings:
        per_booth[posting.booth_id] = per_booth.get(posting.booth_id, 0) + 1
    booth_hits: set[int] = set()
    if filters.q and not filters.posting_filters:
        match = search.booth_match(dialect, filters.q)
        if match is not None:
            found = await session.exec(select(Booth.id).where(Booth.fair_id == fair_id, match))
            booth_hits = {booth_id for booth_id in found.all() if booth_id is not None}
    result.booths = [
        LobbyBooth(
            id=b,
            org_name=name,
            logo=logo,
            free=free,
            postings=totals.get(b, 0),
            matches=per_booth.get(b, 0),
        )
        for b, name, logo, free in booth_rows
        if (b in per_booth or b in booth_hits)
    ]
    return result
