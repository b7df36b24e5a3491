"""The human review queue: ordered by risk, then waiting time; exclusive leases.

Claiming must hand each item to exactly one moderator however many claim at once.
PostgreSQL: ``SELECT ... FOR UPDATE SKIP LOCKED`` then an update in the same transaction.
SQLite: one conditional ``UPDATE ... WHERE id = (SELECT ...) RETURNING``, atomic because
SQLite runs one writer at a time. Deciding is a conditional update too: it succeeds only
for the lease holder while the lease is valid, so two moderators never decide one item.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db import utcnow
from app.errors import Conflict
from app.moderation.models import ItemKind, ItemReason, ItemStatus, ReviewItem

LEASE = timedelta(minutes=5)


class LeaseLost(Conflict):
    code = "lease_lost"


def enqueue(
    session: AsyncSession,
    *,
    kind: ItemKind,
    reason: ItemReason,
    org_id: int,
    version_id: int | None = None,
    risk: float = 0.0,
    excluded_moderator: int | None = None,
) -> ReviewItem:
    item = ReviewItem(
        kind=kind,
        reason=reason,
        org_id=org_id,
        version_id=version_id,
        risk=risk,
        excluded_moderator=excluded_moderator,
    )
    session.add(item)
    return item


def _claimable(moderator_id: int, now: datetime) -> list[sa.ColumnElement[bool]]:
    return [
        col(ReviewItem.status) == ItemStatus.OPEN,
        sa.or_(
            col(ReviewItem.claimed_by).is_(None),
            col(ReviewItem.lease_expires_at) < now,
            col(ReviewItem.claimed_by) == moderator_id,
        ),
        sa.or_(
            col(ReviewItem.excluded_moderator).is_(None),
            col(ReviewItem.excluded_moderator) != moderator_id,
        ),
    ]


_ORDER = (col(ReviewItem.risk).desc(), col(ReviewItem.enqueued_at), col(ReviewItem.id))


async def claim_next(
    session: AsyncSession, *, moderator_id: int, now: datetime | None = None
) -> ReviewItem | None:
    """Lease the most urgent open item to this moderator (their own unexpired one first)."""
    now = now or utcnow()
    expires = now + LEASE
    held = await session.exec(
        select(ReviewItem)
        .where(
            ReviewItem.status == ItemStatus.OPEN,
            ReviewItem.claimed_by == moderator_id,
            col(ReviewItem.lease_expires_at) > now,
        )
        .order_by(*_ORDER)
        .limit(1)
    )
    if (item := held.first()) is not None:
        return item
    candidate = (
        select(ReviewItem.id).where(*_claimable(moderator_id, now)).order_by(*_ORDER).limit(1)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        item_id = (await session.exec(candidate.with_for_update(skip_locked=True))).first()
        if item_id is None:
            return None
        target = col(ReviewItem.id) == item_id
    else:
        target = col(ReviewItem.id) == candidate.scalar_subquery()
    result = await session.exec(
        sa.update(ReviewItem)
        .where(target, *_claimable(moderator_id, now))
        .values(claimed_by=moderator_id, lease_expires_at=expires)
        .returning(col(ReviewItem.id))
    )
    claimed = result.scalar_one_or_none()
    if claimed is None:
        return None
    item = await session.get(ReviewItem, claimed, populate_existing=True)
    return item


async def renew(
    session: AsyncSession, *, moderator_id: int, item_id: int, now: datetime | None = None
) -> datetime:
    """Extend the caller's lease; fails if it expired and somebody else may hold it."""
    now = now or utcnow()
    expires = now + LEASE
    result = await session.exec(
        sa.update(ReviewItem)
        .where(
            col(ReviewItem.id) == item_id,
            col(ReviewItem.status) == ItemStatus.OPEN,
            col(ReviewItem.claimed_by) == moderator_id,
            col(ReviewItem.lease_expires_at) > now,
        )
        .values(lease_expires_at=expires)
    )
    if result.rowcount != 1:
        raise LeaseLost("Your claim on this item has expired. Claim it again from the queue.")
    return expires


async def release(session: AsyncSession, *, moderator_id: int, item_id: int) -> None:
    await session.exec(
        sa.update(ReviewItem)
        .where(col(ReviewItem.id) == item_id, col(ReviewItem.claimed_by) == moderator_id)
        .values(claimed_by=None, lease_expires_at=None)
    )


async def close(
    session: AsyncSession,
    *,
    moderator_id: int,
    item_id: int,
    decision: str,
    now: datetime | None = None,
) -> ReviewItem:
    """Mark the item decided, if the caller still holds a valid lease on it."""
    now = now or utcnow()
    result = await session.exec(
        sa.update(ReviewItem)
        .where(
            col(ReviewItem.id) == item_id,
            col(ReviewItem.status) == ItemStatus.OPEN,
            col(ReviewItem.claimed_by) == moderator_id,
            col(ReviewItem.lease_expires_at) > now,
        )
        .values(
            status=ItemStatus.DECIDED, decided_by=moderator_id, decided_at=now, decision=decision
        )
    )
    if result.rowcount != 1:
        raise LeaseLost("Your claim on this item has expired. Claim it again from the queue.")
    item = await session.get(ReviewItem, item_id, populate_existing=True)
    assert item is not None
    return item


async def cancel_open_items(session: AsyncSession, *, version_id: int) -> None:
    """Withdrawn or replaced before anyone decided: take it out of the queue."""
    await session.exec(
        sa.update(ReviewItem)
        .where(col(ReviewItem.version_id) == version_id, col(ReviewItem.status) == ItemStatus.OPEN)
        .values(status=ItemStatus.CANCELLED)
    )


async def has_open_item(session: AsyncSession, *, version_id: int, reason: ItemReason) -> bool:
    result = await session.exec(
        select(ReviewItem.id).where(
            ReviewItem.version_id == version_id,
            ReviewItem.reason == reason,
            ReviewItem.status == ItemStatus.OPEN,
        )
    )
    return result.first() is not None


async def counts(session: AsyncSession, *, now: datetime | None = None) -> dict[str, object]:
    """Open items by kind, the oldest waiting time, and how many are leased right now."""
    now = now or utcnow()
    rows = (
        await session.exec(
            select(col(ReviewItem.kind), sa.func.count(), sa.func.min(col(ReviewItem.enqueued_at)))
            .where(col(ReviewItem.status) == ItemStatus.OPEN)
            .group_by(col(ReviewItem.kind))
        )
    ).all()
    by_kind = {kind: int(n) for kind, n, _ in rows}
    oldest = min((first for _, _, first in rows if first is not None), default=None)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=now.tzinfo)
    leased = (
        await session.exec(
            select(sa.func.count()).where(
                col(ReviewItem.status) == ItemStatus.OPEN, col(ReviewItem.lease_expires_at) > now
            )
        )
    ).one()
    return {
        "total": sum(by_kind.values()),
        "postings": by_kind.get(ItemKind.POSTING, 0),
        "organizations": by_kind.get(ItemKind.ORGANIZATION, 0),
        "chat_messages": by_kind.get(ItemKind.CHAT_MESSAGE, 0),
        "leased": int(leased),
        "oldest_wait": (now - oldest) if oldest else None,
    }
