"""Booth queues and presence over /ws on a live server, on SQLite and PostgreSQL.

Data is made by the services (tests/fair/ws_factories.py); everything the tests check
arrives as frames on real sockets, from the frame handlers, the unit of work's events after
commit and the node's background presence pusher.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import pytest_asyncio

from app.fair import queues
from tests.fair.ws_factories import WsSite as Site
from tests.fair.ws_factories import (
    unpublished_booth,
    ws_site,
)

T = TypeVar("T")


@pytest_asyncio.fixture
async def site(db_url: str, password_hash: str) -> AsyncIterator[Site]:
    async with ws_site(db_url, password_hash) as opened:
        yield opened


async def eventually(
    read: Callable[[], Awaitable[T]], holds: Callable[[T], bool], within: float = 5.0
) -> T:
    """Poll ``read`` until ``holds``: for what the server does after a socket closes."""
    async with asyncio.timeout(within):
        while True:
            value = await read()
            if holds(value):
                return value
            await asyncio.sleep(0.02)


def join(booth: int) -> dict[str, object]:
    return {"type": "queue.join", "booth": booth}


def state(booth: int) -> dict[str, object]:
    return {"type": "queue.state", "booth": booth}


async def test_joins_and_leaves_move_the_line_for_everyone_watching(site: Site) -> None:
    booth = site.world.booth
    first, second = await site.socket("s1"), await site.socket("s2")
    for client in (first, second):
        await client.subscribe(f"queue:{booth}")

    ticket = await first.ok(join(booth), "queue.ticket")
    assert (ticket["seq"], ticket["position"], ticket["ahead"]) == (1, 1, 0)
    assert ticket["status"] == "waiting"
    own_join = await first.event("queue.moved", lambda d: d["joined"] == 1)
    assert own_join["v"] == ticket["v"]

    second_ticket = await second.ok(join(booth), "queue.ticket")
    assert (second_ticket["seq"], second_ticket["position"]) == (2, 2)
    moved = await first.event("queue.moved", lambda d: d["joined"] == 2)
    assert moved["v"] == ticket["v"] + 1
    assert moved["waiting"] == 2
    assert moved["left"] == []

    assert (await first.ok({"type": "queue.leave", "booth": booth}, "queue.left"))["booth"] == booth
    moved = await second.event("queue.moved", lambda d: d["left"] != [])
    assert moved["left"] == [1]
    assert moved["v"] == second_ticket["v"] + 1
    # What the page script does: the numbers that left before mine shorten my wait.
    ahead = second_ticket["ahead"] - sum(1 for seq in moved["left"] if seq < 2)
    assert ahead == 0
    now = await second.ok(state(booth), "queue.ticket")
    assert (now["seq"], now["position"], now["ahead"], now["waiting"]) == (2, 1, 0, 1)


async def test_call_next_invites_and_accepting_opens_a_conversation(site: Site) -> None:
    booth, world = site.world.booth, site.world
    seeker, staff = await site.socket("s1"), await site.socket("staff")
    await seeker.subscribe(f"user:{world.uid('s1')}")
    await staff.subscribe(f"booth:{booth}")
    await seeker.ok(join(booth), "queue.ticket")

    called = await staff.ok({"type": "queue.call_next", "booth": booth}, "queue.called")
    assert called["seq"] == 1
    assert called["seeker"] == "求职者1"
    assert (called["lapsed"], called["skipped_busy"]) == (0, 0)
    invited = await seeker.event("queue.invited")
    assert (invited["booth"], invited["fair"], invited["seq"]) == (booth, world.fair, 1)
    assert invited["org"] == "明德办公设备有限公司"
    assert invited["ttl_s"] > 0
    assert (await seeker.ok(state(booth), "queue.ticket"))["status"] == "invited"

    accepted = await seeker.ok({"type": "queue.accept", "booth": booth}, "queue.accepted")
    conversation = accepted["conversation"]
    assert isinstance(conversation, int)
    opened = await staff.event("conversation.opened")
    assert opened == {"conversation": conversation, "booth": booth, "seeker": "求职者1"}
    served = await seeker.ok(state(booth), "queue.ticket")
    assert (served["status"], served["conversation"]) == ("served", conversation)
    # The seeker and the booth's staff may now follow the conversation.
    await seeker.subscribe(f"conv:{conversation}")
    await staff.subscribe(f"conv:{conversation}")


async def test_the_place_belongs_to_the_person_not_the_socket(site: Site) -> None:
    booth = site.world.booth
    other = await site.socket("s2")
    await other.ok(join(booth), "queue.ticket")
    seeker = await site.socket("s1")
    ticket = await seeker.ok(join(booth), "queue.ticket")
    assert (ticket["seq"], ticket["position"]) == (2, 2)
    # Whether the person is around: a key their sockets keep alive, then the grace period.
    broker, seen = site.live.ctx.broker, queues.seen_key(site.world.uid("s1"))
    grace = queues.GRACE.total_seconds()
    assert (await broker.ttl(seen) or 0) > grace
    await seeker.close()
    await eventually(lambda: broker.ttl(seen), lambda ttl: ttl is not None and 0 < ttl <= grace)

    again = await site.socket("s1")
    now = await again.ok(state(booth), "queue.ticket")
    assert (now["seq"], now["position"], now["status"]) == (2, 2, "waiting")
    assert (await broker.ttl(seen) or 0) > grace
    await broker.set(seen, b"1", ttl=5)
    await again.ok({"type": "ping"}, "pong")
    await eventually(lambda: broker.ttl(seen), lambda ttl: ttl is not None and ttl > grace)
    # Joining again from the new socket is the same ticket, not a second number.
    rejoined = await again.ok(join(booth), "queue.ticket")
    assert (rejoined["seq"], rejoined["position"]) == (2, 2)

    # With no socket open at all, the turn still comes within the grace period.
    await again.close()
    staff = await site.socket("staff")
    assert (await staff.ok({"type": "queue.call_next", "booth": booth}, "queue.called"))["seq"] == 1
    called = await staff.ok({"type": "queue.call_next", "booth": booth}, "queue.called")
    assert (called["seq"], called["lapsed"]) == (2, 0)
    back = await site.socket("s1")
    now = await back.ok(state(booth), "queue.ticket")
    assert (now["seq"], now["position"], now["status"]) == (2, 2, "invited")


async def test_a_busy_seeker_is_skipped_and_keeps_the_head_of_the_line(site: Site) -> None:
    world = site.world
    busy, free = await site.socket("s1"), await site.socket("s2")
    staff, rival = await site.socket("staff"), await site.socket("rival")
    assert (await busy.ok(join(world.booth), "queue.ticket"))["seq"] == 1
    assert (await free.ok(join(world.booth), "queue.ticket"))["seq"] == 2
    # The first seeker is talking to another exhibitor meanwhile.
    await busy.ok(join(world.rival_booth), "queue.ticket")
    await rival.ok({"type": "queue.call_next", "booth": world.rival_booth}, "queue.called")
    await busy.ok({"type": "queue.accept", "booth": world.rival_booth}, "queue.accepted")

    called = await staff.ok({"type": "queue.call_next", "booth": world.booth}, "queue.called")
    assert (called["seq"], called["seeker"], called["skipped_busy"]) == (2, "求职者2", 1)
    head = await busy.ok(state(world.booth), "queue.ticket")
    assert (head["seq"], head["status"], head["position"]) == (1, "waiting", 1)
    behind = await free.ok(state(world.booth), "queue.ticket")
    assert (behind["status"], behind["position"]) == ("invited", 2)

    # Nobody else is free: the busy seeker is not called over the head of the line.
    refused = await rival.request({"type": "queue.call_next", "booth": world.rival_booth})
    assert refused["type"] == "error"
    assert refused["code"] == "queue_empty"
    refused = await staff.request({"type": "queue.call_next", "booth": world.booth})
    assert (refused["type"], refused["code"]) == ("error", "all_busy")


async def test_channels_and_staff_actions_are_refused_to_others(site: Site) -> None:
    world = site.world
    booth = world.booth
    owner, seeker = await site.socket("s2"), await site.socket("s1")
    staff, rival = await site.socket("staff"), await site.socket("rival")
    await owner.ok(join(booth), "queue.ticket")
    await staff.ok({"type": "queue.call_next", "booth": booth}, "queue.called")
    conversation = (await owner.ok({"type": "queue.accept", "booth": booth}, "queue.accepted"))[
        "conversation"
    ]

    for client, channel in (
        (seeker, f"booth:{booth}"),
        (seeker, f"conv:{conversation}"),
        (seeker, f"user:{world.uid('s2')}"),
        (rival, f"booth:{booth}"),
        (rival, f"conv:{conversation}"),
    ):
        refused = await client.request({"type": "subscribe", "channel": channel})
        assert (refused["type"], refused["code"]) == ("error", "channel_not_allowed"), channel
    await owner.subscribe(f"conv:{conversation}")
    await seeker.subscribe(f"queue:{booth}")
    await seeker.subscribe(f"fair:{world.fair}")
    # A booth already accepted for a fair not yet published is nobody's business but its
    # staff's: its line is as hidden as the fair.
    hidden = await unpublished_booth(site.live.ctx.db, world)
    for client in (seeker, staff):
        refused = await client.request({"type": "subscribe", "channel": f"queue:{hidden}"})
        assert (refused["type"], refused["code"]) == ("error", "channel_not_allowed")
    await rival.subscribe(f"queue:{hidden}")

    await seeker.ok(join(booth), "queue.ticket")
    for client in (seeker, rival):
        refused = await client.request({"type": "queue.call_next", "booth": booth})
        assert (refused["type"], refused["code"]) == ("error", "forbidden")
    # Neither refusal called anyone: the waiting seeker is still waiting.
    assert (await seeker.ok(state(booth), "queue.ticket"))["status"] == "waiting"
    refused = await rival.request({"type": "booth.duty", "booth": booth, "on": True})
    assert refused["type"] == "error"
    refused = await seeker.request({"type": "booth.duty", "booth": booth, "on": True})
    assert refused["type"] == "error"
    # Only the staff member who called is on duty at the booth.
    assert (await seeker.ok(state(booth), "queue.ticket"))["staff_on_duty"] == 1


MALFORMED = [
    ({"type": "queue.join", "booth": "x"}, "bad_frame", ["booth"]),
    ({"type": "queue.join", "booth": -1}, "bad_frame", ["booth"]),
    ({"type": "queue.join", "booth": 2**31}, "bad_frame", ["booth"]),
    ({"type": "queue.join"}, "bad_frame", ["booth"]),
    ({"type": "queue.join", "booth": 1, "seq": 1}, "bad_frame", ["seq"]),
    ({"type": "queue.call_next", "booth": None}, "bad_frame", ["booth"]),
    ({"type": "presence", "fair": 1, "booth": 0}, "bad_frame", ["booth"]),
    ({"type": "queue.jump", "booth": 1}, "unknown_type", None),
    ({"booth": 1}, "bad_frame", ...),
    ("[1, 2]", "bad_frame", ...),
    ("{not json", "bad_json", None),
]


async def test_malformed_frames_get_an_error_and_the_socket_stays_usable(site: Site) -> None:
    seeker = await site.socket("s1")
    for frame, code, fields in MALFORMED:
        await seeker.send(frame)
        error = await seeker.expect(lambda f: f["type"] == "error")
        assert error["code"] == code, frame
        if fields is not ...:
            assert error.get("fields") == fields, frame
        assert (await seeker.request({"type": "ping"}))["type"] == "pong"
    # Well formed but naming no booth: refused by the service, still no harm done.
    missing = await seeker.request(join(999_999))
    assert (missing["type"], missing["code"]) == ("error", "not_found")
    assert (await seeker.ok(join(site.world.booth), "queue.ticket"))["seq"] == 1
    assert seeker.backlog == []


async def test_presence_counts_reach_watchers_of_the_fair(site: Site) -> None:
    world = site.world
    fair, booth = world.fair, world.booth
    watcher = await site.socket("s3")
    await watcher.subscribe(f"fair:{fair}")
    at_booth, in_lobby = await site.socket("s1"), await site.socket("s2")
    second_tab, staff = await site.socket("s2"), await site.socket("staff")
    ok = await at_booth.ok({"type": "presence", "fair": fair, "booth": booth}, "presence.ok")
    assert (ok["fair"], ok["booth"]) == (fair, booth)
    # One person in two tabs is one visitor.
    for tab in (in_lobby, second_tab):
        await tab.ok({"type": "presence", "fair": fair}, "presence.ok")
    # Staff are on duty, not visitors: they are not counted.
    await staff.ok({"type": "presence", "fair": fair, "booth": booth}, "presence.ok")

    both = {"fair": 2, "booths": {str(booth): 1}}
    assert await watcher.event("presence", lambda d: d == both, within=4) == both
    # Someone opening the fair page now gets the counts soon, though they did not change.
    await staff.subscribe(f"fair:{fair}")
    assert await staff.event("presence", within=3) == both
    await at_booth.close()
    one = {"fair": 1, "booths": {}}
    for client in (watcher, staff):
        assert await client.event("presence", lambda d: d == one, within=4) == one
    # A fair's counts are for people who may see it: a booth of another fair is refused.
    refused = await in_lobby.request({"type": "presence", "fair": fair, "booth": 999_999})
    assert (refused["type"], refused["code"]) == ("error", "not_found")
