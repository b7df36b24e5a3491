"""Hooks domains attach to a socket's life: connect, heartbeat, close.

The fair domain uses them to keep "is this person around" and presence keys fresh in the
broker; the gateway itself knows nothing of fairs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from app.gateway.connection import Connection

if TYPE_CHECKING:
    from app.context import AppContext

log = logging.getLogger(__name__)

Hook = Callable[[Connection, "AppContext"], Awaitable[None]]


class Lifecycle:
    def __init__(self) -> None:
        self.on_connect: list[Hook] = []
        self.on_ping: list[Hook] = []
        self.on_close: list[Hook] = []

    async def run(self, hooks: list[Hook], conn: Connection, app: AppContext) -> None:
        # A failing hook (the broker briefly away) must not cost the socket.
        for hook in hooks:
            try:
                await hook(conn, app)
            except Exception:
                log.exception("socket hook %s failed", getattr(hook, "__name__", hook))
