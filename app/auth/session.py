"""Signed-cookie sessions.

The cookie holds the user id, the account's auth epoch, a per-login session id and the CSRF
token, signed with the secret key (itsdangerous). Changing the password bumps the epoch and
so ends every older session; logging out ends this one, and the gateway closes the sockets
that carried it. The cookie is HttpOnly and SameSite=Lax, and Secure whenever the request
came over https (directly or as told by a trusted proxy).
"""

from __future__ import annotations

import time
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "jobfair_session"
# Re-sign a session this old so an active user's cookie keeps sliding forward.
REFRESH_AFTER_S = 24 * 3600


class Session(dict[str, Any]):
    """A dict that remembers whether it was changed."""

    modified = False

    def __setitem__(self, key: str, value: Any) -> None:
        self.modified = True
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.modified = True
        super().__delitem__(key)

    def clear(self) -> None:
        self.modified = True
        super().clear()

    def pop(self, key: str, *default: Any) -> Any:
        self.modified = True
        return super().pop(key, *default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self.modified = True
        return super().setdefault(key, default)


class SessionMiddleware:
    def __init__(self, app: ASGIApp, *, secret_key: str, max_age: int) -> None:
        self.app = app
        self.max_age = max_age
        self.serializer = URLSafeTimedSerializer(secret_key, salt="jobfair.session")

    def load(self, raw: str | None) -> tuple[Session, float]:
        if not raw:
            return Session(), 0.0
        try:
            data, signed_at = self.serializer.loads(
                raw, max_age=self.max_age, return_timestamp=True
            )
        except BadSignature:
            return Session(), 0.0
        if not isinstance(data, dict):
            return Session(), 0.0
        return Session(data), signed_at.timestamp()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        session, signed_at = self.load(HTTPConnection(scope).cookies.get(COOKIE))
        scope["session"] = session
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        had_cookie = signed_at > 0

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                stale = had_cookie and time.time() - signed_at > REFRESH_AFTER_S
                if session.modified or (session and stale):
                    self.write_cookie(MutableHeaders(scope=message), session, scope)
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def write_cookie(self, headers: MutableHeaders, session: Session, scope: Scope) -> None:
        flags = "Path=/; HttpOnly; SameSite=Lax"
        if scope.get("scheme") == "https":
            flags += "; Secure"
        if session:
            value = self.serializer.dumps(dict(session))
            headers.append("Set-Cookie", f"{COOKIE}={value}; Max-Age={self.max_age}; {flags}")
        else:
            headers.append("Set-Cookie", f"{COOKIE}=; Max-Age=0; {flags}")
