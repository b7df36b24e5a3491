"""One browser tab's socket: who it is, what it listens to, and how to write to it."""

from __future__ import annotations

import itertools
from typing import Any

import orjson

from app.auth.identity import Identity
from app.gateway.hub import Subscriber
from app.gateway.protocol import CloseCode
from app.gateway.wire import Wire, text_frame

_ids = itertools.count(1)


class Connection:
    def __init__(self, identity: Identity, wire: Wire) -> None:
        self.id = next(_ids)
        self.identity = identity
        self.wire = wire
        self.channels: set[str] = set()
        # Channels whose deliveries pass through a domain's filter (chat resume) instead of
        # going straight to the wire: channel -> the subscriber the hub holds for it.
        self.feeds: dict[str, Subscriber] = {}
        # Per-socket state kept by domains (e.g. where the visitor is in a fair).
        self.state: dict[str, Any] = {}
        # Fixed at connect: a changed password or a log-out closes the socket instead.
        self.auth_epoch = identity.user.auth_epoch

    @property
    def closed(self) -> bool:
        return self.wire.closed

    def deliver(self, payload: bytes, frame: bytes) -> None:
        self.wire.deliver(payload, frame)

    def subscriber(self, channel: str) -> Subscriber:
        """What the hub holds for this socket on ``channel``."""
        return self.feeds.get(channel, self)

    def send(self, frame: dict[str, Any]) -> None:
        payload = orjson.dumps(frame)
        self.wire.deliver(payload, text_frame(payload))

    def send_raw(self, payload: bytes) -> None:
        self.wire.deliver(payload, text_frame(payload))

    def close(self, code: CloseCode, reason: str = "") -> None:
        self.wire.close(code, reason)


class SessionWatch:
    """Subscribed to the user's internal ``session:`` channel: closes this socket when its
    session is ended (log-out) or outdated (password change, deactivation)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def deliver(self, payload: bytes, frame: bytes) -> None:
        try:
            notice = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return
        ended = notice.get("sid") == self.connection.identity.session_id
        outdated = (
            isinstance(notice.get("epoch"), int) and notice["epoch"] > self.connection.auth_epoch
        )
        if ended or outdated:
            self.connection.close(CloseCode.SESSION_ENDED, "session ended")
