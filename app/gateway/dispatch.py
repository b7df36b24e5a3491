"""Routing client frames to handlers: a typed union on ``type``, errors as error frames."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Union

import orjson
from pydantic import Field, TypeAdapter, ValidationError

from app.errors import AppError, TooManyRequests
from app.gateway.connection import Connection
from app.gateway.protocol import ClientFrame, error_frame
from app.i18n import gettext

if TYPE_CHECKING:
    from app.context import AppContext

log = logging.getLogger(__name__)


@dataclass(slots=True)
class FrameContext:
    """What a frame handler gets: the socket and the application's services."""

    conn: Connection
    app: AppContext
    request_id: str | int | None

    def reply(self, frame_type: str, **data: Any) -> None:
        frame: dict[str, Any] = {"type": frame_type, **data}
        if self.request_id is not None:
            frame["id"] = self.request_id
        self.conn.send(frame)


Handler = Callable[[FrameContext, Any], Awaitable[None]]


class Dispatcher:
    def __init__(self) -> None:
        self.handlers: dict[str, tuple[type[ClientFrame], Handler]] = {}
        self._adapter: TypeAdapter[Any] | None = None

    def register(self, model: type[ClientFrame], handler: Handler) -> None:
        frame_type = model.model_fields["type"].annotation.__args__[0]  # type: ignore[union-attr]
        if frame_type in self.handlers:
            raise ValueError(f"frame type {frame_type!r} registered twice")
        self.handlers[frame_type] = (model, handler)
        self._adapter = None

    @property
    def adapter(self) -> TypeAdapter[Any]:
        if self._adapter is None:
            models = tuple(model for model, _ in self.handlers.values())
            union = models[0] if len(models) == 1 else Union[models]  # noqa: UP007
            self._adapter = TypeAdapter(Annotated[union, Field(discriminator="type")])  # type: ignore[arg-type]
        return self._adapter

    async def dispatch(self, conn: Connection, app: AppContext, raw: str | bytes) -> None:
        try:
            frame = self.adapter.validate_json(raw)
        except ValidationError as exc:
            conn.send_raw(_validation_error(exc, _request_id_of(raw)))
            return
        except Exception:
            # Whatever the input, a bad frame costs the sender an error frame, never the socket.
            log.exception("validating a frame failed")
            conn.send_raw(error_frame("bad_frame", gettext("The frame has invalid fields.")))
            return
        _, handler = self.handlers[frame.type]
        ctx = FrameContext(conn=conn, app=app, request_id=frame.id)
        try:
            await handler(ctx, frame)
        except AppError as exc:
            extra = {"retry_after": exc.retry_after} if isinstance(exc, TooManyRequests) else {}
            message = gettext(exc.message, **exc.params)
            conn.send_raw(error_frame(exc.code, message, frame.id, **extra))
        except Exception:
            log.exception("frame handler for %s failed", frame.type)
            conn.send_raw(
                error_frame("internal", gettext("Something went wrong on our side."), frame.id)
            )


def _request_id_of(raw: str | bytes) -> str | int | None:
    """The id of a frame that failed validation, if it has a usable one, so the client can
    match the error to its request."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    request_id = data.get("id") if isinstance(data, dict) else None
    if isinstance(request_id, bool):
        return None
    if isinstance(request_id, str) and len(request_id) <= 64:
        return request_id
    if isinstance(request_id, int) and 0 <= request_id < 2**53:
        return request_id
    return None


def _validation_error(exc: ValidationError, request_id: str | int | None = None) -> bytes:
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    kind = errors[0]["type"] if errors else ""
    if kind == "json_invalid":
        return error_frame("bad_json", gettext("The frame is not valid JSON."))
    if kind in ("model_type", "model_attributes_type", "union_tag_not_found"):
        return error_frame(
            "bad_frame", gettext("A frame must be a JSON object with a type."), request_id
        )
    if kind == "union_tag_invalid":
        return error_frame("unknown_type", gettext("Unknown frame type."), request_id)
    fields = [".".join(str(p) for p in e["loc"][1:]) for e in errors]
    return error_frame(
        "bad_frame", gettext("The frame has invalid fields."), request_id, fields=fields
    )
