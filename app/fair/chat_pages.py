"""``GET /chat/{room}/history``: older chat messages as JSON (the same rules as ``chat.history``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.auth.identity import require_login
from app.context import app_context
from app.db import unit_of_work
from app.errors import Invalid
from app.fair import chat
from app.web import identity_of


def _number(raw: str | None, field: str) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise Invalid("Give a whole number.", field=field)
    return int(raw)


async def chat_history(request: Request) -> Response:
    identity = require_login(await identity_of(request))
    before = _number(request.query_params.get("before"), "before")
    limit = _number(request.query_params.get("limit"), "limit") or 50
    room = request.path_params["room"]
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        messages = await chat.history(
            uow.session, identity=identity, room=room, before=before, limit=limit
        )
    return JSONResponse({"room": room, "messages": messages})


routes = [Route("/chat/{room}/history", chat_history, methods=["GET"], name="chat_history")]
