"""Redis backend: pub/sub between nodes plus the shared key-value store.

* One pub/sub connection and one listener task per node, however many channels: the
  gateway subscribes per room and user, and a connection each would exhaust Redis.
* ``subscribe()`` returns only once Redis has confirmed the SUBSCRIBE, so a message
  published right after it returns is never lost. redis-py only sends the command; the
  confirmation arrives in the message stream, where the listener sets a per-channel event.
* The listener owns reconnection. redis-py's retries are off on the pub/sub client so a
  lost connection surfaces here: the listener logs, backs off (jittered, capped), opens a
  fresh ``PubSub`` and subscribes every wanted channel. The wanted set is ours, not
  redis-py's, so a SUBSCRIBE sent into a dying connection is not forgotten.
* ``incr`` and ``touch_member`` are Lua scripts, so creating a key and setting its expiry
  is one atomic step. Expiring sets are sorted sets scored by deadline (client clock).
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import logging
import math
import random
import time
import uuid
import weakref
from typing import Any, cast

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from app.broker.base import Broker, MessageHandler

log = logging.getLogger(__name__)

# Expire only a key that INCRBY created, so later increments never extend the window.
_INCR = """
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if created and tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
"""

# Prune, add or refresh the member, and keep the key alive at least as long as it.
# The bucket is "tokens:timestamp" on the server's own clock, so nodes with skewed clocks
# share one bucket correctly.
_TAKE_TOKEN = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local tokens = capacity
local state = redis.call('GET', KEYS[1])
if state then
  local sep = string.find(state, ':', 1, true)
  local level = tonumber(string.sub(state, 1, sep - 1))
  local stamp = tonumber(string.sub(state, sep + 1))
  tokens = math.min(capacity, level + math.max(0, now - stamp) * rate)
end
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('SET', KEYS[1], string.format('%.6f:%.6f', tokens, now),
  'PX', math.ceil(capacity / rate * 1000) + 1000)
return tostring(wait)
"""

_TOUCH = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[4]) then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
"""


def _ms(seconds: float) -> int:
    # Redis rejects a zero expiry; round up so a short ttl never means "no ttl".
    return max(1, math.ceil(seconds * 1000))


def _describe(exc: BaseException) -> str:
    # redis-py 8's exception repr is just "network:ConnectionError"; keep the message.
    return f"{type(exc).__name__}: {exc}"


class RedisBroker(Broker):
    """Broker backed by one Redis server shared by every node."""

    subscribe_timeout = 10.0
    max_connections = 50
    pool_timeout = 10.0
    backoff_base = 0.1
    backoff_cap = 10.0

    def __init__(self, url: str, on_message: MessageHandler, *, namespace: str = "") -> None:
        super().__init__(on_message)
        self.url = url
        # Every key and channel is prefixed, so deployments (or test runs) can share a server.
        self.prefix = f"{namespace}:" if namespace else ""
        # Visible in CLIENT LIST, so an operator can tell which node owns a connection.
        self.client_name = f"jobfair-{uuid.uuid4().hex[:12]}"
        self.pubsub_client_name = f"{self.client_name}-sub"
        self._client: Redis | None = None
        self._sub_client: Redis | None = None
        self._pubsub: PubSub | None = None  # None while (re)connecting
        self._listener: asyncio.Task[None] | None = None
        self._wanted: dict[str, asyncio.Event] = {}  # set once Redis confirmed it
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    async def start(self) -> None:
        # redis-py 8's default pool raises MaxConnectionsError beyond 100 concurrent
        # commands; a blocking pool queues a burst instead.
        pool = BlockingConnectionPool.from_url(
            self.url,
            max_connections=self.max_connections,
            timeout=self.pool_timeout,
            decode_responses=False,
            client_name=self.client_name,
        )
        self._client = Redis.from_pool(pool)
        self._sub_client = Redis.from_url(
            self.url,
            decode_responses=False,
            client_name=self.pubsub_client_name,
            retry=Retry(NoBackoff(), 0),
            socket_keepalive=True,
        )
        self._listener = asyncio.create_task(self._listen(), name=f"{self.client_name} listener")

    async def close(self) -> None:
        if (listener := self._listener) is not None:
            # Cancel until it sticks: on Python 3.11 redis-py writes through
            # asyncio.wait_for, which swallows a cancel that races with the write.
            while not listener.done():
                listener.cancel()
                await asyncio.wait([listener], timeout=0.1)
            self._listener = None
        for client in (self._client, self._sub_client):
            if client is not None:
                await client.aclose()
        self._client = self._sub_client = None

    async def ping(self) -> None:
        await self._redis.ping()

    # -- pub/sub -----------------------------------------------------------------
    async def publish(self, channel: str, message: bytes) -> None:
        await self._redis.publish(self.prefix + channel, message)

    async def subscribe(self, channel: str) -> None:
        if self._listener is None:
            raise RuntimeError("RedisBroker.start() has not been called")
        # Serialised per channel, so a confirmation can only answer this call's SUBSCRIBE.
        async with self._locks.setdefault(channel, asyncio.Lock()):
            if (confirmed := self._wanted.get(channel)) is None:
                confirmed = self._wanted[channel] = asyncio.Event()
                await self._send(channel, subscribe=True)
            session = self._pubsub
            try:
                async with asyncio.timeout(self.subscribe_timeout):
                    await confirmed.wait()
            except TimeoutError:
                # A connection that swallows a SUBSCRIBE is wedged: drop it, and the
                # listener reconnects and resubscribes. The channel stays wanted.
                if session is not None and session is self._pubsub and session.connection:
                    await session.connection.disconnect(nowait=True)
                raise TimeoutError(f"Redis did not confirm SUBSCRIBE {channel!r}") from None

    async def unsubscribe(self, channel: str) -> None:
        async with self._locks.setdefault(channel, asyncio.Lock()):
            # No need to wait for confirmation: the listener drops unwanted channels.
            if self._wanted.pop(channel, None) is not None:
                await self._send(channel, subscribe=False)

    async def _send(self, channel: str, *, subscribe: bool) -> None:
        if (pubsub := self._pubsub) is None:
            return  # the listener subscribes every wanted channel once connected
        try:
            name = self.prefix + channel
            await (pubsub.subscribe(name) if subscribe else pubsub.unsubscribe(name))
        except Exception as exc:
            # Not fatal: the listener hits the same broken connection and resubscribes.
            log.warning("Redis pub/sub command for %r failed: %s", channel, _describe(exc))

    async def _listen(self) -> None:
        assert self._sub_client is not None
        failures = 0
        while True:
            pubsub = self._sub_client.pubsub()
            try:
                await pubsub.connect()  # type: ignore[no-untyped-call]
                # No await between publishing the session and reading the wanted set: a
                # concurrent subscribe() is either in this SUBSCRIBE or sends its own.
                self._pubsub = pubsub
                if self._wanted:
                    await pubsub.subscribe(*(self.prefix + c for c in self._wanted))
                if failures:
                    log.info("Redis pub/sub reconnected (%d channels)", len(self._wanted))
                failures = 0
                while True:
                    # Blocks without polling, even while no channel is subscribed.
                    if message := await pubsub.get_message(timeout=None):
                        self._dispatch(message)
            except Exception as exc:
                failures += 1
                delay = min(self.backoff_cap, self.backoff_base * 2 ** (failures - 1))
                delay *= random.uniform(0.5, 1.0)
                if isinstance(exc, RedisError | OSError):
                    log.warning(
                        "Redis pub/sub lost (%s), reconnecting in %.2fs", _describe(exc), delay
                    )
                else:
                    log.exception("Redis pub/sub listener crashed, restarting in %.2fs", delay)
            finally:
                self._pubsub = None
                for confirmed in self._wanted.values():
                    confirmed.clear()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(delay)

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        channel = message["channel"].decode()[len(self.prefix) :]
        if kind == "subscribe":
            if (confirmed := self._wanted.get(channel)) is not None:
                confirmed.set()
        elif kind == "message" and channel in self._wanted:
            try:
                self.on_message(channel, message["data"])
            except Exception:
                log.exception("on_message failed for channel %r", channel)

    # -- key-value -----------------------------------------------------------------
    @property
    def _redis(self) -> Redis:
        if self._client is None:
            raise RuntimeError("RedisBroker.start() has not been called")
        return self._client

    async def get(self, key: str) -> bytes | None:
        # Without decode_responses redis-py returns bytes; its annotations can't say so.
        return cast("bytes | None", await self._redis.get(self.prefix + key))

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        await self._redis.set(self.prefix + key, value, px=None if ttl is None else _ms(ttl))

    async def delete(self, key: str) -> None:
        await self._redis.delete(self.prefix + key)

    async def incr(self, key: str, amount: int = 1, *, ttl: float | None = None) -> int:
        millis = 0 if ttl is None else _ms(ttl)
        return int(await self._redis.eval(_INCR, 1, self.prefix + key, amount, millis))

    async def take_token(self, key: str, *, capacity: int, per_s: float) -> float:
        wait = await self._redis.eval(_TAKE_TOKEN, 1, self.prefix + key, capacity, repr(per_s))
        return float(wait.decode() if isinstance(wait, bytes) else wait)

    async def ttl(self, key: str) -> float | None:
        millis = int(await self._redis.pttl(self.prefix + key))
        return None if millis < 0 else millis / 1000  # -2: missing, -1: no expiry

    # -- expiring sets -------------------------------------------------------------
    async def touch_member(self, key: str, member: str, *, ttl: float) -> None:
        now = time.time()
        await self._redis.eval(
            _TOUCH, 1, self.prefix + key, repr(now), repr(now + ttl), member, _ms(ttl)
        )

    async def remove_member(self, key: str, member: str) -> None:
        await self._redis.zrem(self.prefix + key, member)

    async def members(self, key: str) -> builtins.set[str]:
        found = await self._redis.zrangebyscore(self.prefix + key, f"({time.time()!r}", "+inf")
        return {member.decode() for member in cast("list[bytes]", found)}
