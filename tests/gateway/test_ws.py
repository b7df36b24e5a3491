"""The /ws gateway on a live server: auth, Origin, bad input, authorization, fan-out."""

from __future__ import annotations

import asyncio
import base64
import os
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest
import pytest_asyncio
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from app.auth.models import Organization, Role, User
from app.db import Database
from app.events import encode_event
from app.gateway.protocol import CloseCode
from tests.conftest import add_org, add_user
from tests.support import (
    Live,
    closed_with,
    cookie_header,
    csrf_of,
    live_server,
    login,
    settings_for,
)

TIMEOUT = 5


@dataclass
class Gateway:
    live: Live
    db: Database
    users: dict[str, User]
    orgs: dict[str, Organization]
    cookies: dict[str, str]

    async def connect(self, who: str | None = "seeker", **kwargs: Any) -> ClientConnection:
        headers = {"Origin": self.live}
        if who is not None:
            headers["Cookie"] = self.cookies[who]
        headers.update(kwargs.pop("headers", {}))
        return await connect(
            self.live.ws_url, additional_headers=headers, compression=None, **kwargs
        )


async def receive(ws: ClientConnection) -> dict[str, Any]:
    frame: dict[str, Any] = orjson.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
    return frame


async def request(ws: ClientConnection, frame: dict[str, Any]) -> dict[str, Any]:
    await ws.send(orjson.dumps(frame).decode())
    return await receive(ws)


async def opened(gateway: Gateway, who: str = "seeker") -> ClientConnection:
    ws = await gateway.connect(who)
    hello = await receive(ws)
    assert hello["type"] == "hello"
    return ws


@pytest_asyncio.fixture
async def gateway(
    sqlite_url: str, password_hash: str, request: pytest.FixtureRequest
) -> AsyncIterator[Gateway]:
    overrides = getattr(request, "param", {})
    db = Database(sqlite_url)
    users = {
        "seeker": await add_user(
            db, password_hash, Role.SEEKER, email="seeker@example.com", name="求职者"
        ),
        "other": await add_user(db, password_hash, Role.SEEKER, email="other@example.com"),
        "employer": await add_user(db, password_hash, Role.EMPLOYER, email="employer@example.com"),
        "rival": await add_user(db, password_hash, Role.EMPLOYER, email="rival@example.com"),
    }
    orgs = {
        "employer": await add_org(db, users["employer"], seed=1),
        "rival": await add_org(db, users["rival"], seed=2),
    }
    settings = settings_for(sqlite_url, **overrides)
    async with live_server(settings) as live:
        cookies = {}
        for who in users:
            async with httpx.AsyncClient(base_url=live) as client:
                assert (await login(client, f"{who}@example.com")).status_code == 303
                cookies[who] = cookie_header(client)
        try:
            yield Gateway(live, db, users, orgs, cookies)
        finally:
            await db.dispose()


async def test_hello_names_the_signed_in_user(gateway: Gateway) -> None:
    async with await gateway.connect("seeker") as ws:
        hello = await receive(ws)
    assert hello["type"] == "hello"
    assert hello["user"] == {"id": gateway.users["seeker"].id, "name": "求职者", "role": "seeker"}
    assert hello["heartbeat_s"] > 0


async def test_anonymous_socket_is_closed_as_unauthenticated(gateway: Gateway) -> None:
    async with await gateway.connect(None) as ws:
        assert await closed_with(ws) == CloseCode.UNAUTHENTICATED


async def test_forged_cookie_is_unauthenticated(gateway: Gateway) -> None:
    async with await gateway.connect(
        None, headers={"Cookie": "jobfair_session=eyJ1aWQiOjF9.forged.sig"}
    ) as ws:
        assert await closed_with(ws) == CloseCode.UNAUTHENTICATED


@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://127.0.0.1:1"])
async def test_foreign_origin_is_refused(gateway: Gateway, origin: str) -> None:
    with pytest.raises(InvalidStatus) as caught:
        await gateway.connect("seeker", headers={"Origin": origin})
    assert caught.value.response.status_code == 403


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_frame"),
        ('"ping"', "bad_frame"),
        ('{"no": "type"}', "bad_frame"),
        ('{"type": "launch_missiles"}', "unknown_type"),
        ('{"type": "subscribe"}', "bad_frame"),
        ('{"type": "subscribe", "channel": 5}', "bad_frame"),
        ('{"type": "ping", "extra": true}', "bad_frame"),
        ('{"type": "ping", "id": "' + "x" * 100 + '"}', "bad_frame"),
    ],
)
async def test_bad_frames_get_error_frames_and_the_socket_lives_on(
    gateway: Gateway, raw: str, code: str
) -> None:
    async with await opened(gateway) as ws:
        await ws.send(raw)
        error = await receive(ws)
        assert error["type"] == "error"
        assert error["code"] == code
        assert error["message"]
        assert await request(ws, {"type": "ping", "id": 7}) == {"type": "pong", "id": 7}


async def test_binary_frames_are_read_as_json(gateway: Gateway) -> None:
    async with await opened(gateway) as ws:
        await ws.send(b'{"type": "ping", "id": "b"}')
        assert await receive(ws) == {"type": "pong", "id": "b"}


async def test_oversize_frames(gateway: Gateway) -> None:
    async with await opened(gateway) as ws:
        # Over the frame limit: an error frame, and nothing else happens.
        await ws.send('{"type": "ping", "pad": "' + "长" * 6000 + '"}')
        error = await receive(ws)
        assert error["code"] == "too_large"
        assert await request(ws, {"type": "ping", "id": 1}) == {"type": "pong", "id": 1}
        # Over the server's hard cap: the connection is closed with 1009.
        await ws.send("x" * 200_000)
        assert await closed_with(ws) == CloseCode.TOO_BIG


async def test_subscribe_only_to_authorised_channels(gateway: Gateway) -> None:
    seeker, other = gateway.users["seeker"].id, gateway.users["other"].id
    own_org, rival_org = gateway.orgs["employer"].id, gateway.orgs["rival"].id
    async with await opened(gateway, "seeker") as ws:
        ok = await request(ws, {"type": "subscribe", "channel": f"user:{seeker}", "id": 1})
        assert ok == {"type": "subscribed", "channel": f"user:{seeker}", "id": 1}
        for channel in (
            f"user:{other}",
            f"org:{own_org}",
            f"session:{seeker}",
            "nope:1",
            "user:",
            "USER:1",
            "a" * 99,
        ):
            reply = await request(ws, {"type": "subscribe", "channel": channel, "id": 2})
            assert reply["type"] == "error", channel
            assert reply["code"] == "channel_not_allowed", channel
            assert reply["id"] == 2
    async with await opened(gateway, "employer") as ws:
        assert (await request(ws, {"type": "subscribe", "channel": f"org:{own_org}"}))[
            "type"
        ] == "subscribed"
        assert (await request(ws, {"type": "subscribe", "channel": f"org:{rival_org}"}))[
            "code"
        ] == "channel_not_allowed"


async def test_events_reach_only_subscribers_and_unsubscribe_stops_them(gateway: Gateway) -> None:
    org = gateway.orgs["employer"].id
    async with (
        await opened(gateway, "employer") as listener,
        await opened(gateway, "employer") as bystander,
    ):
        await request(listener, {"type": "subscribe", "channel": f"org:{org}"})
        await gateway.live.ctx.broker.publish(
            f"org:{org}", encode_event(f"org:{org}", "test", {"n": 1})
        )
        event = await receive(listener)
        assert event == {
            "type": "event",
            "channel": f"org:{org}",
            "event": "test",
            "data": {"n": 1},
        }
        assert (await request(listener, {"type": "unsubscribe", "channel": f"org:{org}"}))[
            "type"
        ] == "unsubscribed"
        await gateway.live.ctx.broker.publish(
            f"org:{org}", encode_event(f"org:{org}", "test", {"n": 2})
        )
        assert await request(listener, {"type": "ping"}) == {"type": "pong"}
        assert await request(bystander, {"type": "ping"}) == {"type": "pong"}


async def test_http_action_emits_event_after_commit(gateway: Gateway) -> None:
    org = gateway.orgs["employer"].id
    async with await opened(gateway, "employer") as ws:
        await request(ws, {"type": "subscribe", "channel": f"org:{org}"})
        async with httpx.AsyncClient(base_url=gateway.live) as employer:
            await login(employer, "employer@example.com")
            token = await csrf_of(employer, "/org")
            page = await employer.post(
                "/org/invites", data={"csrf_token": token, "email": "new@example.com"}
            )
            assert page.status_code == 200, page.text[-3000:]
            invite_token = page.text.split("/invite/")[1].split('"')[0]
        async with httpx.AsyncClient(base_url=gateway.live) as colleague:
            token = await csrf_of(colleague, f"/invite/{invite_token}")
            joined = await colleague.post(
                f"/invite/{invite_token}",
                data={
                    "csrf_token": token,
                    "display_name": "新同事",
                    "password": "another-long-password",
                },
            )
            assert joined.status_code == 303
        event = await receive(ws)
        assert event["event"] == "org.member_joined"
        assert event["data"]["display_name"] == "新同事"


async def test_logout_closes_that_sessions_sockets_only(gateway: Gateway) -> None:
    async with httpx.AsyncClient(base_url=gateway.live) as second:
        await login(second, "seeker@example.com")
        other_session = cookie_header(second)
        async with (
            await opened(gateway, "seeker") as ws,
            await gateway.connect("seeker", headers={"Cookie": other_session}) as survivor,
        ):
            await receive(survivor)
            async with httpx.AsyncClient(base_url=gateway.live) as first:
                first.headers["Cookie"] = gateway.cookies["seeker"]
                token = await csrf_of(first, "/account")
                assert (await first.post("/logout", data={"csrf_token": token})).status_code == 303
            assert await closed_with(ws) == CloseCode.SESSION_ENDED
            assert await request(survivor, {"type": "ping"}) == {"type": "pong"}


async def test_password_change_closes_every_older_socket(gateway: Gateway) -> None:
    async with await opened(gateway, "other") as ws:
        async with httpx.AsyncClient(base_url=gateway.live) as client:
            client.headers["Cookie"] = gateway.cookies["other"]
            token = await csrf_of(client, "/account")
            response = await client.post(
                "/account/password",
                data={
                    "csrf_token": token,
                    "current_password": "correct-horse-battery",
                    "new_password": "brand-new-password",
                },
            )
            assert response.status_code == 303
        assert await closed_with(ws) == CloseCode.SESSION_ENDED
    # The old cookie does not open a socket any more.
    async with await gateway.connect("other") as ws:
        assert await closed_with(ws) == CloseCode.UNAUTHENTICATED


@pytest.mark.parametrize("gateway", [{"ws_max_connections": 2}], indirect=True)
async def test_overloaded_node_refuses_new_sockets(gateway: Gateway) -> None:
    async with await opened(gateway) as first, await opened(gateway) as second:
        async with await gateway.connect() as third:
            assert await closed_with(third) == CloseCode.TRY_AGAIN_LATER
        assert await request(first, {"type": "ping"}) == {"type": "pong"}
        assert await request(second, {"type": "ping"}) == {"type": "pong"}


@pytest.mark.parametrize("gateway", [{"ws_idle_timeout_s": 0.5}], indirect=True)
async def test_silent_socket_is_closed_as_idle(gateway: Gateway) -> None:
    async with await opened(gateway) as ws:
        assert await closed_with(ws) == CloseCode.IDLE


async def raw_stalled_socket(gateway: Gateway, who: str, channel: str) -> socket.socket:
    """A client that subscribes and then never reads again, with a tiny receive buffer."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    host, port = gateway.live.split("//")[1].split(":")
    await loop.sock_connect(sock, (host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    handshake = (
        f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {gateway.live}\r\n"
        f"Cookie: {gateway.cookies[who]}\r\n\r\n"
    )
    await loop.sock_sendall(sock, handshake.encode())
    response = b""
    while b"\r\n\r\n" not in response:
        response += await loop.sock_recv(sock, 1024)
    assert response.startswith(b"HTTP/1.1 101"), response
    payload = orjson.dumps({"type": "subscribe", "channel": channel})
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    await loop.sock_sendall(sock, bytes([0x81, 0x80 | len(payload)]) + mask + masked)
    return sock


@pytest.mark.parametrize("gateway", [{"ws_send_buffer_bytes": 64 * 1024}], indirect=True)
async def test_a_stalled_reader_is_cut_off_and_the_room_keeps_receiving(gateway: Gateway) -> None:
    org = gateway.orgs["employer"].id
    channel = f"org:{org}"
    hub = gateway.live.ctx.hub
    readers = [await opened(gateway, "employer") for _ in range(4)]
    stalled = await raw_stalled_socket(gateway, "employer", channel)
    try:
        for ws in readers:
            await request(ws, {"type": "subscribe", "channel": channel})
        for _ in range(200):
            if hub.subscriber_count(channel) == 5:
                break
            await asyncio.sleep(0.01)
        assert hub.subscriber_count(channel) == 5
        count, blob = 400, "招" * 5000  # ~15 KB per event, ~6 MB in all
        counts = [0] * len(readers)

        async def drain(index: int, ws: ClientConnection) -> None:
            while counts[index] < count:
                frame = await receive(ws)
                if frame["type"] == "event":
                    assert frame["data"]["n"] == counts[index]  # in order, none missing
                    counts[index] += 1

        drains = [asyncio.create_task(drain(i, ws)) for i, ws in enumerate(readers)]
        for n in range(count):
            await gateway.live.ctx.broker.publish(
                channel, encode_event(channel, "bulk", {"n": n, "blob": blob})
            )
            await asyncio.sleep(0)
        await asyncio.wait_for(asyncio.gather(*drains), 30)
        assert counts == [count] * len(readers)
        # The stalled socket was dropped from the room; the others are still in it.
        assert hub.subscriber_count(channel) == 4
        assert gateway.live.ctx.connections >= 4
    finally:
        stalled.close()
        for ws in readers:
            await ws.close()
