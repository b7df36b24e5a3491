"""In-process broker for a single node (development, tests, one-process deployments).

Everything lives in dicts on the event loop, so every operation is atomic without locks.
Expired entries are dropped lazily on read and swept in bulk once the writes since the
last sweep outnumber the entries that survived it: memory stays bounded by the live
entries plus recent writes, at an amortised O(1) cost per write.
"""

from __future__ import annotations

import builtins
import logging
import time

from app.broker.base import Broker, MessageHandler

log = logging.getLogger(__name__)

# Writes between sweeps of a small store, so a tiny store is not swept on every write.
_MIN_WRITES_BETWEEN_SWEEPS = 1024


class MemoryBroker(Broker):
    """A broker whose only node is this process: publish calls ``on_message`` directly."""

    def __init__(self, on_message: MessageHandler) -> None:
        super().__init__(on_message)
        self._channels: set[str] = set()
        # key -> (value, monotonic deadline or None)
        self._values: dict[str, tuple[bytes, float | None]] = {}
        # key -> {member: monotonic deadline}
        self._sets: dict[str, dict[str, float]] = {}
        self._writes = 0
        self._sweep_after = _MIN_WRITES_BETWEEN_SWEEPS

    async def ping(self) -> None:
        return None

    # -- pub/sub -----------------------------------------------------------------
    async def publish(self, channel: str, message: bytes) -> None:
        if channel not in self._channels:
            return
        try:
            self.on_message(channel, message)
        except Exception:
            # Same contract as the Redis listener: a faulty handler is logged and does
            # not surface in the publisher, which may be serving an unrelated request.
            log.exception("on_message failed for channel %r", channel)

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)

    # -- key-value -----------------------------------------------------------------
    async def get(self, key: str) -> bytes | None:
        entry = self._live(key)
        return None if entry is None else entry[0]

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        # Like Redis SET, a plain set drops any previous expiry.
        self._values[key] = (value, _deadline(ttl))
        self._wrote()

    async def delete(self, key: str) -> None:
        self._values.pop(key, None)

    async def incr(self, key: str, amount: int = 1, *, ttl: float | None = None) -> int:
        entry = self._live(key)
        if entry is None:
            value, deadline = amount, _deadline(ttl)
        else:
            # Stored as decimal bytes, as Redis does, so get() agrees across backends.
            value, deadline = int(entry[0]) + amount, entry[1]
        self._values[key] = (str(value).encode(), deadline)
        self._wrote()
        return value

    async def take_token(self, key: str, *, capacity: int, per_s: float) -> float:
        now = time.monotonic()
        entry = self._live(key)
        tokens = float(capacity)
        if entry is not None:
            level, _, stamp = entry[0].decode().partition(":")
            tokens = min(capacity, float(level) + (now - float(stamp)) * per_s)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / per_s
        self._values[key] = (f"{tokens:.6f}:{now:.6f}".encode(), _deadline(capacity / per_s + 1))
        self._wrote()
        return wait

    async def ttl(self, key: str) -> float | None:
        entry = self._live(key)
        if entry is None or entry[1] is None:
            return None
        return max(0.0, entry[1] - time.monotonic())

    # -- expiring sets -------------------------------------------------------------
    async def touch_member(self, key: str, member: str, *, ttl: float) -> None:
        self._sets.setdefault(key, {})[member] = time.monotonic() + ttl
        self._wrote()

    async def remove_member(self, key: str, member: str) -> None:
        members = self._sets.get(key)
        if members is not None:
            members.pop(member, None)
            if not members:
                del self._sets[key]

    async def members(self, key: str) -> builtins.set[str]:
        members = self._sets.get(key)
        if members is None:
            return set()
        now = time.monotonic()
        alive = {member: deadline for member, deadline in members.items() if deadline > now}
        if len(alive) < len(members):
            if alive:
                self._sets[key] = alive
            else:
                del self._sets[key]
        return set(alive)

    # -- expiry --------------------------------------------------------------------
    def _live(self, key: str) -> tuple[bytes, float | None] | None:
        entry = self._values.get(key)
        if entry is not None and entry[1] is not None and entry[1] <= time.monotonic():
            del self._values[key]
            return None
        return entry

    def _wrote(self) -> None:
        self._writes += 1
        if self._writes >= self._sweep_after:
            self._sweep()

    def _sweep(self) -> None:
        self._writes = 0
        now = time.monotonic()
        self._values = {
            key: entry for key, entry in self._values.items() if entry[1] is None or entry[1] > now
        }
        swept: dict[str, dict[str, float]] = {}
        for key, members in self._sets.items():
            alive = {member: deadline for member, deadline in members.items() if deadline > now}
            if alive:
                swept[key] = alive
        self._sets = swept
        size = len(self._values) + sum(len(members) for members in swept.values())
        self._sweep_after = max(_MIN_WRITES_BETWEEN_SWEEPS, size)


def _deadline(ttl: float | None) -> float | None:
    return None if ttl is None else time.monotonic() + ttl
