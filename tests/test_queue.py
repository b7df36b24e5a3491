"""The review queue on both databases: exclusive claims under concurrency, leases, order."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import col, select

from app.auth.models import Organization, Role
from app.db import Database, utcnow
from app.moderation import queue
from app.moderation.models import ItemKind, ItemReason, ItemStatus, ReviewItem
from tests.conftest import add_org, add_user


async def _org_and_moderators(
    db: Database, password_hash: str, count: int
) -> tuple[Organization, list[int]]:
    employer = await add_user(db, password_hash, Role.EMPLOYER)
    org = await add_org(db, employer)
    moderators = []
    for n in range(count):
        user = await add_user(db, password_hash, Role.MODERATOR, email=f"mod{n}@example.com")
        assert user.id is not None
        moderators.append(user.id)
    return org, moderators


async def _fill(db: Database, org_id: int, count: int, **kwargs: object) -> list[int]:
    async with db.sessions() as session:
        items = [
            queue.enqueue(
                session,
                kind=ItemKind.ORGANIZATION,
                reason=ItemReason.REGISTERED,
                org_id=org_id,
                **kwargs,
            )  # type: ignore[arg-type]
            for _ in range(count)
        ]
        await session.commit()
        return [item.id for item in items if item.id is not None]


async def test_twenty_claimers_decide_each_of_a_hundred_items_exactly_once(
    database: Database, password_hash: str
) -> None:
    org, moderators = await _org_and_moderators(database, password_hash, 20)
    assert org.id is not None
    ids = await _fill(database, org.id, 100)
    decided: list[tuple[int, int]] = []

    async def moderator(moderator_id: int) -> None:
        while True:
            async with database.sessions() as session:
                item = await queue.claim_next(session, moderator_id=moderator_id)
                await session.commit()
            if item is None:
                return
            assert item.id is not None
            await asyncio.sleep(0)  # let the others race for the same rows
            async with database.sessions() as session:
                await queue.close(
                    session, moderator_id=moderator_id, item_id=item.id, decision="approve"
                )
                await session.commit()
            decided.append((item.id, moderator_id))

    await asyncio.gather(*(moderator(m) for m in moderators))
    assert sorted(item for item, _ in decided) == sorted(ids)
    async with database.sessions() as session:
        rows = (await session.exec(select(ReviewItem))).all()
    assert all(row.status == ItemStatus.DECIDED for row in rows)
    assert {row.id: row.decided_by for row in rows} == dict(decided)
    # The work was shared, not done by one moderator while the others waited.
    assert len({m for _, m in decided}) > 1


async def test_a_lease_is_exclusive_until_it_expires(
    database: Database, password_hash: str
) -> None:
    org, (alice, bob) = await _org_and_moderators(database, password_hash, 2)
    assert org.id is not None
    (item_id,) = await _fill(database, org.id, 1)
    now = utcnow()
    async with database.sessions() as session:
        claimed = await queue.claim_next(session, moderator_id=alice, now=now)
        await session.commit()
    assert claimed is not None
    assert claimed.id == item_id
    async with database.sessions() as session:
        assert (
            await queue.claim_next(session, moderator_id=bob, now=now + timedelta(minutes=1))
            is None
        )
        with pytest.raises(queue.LeaseLost):
            await queue.close(
                session, moderator_id=bob, item_id=item_id, decision="approve", now=now
            )
    # Alice's lease runs out: the item goes back to the queue and Bob may take it.
    later = now + queue.LEASE + timedelta(seconds=1)
    async with database.sessions() as session:
        taken = await queue.claim_next(session, moderator_id=bob, now=later)
        await session.commit()
    assert taken is not None
    assert taken.claimed_by == bob
    async with database.sessions() as session:
        with pytest.raises(queue.LeaseLost):
            await queue.close(
                session, moderator_id=alice, item_id=item_id, decision="reject", now=later
            )
        with pytest.raises(queue.LeaseLost):
            await queue.renew(session, moderator_id=alice, item_id=item_id, now=later)
        await queue.renew(session, moderator_id=bob, item_id=item_id, now=later)
        await queue.close(session, moderator_id=bob, item_id=item_id, decision="approve", now=later)
        await session.commit()


async def test_claims_come_by_risk_then_age_and_skip_excluded_moderators(
    database: Database, password_hash: str
) -> None:
    org, (alice, bob) = await _org_and_moderators(database, password_hash, 2)
    assert org.id is not None
    start = utcnow() - timedelta(hours=1)
    async with database.sessions() as session:
        for risk, age, excluded in (
            (1.0, 10, None),
            (5.0, 5, None),
            (1.0, 30, None),
            (9.0, 1, alice),
        ):
            item = queue.enqueue(
                session,
                kind=ItemKind.ORGANIZATION,
                reason=ItemReason.REGISTERED,
                org_id=org.id,
                risk=risk,
                excluded_moderator=excluded,
            )
            item.enqueued_at = start - timedelta(minutes=age)
        await session.commit()
    order = []
    for _ in range(3):
        async with database.sessions() as session:
            item = await queue.claim_next(session, moderator_id=alice)
            assert item is not None
            assert item.id is not None
            order.append((item.risk, int((start - item.enqueued_at).total_seconds() // 60)))
            await queue.close(session, moderator_id=alice, item_id=item.id, decision="approve")
            await session.commit()
    assert order == [(5.0, 5), (1.0, 30), (1.0, 10)]
    async with database.sessions() as session:
        assert await queue.claim_next(session, moderator_id=alice) is None  # the appeal is not hers
        appeal = await queue.claim_next(session, moderator_id=bob)
        assert appeal is not None
        assert appeal.risk == 9.0


async def test_counts(database: Database, password_hash: str) -> None:
    org, (alice,) = await _org_and_moderators(database, password_hash, 1)
    assert org.id is not None
    await _fill(database, org.id, 3)
    async with database.sessions() as session:
        await queue.claim_next(session, moderator_id=alice)
        await session.commit()
        counts = await queue.counts(session)
        open_items = (
            await session.exec(select(ReviewItem).where(col(ReviewItem.status) == "open"))
        ).all()
    assert counts["total"] == 3 == len(open_items)
    assert counts["organizations"] == 3
    assert counts["leased"] == 1
    assert counts["oldest_wait"] is not None
