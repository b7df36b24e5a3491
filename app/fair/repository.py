"""Queries on postings and their versions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from app.auth.models import Organization, Verification
from app.fair.models import Posting, PostingVersion, VersionStatus


async def posting_by_id(session: AsyncSession, posting_id: int) -> Posting | None:
    return await session.get(Posting, posting_id)


async def version_by_id(session: AsyncSession, version_id: int) -> PostingVersion | None:
    return await session.get(PostingVersion, version_id)


async def latest_version(session: AsyncSession, posting_id: int) -> PostingVersion | None:
    result = await session.exec(
        select(PostingVersion)
        .where(PostingVersion.posting_id == posting_id)
        .order_by(col(PostingVersion.number).desc())
        .limit(1)
    )
    return result.first()


async def live_version(session: AsyncSession, posting_id: int) -> PostingVersion | None:
    result = await session.exec(
        select(PostingVersion).where(
            PostingVersion.posting_id == posting_id, PostingVersion.status == VersionStatus.LIVE
        )
    )
    return result.first()


async def versions_of(session: AsyncSession, posting_id: int) -> Sequence[PostingVersion]:
    result = await session.exec(
        select(PostingVersion)
        .where(PostingVersion.posting_id == posting_id)
        .order_by(col(PostingVersion.number))
    )
    return result.all()


async def org_postings(
    session: AsyncSession, org_id: int
) -> Sequence[tuple[Posting, PostingVersion]]:
    """Each posting of the organization with its latest version, newest first."""
    latest = (
        select(PostingVersion.posting_id, sa.func.max(PostingVersion.number).label("number"))
        .group_by(col(PostingVersion.posting_id))
        .subquery()
    )
    result = await session.exec(
        select(Posting, PostingVersion)
        .join(PostingVersion, col(PostingVersion.posting_id) == col(Posting.id))
        .join(
            latest,
            sa.and_(
                latest.c.posting_id == col(PostingVersion.posting_id),
                latest.c.number == col(PostingVersion.number),
            ),
        )
        .where(Posting.org_id == org_id)
        .order_by(col(Posting.id).desc())
    )
    return result.all()


def visible_conditions(today: date) -> list[sa.ColumnElement[bool]]:
    """What makes a posting visible to job seekers."""
    return [
        col(PostingVersion.status) == VersionStatus.LIVE,
        col(Posting.withdrawn_at).is_(None),
        col(Posting.hidden_at).is_(None),
        col(Organization.verification) == Verification.VERIFIED,
        sa.or_(col(PostingVersion.valid_until).is_(None), col(PostingVersion.valid_until) >= today),
    ]


def visible_query(today: date) -> Select[Posting, PostingVersion, Organization]:
    return (
        select(Posting, PostingVersion, Organization)
        .join(PostingVersion, col(PostingVersion.posting_id) == col(Posting.id))
        .join(Organization, col(Organization.id) == col(Posting.org_id))
        .where(*visible_conditions(today))
    )


async def visible_posting(
    session: AsyncSession, posting_id: int, today: date
) -> tuple[Posting, PostingVersion, Organization] | None:
    result = await session.exec(visible_query(today).where(col(Posting.id) == posting_id))
    row = result.first()
    return None if row is None else (row[0], row[1], row[2])


async def visible_postings(
    session: AsyncSession, *, today: date, offset: int, limit: int
) -> Sequence[tuple[Posting, PostingVersion, Organization]]:
    result = await session.exec(
        visible_query(today)
        .order_by(col(PostingVersion.decided_at).desc())
        .offset(offset)
        .limit(limit)
    )
    return [(row[0], row[1], row[2]) for row in result.all()]


async def signatures_for_duplicates(
    session: AsyncSession, *, exclude_org: int
) -> Sequence[tuple[int, int, str]]:
    """(version id, org id, signature) of live and in-review versions of other organizations."""
    result = await session.exec(
        select(PostingVersion.id, Posting.org_id, PostingVersion.signature)
        .join(Posting, col(Posting.id) == col(PostingVersion.posting_id))
        .where(
            col(PostingVersion.status).in_([VersionStatus.LIVE, VersionStatus.IN_REVIEW]),
            Posting.org_id != exclude_org,
            PostingVersion.signature != "",
        )
    )
    return [(int(v or 0), o, s) for v, o, s in result.all()]
