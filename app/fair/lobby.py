"""The fair lobby: booths with their live postings, searched and filtered.

A booth shows the postings its staff chose, or all of the organization's visible postings
if they chose none; the queries here follow that rule in SQL so that a fair of hundreds of
booths costs two queries, not one per booth. Keyword matching uses the search index
(app/fair/search.py), never a ``LIKE`` scan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

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


def _fair_postings(
    fair_id: int, today: date
) -> Select[Posting, PostingVersion, Organization, int | None]:
    return (
        # Labelled: the subquery in lobby() groups by it, and unlabelled it would be one
        # of several columns called "id".
        select(Posting, PostingVersion, Organization, col(Booth.id).label("booth_id"))
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


@dataclass(slots=True)
class LobbyBooth:
    booth: Booth
    org: Organization
    postings: int
    matches: int = 0  # postings matching the search, when there is one


@dataclass(slots=True)
class Lobby:
    booths: list[LobbyBooth]
    postings: Sequence[tuple[Posting, PostingVersion, Organization, int]] = field(
        default_factory=list
    )
    categories: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)


async def lobby(session: AsyncSession, fair_id: int, filters: Filters, *, today: date) -> Lobby:
    dialect = dialect_of(session)
    booths_rows = (
        await session.exec(
            select(Booth, Organization)
            .join(Organization, col(Organization.id) == col(Booth.org_id))
            .where(Booth.fair_id == fair_id, Booth.status == BoothStatus.ACCEPTED)
            .order_by(col(Organization.name))
        )
    ).all()
    base = _fair_postings(fair_id, today).subquery()
    totals = dict(
        (await session.exec(select(base.c.booth_id, func.count()).group_by(base.c.booth_id))).all()
    )
    facets = (await session.exec(select(base.c.category, base.c.district).distinct())).all()
    result = Lobby(
        booths=[],
        categories=sorted({c for c, _ in facets if c}),
        districts=sorted({d for _, d in facets if d}),
    )
    if not filters.any:
        result.booths = [
            LobbyBooth(booth=b, org=o, postings=int(totals.get(b.id, 0))) for b, o in booths_rows
        ]
        return result
    matching = (
        await session.exec(
            _fair_postings(fair_id, today)
            .where(*_posting_conditions(dialect, filters, with_query=True))
            .order_by(col(PostingVersion.decided_at).desc())
            .limit(MAX_POSTINGS)
        )
    ).all()
    result.postings = [(p, v, o, b or 0) for p, v, o, b in matching]
    per_booth: dict[int, int] = {}
    for *_, booth_id in result.postings:
        per_booth[booth_id] = per_booth.get(booth_id, 0) + 1
    booth_hits: set[int] = set()
    if filters.q and not filters.posting_filters:
        match = search.booth_match(dialect, filters.q)
        if match is not None:
            found = await session.exec(select(Booth.id).where(Booth.fair_id == fair_id, match))
            booth_hits = {booth_id for booth_id in found.all() if booth_id is not None}
    result.booths = [
        LobbyBooth(
            booth=b, org=o, postings=int(totals.get(b.id, 0)), matches=per_booth.get(b.id or 0, 0)
        )
        for b, o in booths_rows
        if (b.id in per_booth or b.id in booth_hits)
    ]
    return result
