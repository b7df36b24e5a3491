"""Local fan-out: which sockets on this node listen to which channel.

The broker delivers each message once per node; the hub frames it once and writes the same
bytes to every local subscriber. A channel is subscribed at the broker when its first local
subscriber arrives; channels left empty are unsubscribed by a periodic sweep rather than at
once, so a reconnecting client does not cost a broker round trip each time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Protocol

from app.broker import Broker
from app.gateway.wire import text_frame

log = logging.getLogger(__name__)

SWEEP_EVERY_S = 30.0


class Subscriber(Protocol):
    def deliver(self, payload: bytes, frame: bytes) -> None: ...


class Hub:
    def __init__(self) -> None:
        self.channels: dict[str, set[Subscriber]] = {}
        self._ready: dict[str, asyncio.Future[None]] = {}
        # Unsubscribes in flight: a new join waits for them, so the broker sees the two
        # commands in order and the fresh subscription is not undone.
        self._leaving: dict[str, asyncio.Task[None]] = {}
        self._broker: Broker | None = None
        self._sweeper: asyncio.Task[None] | None = None

    @property
    def broker(self) -> Broker:
        assert self._broker is not None, "hub not started"
        return self._broker

    def start(self, broker: Broker) -> None:
        self._broker = broker
        self._sweeper = asyncio.create_task(self._sweep_forever())

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper

    async def join(self, channel: str, subscriber: Subscriber) -> None:
        """Add a local subscriber; returns once the node receives the channel."""
        leaving = self._leaving.get(channel)
        if leaving is not None:
            await asyncio.shield(leaving)
        subscribers = self.channels.setdefault(channel, set())
        subscribers.add(subscriber)
        ready = self._ready.get(channel)
        if ready is None:
            ready = asyncio.get_running_loop().create_future()
            self._ready[channel] = ready
            try:
                await self.broker.subscribe(channel)
            except BaseException as exc:
                del self._ready[channel]
                subscribers.discard(subscriber)
                if not ready.done():
                    ready.set_exception(exc)
                    ready.exception()  # mark retrieved: the raise below reports it
                raise
            ready.set_result(None)
        else:
            await asyncio.shield(ready)

    def leave(self, channel: str, subscriber: Subscriber) -> None:
        subscribers = self.channels.get(channel)
        if subscribers is not None:
            subscribers.discard(subscriber)

    def on_message(self, channel: str, payload: bytes) -> None:
        """The broker's callback: one frame built, the same bytes to every local subscriber."""
        subscribers = self.channels.get(channel)
        if not subscribers:
            return
        frame = text_frame(payload)
        # A copy, because a too-slow subscriber may be dropped while we iterate.
        for subscriber in tuple(subscribers):
            subscriber.deliver(payload, frame)

    def close_all(self, code: int, reason: str) -> None:
        """On shutdown: close every local socket so clients reconnect to another node."""
        for subscribers in self.channels.values():
            for subscriber in tuple(subscribers):
                close = getattr(subscriber, "close", None)
                if close is not None:
                    close(code, reason)

    def subscriber_count(self, channel: str) -> int:
        return len(self.channels.get(channel, ()))

    async def sweep(self) -> None:
        """Unsubscribe the broker from channels that no local socket listens to any more."""
        for channel in [c for c, subs in self.channels.items() if not subs]:
            ready = self._ready.get(channel)
            if self.channels.get(channel) or ready is None or not ready.done():
                continue
            del self.channels[channel]
            del self._ready[channel]
            task = asyncio.create_task(self._unsubscribe(channel))
            self._leaving[channel] = task
            await task

    async def _unsubscribe(self, channel: str) -> None:
        try:
            await self.broker.unsubscribe(channel)
        except Exception:
            log.exception("unsubscribing %s failed", channel)
        finally:
            self._leaving.pop(channel, None)

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_EVERY_S)
            await self.sweep()
