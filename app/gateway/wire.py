"""Writing frames to one socket without letting it hold up anybody else.

Fan-out hands every subscriber the same pre-built frame. Two writers:

* :class:`DirectWire`, for uvicorn's websockets-sansio protocol (what ``jobfair serve``
  runs): the frame bytes go straight into the socket's transport, with no coroutine, task
  or re-encoding per delivery. Before writing it checks the transport's unsent bytes; past
  the high-water mark the socket is closed with ``TOO_SLOW`` and its buffer freed.
* :class:`QueuedWire`, for any other ASGI server: a bounded queue and a writer task per
  socket, created only while the socket has something to send. Slower, same guarantee.

Measured here (1,000 sockets, one room): direct writes cost about half the CPU per delivery
and a fraction of the p99 of a queue and task per socket; see bench/ and docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import logging
import struct
from collections import deque
from typing import Any, Protocol

from starlette.types import Message, Send

from app.gateway.protocol import CloseCode

log = logging.getLogger(__name__)

# A slow socket whose close frame cannot drain is cut off after this long.
ABORT_AFTER_S = 2.0


def text_frame(payload: bytes) -> bytes:
    """An unmasked, unfragmented, uncompressed text frame (RFC 6455 section 5.2)."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x81, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", 0x81, 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 127, size)
    return header + payload


class Wire(Protocol):
    closed: bool

    def deliver(self, payload: bytes, frame: bytes) -> None:
        """Send ``payload`` (``frame`` is the same bytes framed); never blocks."""

    def close(self, code: int, reason: str) -> None:
        """Close the socket; never blocks."""


def create_wire(server_send: Send | None, app_send: Send, limit: int) -> Wire:
    protocol = getattr(server_send, "__self__", None)
    if DirectWire.supports(protocol):
        return DirectWire(protocol, limit)
    return QueuedWire(app_send, limit)


class DirectWire:
    def __init__(self, protocol: Any, limit: int) -> None:
        self.protocol = protocol
        self.transport: asyncio.WriteTransport = protocol.transport
        self.limit = limit
        self.closed = False

    @staticmethod
    def supports(protocol: Any) -> bool:
        conn = getattr(protocol, "conn", None)
        # Raw frames are only valid while no extension (compression) rewrites them.
        return (
            conn is not None
            and type(protocol).__name__ == "WebSocketsSansIOProtocol"
            and hasattr(protocol, "transport")
            and hasattr(protocol, "close_sent")
            and not getattr(conn, "extensions", [None])
        )

    def deliver(self, payload: bytes, frame: bytes) -> None:
        if self.closed or self.protocol.close_sent or self.transport.is_closing():
            self.closed = True
            return
        if self.transport.get_write_buffer_size() + len(frame) > self.limit:
            self.close(CloseCode.TOO_SLOW, "too slow")
            return
        self.transport.write(frame)

    def close(self, code: int, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        protocol = self.protocol
        if protocol.close_sent or self.transport.is_closing():
            return
        # uvicorn's own close path, minus its wait for the buffer to drain, which a
        # stalled reader would make endless.
        protocol.conn.send_close(int(code), reason)
        self.transport.write(b"".join(protocol.conn.data_to_send()))
        protocol.close_sent = True
        protocol.queue.put_nowait(
            {"type": "websocket.disconnect", "code": int(code), "reason": reason}
        )
        asyncio.get_running_loop().call_later(ABORT_AFTER_S, self._abort_if_open)

    def _abort_if_open(self) -> None:
        if not self.transport.is_closing():
            self.transport.abort()


class QueuedWire:
    def __init__(self, send: Send, limit: int) -> None:
        self.send = send
        self.limit = limit
        self.pending: deque[Message] = deque()
        self.pending_bytes = 0
        self.writer: asyncio.Task[None] | None = None
        self.closed = False

    def deliver(self, payload: bytes, frame: bytes) -> None:
        if self.closed:
            return
        if self.pending_bytes + len(payload) > self.limit:
            self.close(CloseCode.TOO_SLOW, "too slow")
            return
        self.pending.append({"type": "websocket.send", "text": payload.decode()})
        self.pending_bytes += len(payload)
        if self.writer is None:
            self.writer = asyncio.create_task(self._drain())

    def close(self, code: int, reason: str) -> None:
        if self.closed:
            return
        self.closed = True
        self.pending.clear()
        self.pending.append({"type": "websocket.close", "code": int(code), "reason": reason})
        if self.writer is None:
            self.writer = asyncio.create_task(self._drain())

    async def _drain(self) -> None:
        try:
            while self.pending:
                message = self.pending.popleft()
                if message["type"] == "websocket.send":
                    self.pending_bytes -= len(message["text"].encode())
                    await self.send(message)
                else:
                    await asyncio.wait_for(self.send(message), ABORT_AFTER_S)
        except Exception:  # noqa: BLE001 - a dead socket; the receive loop will see it go
            self.closed = True
            self.pending.clear()
        finally:
            self.writer = None
