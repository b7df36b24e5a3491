"""Chat across two ``jobfair serve`` processes sharing PostgreSQL and Redis.

The nodes come from tests/test_multinode.py's helpers (skipped locally without the
services, failing under CI=true). A message sent on one node reaches the other side of
the conversation on the other node; and when a node is killed while twenty people chat
in a booth room, every client ends with the room's whole history, 1..N with no gap and
no double, the same as the database, by doing only what docs/protocol.md asks of a client
(resend unacked messages with the same key, ``chat.join`` with ``after`` on reconnect,
order by seq and re-join on a gap).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
import pytest_asyncio
from sqlmodel import col, select
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app.auth.models import Role
from app.auth.session import COOKIE, SessionMiddleware
from app.db import Database
from app.fair import fairs, seekers
from app.fair.models import ChatMessage, ChatRoom
from tests.conftest import add_user
from tests.fair.test_multinode_fair import Cluster
from tests.fair.ws_factories import SEEKERS, FairWorld, _identity, build_fair
from tests.support import SECRET
from tests.test_multinode import Node, start_node, stop, wait_ready
from tests.test_multinode import cluster_env as cluster_env  # the fixture, reused

pytestmark = pytest.mark.multinode

CHATTERS = 20
MESSAGES = 8  # per chatter, one every PACE_S: 8 in 12 s stays under 10 per 10 s
PACE_S = 1.5
KILL_AFTER_S = 5.0
ACK_TIMEOUT_S = 5.0
GAP_S = 1.0  # a gap that does not fill this long is asked for again


@pytest_asyncio.fixture
async def cluster(
    cluster_env: dict[str, str], pg_url: str, password_hash: str
) -> AsyncIterator[Cluster]:
    db = Database(pg_url)
    try:
        world = await build_fair(db, password_hash)
        await more_seekers(db, world, password_hash, CHATTERS)
    finally:
        await db.dispose()
    nodes = [start_node(cluster_env), start_node(cluster_env)]
    cluster = Cluster(cluster_env, nodes, world)
    try:
        await asyncio.gather(*(wait_ready(node) for node in nodes))
        yield cluster
    finally:
        for client in cluster.clients:
            await client.close()
        for node in cluster.nodes:
            if node.process.poll() is None:
                stop(node)
            elif node.process.stderr:
                node.process.stderr.close()


async def more_seekers(db: Database, world: FairWorld, password_hash: str, upto: int) -> None:
    """Seekers s4..s<upto>, with complete profiles and registered for the fair."""
    for n in range(len(SEEKERS) + 1, upto + 1):
        who = f"s{n}"
        user = await add_user(
            db, password_hash, Role.SEEKER, email=f"{who}@example.com", name=f"求职者{n}"
        )
        world.users[who] = user
        seeker = await _identity(db, user)
        async with db.sessions() as session:
            await seekers.update_profile(
                session,
                identity=seeker,
                values={"full_name": f"求职者{n}", "phone": f"139000{n:05d}"},
            )
            await fairs.register(session, identity=seeker, fair_id=world.fair)
            await session.commit()


def minted_cookie(user_id: int) -> str:
    """A session cookie as a log-in signs it (twenty argon2 log-ins would cost seconds)."""
    serializer = SessionMiddleware(None, secret_key=SECRET, max_age=3600).serializer  # type: ignore[arg-type]
    data = {"uid": user_id, "epoch": 0, "sid": secrets.token_urlsafe(12), "csrf": "x"}
    return f"{COOKIE}={serializer.dumps(data)}"


# -- (a) one conversation, two nodes -------------------------------------------------------


async def test_a_conversation_spans_two_nodes(cluster: Cluster) -> None:
    booth = cluster.world.booth
    seeker, staff = await cluster.socket(0, "s1"), await cluster.socket(1, "staff")
    await seeker.ok({"type": "queue.join", "booth": booth}, "queue.ticket")
    await staff.ok({"type": "queue.call_next", "booth": booth}, "queue.called")
    accepted = await seeker.ok({"type": "queue.accept", "booth": booth}, "queue.accepted")
    room = f"conv:{accepted['conversation']}"
    for client in (seeker, staff):
        backlog = await client.ok({"type": "chat.join", "room": room}, "chat.backlog")
        assert (backlog["messages"], backlog["last_seq"]) == ([], 0)

    frame = {"type": "chat.send", "room": room, "body": "您好，我在一号节点", "key": "a1"}
    ack = await seeker.ok(frame, "chat.sent")
    assert (ack["room"], ack["seq"], ack["key"]) == (room, 1, "a1")
    got = await staff.event("chat.message")
    assert (got["seq"], got["body"], got["staff"], got["name"]) == (
        1,
        "您好，我在一号节点",
        False,
        "求职者1",
    )
    reply = {"type": "chat.send", "room": room, "body": "收到，我在二号节点", "key": "b1"}
    assert (await staff.ok(reply, "chat.sent"))["seq"] == 2
    assert [(await seeker.event("chat.message"))["seq"] for _ in range(2)] == [1, 2]
    # A resend of the first message on the other node gets the first ack, and nobody
    # hears it twice.
    other = await cluster.socket(1, "s1")
    again = await other.ok(frame, "chat.sent")
    assert again["seq"] == 1
    assert (await staff.ok({**reply, "body": "请问您的期望薪资？", "key": "b2"}, "chat.sent"))[
        "seq"
    ] == 3
    assert (await seeker.event("chat.message"))["seq"] == 3
    assert not [f for f in seeker.backlog if f.get("event") == "chat.message"]


# -- (b) a node dies while twenty people chat ------------------------------------------------


@dataclass
class Chatter:
    """A client that follows docs/protocol.md: acks by key, resume by seq, re-join on gaps."""

    who: str
    user_id: int
    cookie: str
    home: int  # the node it connects to first
    room: str
    nodes: list[Node]
    dead: set[int]
    got: dict[int, str] = field(default_factory=dict)  # seq -> body
    acked: dict[str, int] = field(default_factory=dict)  # key -> seq
    target: int = 0  # a seq known to exist (acked, or seen): everything up to it is due
    doubled: list[int] = field(default_factory=list)  # live after a backlog that had it
    conflicts: list[tuple[int, str, str]] = field(default_factory=list)
    connects: int = 0
    rejoins: int = 0
    ws: ClientConnection | None = None
    reader: asyncio.Task[None] | None = None
    floor: int = 0  # last_seq of this socket's latest backlog
    replies: dict[int, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    next_id: int = 0
    progress_at: float = field(default_factory=time.monotonic)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    progress: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def upto(self) -> int:
        """The highest seq held with everything before it."""
        n = 0
        while n + 1 in self.got:
            n += 1
        return n

    def record(self, seq: int, body: str) -> None:
        known = self.got.get(seq)
        if known is not None and known != body:
            self.conflicts.append((seq, known, body))
        if known is None:
            self.got[seq] = body
            self.progress_at = time.monotonic()
            self.progress.set()
        self.target = max(self.target, seq)

    async def connect(self) -> None:
        """Connect (to the other node if this one is gone) and join the room after upto."""
        while True:
            node = self.home if self.home not in self.dead else 1 - self.home
            url = self.nodes[node].url
            try:
                ws = await connect(
                    self.nodes[node].ws_url,
                    additional_headers={"Cookie": self.cookie, "Origin": url},
                    compression=None,
                    open_timeout=5,
                )
                hello = orjson.loads(await asyncio.wait_for(ws.recv(), 5))
                assert hello["type"] == "hello", hello
                self.ws, self.floor = ws, 0
                self.reader = asyncio.create_task(self.read(ws))
                await self.join()
                self.connects += 1
                return
            except (OSError, ConnectionClosed, ConnectionError, TimeoutError):
                if self.ws is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(self.ws.close(), 1)
                await asyncio.sleep(0.1 + random.random() * 0.2)

    async def join(self) -> None:
        await self.request({"type": "chat.join", "room": self.room, "after": self.upto})

    async def read(self, ws: ClientConnection) -> None:
        try:
            async for raw in ws:
                frame = orjson.loads(raw)
                if frame["type"] == "event" and frame["event"] == "chat.message":
                    data = frame["data"]
                    if data["seq"] <= self.floor:
                        self.doubled.append(data["seq"])
                    self.record(data["seq"], data["body"])
                    continue
                if frame["type"] == "chat.backlog":
                    for message in frame["messages"]:
                        self.record(message["seq"], message["body"])
                    self.floor = frame["last_seq"]
                    self.target = max(self.target, frame["last_seq"])
                future = self.replies.pop(frame.get("id", -1), None)
                if future is not None and not future.done():
                    future.set_result(frame)
        except ConnectionClosed:
            pass
        finally:
            for future in self.replies.values():
                if not future.done():
                    future.set_exception(ConnectionError("socket closed"))
            self.replies.clear()

    async def request(self, frame: dict[str, Any]) -> dict[str, Any]:
        ws = self.ws
        if ws is None or self.reader is None or self.reader.done():
            raise ConnectionError("not connected")
        self.next_id += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.replies[self.next_id] = future
        try:
            await ws.send(orjson.dumps(frame | {"id": self.next_id}).decode())
        except ConnectionClosed as exc:
            raise ConnectionError("socket closed") from exc
        return await asyncio.wait_for(future, ACK_TIMEOUT_S)

    async def reconnect(self, stale: ClientConnection | None) -> None:
        """A new socket in place of ``stale`` (unless someone replaced it already)."""
        async with self.lock:
            if self.ws is not stale:
                return
            if stale is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(stale.close(), 1)
            if self.reader is not None:
                await self.reader
            await self.connect()

    async def chat(self, count: int) -> None:
        await asyncio.sleep(random.random() * PACE_S)
        for n in range(count):
            key = f"{self.who}-{n}"
            body = f"{self.who}的第{n + 1}条消息（{key}）"
            frame = {"type": "chat.send", "room": self.room, "body": body, "key": key}
            while True:
                ws = self.ws
                try:
                    reply = await self.request(frame)
                except (ConnectionError, TimeoutError):
                    await self.reconnect(ws)  # then the same key again
                    continue
                if reply["type"] == "error":
                    assert reply["code"] == "rate_limited", reply
                    await asyncio.sleep(reply["retry_after"])
                    continue
                assert (reply["type"], reply["key"]) == ("chat.sent", key), reply
                self.acked[key] = reply["seq"]
                self.target = max(self.target, reply["seq"])
                break
            await asyncio.sleep(PACE_S)

    async def mind_gaps(self) -> None:
        """Re-join with ``after`` when a gap (or a missing tail) does not fill in time;
        reconnect when the socket is gone."""
        while True:
            await asyncio.sleep(0.2)
            ws = self.ws
            try:
                if self.reader is None or self.reader.done():
                    await self.reconnect(ws)
                elif self.upto < self.target and time.monotonic() - self.progress_at > GAP_S:
                    self.rejoins += 1
                    self.progress_at = time.monotonic()
                    await self.join()
            except (ConnectionError, TimeoutError):
                continue

    async def settle(self, last: int) -> None:
        self.target = max(self.target, last)
        while self.upto < last:
            await self.progress.wait()
            self.progress.clear()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await self.reader


async def stored(pg_url: str, room: str) -> list[tuple[int, int, str, str]]:
    """(seq, sender, key, body) of the room's messages, by seq."""
    db = Database(pg_url)
    try:
        async with db.sessions() as session:
            result = await session.exec(
                select(ChatMessage.seq, ChatMessage.sender_id, ChatMessage.key, ChatMessage.body)
                .join(ChatRoom, col(ChatRoom.id) == col(ChatMessage.room_id))
                .where(ChatRoom.room == room)
                .order_by(col(ChatMessage.seq))
            )
            return [(s, u, k, b) for s, u, k, b in result.all()]
    finally:
        await db.dispose()


async def test_every_client_ends_with_the_whole_room_when_a_node_dies(
    cluster: Cluster, pg_url: str
) -> None:
    world = cluster.world
    room = f"booth:{world.booth}"
    dead: set[int] = set()
    chatters = [
        Chatter(
            who=f"s{n}",
            user_id=world.uid(f"s{n}"),
            cookie=minted_cookie(world.uid(f"s{n}")),
            home=n % 2,
            room=room,
            nodes=cluster.nodes,
            dead=dead,
        )
        for n in range(1, CHATTERS + 1)
    ]
    await asyncio.gather(*(c.connect() for c in chatters))
    watchers = [asyncio.create_task(c.mind_gaps()) for c in chatters]
    talking = asyncio.gather(*(c.chat(MESSAGES) for c in chatters))
    try:
        await asyncio.sleep(KILL_AFTER_S)
        assert not talking.done()
        victim = cluster.nodes[0]
        dead.add(0)
        victim.process.kill()  # SIGKILL: no shutdown, sockets just vanish
        victim.process.wait()
        await asyncio.wait_for(talking, 30)
        rows = await stored(pg_url, room)
        last = len(rows)
        await asyncio.wait_for(asyncio.gather(*(c.settle(last) for c in chatters)), 15)
    finally:
        talking.cancel()
        for task in watchers:
            task.cancel()
        await asyncio.gather(*watchers, talking, return_exceptions=True)
        await asyncio.gather(*(c.close() for c in chatters), return_exceptions=True)

    # The database: 1..N, every key once, exactly the keys the clients sent.
    assert [seq for seq, *_ in rows] == list(range(1, CHATTERS * MESSAGES + 1))
    by_key = {(sender, key): seq for seq, sender, key, _ in rows}
    assert len(by_key) == len(rows)
    acked = {(c.user_id, key): seq for c in chatters for key, seq in c.acked.items()}
    assert len(acked) == CHATTERS * MESSAGES
    assert acked == by_key
    history = {seq: body for seq, _, _, body in rows}
    for chatter in chatters:
        assert chatter.got == history, chatter.who
        assert chatter.conflicts == [], chatter.who
        assert chatter.doubled == [], f"{chatter.who}: live after its backlog had them"
    # Everyone on the killed node came back (on the other one).
    assert all(c.connects >= 2 for c in chatters if c.home == 0)
