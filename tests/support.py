"""Shared test helpers: service availability, live servers, logged-in clients."""

from __future__ import annotations

import asyncio
import os
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from app.context import AppContext
from app.main import create_app
from app.settings import Settings

CI = os.environ.get("CI") == "true"
PG_URL = os.environ.get("JOBFAIR_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("JOBFAIR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = os.environ.get("JOBFAIR_TEST_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct-horse-battery"
SECRET = "test-secret-key-that-is-long-enough-0123456789"


def missing(what: str) -> None:
    """Skip locally, fail under CI: a missing service must never pass silently in CI."""
    if CI:
        pytest.fail(f"{what} (required when CI=true)")
    pytest.skip(what)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings_for(database_url: str, **overrides: Any) -> Settings:
    base = Settings(database_url=database_url, secret_key=SECRET)
    return replace(base, **overrides)


class Live(str):
    """The server's base URL, which also reaches into the running app for tests."""

    server: uvicorn.Server

    @property
    def ctx(self) -> AppContext:
        ctx: AppContext = self.server.lifespan.state["app"]
        return ctx

    @property
    def ws_url(self) -> str:
        return "ws" + self[4:] + "/ws"


@asynccontextmanager
async def live_server(settings: Settings) -> AsyncIterator[Live]:
    """A real uvicorn server for the app, in this event loop, on a free loopback port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(settings),
        log_level="warning",
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        ws_max_size=max(settings.ws_max_frame_bytes * 4, 64 * 1024),
        lifespan="on",
        # A test that fails with a stalled client must still shut the server down.
        timeout_graceful_shutdown=3,
    )
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        for _ in range(500):
            if server.started or task.done():
                break
            await asyncio.sleep(0.01)
        if task.done():
            task.result()
        live = Live(f"http://127.0.0.1:{port}")
        live.server = server
        yield live
    finally:
        server.should_exit = True
        await task
        sock.close()


CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


async def csrf_of(client: httpx.AsyncClient, path: str = "/login") -> str:
    page = await client.get(path)
    match = CSRF_RE.search(page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    token = await csrf_of(client)
    return await client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )


def cookie_header(client: httpx.AsyncClient) -> str:
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


async def closed_with(ws: ClientConnection) -> int | None:
    """Read until the server closes the socket; the close code it sent."""
    try:
        while True:
            await asyncio.wait_for(ws.recv(), 5)
    except ConnectionClosed:
        return ws.close_code
