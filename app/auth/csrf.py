"""CSRF protection for every state-changing request.

Each session carries a random token. Unsafe requests must echo it, in the ``X-CSRF-Token``
header (JavaScript) or a ``csrf_token`` form field (plain forms, multipart included). The
middleware reads the body to find the field and replays it to the route unchanged.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import AsyncGenerator
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import AppError, NotAllowed

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
FIELD = "csrf_token"
HEADER = "x-csrf-token"


class CsrfFailed(NotAllowed):
    code = "csrf_failed"


class BodyTooLarge(AppError):
    code = "too_large"
    status = 413


def csrf_token(session: dict[str, object]) -> str:
    """The session's token, created on first use."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


class CsrfMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, on_error: ASGIApp) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        # Renders an AppError stored in scope["app_error"] (HTML or JSON, as the client wants).
        self.on_error = on_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        expected = scope.get("session", {}).get("csrf")
        headers = Headers(scope=scope)
        sent = headers.get(HEADER)
        try:
            if sent is None:
                body = await _read_body(receive, self.max_body_bytes)
                sent = await _form_token(headers, body)
                receive = _replay(body, receive)
        except BodyTooLarge as exc:
            scope["app_error"] = exc
            await self.on_error(scope, receive, send)
            return
        if not (isinstance(expected, str) and sent and hmac.compare_digest(expected, sent)):
            scope["app_error"] = CsrfFailed(
                "This form has expired or was sent from another site. Reload the page and try again."
            )
            await self.on_error(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge("The upload is too large.")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _form_token(headers: Headers, body: bytes) -> str | None:
    content_type = headers.get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("latin-1"), keep_blank_values=True).get(FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):

        async def stream() -> AsyncGenerator[bytes, None]:
            yield body

        try:
            form = await MultiPartParser(headers, stream()).parse()
        except MultiPartException:
            return None
        try:
            value = form.get(FIELD)
            return value if isinstance(value, str) else None
        finally:
            await form.close()
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
