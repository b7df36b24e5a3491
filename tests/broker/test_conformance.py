"""One behavioural contract, checked against every broker backend.

Redis tests share a server with other processes, so each test works under its own random
key prefix and channel names and never flushes the database.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
import pytest_asyncio
from redis.asyncio import Redis

from app.broker.base import Broker
from app.broker.memory import MemoryBroker
from app.broker.redis import RedisBroker


@dataclass
class Inbox:
    """The ``on_message`` callback of a test broker: records deliveries in order."""

    messages: list[tuple[str, bytes]] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)

    def __call__(self, channel: str, message: bytes) -> None:
        self.messages.append((channel, message))
        self._arrived.set()

    def on(self, channel: str) -> list[bytes]:
        return [message for ch, message in self.messages if ch == channel]

    async def wait_for(self, count: int, channel: str | None = None, within: float = 5) -> None:
        """Wait until ``count`` messages (on ``channel``, if given) have arrived."""

        def received() -> int:
            return len(self.messages if channel is None else self.on(channel))

        async with asyncio.timeout(within):
            while received() < count:
                self._arrived.clear()
                await self._arrived.wait()


@pytest.fixture
def ns() -> str:
    """A key/channel prefix no other test or process uses."""
    return f"jobfair-test:{uuid.uuid4().hex}:"


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@asynccontextmanager
async def open_broker(redis_url: str | None, inbox: Inbox) -> AsyncIterator[Broker]:
    broker = MemoryBroker(inbox) if redis_url is None else RedisBroker(redis_url, inbox)
    await broker.start()
    try:
        yield broker
    finally:
        await broker.close()


@asynccontextmanager
async def raw_redis(url: str) -> AsyncIterator[Redis]:
    """A plain client for inspecting and sabotaging the server behind a RedisBroker."""
    client = Redis.from_url(url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest_asyncio.fixture(params=["memory", "redis"])
async def broker(request: pytest.FixtureRequest, inbox: Inbox, ns: str) -> AsyncIterator[Broker]:
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    async with open_broker(url, inbox) as opened:
        yield opened
    if url is not None:
        # Keys without a ttl would otherwise outlive the test run.
        async with raw_redis(url) as client:
            async for key in client.scan_iter(match=f"{ns}*"):
                await client.delete(key)


def redis_only(broker: Broker, why: str) -> RedisBroker:
    if not isinstance(broker, RedisBroker):
        pytest.skip(why)
    return broker


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 5) -> None:
    """Poll ``check`` until it passes; for effects with no event to wait on."""
    async with asyncio.timeout(within):
        while True:
            if await check():
                return
            await asyncio.sleep(0.02)


# -- pub/sub -------------------------------------------------------------------------


async def test_publish_delivers_exact_bytes(broker: Broker, inbox: Inbox, ns: str) -> None:
    payload = bytes(range(256)) + "é中".encode()
    await broker.subscribe(f"{ns}a")
    await broker.publish(f"{ns}a", payload)
    await inbox.wait_for(1)
    assert inbox.messages == [(f"{ns}a", payload)]


async def test_unsubscribed_channel_is_not_delivered(broker: Broker, inbox: Inbox, ns: str) -> None:
    await broker.subscribe(f"{ns}marker")
    await broker.publish(f"{ns}other", b"lost")
    # Published after, on the same connection: once it arrives the first would have too.
    await broker.publish(f"{ns}marker", b"marker")
    await inbox.wait_for(1)
    assert inbox.messages == [(f"{ns}marker", b"marker")]


async def test_unsubscribe_stops_delivery(broker: Broker, inbox: Inbox, ns: str) -> None:
    await broker.subscribe(f"{ns}a")
    await broker.subscribe(f"{ns}marker")
    await broker.unsubscribe(f"{ns}a")
    await broker.unsubscribe(f"{ns}a")  # idempotent
    await broker.unsubscribe(f"{ns}never-subscribed")
    await broker.publish(f"{ns}a", b"lost")
    await broker.publish(f"{ns}marker", b"marker")
    await inbox.wait_for(1)
    assert inbox.messages == [(f"{ns}marker", b"marker")]


async def test_resubscribe_after_unsubscribe(broker: Broker, inbox: Inbox, ns: str) -> None:
    await broker.subscribe(f"{ns}a")
    await broker.unsubscribe(f"{ns}a")
    await broker.subscribe(f"{ns}a")
    await broker.publish(f"{ns}a", b"back")
    await inbox.wait_for(1)
    assert inbox.messages == [(f"{ns}a", b"back")]


async def test_subscribe_is_idempotent(broker: Broker, inbox: Inbox, ns: str) -> None:
    await broker.subscribe(f"{ns}a")
    await broker.subscribe(f"{ns}a")
    await asyncio.gather(*(broker.subscribe(f"{ns}a") for _ in range(5)))
    await broker.publish(f"{ns}a", b"once")
    await broker.publish(f"{ns}a", b"marker")
    await inbox.wait_for(2)
    assert inbox.messages == [(f"{ns}a", b"once"), (f"{ns}a", b"marker")]


async def test_many_concurrent_subscriptions_lose_nothing(
    broker: Broker, inbox: Inbox, ns: str
) -> None:
    channels = [f"{ns}room-{i}" for i in range(200)]
    await asyncio.gather(*(broker.subscribe(channel) for channel in channels))
    # No waiting between subscribe() and publish(): subscribe() must already be active.
    for channel in channels:
        await broker.publish(channel, channel.encode())
    await inbox.wait_for(200)
    assert sorted(inbox.messages) == sorted((c, c.encode()) for c in channels)


async def test_two_nodes_both_receive(broker: Broker, inbox: Inbox, ns: str) -> None:
    url = redis_only(broker, "a MemoryBroker is a single node by design").url
    other_inbox = Inbox()
    async with open_broker(url, other_inbox) as other:
        await broker.subscribe(f"{ns}a")
        await other.subscribe(f"{ns}a")
        await other.publish(f"{ns}a", b"hello")
        await inbox.wait_for(1)
        await other_inbox.wait_for(1)
        assert inbox.messages == other_inbox.messages == [(f"{ns}a", b"hello")]


async def test_order_is_preserved_on_a_channel(broker: Broker, inbox: Inbox, ns: str) -> None:
    await broker.subscribe(f"{ns}a")
    sent = [str(i).encode() for i in range(1000)]
    for message in sent:
        await broker.publish(f"{ns}a", message)
    await inbox.wait_for(1000)
    assert inbox.on(f"{ns}a") == sent


async def test_handler_error_does_not_stop_delivery(broker: Broker, inbox: Inbox, ns: str) -> None:
    def flaky(channel: str, message: bytes) -> None:
        if message == b"boom":
            raise RuntimeError("handler bug")
        inbox(channel, message)

    broker.on_message = flaky
    await broker.subscribe(f"{ns}a")
    await broker.publish(f"{ns}a", b"boom")
    await broker.publish(f"{ns}a", b"after")
    await inbox.wait_for(1)
    assert inbox.messages == [(f"{ns}a", b"after")]


async def test_listener_recovers_after_connection_is_killed(
    broker: Broker, inbox: Inbox, ns: str
) -> None:
    node = redis_only(broker, "the memory backend has no connection to lose")
    await broker.subscribe(f"{ns}a")
    await broker.subscribe(f"{ns}b")
    async with raw_redis(node.url) as raw:

        async def listener_ids() -> list[str]:
            clients = await raw.client_list(_type="pubsub")
            return [c["id"] for c in clients if c["name"] == node.pubsub_client_name]

        # Only this node's listener: CLIENT KILL TYPE pubsub would hit other processes too.
        [killed] = await listener_ids()
        await raw.client_kill_filter(_id=killed)

        async def probe_delivered() -> bool:
            await broker.publish(f"{ns}a", b"probe")
            return bool(inbox.on(f"{ns}a"))

        await eventually(probe_delivered)
        assert killed not in await listener_ids()
        # Every channel was resubscribed, not just the one that was probed.
        await broker.publish(f"{ns}b", b"after")
        await inbox.wait_for(1, channel=f"{ns}b")
        assert inbox.on(f"{ns}b") == [b"after"]
        # And subscribing still works on the new connection.
        await broker.subscribe(f"{ns}c")
        await broker.publish(f"{ns}c", b"new")
        await inbox.wait_for(1, channel=f"{ns}c")


# -- key-value -----------------------------------------------------------------------


async def test_get_set_delete(broker: Broker, ns: str) -> None:
    assert await broker.get(f"{ns}k") is None
    await broker.set(f"{ns}k", b"\x00\xffvalue")
    assert await broker.get(f"{ns}k") == b"\x00\xffvalue"
    await broker.set(f"{ns}k", b"new")
    assert await broker.get(f"{ns}k") == b"new"
    await broker.delete(f"{ns}k")
    assert await broker.get(f"{ns}k") is None
    await broker.delete(f"{ns}k")  # deleting a missing key is fine


async def test_set_with_ttl_expires(broker: Broker, ns: str) -> None:
    await broker.set(f"{ns}k", b"v", ttl=0.2)
    assert await broker.get(f"{ns}k") == b"v"
    remaining = await broker.ttl(f"{ns}k")
    assert remaining is not None
    assert 0 < remaining <= 0.2
    await asyncio.sleep(0.3)
    assert await broker.get(f"{ns}k") is None
    assert await broker.ttl(f"{ns}k") is None


async def test_plain_set_clears_ttl(broker: Broker, ns: str) -> None:
    await broker.set(f"{ns}k", b"v", ttl=10)
    await broker.set(f"{ns}k", b"w")
    assert await broker.ttl(f"{ns}k") is None


async def test_ttl_of_missing_or_persistent_key_is_none(broker: Broker, ns: str) -> None:
    assert await broker.ttl(f"{ns}missing") is None
    await broker.set(f"{ns}k", b"v")
    assert await broker.ttl(f"{ns}k") is None


async def test_incr_is_atomic_under_concurrency(broker: Broker, ns: str) -> None:
    results = await asyncio.gather(*(broker.incr(f"{ns}n") for _ in range(200)))
    assert sorted(results) == list(range(1, 201))
    assert await broker.get(f"{ns}n") == b"200"
    assert await broker.incr(f"{ns}n", 5) == 205
    assert await broker.incr(f"{ns}n", -10) == 195


async def test_incr_ttl_is_set_on_creation_only(broker: Broker, ns: str) -> None:
    assert await broker.incr(f"{ns}n", ttl=0.5) == 1
    first = await broker.ttl(f"{ns}n")
    assert first is not None
    assert 0.3 < first <= 0.5
    await asyncio.sleep(0.2)
    assert await broker.incr(f"{ns}n", ttl=0.5) == 2
    later = await broker.ttl(f"{ns}n")
    assert later is not None
    assert later <= 0.35  # not extended back to 0.5
    await asyncio.sleep(later + 0.1)
    assert await broker.get(f"{ns}n") is None
    assert await broker.incr(f"{ns}n", ttl=0.5) == 1  # a new window


async def test_incr_without_ttl_never_expires(broker: Broker, ns: str) -> None:
    assert await broker.incr(f"{ns}n") == 1
    assert await broker.ttl(f"{ns}n") is None


# -- expiring sets -------------------------------------------------------------------


async def test_members_touch_and_remove(broker: Broker, ns: str) -> None:
    assert await broker.members(f"{ns}s") == set()
    await broker.touch_member(f"{ns}s", "alice", ttl=10)
    await broker.touch_member(f"{ns}s", "bob", ttl=10)
    await broker.touch_member(f"{ns}s", "bob", ttl=10)
    assert await broker.members(f"{ns}s") == {"alice", "bob"}
    await broker.remove_member(f"{ns}s", "alice")
    await broker.remove_member(f"{ns}s", "nobody")
    assert await broker.members(f"{ns}s") == {"bob"}
    await broker.remove_member(f"{ns}s", "bob")
    assert await broker.members(f"{ns}s") == set()


async def test_members_expire(broker: Broker, ns: str) -> None:
    await broker.touch_member(f"{ns}s", "short", ttl=0.2)
    await broker.touch_member(f"{ns}s", "long", ttl=10)
    assert await broker.members(f"{ns}s") == {"short", "long"}
    await asyncio.sleep(0.3)
    assert await broker.members(f"{ns}s") == {"long"}


async def test_retouch_extends_membership(broker: Broker, ns: str) -> None:
    started = time.monotonic()
    await broker.touch_member(f"{ns}s", "alice", ttl=0.5)
    await asyncio.sleep(0.3)
    await broker.touch_member(f"{ns}s", "alice", ttl=0.5)
    await asyncio.sleep(max(0.0, started + 0.6 - time.monotonic()))
    # Past the first touch's ttl, within the second's.
    assert await broker.members(f"{ns}s") == {"alice"}
    await asyncio.sleep(0.35)
    assert await broker.members(f"{ns}s") == set()


async def test_abandoned_set_key_expires(broker: Broker, ns: str) -> None:
    node = redis_only(broker, "only Redis stores the set under a key of its own")
    async with raw_redis(node.url) as raw:
        await broker.touch_member(f"{ns}s", "a", ttl=10)
        await broker.touch_member(f"{ns}s", "b", ttl=0.2)
        assert 9 < (await raw.pttl(f"{ns}s")) / 1000 <= 10  # the longest-lived member wins
        await broker.touch_member(f"{ns}t", "a", ttl=0.2)

        async def gone() -> bool:
            return not await raw.exists(f"{ns}t")

        await eventually(gone, within=2)


# -- health --------------------------------------------------------------------------


async def test_ping(broker: Broker) -> None:
    await broker.ping()


async def test_token_bucket_allows_a_burst_then_the_refill_rate(broker: Broker, ns: str) -> None:
    key = f"{ns}:bucket"
    for _ in range(3):
        assert await broker.take_token(key, capacity=3, per_s=20.0) == 0
    wait = await broker.take_token(key, capacity=3, per_s=20.0)
    assert 0 < wait <= 0.05 + 0.01  # one token takes 1/20 s to come back
    # A refused take takes nothing: after the wait, exactly one token is there.
    await asyncio.sleep(wait + 0.02)
    assert await broker.take_token(key, capacity=3, per_s=20.0) == 0
    assert await broker.take_token(key, capacity=3, per_s=20.0) > 0


async def test_token_buckets_are_separate_and_refill_to_capacity(broker: Broker, ns: str) -> None:
    a, b = f"{ns}:bucket-a", f"{ns}:bucket-b"
    assert await broker.take_token(a, capacity=1, per_s=50.0) == 0
    assert await broker.take_token(a, capacity=1, per_s=50.0) > 0
    assert await broker.take_token(b, capacity=1, per_s=50.0) == 0
    await asyncio.sleep(0.1)  # five tokens' worth of time, but the bucket holds one
    assert await broker.take_token(a, capacity=1, per_s=50.0) == 0
    assert await broker.take_token(a, capacity=1, per_s=50.0) > 0
