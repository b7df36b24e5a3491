"""Two server processes sharing PostgreSQL and Redis behave as one site.

Each node is a real ``jobfair serve`` process on its own loopback port, as behind a load
balancer: what happens on node A (an HTTP action) reaches sockets connected to node B,
sessions are valid on both, and log-in throttling counts across both.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import orjson
import pytest
import pytest_asyncio
from websockets.asyncio.client import connect

from app.auth.models import Role
from app.db import Database
from app.gateway.protocol import CloseCode
from app.paths import ROOT
from tests.conftest import add_org, add_user
from tests.support import PASSWORD, SECRET, closed_with, cookie_header, csrf_of, free_port, login

pytestmark = pytest.mark.multinode


@dataclass
class Node:
    url: str
    process: subprocess.Popen[bytes]

    @property
    def ws_url(self) -> str:
        return "ws" + self.url[4:] + "/ws"


def start_node(env: dict[str, str]) -> Node:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return Node(f"http://127.0.0.1:{port}", process)


async def wait_ready(node: Node) -> None:
    async with httpx.AsyncClient(base_url=node.url) as client:
        for _ in range(200):
            if node.process.poll() is not None:
                raise RuntimeError(
                    node.process.stderr.read().decode() if node.process.stderr else "exited"
                )
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise TimeoutError(f"{node.url} did not become ready")


def stop(node: Node) -> None:
    node.process.terminate()
    try:
        node.process.wait(10)
    except subprocess.TimeoutExpired:
        node.process.kill()
        node.process.wait()
    if node.process.stderr:
        node.process.stderr.close()


@pytest.fixture
def cluster_env(pg_url: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBFAIR_")}
    env |= {
        "JOBFAIR_DATABASE_URL": pg_url,
        "JOBFAIR_REDIS_URL": redis_url,
        # A namespace per test keeps throttle counters and channels from other runs apart.
        "JOBFAIR_REDIS_NAMESPACE": f"test-{uuid.uuid4().hex[:8]}",
        "JOBFAIR_SECRET_KEY": SECRET,
        "JOBFAIR_LOG_LEVEL": "warning",
    }
    return env


@pytest_asyncio.fixture
async def nodes(cluster_env: dict[str, str]) -> AsyncIterator[tuple[Node, Node]]:
    a, b = start_node(cluster_env), start_node(cluster_env)
    try:
        await asyncio.gather(wait_ready(a), wait_ready(b))
        yield a, b
    finally:
        stop(a)
        stop(b)


async def socket_on(node: Node, cookie: str):  # type: ignore[no-untyped-def]
    ws = await connect(
        node.ws_url, additional_headers={"Cookie": cookie, "Origin": node.url}, compression=None
    )
    hello = orjson.loads(await asyncio.wait_for(ws.recv(), 5))
    assert hello["type"] == "hello"
    return ws


async def test_event_from_node_a_reaches_socket_on_node_b(
    nodes: tuple[Node, Node], pg_url: str, password_hash: str
) -> None:
    a, b = nodes
    db = Database(pg_url)
    employer = await add_user(db, password_hash, Role.EMPLOYER, email="boss@example.com")
    org = await add_org(db, employer)
    await db.dispose()
    async with httpx.AsyncClient(base_url=a.url) as on_a:
        await login(on_a, "boss@example.com")
        # The session cookie issued by node A is valid on node B.
        ws = await socket_on(b, cookie_header(on_a))
        await ws.send(
            orjson.dumps({"type": "subscribe", "channel": f"org:{org.id}", "id": 1}).decode()
        )
        assert orjson.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "subscribed"
        token = await csrf_of(on_a, "/org")
        page = await on_a.post(
            "/org/invites", data={"csrf_token": token, "email": "mate@example.com"}
        )
        invite = page.text.split("/invite/")[1].split('"')[0]
        async with httpx.AsyncClient(base_url=a.url) as newcomer:
            token = await csrf_of(newcomer, f"/invite/{invite}")
            joined = await newcomer.post(
                f"/invite/{invite}",
                data={"csrf_token": token, "display_name": "跨节点同事", "password": PASSWORD},
            )
            assert joined.status_code == 303
        event = orjson.loads(await asyncio.wait_for(ws.recv(), 5))
        await ws.close()
    assert event["event"] == "org.member_joined"
    assert event["data"]["display_name"] == "跨节点同事"


async def test_password_change_on_node_a_closes_socket_on_node_b(
    nodes: tuple[Node, Node], pg_url: str, password_hash: str
) -> None:
    a, b = nodes
    db = Database(pg_url)
    await add_user(db, password_hash, Role.SEEKER, email="s@example.com")
    await db.dispose()
    async with httpx.AsyncClient(base_url=a.url) as on_a:
        await login(on_a, "s@example.com")
        ws = await socket_on(b, cookie_header(on_a))
        token = await csrf_of(on_a, "/account")
        changed = await on_a.post(
            "/account/password",
            data={
                "csrf_token": token,
                "current_password": PASSWORD,
                "new_password": "a-whole-new-secret",
            },
        )
        assert changed.status_code == 303
        assert await closed_with(ws) == CloseCode.SESSION_ENDED


async def test_login_throttling_counts_across_nodes(
    nodes: tuple[Node, Node], pg_url: str, password_hash: str
) -> None:
    a, b = nodes
    db = Database(pg_url)
    await add_user(db, password_hash, Role.SEEKER, email="t@example.com")
    await db.dispose()
    statuses = []
    for node in (a, b, a, b, a):
        async with httpx.AsyncClient(base_url=node.url) as client:
            statuses.append((await login(client, "t@example.com", "wrong-password")).status_code)
    async with httpx.AsyncClient(base_url=b.url) as client:
        locked = await login(client, "t@example.com")
    assert statuses == [422] * 5
    assert locked.status_code == 429
