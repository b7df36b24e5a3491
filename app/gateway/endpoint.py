"""The ``/ws`` endpoint: accept, authenticate, read frames, clean up.

Shape: check Origin and capacity -> load the identity from the session cookie -> accept ->
hello -> receive loop (frames dispatched one at a time, in order) -> cleanup in ``finally``.
Writes never happen here: replies and events go through the connection's wire, which
never blocks, so a socket that stops reading cannot stall this loop or a room.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from app.auth.identity import Identity, load_identity
from app.auth.service import session_channel
from app.context import AppContext, app_context
from app.db import unit_of_work
from app.gateway.connection import Connection, SessionWatch
from app.gateway.protocol import CloseCode, error_frame
from app.gateway.wire import create_wire
from app.i18n import gettext

log = logging.getLogger(__name__)

SERVER_SEND = "jobfair.server_send"
HEARTBEAT_S = 25


def origin_allowed(websocket: WebSocket, allowed: tuple[str, ...]) -> bool:
    """Same origin as the Host header, or one of JOBFAIR_ALLOWED_ORIGINS."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return False
    origin = origin.rstrip("/")
    if origin in allowed:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc == websocket.headers.get("host")


async def websocket_endpoint(websocket: WebSocket) -> None:
    app = app_context(websocket)
    settings = app.settings
    if not origin_allowed(websocket, settings.allowed_origins):
        # Closing before accept refuses the handshake with 403: another site's page is
        # never let in on the user's cookie.
        await websocket.close(CloseCode.POLICY)
        return
    if app.connections >= settings.ws_max_connections:
        await websocket.accept()
        await websocket.close(CloseCode.TRY_AGAIN_LATER, "server busy")
        return
    async with unit_of_work(app.db, app.broker) as uow:
        identity = await load_identity(uow.session, websocket.scope.get("session", {}))
    await websocket.accept()
    if identity is None:
        await websocket.close(CloseCode.UNAUTHENTICATED, "log in first")
        return
    app.connections += 1
    try:
        await _serve(websocket, app, identity)
    finally:
        app.connections -= 1


async def _serve(websocket: WebSocket, app: AppContext, identity: Identity) -> None:
    settings = app.settings
    wire = create_wire(
        websocket.scope.get(SERVER_SEND), websocket.send, settings.ws_send_buffer_bytes
    )
    conn = Connection(identity, wire)
    watch = SessionWatch(conn)
    control = session_channel(identity.id)
    try:
        await app.hub.join(control, watch)
        conn.send(
            {
                "type": "hello",
                "user": {
                    "id": identity.id,
                    "name": identity.user.display_name,
                    "role": identity.role,
                },
                "heartbeat_s": HEARTBEAT_S,
                "max_frame_bytes": settings.ws_max_frame_bytes,
            }
        )
        await app.lifecycle.run(app.lifecycle.on_connect, conn, app)
        await _receive_loop(websocket, app, conn)
    finally:
        app.hub.leave(control, watch)
        for channel in conn.channels:
            app.hub.leave(channel, conn.subscriber(channel))
        conn.channels.clear()
        conn.feeds.clear()
        await app.lifecycle.run(app.lifecycle.on_close, conn, app)


async def _receive_loop(websocket: WebSocket, app: AppContext, conn: Connection) -> None:
    max_bytes = app.settings.ws_max_frame_bytes
    while not conn.closed:
        try:
            async with asyncio.timeout(app.settings.ws_idle_timeout_s):
                message = await websocket.receive()
        except TimeoutError:
            conn.close(CloseCode.IDLE, "idle")
            return
        if message["type"] == "websocket.disconnect":
            return
        raw: str | bytes | None = message.get("text")
        if raw is None:
            raw = message.get("bytes") or b""
        size = len(raw) if isinstance(raw, bytes) or raw.isascii() else len(raw.encode())
        if size > max_bytes:
            conn.send_raw(
                error_frame(
                    "too_large", gettext("The frame is too large."), max_frame_bytes=max_bytes
                )
            )
            continue
        await app.dispatcher.dispatch(conn, app, raw)


class ServerSendMiddleware:
    """Outermost middleware: keeps the server's own ``send`` in the scope, since
    Starlette wraps it, so the gateway can write frames directly (see wire.py)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            scope[SERVER_SEND] = send
        await self.app(scope, receive, send)
