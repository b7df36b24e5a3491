"""Booth queues and the conversations they open, on both databases, through the services.

Each action is its own unit of work, committed as the WebSocket frame handlers commit it
(including the refusals that keep a change: a missed call, a lapsed place). Several rules
share a test where they share a set-up: every test pays for a fresh database.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from sqlmodel import col, func, select

from app.auth.identity import Identity
from app.db import Database, utcnow
from app.errors import AppError, Conflict, Invalid, NotAllowed, NotFound
from app.fair import booths, conversations, fairs, queues
from app.fair.frames import conversation_policy
from app.fair.models import (
    Booth,
    Conversation,
    ConversationStatus,
    Fair,
    FairStatus,
    Outcome,
    QueueTicket,
    TicketStatus,
)
from app.fair.schedule import local_date, zone
from tests.fair.svc_factories import Line, World, make_line, make_world, set_row


@pytest.fixture
async def line(database: Database, password_hash: str) -> Line:
    return await make_line(await make_world(database, password_hash))


async def refused(code: str, action: Awaitable[Any]) -> AppError:
    with pytest.raises(AppError) as caught:
        await action
    assert caught.value.code == code, caught.value.message
    return caught.value


async def ticket_of(line: Line, me: Identity, booth_id: int | None = None) -> QueueTicket:
    result = await line.world.read(
        lambda s: s.exec(
            select(QueueTicket)
            .where(
                QueueTicket.booth_id == (booth_id or line.booth_id),
                QueueTicket.seeker_id == me.id,
            )
            .order_by(col(QueueTicket.seq).desc())
        )
    )
    ticket = result.first()
    assert ticket is not None
    return ticket


async def status_of(line: Line, me: Identity, booth_id: int | None = None) -> str:
    return (await ticket_of(line, me, booth_id)).status


async def ahead_of(line: Line, me: Identity) -> int | None:
    view = await line.state(me)
    return None if view is None else view.ahead


async def second_booth(line: Line) -> tuple[Booth, Identity]:
    """Another organization exhibiting at the same fair, with its own staff on duty."""
    other = await line.neighbour()
    return other.booth, other.staff


async def end(world: World, who: Identity, conversation_id: int, **kwargs: Any) -> Conversation:
    kwargs.setdefault("outcome", Outcome.NO_MATCH)
    return await world.act(
        lambda s: conversations.end(s, identity=who, conversation_id=conversation_id, **kwargs)
    )


async def make_late(line: Line, me: Identity, seconds: int = 61) -> None:
    """Move the seeker's call back in time."""
    ticket = await ticket_of(line, me)
    late = utcnow() - timedelta(seconds=seconds)
    await set_row(line.world.db, QueueTicket, ticket.id, invited_at=late)


def closed_window(tz_name: str) -> tuple[str, str]:
    """Office hours that do not include the present moment in the fair's zone."""
    hour = utcnow().astimezone(zone(tz_name)).hour
    return ("20:00", "21:00") if hour < 12 else ("02:00", "03:00")


# -- joining ----------------------------------------------------------------------------------


async def test_joining_needs_a_live_open_line_registration_and_a_profile(line: Line) -> None:
    world = line.world
    fair_id = line.fair.id or 0
    await refused("not_registered", line.join(await line.seeker(fair_id=None)))
    await refused("profile_incomplete", line.join(await line.seeker(complete=False)))
    with pytest.raises(NotAllowed):
        await line.join(line.staff)
    me, other = await line.seekers("甲", "乙")
    with pytest.raises(NotFound):
        await line.join(me, booth_id=9999)

    await world.act(lambda s: queues.close_line(s, identity=line.staff, booth_id=line.booth_id))
    await refused("queue_closed", line.join(me))
    await world.act(lambda s: queues.open_line(s, identity=line.staff, booth_id=line.booth_id))
    view = await line.join(me)
    assert (view.seq, view.status, view.ahead) == (1, TicketStatus.WAITING, 0)
    assert view.facts.open
    assert (view.facts.waiting, view.facts.staff_on_duty) == (1, 1)
    frame = view.frame()
    assert (frame["position"], frame["eta_s"], frame["invite_expires_at"]) == (1, 0, None)

    # Outside the booth's office hours, before and after the fair: no new visitors...
    opens, closes = closed_window(line.fair.timezone)
    await set_row(world.db, Booth, line.booth_id, hours_open=opens, hours_close=closes)
    await refused("queue_closed", line.join(other))
    # ...but whoever is in the line keeps the place: joining again is the same ticket.
    again = await line.join(me)
    assert (again.seq, again.facts.waiting) == (1, 1)
    await set_row(world.db, Booth, line.booth_id, hours_open="", hours_close="")
    now = utcnow()
    await set_row(world.db, Fair, fair_id, starts_at=now + timedelta(hours=1))
    await refused("queue_closed", line.join(other))
    await set_row(
        world.db, Fair, fair_id, starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=1)
    )
    await refused("queue_closed", line.join(other))
    await set_row(world.db, Fair, fair_id, ends_at=now + timedelta(days=1))
    assert (await line.join(other)).seq == 2
    assert (await world.get(Booth, line.booth_id)).queue_seq == 2

    # At most three lines at once.
    others, admins = [], []
    for _ in range(3):
        org, admin = await world.org()
        others.append((await world.exhibit(line.fair, org, admin)).id or 0)
        admins.append(await world.who(admin))
    await line.join(me, others[0])
    await line.join(me, others[1])
    await refused("too_many_queues", line.join(me, others[2]))
    await line.leave(me, others[0])
    await line.join(me, others[2])
    mine = await world.read(lambda s: queues.seeker_tickets(s, me))
    assert sorted(booth.id or 0 for _, booth, _, _ in mine) == sorted(
        [line.booth_id, others[1], others[2]]
    )
    # Joining four lines at the same moment still makes three places at most.
    rushed = await line.seeker("急")
    results = await asyncio.gather(
        *(line.join(rushed, booth) for booth in (line.booth_id, *others)), return_exceptions=True
    )
    assert sum(isinstance(r, queues.TicketView) for r in results) == 3
    assert [r.code for r in results if isinstance(r, AppError)] == ["too_many_queues"]

    # A withdrawn booth takes nobody, but a place there can still be given up.
    await world.act(lambda s: fairs.withdraw_booth(s, identity=admins[1], fair_id=fair_id))
    with pytest.raises(NotFound):
        await line.join(other, others[1])
    await line.leave(me, others[1])
    assert await status_of(line, me, others[1]) == TicketStatus.LEFT
    await set_row(world.db, Fair, fair_id, status=FairStatus.CANCELLED)
    with pytest.raises(NotFound):
        await line.join(other)
    await line.leave(me)
    assert await status_of(line, me) == TicketStatus.LEFT


async def test_two_hundred_concurrent_joins_get_distinct_gap_free_numbers(line: Line) -> None:
    world = line.world
    people = await line.seekers(count=200)
    await world.listen(f"queue:{line.booth_id}")
    views = await asyncio.gather(*(line.join(me) for me in people))
    assert sorted(v.seq for v in views) == list(range(1, 201))
    # Each join ran alone on the line: everybody with a smaller number was already in it.
    assert all(v.ahead == v.seq - 1 for v in views)
    booth = await world.get(Booth, line.booth_id)
    assert (booth.queue_seq, booth.queue_version) == (200, 200)
    versions = sorted(e["data"]["v"] for e in world.events_on(f"queue:{line.booth_id}"))
    assert versions == list(range(1, 201))
    count = await world.read(
        lambda s: s.exec(
            select(func.count(func.distinct(QueueTicket.seeker_id))).where(
                QueueTicket.booth_id == line.booth_id
            )
        )
    )
    assert count.one() == 200


async def _positions_move_up_when_people_leave_and_survive_a_restart(line: Line) -> None:
    people = await line.seekers(count=5)
    for me in people:
        await line.join(me)
    await line.leave(people[1])
    await line.leave(people[3])
    views = [await line.state(me) for me in people]
    assert [(v.status, v.ahead) for v in views if v] == [
        ("waiting", 0),
        ("left", 0),
        ("waiting", 1),
        ("left", 0),
        ("waiting", 2),
    ]
    await refused("not_queued", line.leave(people[1]))
    back = await line.join(people[1])
    assert (back.seq, back.ahead) == (6, 3)
    mine = await line.world.read(lambda s: queues.seeker_tickets(s, people[4]))
    assert [(t.seq, ahead) for t, _, _, ahead in mine] == [(5, 2)]

    # The line is in the database: a new process sees the same numbers and places.
    before = await line.state(people[4])
    assert before is not None
    await line.world.db.dispose()
    fresh = Database(line.world.db.url)
    try:
        async with fresh.sessions() as session:
            view, facts = await queues.state(session, identity=people[4], booth_id=line.booth_id)
    finally:
        await fresh.dispose()
    assert view is not None
    assert (view.seq, view.ahead, view.status) == (5, 2, TicketStatus.WAITING)
    assert (facts.waiting, facts.version) == (4, before.facts.version)


# -- calling ------------------------------------------------------------------------------------


async def _call_next_invites_the_first_seeker_and_accepting_opens_a_conversation(
    line: Line,
) -> None:
    world = line.world
    first, second, *rest = await line.seekers("甲", "乙", "丙", "丁", "戊", "己")
    await refused("queue_empty", line.call())
    for me in (first, second, *rest):
        await line.join(me)
    for channel in (f"user:{first.id}", f"user:{line.staff.id}", f"booth:{line.booth_id}"):
        await world.listen(channel)
    _, foreign = await second_booth(line)
    with pytest.raises(NotAllowed):
        await line.call(staff=foreign)
    with pytest.raises(NotAllowed):
        await line.call(staff=first)
    await refused("not_invited", line.accept(first))

    called = await line.call()
    assert called.ticket is not None
    assert (called.ticket.seq, called.seeker_name, called.lapsed, called.skipped_busy) == (
        1,
        "甲",
        0,
        0,
    )
    view = await line.state(first)
    assert view is not None
    assert (view.status, view.ahead) == (TicketStatus.INVITED, 0)
    assert view.frame()["invite_expires_at"] is not None
    (invited,) = world.events_on(f"user:{first.id}", "queue.invited")
    assert (invited["data"]["booth"], invited["data"]["seq"], invited["data"]["ttl_s"]) == (
        line.booth_id,
        1,
        60,
    )
    assert await ahead_of(line, second) == 1  # the one called still stands before them

    conversation = await line.accept(first)
    assert conversation.status == ConversationStatus.OPEN
    assert (conversation.staff_id, conversation.booth_id, conversation.org_id) == (
        line.staff.id,
        line.booth_id,
        line.org.id,
    )
    ticket = await ticket_of(line, first)
    assert (ticket.status, ticket.conversation_id) == (TicketStatus.SERVED, conversation.id)
    assert len(world.events_on(f"user:{line.staff.id}", "conversation.opened")) == 1
    assert len(world.events_on(f"booth:{line.booth_id}", "conversation.opened")) == 1
    assert await ahead_of(line, second) == 0
    await refused("not_invited", line.accept(first))

    # Four at once: open conversations and pending calls count alike.
    for _ in range(3):
        await line.call()
    assert await world.read(lambda s: conversations.staff_load(s, line.staff.id)) == 4
    await refused("staff_full", line.call())
    await line.accept(second)
    await refused("staff_full", line.call())
    colleague = await world.on_duty(line.booth, await world.staff(line.org, "同事"))
    called = await line.call(staff=colleague)
    assert called.ticket is not None
    assert called.ticket.invited_by == colleague.id
    await end(world, line.staff, conversation.id or 0)
    assert (await line.call()).ticket is not None
    await refused("queue_empty", line.call(staff=colleague))


async def _a_seeker_is_called_only_when_free_and_talks_to_one_booth_at_a_time(
    line: Line,
) -> None:
    world = line.world
    elsewhere, elsewhere_staff = await second_booth(line)
    there = elsewhere.id or 0
    busy, free = await line.seekers("甲", "乙")
    await line.join(busy)
    await line.join(free)
    await line.join(busy, there)

    # A pending call elsewhere makes them busy: never two calls at once.
    await line.call(staff=elsewhere_staff, booth_id=there)
    called = await line.call()
    assert called.ticket is not None
    assert (called.ticket.seeker_id, called.skipped_busy) == (free.id, 1)
    assert await status_of(line, busy) == TicketStatus.WAITING
    assert await ahead_of(line, busy) == 0  # the place at the head is kept
    talk = await line.accept(busy, there)
    await line.accept(free)
    await refused("all_busy", line.call())
    assert await status_of(line, busy) == TicketStatus.WAITING

    # Even a call that slipped through cannot open a second conversation.
    here = await ticket_of(line, busy)
    await set_row(
        world.db,
        QueueTicket,
        here.id,
        status=TicketStatus.INVITED,
        invited_at=utcnow(),
        invited_by=line.staff.id,
    )
    await refused("busy", line.accept(busy))
    talking = await world.read(
        lambda s: s.exec(
            select(func.count())
            .select_from(Conversation)
            .where(
                Conversation.seeker_id == busy.id, Conversation.status == ConversationStatus.OPEN
            )
        )
    )
    assert talking.one() == 1
    await set_row(world.db, QueueTicket, here.id, status=TicketStatus.WAITING, invited_at=None)

    # Free again: their turn comes.
    await end(world, elsewhere_staff, talk.id or 0)
    called = await line.call()
    assert called.ticket is not None
    assert (called.ticket.seeker_id, called.skipped_busy) == (busy.id, 0)


async def _simultaneous_calls_from_two_booths_invite_a_seeker_once(line: Line) -> None:
    other = await line.neighbour()
    for _ in range(3):
        me = await line.seeker()
        await line.join(me)
        await other.join(me)
        results = await asyncio.gather(line.call(), other.call(), return_exceptions=True)
        assert sum(isinstance(r, queues.CallResult) for r in results) == 1, results
        assert [r.code for r in results if isinstance(r, AppError)] == ["all_busy"]
        invited = await line.world.read(
            lambda s, me=me: s.exec(
                select(func.count())
                .select_from(QueueTicket)
                .where(QueueTicket.seeker_id == me.id, QueueTicket.status == TicketStatus.INVITED)
            )
        )
        assert invited.one() == 1
        await line.leave(me)
        await other.leave(me)


async def _calls_that_find_nobody_are_lapses_and_misses(line: Line) -> None:
    world = line.world
    away, slow, next_one, accepts_late, last = await line.seekers("甲", "乙", "丙", "丁", "戊")
    for me in (away, slow, next_one, accepts_late, last):
        await line.join(me)
    for who in (away, slow):
        await world.listen(f"user:{who.id}")
    await world.listen(f"user:{line.staff.id}")

    # Away longer than the grace period: the place is lost when the turn comes.
    await world.broker.delete(queues.seen_key(away.id))
    called = await line.call()
    assert called.ticket is not None
    assert (called.ticket.seeker_id, called.lapsed) == (slow.id, 1)
    assert await status_of(line, away) == TicketStatus.LAPSED
    assert [e["data"]["seq"] for e in world.events_on(f"user:{away.id}", "queue.lapsed")] == [1]
    assert await ahead_of(line, next_one) == 1

    # A call not accepted within a minute is missed; the same staff member gets the next.
    async def expire() -> int:
        return await world.act(lambda s: queues.expire_invitations(s, world.broker, utcnow()))

    assert await expire() == 0
    await make_late(line, slow)
    assert await expire() == 1
    assert await status_of(line, slow) == TicketStatus.MISSED
    assert len(world.events_on(f"user:{slow.id}", "queue.missed")) == 1
    nxt = await ticket_of(line, next_one)
    assert (nxt.status, nxt.invited_by) == (TicketStatus.INVITED, line.staff.id)
    (told,) = world.events_on(f"user:{line.staff.id}", "queue.called")
    assert (told["data"]["seq"], told["data"]["seeker"]) == (nxt.seq, "丙")
    assert await expire() == 0
    await line.accept(next_one)

    # Accepting too late fails, and the miss is kept although the request failed.
    await line.call()
    await make_late(line, accepts_late)
    await refused("invite_expired", line.accept(accepts_late))
    view = await line.state(accepts_late)
    assert view is not None
    assert view.status == TicketStatus.MISSED

    # Staff who went off duty are not handed the next seeker.
    await line.call()
    gone = await line.seeker("庚")
    await line.join(gone)
    await world.act(
        lambda s: booths.set_on_duty(s, identity=line.staff, booth_id=line.booth_id, on_duty=False)
    )
    await make_late(line, last)
    assert await expire() == 1
    assert await status_of(line, gone) == TicketStatus.WAITING
    # Nobody to call: the call fails, but the lapse it found is kept.
    await world.broker.delete(queues.seen_key(gone.id))
    await refused("queue_empty", line.call())
    assert await status_of(line, gone) == TicketStatus.LAPSED
    opened = await world.read(
        lambda s: s.exec(
            select(func.count())
            .select_from(Conversation)
            .where(Conversation.booth_id == line.booth_id)
        )
    )
    assert opened.one() == 1


# -- closing and follow-ups -------------------------------------------------------------------------


async def _waiting_seekers_get_a_follow_up_promise_when_the_line_closes(line: Line) -> None:
    world = line.world
    promise = local_date(utcnow(), line.fair.timezone) + timedelta(days=10)
    await world.act(
        lambda s: booths.update_booth(
            s,
            identity=line.staff,
            booth_id=line.booth_id,
            values={"follow_up_by": promise.isoformat()},
            posting_ids=[],
        )
    )
    called, waiting, also = await line.seekers("甲", "乙", "丙")
    for me in (called, waiting, also):
        await line.join(me)
    await line.call()
    await world.listen(f"user:{waiting.id}")
    moved = await world.act(
        lambda s: queues.close_line(s, identity=line.staff, booth_id=line.booth_id)
    )
    assert moved == 2
    for me in (waiting, also):
        ticket = await ticket_of(line, me)
        assert (ticket.status, ticket.follow_up_by) == (TicketStatus.FOLLOW_UP, promise)
    (told,) = world.events_on(f"user:{waiting.id}", "queue.follow_up")
    assert told["data"]["follow_up_by"] == promise.isoformat()
    assert await status_of(line, called) == TicketStatus.INVITED  # may still accept
    await refused("queue_closed", line.join(await line.seeker()))
    entries, follow_ups = await world.read(
        lambda s: queues.console_line(s, world.broker, identity=line.staff, booth_id=line.booth_id)
    )
    assert [(e.name, e.ticket.status, e.around) for e in entries] == [("甲", "invited", True)]
    assert [name for _, name in follow_ups] == ["乙", "丙"]
    mine = await world.read(lambda s: queues.seeker_tickets(s, waiting))
    assert [t.status for t, *_ in mine] == [TicketStatus.FOLLOW_UP]
    await line.accept(called)


async def _follow_ups_asked_for_and_after_office_hours(line: Line) -> None:
    world = line.world
    called, asks, stays = await line.seekers("甲", "乙", "丙")
    for me in (called, asks, stays):
        await line.join(me)
    await line.call()
    await refused(
        "not_queued",
        world.act(lambda s: queues.ask_follow_up(s, identity=called, booth_id=line.booth_id)),
    )
    view = await world.act(lambda s: queues.ask_follow_up(s, identity=asks, booth_id=line.booth_id))
    # Without a date of the booth's own: a week after the fair's last day.
    expected = local_date(line.fair.ends_at, line.fair.timezone) + timedelta(days=7)
    assert (view.status, view.follow_up_by) == (TicketStatus.FOLLOW_UP, expected)
    assert (await ticket_of(line, asks)).follow_up_by == expected

    # The sweeper moves whoever still waits once the booth's hours are over.
    await set_row(world.db, Booth, line.booth_id, hours_open="09:00", hours_close="17:00")
    tz = zone(line.fair.timezone)
    tomorrow = utcnow().astimezone(tz).date() + timedelta(days=1)

    async def flush(at: time) -> int:
        moment = datetime.combine(tomorrow, at, tz)
        return await world.act(lambda s: queues.flush_closed_booths(s, moment))

    assert await flush(time(10, 0)) == 0
    assert await status_of(line, stays) == TicketStatus.WAITING
    assert await flush(time(18, 0)) == 1
    stayed = await ticket_of(line, stays)
    assert (stayed.status, stayed.follow_up_by) == (TicketStatus.FOLLOW_UP, expected)
    assert await status_of(line, called) == TicketStatus.INVITED
    assert await flush(time(18, 0)) == 0


# -- what watchers of the line hear -----------------------------------------------------------------


async def _every_change_of_the_line_is_one_event_with_the_next_version(line: Line) -> None:
    world = line.world
    await world.listen(f"queue:{line.booth_id}")
    await world.listen(f"booth:{line.booth_id}")
    a, b, c, d = await line.seekers(count=4)
    for me in (a, b, c, d):
        await line.join(me)
    await line.leave(b)
    await line.call()
    await line.accept(a)
    await world.act(lambda s: queues.ask_follow_up(s, identity=c, booth_id=line.booth_id))
    await world.act(lambda s: queues.close_line(s, identity=line.staff, booth_id=line.booth_id))
    await world.act(lambda s: queues.open_line(s, identity=line.staff, booth_id=line.booth_id))
    # Expiring a call when nobody is left to call is still exactly one change per bump.
    late = await line.seeker()
    await line.join(late)
    await line.call()
    await make_late(line, late)
    await world.act(lambda s: queues.expire_invitations(s, world.broker, utcnow()))

    moved = [e["data"] for e in world.events_on(f"queue:{line.booth_id}", "queue.moved")]
    version = (await world.get(Booth, line.booth_id)).queue_version
    assert [m["v"] for m in moved] == list(range(1, version + 1))
    assert [m["left"] for m in moved[:10]] == [[], [], [], [], [2], [], [1], [3], [4], []]
    assert [m["left"] for m in moved[10:13]] == [[], [], [5]]
    assert [m["joined"] for m in moved[:4]] == [1, 2, 3, 4]
    assert moved[5]["invited"] == 1
    assert [m["waiting"] for m in moved[:10]] == [1, 2, 3, 4, 3, 3, 2, 1, 0, 0]
    assert [m["open"] for m in moved[8:10]] == [False, True]
    # The public line carries numbers only, never names.
    assert all("seeker" not in m and "name" not in m for m in moved)
    changed = [e["data"]["v"] for e in world.events_on(f"booth:{line.booth_id}", "queue.changed")]
    assert changed == list(range(1, version + 1))


async def _positions_kept_from_events_match_the_database(line: Line) -> None:
    """Clients keep their place from events alone (ahead -= numbers left before mine)."""
    world = line.world
    rng = random.Random(2024)
    booth_id = line.booth_id
    channel = f"queue:{booth_id}"
    await world.listen(channel)
    people = {me.id: me for me in await line.seekers(count=8)}
    staff = [line.staff, await world.on_duty(line.booth, await world.staff(line.org))]
    staff_by_id = {s.id: s for s in staff}
    clients: dict[int, list[int]] = {}  # seeker id -> [seq, ahead] as their client knows it
    heard = version = 0
    changed_by: set[str] = set()

    async def active() -> list[tuple[QueueTicket, int]]:
        """The line with each ticket's place as the service computes it."""

        async def read(session: Any) -> list[tuple[QueueTicket, int]]:
            rows = await session.exec(
                select(QueueTicket).where(
                    QueueTicket.booth_id == booth_id,
                    col(QueueTicket.status).in_(("waiting", "invited")),
                )
            )
            return [(t, await queues._ahead(session, t)) for t in rows.all()]

        return await world.read(read)

    async def attempt(action: Awaitable[Any]) -> Any:
        try:
            return await action
        except AppError:
            return None

    for step in range(90):
        tickets = [t for t, _ in await active()]
        outside = [p for p in people if p not in {t.seeker_id for t in tickets}]
        invited = [t for t in tickets if t.status == TicketStatus.INVITED]
        waiting = [t for t in tickets if t.status == TicketStatus.WAITING]
        op = rng.choice(["join"] * 4 + ["call"] * 3 + ["accept"] * 2 + ["end"] * 2
                        + ["leave", "follow_up", "expire", "away", "back"])  # fmt: skip
        if op == "join" and outside:
            me = people[rng.choice(outside)]
            view = await attempt(line.join(me))
            if view is not None:
                clients[me.id] = [view.seq, view.ahead]
        elif op == "leave" and tickets:
            await line.leave(people[rng.choice(tickets).seeker_id])
        elif op == "call":
            await attempt(line.call(staff=rng.choice(staff)))
        elif op == "accept" and invited:
            await attempt(line.accept(people[rng.choice(invited).seeker_id]))
        elif op == "follow_up" and waiting:
            me = people[rng.choice(waiting).seeker_id]
            await world.act(
                lambda s, me=me: queues.ask_follow_up(s, identity=me, booth_id=booth_id)
            )
        elif op == "end":
            talks = await world.read(
                lambda s: s.exec(
                    select(Conversation).where(
                        Conversation.booth_id == booth_id,
                        Conversation.status == ConversationStatus.OPEN,
                    )
                )
            )
            open_ones = talks.all()
            if open_ones:
                talk = rng.choice(open_ones)
                await end(world, staff_by_id[talk.staff_id or 0], talk.id or 0)
        elif op == "expire" and invited:
            await make_late(line, people[rng.choice(invited).seeker_id], seconds=90)
            await world.act(lambda s: queues.expire_invitations(s, world.broker, utcnow()))
        elif op == "away" and waiting:
            await world.broker.delete(queues.seen_key(rng.choice(waiting).seeker_id))
        elif op == "back":
            await queues.mark_seen(world.broker, rng.choice(list(people)), ttl=3600)

        # What every client makes of the events since the last step.
        events = world.events_on(channel, "queue.moved")
        for event in events[heard:]:
            data = event["data"]
            assert data["v"] == version + 1, (step, op, data)
            version = data["v"]
            for seeker_id, known in list(clients.items()):
                if known[0] in data["left"]:
                    del clients[seeker_id]
                else:
                    known[1] -= sum(1 for seq in data["left"] if seq < known[0])
        if len(events) > heard:
            changed_by.add(op)
        heard = len(events)
        truth = {t.seeker_id: [t.seq, ahead] for t, ahead in await active()}
        assert clients == truth, (step, op)
        assert (await world.get(Booth, booth_id)).queue_version == version, (step, op)
    assert changed_by >= {"join", "leave", "call", "accept", "follow_up", "expire"}


# -- conversations ----------------------------------------------------------------------------------


async def _talking(
    line: Line, name: str = "求职者", staff: Identity | None = None
) -> tuple[Identity, Conversation]:
    me = await line.seeker(name)
    await line.join(me)
    await line.call(staff=staff)
    return me, await line.accept(me)


async def _a_conversation_is_private_and_ends_with_an_outcome(line: Line) -> None:
    world = line.world
    me, talk = await _talking(line, "甲")
    cid = talk.id or 0
    colleague = await world.who(await world.staff(line.org))
    _, foreign = await second_booth(line)
    other_seeker = await line.seeker()
    moderator = await world.who(world.moderator)

    async def policy(who: Identity, rest: str) -> bool:
        return await world.read(lambda s: conversation_policy(s, who, rest))

    for who in (me, line.staff, colleague):
        assert await policy(who, str(cid))
        detail = await world.read(lambda s, who=who: conversations.conversation_detail(s, who, cid))
        assert (detail.seeker_name, detail.conversation.id) == ("甲", cid)
    for who in (foreign, other_seeker, moderator):
        assert not await policy(who, str(cid))
        with pytest.raises(NotFound):
            await world.read(lambda s, who=who: conversations.conversation_detail(s, who, cid))
        with pytest.raises(NotFound):
            await end(world, who, cid)
    for rest in ("", "abc", "-1", "1" * 12, str(cid + 100)):
        assert not await policy(me, rest)
    for who in (me, colleague):
        rows = await world.read(lambda s, who=who: conversations.conversations_of(s, who))
        assert [r.conversation.id for r in rows] == [cid]
    assert await world.read(lambda s: conversations.conversations_of(s, other_seeker)) == []

    today = utcnow().date()
    await world.listen(f"user:{me.id}")
    await world.listen(f"conv:{cid}")
    follow_up = Outcome.FOLLOW_UP
    for kwargs, field in (
        ({"outcome": "great"}, "outcome"),
        ({"outcome": follow_up}, "follow_up_by"),
        ({"outcome": follow_up, "follow_up_by": today - timedelta(days=1)}, "follow_up_by"),
        ({"outcome": follow_up, "follow_up_by": today + timedelta(days=181)}, "follow_up_by"),
        ({"note": "x" * 1001}, "note"),
    ):
        with pytest.raises(Invalid) as caught:
            await end(world, line.staff, cid, **kwargs)
        assert caught.value.field == field
    ended = await end(
        world,
        line.staff,
        cid,
        outcome=follow_up,
        follow_up_by=today + timedelta(days=3),
        note=" 下周联系 ",
    )
    assert (ended.status, ended.outcome, ended.outcome_note) == ("ended", "follow_up", "下周联系")
    assert ended.follow_up_by == today + timedelta(days=3)
    assert ended.ended_at is not None
    with pytest.raises(Conflict):
        await end(world, line.staff, cid)
    (told,) = world.events_on(f"user:{me.id}", "conversation.ended")
    assert told["data"]["outcome"] == "follow_up"
    assert len(world.events_on(f"conv:{cid}", "conversation.ended")) == 1

    # The seeker may end a conversation too, without an outcome.
    again, second = await _talking(line)
    mine = await end(world, again, second.id or 0, outcome="whatever")
    assert (mine.status, mine.outcome) == (ConversationStatus.ENDED, "")


async def _handing_a_conversation_to_a_colleague(line: Line) -> None:
    world = line.world
    me, talk = await _talking(line, "甲")
    cid = talk.id or 0
    colleague = await world.on_duty(line.booth, await world.staff(line.org, "同事"))
    _, foreign = await second_booth(line)
    await world.listen(f"user:{line.staff.id}")

    async def hand(to: int, who: Identity | None = None) -> Conversation:
        return await world.act(
            lambda s: conversations.hand_over(
                s, identity=who or line.staff, conversation_id=cid, to_user_id=to
            )
        )

    for to in (foreign.id, me.id, line.staff.id):  # not a colleague; already theirs
        with pytest.raises(Invalid):
            await hand(to)
    for who in (me, foreign):
        with pytest.raises(NotFound):
            await hand(colleague.id, who=who)

    # A colleague already holding four is refused.
    held = [(await _talking(line, f"乙{n}", staff=colleague))[1] for n in range(4)]
    with pytest.raises(Conflict) as caught:
        await hand(colleague.id)
    assert caught.value.code == "staff_full"
    await end(world, colleague, held[0].id or 0, outcome=Outcome.NEXT_STEP)

    moved = await hand(colleague.id)
    assert moved.staff_id == colleague.id
    assert world.events_on(f"user:{line.staff.id}", "conversation.handed_over")
    assert await world.read(lambda s: conversations.staff_load(s, line.staff.id)) == 0
    assert await world.read(lambda s: conversations.staff_load(s, colleague.id)) == 4
    detail = await world.read(lambda s: conversations.conversation_detail(s, me, cid))
    assert detail.staff_name == "同事"
    # The previous holder is still a colleague and may end it.
    assert (await end(world, line.staff, cid)).status == ConversationStatus.ENDED
    with pytest.raises(Conflict):
        await hand(line.staff.id, who=colleague)


async def test_conversations(line: Line) -> None:
    # One database for both: each test pays for a fresh copy.
    await _a_conversation_is_private_and_ends_with_an_outcome(line)
    await _handing_a_conversation_to_a_colleague(line)


# -- the scenarios above, grouped: each test pays for a fresh database, and scenarios on
# -- separate booths of one fair (with separate seekers and staff) do not meet.


async def test_calling_seekers(line: Line) -> None:
    await _call_next_invites_the_first_seeker_and_accepting_opens_a_conversation(line)
    await _a_seeker_is_called_only_when_free_and_talks_to_one_booth_at_a_time(
        await line.neighbour()
    )
    await _simultaneous_calls_from_two_booths_invite_a_seeker_once(await line.neighbour())
    await _calls_that_find_nobody_are_lapses_and_misses(await line.neighbour())


async def test_follow_ups(line: Line) -> None:
    await _follow_ups_asked_for_and_after_office_hours(line)  # sweeps every booth: first
    await _waiting_seekers_get_a_follow_up_promise_when_the_line_closes(await line.neighbour())


async def test_what_the_line_tells_its_watchers(line: Line) -> None:
    await _every_change_of_the_line_is_one_event_with_the_next_version(line)
    await _positions_kept_from_events_match_the_database(await line.neighbour())
    await _positions_move_up_when_people_leave_and_survive_a_restart(await line.neighbour())
