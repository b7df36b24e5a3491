"""Live visitor counts: members in the broker's expiring set, pushed to local watchers.

Presence lives in the broker only (no database), so these run once, on the in-process
broker; the Redis broker passes the same conformance suite (tests/broker).
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from app.auth.identity import Identity
from app.auth.models import Role, User
from app.broker import memory
from app.broker.memory import MemoryBroker
from app.fair import presence
from app.fair.presence import Counts, PresencePusher, count, counts_of
from app.gateway.connection import Connection
from app.gateway.hub import Hub


class Wire:
    closed = False

    def deliver(self, payload: bytes, frame: bytes) -> None:
        pass

    def close(self, code: int, reason: str) -> None:
        self.closed = True


def tab(user_id: int) -> Connection:
    """One browser tab of the seeker ``user_id``."""
    user = User(
        id=user_id,
        email=f"s{user_id}@example.com",
        display_name="s",
        password_hash="",
        role=Role.SEEKER,
    )
    return Connection(Identity(user=user, membership=None, session_id=f"sid{user_id}"), Wire())


class Watcher:
    """A local subscriber of the hub, as a socket is."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []

    def deliver(self, payload: bytes, frame: bytes) -> None:
        assert payload in frame  # the same bytes, framed once for every socket
        self.received.append(orjson.loads(payload))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


class CountingBroker(MemoryBroker):
    """Remembers which presence sets were read."""

    def __init__(self) -> None:
        super().__init__(lambda channel, payload: None)
        self.read: list[str] = []

    async def members(self, key: str) -> builtins.set[str]:
        self.read.append(key)
        return await super().members(key)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The in-process broker's clock, and only its clock."""
    fake = Clock()
    monkeypatch.setattr(memory, "time", fake)
    return fake


@pytest.fixture
async def hub() -> AsyncIterator[Hub]:
    hub = Hub()
    hub.start(CountingBroker())
    yield hub
    await hub.stop()


def test_people_are_counted_once_per_fair_and_per_booth() -> None:
    members = {
        "1:0:a1b2c3d4.1",  # in the lobby in one tab...
        "1:5:a1b2c3d4.2",  # ...and at booth 5 in another
        "2:5:a1b2c3d4.3",
        "2:5:99999999.7",  # two tabs at booth 5, on two nodes
        "3:7:a1b2c3d4.4",
        "4:0:a1b2c3d4.5",
    }
    counts = count(members)
    assert (counts.fair, counts.booths) == (4, {5: 2, 7: 1})
    assert counts.data() == {"fair": 4, "booths": {"5": 2, "7": 1}}
    assert count(set()) == Counts(fair=0, booths={})


async def test_entering_moving_and_leaving(clock: Clock) -> None:
    broker = MemoryBroker(lambda channel, payload: None)
    first, second, other = tab(1), tab(1), tab(2)

    async def at(fair_id: int) -> tuple[int, dict[int, int]]:
        counts = await counts_of(broker, fair_id)
        return counts.fair, counts.booths

    await presence.enter(broker, first, 10, None)
    assert await at(10) == (1, {})
    await presence.enter(broker, second, 10, 5)
    assert await at(10) == (1, {5: 1})
    await presence.enter(broker, other, 10, 5)
    assert await at(10) == (2, {5: 2})
    await presence.enter(broker, first, 10, 5)  # moving replaces the tab's member
    assert await at(10) == (2, {5: 2})
    assert len(await broker.members(presence.presence_key(10))) == 3
    await presence.enter(broker, other, 11, None)  # to another fair
    assert await at(10) == (1, {5: 1})
    assert await at(11) == (1, {})
    await presence.leave(broker, first)
    assert await at(10) == (1, {5: 1})  # the second tab is still there
    await presence.leave(broker, second)
    await presence.leave(broker, second)  # closing twice is harmless
    assert await at(10) == (0, {})

    # A tab that stops sending heartbeats (a crashed node) expires; refreshed ones stay.
    await presence.enter(broker, first, 12, None)
    await presence.enter(broker, other, 12, 3)
    clock.now += presence.TTL_S - 1
    await presence.refresh(broker, first)
    clock.now += 2
    assert await at(12) == (1, {})
    clock.now += presence.TTL_S
    assert await at(12) == (0, {})
    await presence.refresh(broker, tab(9))  # a tab that never entered: nothing to do
    assert await at(12) == (0, {})


async def test_counts_are_pushed_to_local_watchers_once_per_change(hub: Hub) -> None:
    broker = hub.broker
    assert isinstance(broker, CountingBroker)
    pusher = PresencePusher(hub, broker)
    watcher, also = Watcher(), Watcher()
    await hub.join("fair:10", watcher)
    await hub.join("fair:10", also)
    bystander = Watcher()
    await hub.join("queue:10", bystander)
    await presence.enter(broker, tab(1), 10, 5)
    await presence.enter(broker, tab(3), 20, None)  # nobody here watches fair 20

    await pusher.push_once(0.0)
    expected = {
        "type": "event",
        "channel": "fair:10",
        "event": "presence",
        "data": {"fair": 1, "booths": {"5": 1}},
    }
    assert watcher.received == also.received == [expected]
    assert broker.read == ["presence:10"]  # unwatched fairs are not even read
    await pusher.push_once(1.0)
    assert len(watcher.received) == 1  # unchanged: nothing sent

    await presence.enter(broker, tab(2), 10, None)
    await pusher.push_once(2.0)
    assert [m["data"] for m in watcher.received[1:]] == [{"fair": 2, "booths": {"5": 1}}]
    await pusher.push_once(3.0)
    await pusher.push_once(16.9)
    assert len(watcher.received) == 2
    await pusher.push_once(17.0)  # unchanged, but repeated now and then
    assert len(watcher.received) == 3
    assert bystander.received == []
    # A page just opened does not wait for the next change.
    newcomer = Watcher()
    await hub.join("fair:10", newcomer)
    await pusher.push_once(17.5)
    assert [m["data"] for m in newcomer.received] == [{"fair": 2, "booths": {"5": 1}}]
    await pusher.push_once(18.0)
    assert len(newcomer.received) == 1
    hub.leave("fair:10", newcomer)
    sent = len(watcher.received)

    # Once somebody watches fair 20, its counts go to them, and only to them.
    late = Watcher()
    await hub.join("fair:20", late)
    await pusher.push_once(18.5)
    assert [m["data"] for m in late.received] == [{"fair": 1, "booths": {}}]
    assert len(watcher.received) == sent

    # Nobody watching fair 10 any more: nothing is pushed or read for it; a new watcher
    # gets the counts at once, unchanged as they are.
    hub.leave("fair:10", watcher)
    hub.leave("fair:10", also)
    broker.read.clear()
    await pusher.push_once(19.0)
    assert broker.read == ["presence:20"]
    again = Watcher()
    await hub.join("fair:10", again)
    await pusher.push_once(20.0)
    assert [m["data"] for m in again.received] == [{"fair": 2, "booths": {"5": 1}}]
    assert len(watcher.received) == sent
