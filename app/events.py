"""Events for WebSocket subscribers, encoded once and published after commit.

Services call :func:`emit` while they change data; the unit of work publishes the queued
events once the transaction commits, so no subscriber hears of a change that was rolled back.
The encoded bytes are the exact frame every subscriber receives, on every node.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

_KEY = "jobfair.events"


def encode_event(channel: str, event: str, data: Any) -> bytes:
    return orjson.dumps({"type": "event", "channel": channel, "event": event, "data": data})


def emit(session: AsyncSession, channel: str, event: str, data: Any) -> None:
    """Queue an event on ``channel``; it is published only if the session commits."""
    session.info.setdefault(_KEY, []).append((channel, encode_event(channel, event, data)))


def emit_raw(session: AsyncSession, channel: str, payload: bytes) -> None:
    """Queue an already encoded payload (internal control channels)."""
    session.info.setdefault(_KEY, []).append((channel, payload))


def pending_events(session: AsyncSession) -> list[tuple[str, bytes]]:
    """Take the queued events off the session."""
    events: list[tuple[str, bytes]] = session.info.pop(_KEY, [])
    return events
