"""The broker interface: node-to-node pub/sub plus a small shared key-value store.

A node subscribes once per channel; the gateway's hub fans a message out to its local
sockets. Messages are opaque bytes, already encoded once by the publisher, and are passed
on unchanged. The key-value part holds what must be shared by all nodes: throttling
counters, rate-limit buckets, presence.
"""

from __future__ import annotations

import abc
import builtins
from collections.abc import Callable

# Called on the event loop for every message on a subscribed channel. It must not block:
# the hub writes to local sockets without awaiting.
MessageHandler = Callable[[str, bytes], None]


class Broker(abc.ABC):
    """Pub/sub on named channels and a key-value store with TTLs and atomic counters."""

    def __init__(self, on_message: MessageHandler) -> None:
        self.on_message = on_message

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Open connections and start the listener task, if the backend has one."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Stop listening and release connections."""

    @abc.abstractmethod
    async def ping(self) -> None:
        """Raise if the backend is unreachable (used by /readyz)."""

    # -- pub/sub -----------------------------------------------------------------
    @abc.abstractmethod
    async def publish(self, channel: str, message: bytes) -> None:
        """Deliver ``message`` to every node subscribed to ``channel`` (this one included)."""

    @abc.abstractmethod
    async def subscribe(self, channel: str) -> None:
        """Start receiving ``channel`` on this node; idempotent. Returns once active."""

    @abc.abstractmethod
    async def unsubscribe(self, channel: str) -> None:
        """Stop receiving ``channel`` on this node; idempotent."""

    # -- key-value -----------------------------------------------------------------
    @abc.abstractmethod
    async def get(self, key: str) -> bytes | None: ...

    @abc.abstractmethod
    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None: ...

    @abc.abstractmethod
    async def delete(self, key: str) -> None: ...

    @abc.abstractmethod
    async def incr(self, key: str, amount: int = 1, *, ttl: float | None = None) -> int:
        """Atomically add ``amount``; a new key starts at 0 and expires after ``ttl`` seconds."""

    @abc.abstractmethod
    async def take_token(self, key: str, *, capacity: int, per_s: float) -> float:
        """Token bucket: take one token from the bucket at ``key`` (full at ``capacity``,
        refilled at ``per_s`` tokens a second). Returns 0 if a token was taken, else the
        seconds until one will be there (nothing is taken). Atomic across nodes."""

    @abc.abstractmethod
    async def ttl(self, key: str) -> float | None:
        """Seconds until ``key`` expires; None if it is missing or never expires."""

    # -- expiring sets (presence): members vanish ``ttl`` seconds after their last touch --
    @abc.abstractmethod
    async def touch_member(self, key: str, member: str, *, ttl: float) -> None: ...

    @abc.abstractmethod
    async def remove_member(self, key: str, member: str) -> None: ...

    @abc.abstractmethod
    async def members(self, key: str) -> builtins.set[str]:
        """Members whose last touch is younger than their ttl."""


def create_broker(
    redis_url: str | None, on_message: MessageHandler, *, namespace: str = "jobfair"
) -> Broker:
    """Pick the backend by URL: no URL (or ``memory://``) is in-process, else Redis."""
    if redis_url is None or redis_url == "memory://":
        from app.broker.memory import MemoryBroker

        return MemoryBroker(on_message)
    from app.broker.redis import RedisBroker

    return RedisBroker(redis_url, on_message, namespace=namespace)
