"""The WebSocket wire protocol: close codes and the core frames (see docs/protocol.md).

Domains add their own client frames by registering a pydantic model with a ``type``
literal and a handler on the :class:`app.gateway.dispatch.Dispatcher`.
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, StringConstraints


# Mirrored in frontend/static/js/codes.js.
class CloseCode(IntEnum):
    NORMAL = 1000
    GOING_AWAY = 1001
    POLICY = 1008
    TOO_BIG = 1009
    TRY_AGAIN_LATER = 1013
    IDLE = 4000
    UNAUTHENTICATED = 4001
    TOO_SLOW = 4008
    SESSION_ENDED = 4009


# Codes after which a client must not reconnect on its own.
FINAL_CODES = {CloseCode.UNAUTHENTICATED, CloseCode.SESSION_ENDED, CloseCode.POLICY}

CHANNEL_RE = re.compile(r"^[a-z][a-z_]{0,19}:[A-Za-z0-9_\-:]{1,64}$")
# Echoed in the reply so the client can match it to its request.
RequestId = Annotated[str, StringConstraints(max_length=64)] | Annotated[int, Field(ge=0, lt=2**53)]


class ClientFrame(BaseModel):
    """Base of every client frame: an optional request id echoed in the reply."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: RequestId | None = None


class Ping(ClientFrame):
    type: Literal["ping"]


class Subscribe(ClientFrame):
    type: Literal["subscribe"]
    channel: str = Field(max_length=100)


class Unsubscribe(ClientFrame):
    type: Literal["unsubscribe"]
    channel: str = Field(max_length=100)


def encode(frame: dict[str, Any]) -> bytes:
    return orjson.dumps(frame)


def error_frame(
    code: str, message: str, request_id: str | int | None = None, **extra: Any
) -> bytes:
    frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
    if request_id is not None:
        frame["id"] = request_id
    frame.update(extra)
    return encode(frame)
