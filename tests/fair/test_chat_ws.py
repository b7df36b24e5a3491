"""Chat over /ws on a live server, on SQLite and PostgreSQL: acks, resume after a
reconnect with nothing lost or doubled, and refusals that change nothing."""

from __future__ import annotations

import asyncio
import itertools
import math
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest_asyncio

from app.fair import chat
from app.fair.chat_frames import ChatFeed
from tests.fair.ws_factories import Client, cookie_for, ws_site
from tests.fair.ws_factories import WsSite as Site

_keys = itertools.count(1)


@pytest_asyncio.fixture
async def site(db_url: str, password_hash: str) -> AsyncIterator[Site]:
    async with ws_site(db_url, password_hash) as opened:
        yield opened


def send(room: str, body: str, key: str | None = None) -> dict[str, Any]:
    return {"type": "chat.send", "room": room, "body": body, "key": key or f"k{next(_keys)}"}


async def open_conversation(site: Site) -> tuple[Client, Client, str]:
    """s1 queues, the staff member calls, s1 accepts: the room of their conversation."""
    booth = site.world.booth
    seeker, staff = await site.socket("s1"), await site.socket("staff")
    await seeker.ok({"type": "queue.join", "booth": booth}, "queue.ticket")
    await staff.ok({"type": "queue.call_next", "booth": booth}, "queue.called")
    accepted = await seeker.ok({"type": "queue.accept", "booth": booth}, "queue.accepted")
    return seeker, staff, f"conv:{accepted['conversation']}"


async def join(client: Client, room: str, after: int = 0) -> dict[str, Any]:
    return await client.ok({"type": "chat.join", "room": room, "after": after}, "chat.backlog")


async def live_seqs(client: Client, upto: int) -> list[int]:
    """Seqs of the chat messages that arrive until ``upto`` has, in arrival order."""
    seqs: list[int] = []
    while not seqs or seqs[-1] < upto:
        seqs.append((await client.event("chat.message"))["seq"])
    return seqs


async def test_two_sides_of_a_conversation_exchange_messages_with_acks(site: Site) -> None:
    seeker, staff, room = await open_conversation(site)
    for client in (seeker, staff):
        backlog = await join(client, room)
        assert (backlog["room"], backlog["messages"], backlog["last_seq"]) == (room, [], 0)
        assert backlog["more"] is False
    ack = await seeker.ok(send(room, "您好，我想了解销售岗位", key="hello"), "chat.sent")
    assert (ack["room"], ack["seq"], ack["key"]) == (room, 1, "hello")
    message = await staff.event("chat.message")
    assert (message["seq"], message["body"], message["staff"]) == (
        1,
        "您好，我想了解销售岗位",
        False,
    )
    assert message["name"] == "求职者1"
    assert (await seeker.event("chat.message"))["seq"] == 1  # the sender's other tabs see it too

    reply = await staff.ok(send(room, "欢迎，请先看看职位介绍"), "chat.sent")
    assert reply["seq"] == 2
    got = await seeker.event("chat.message")
    assert (got["seq"], got["staff"], got["warning"]) == (2, True, False)

    # A resend (the ack was lost) is acknowledged again and not delivered twice.
    again = await seeker.ok(send(room, "您好，我想了解销售岗位", key="hello"), "chat.sent")
    assert again["seq"] == 1
    await seeker.ok(send(room, "好的"), "chat.sent")
    assert [(await staff.event("chat.message"))["seq"] for _ in range(2)] == [2, 3]

    # A staff message asking for money is delivered with a warning for the seeker.
    await staff.ok(send(room, "入职前请先交500元押金"), "chat.sent")
    assert (await seeker.event("chat.message", lambda d: d["seq"] == 4))["warning"] is True


async def test_reconnecting_with_after_gets_exactly_the_missed_messages(site: Site) -> None:
    seeker, staff, room = await open_conversation(site)
    await join(seeker, room)
    await join(staff, room)
    await seeker.ok(send(room, "一"), "chat.sent")
    await staff.ok(send(room, "二"), "chat.sent")
    assert await live_seqs(seeker, 2) == [1, 2]
    await seeker.close()

    for body in ("三", "四", "五"):  # while the seeker is away
        await staff.ok(send(room, body), "chat.sent")
    back = await site.socket("s1")

    async def keep_talking() -> None:
        for n in range(6, 11):
            await staff.ok(send(room, f"第{n}条"), "chat.sent")
            await asyncio.sleep(0.002)

    talking = asyncio.create_task(keep_talking())
    await asyncio.sleep(0.003)  # the join lands in the middle of it
    backlog = await join(back, room, after=2)
    early = [f for f in back.backlog if f.get("event") == "chat.message"]
    assert early == [], "a live message came before the backlog"
    await talking
    seen = [m["seq"] for m in backlog["messages"]]
    assert seen[:3] == [3, 4, 5]
    assert [m["body"] for m in backlog["messages"][:3]] == ["三", "四", "五"]
    assert backlog["last_seq"] == seen[-1]
    if backlog["last_seq"] < 10:
        seen += await live_seqs(back, 10)
    assert seen == list(range(3, 11))
    await staff.ok(send(room, "还在吗"), "chat.sent")
    assert await live_seqs(back, 11) == [11]

    # Older messages page backwards; the same over HTTP.
    page = await back.ok({"type": "chat.history", "room": room, "before": 3}, "chat.page")
    assert [m["body"] for m in page["messages"]] == ["一", "二"]
    async with await http_for(site, "s1") as http:
        response = await http.get(f"/chat/{room}/history", params={"before": 4, "limit": 2})
        assert response.status_code == 200
        assert [m["seq"] for m in response.json()["messages"]] == [2, 3]
    async with await http_for(site, "s2") as http:
        assert (await http.get(f"/chat/{room}/history")).status_code == 404


async def http_for(site: Site, who: str) -> httpx.AsyncClient:
    if who not in site.cookies:
        site.cookies[who] = await cookie_for(site.live, who)
    return httpx.AsyncClient(base_url=site.live, headers={"Cookie": site.cookies[who]})


async def test_bad_frames_floods_and_strangers_get_errors_and_change_nothing(
    site: Site,
) -> None:
    seeker, staff, room = await open_conversation(site)
    await join(seeker, room)
    booth_room = f"booth:{site.world.booth}"
    await join(seeker, booth_room)

    await seeker.send(send(room, "长" * 6000))  # too large to be read: no id in the error
    oversize = await seeker.expect(lambda f: f["type"] == "error")
    assert oversize["code"] == "too_large"
    too_long = await seeker.request(send(room, "a" * 2001))
    assert too_long["code"] == "invalid"
    empty = await seeker.request(send(room, "   "))
    assert empty["code"] == "invalid"
    await seeker.send("{not json")
    assert (await seeker.expect(lambda f: f["type"] == "error"))["code"] == "bad_json"
    missing = await seeker.request({"type": "chat.send", "room": room, "body": "x"})
    assert (missing["code"], missing["fields"]) == ("bad_frame", ["key"])
    wrong = await seeker.request({"type": "chat.join", "room": room, "after": -1})
    assert wrong["code"] == "bad_frame"

    # Strangers: another seeker, another organization's staff, an id that does not exist.
    other, rival = await site.socket("s2"), await site.socket("rival")
    for client, target in ((other, room), (rival, room), (seeker, "conv:999999")):
        refused = await client.request({"type": "chat.join", "room": target})
        assert refused["code"] == "not_found"
        refused = await client.request(send(target, "hi"))
        assert refused["code"] == "not_found"
    assert (await rival.request(send(booth_room, "来我们这边")))["code"] == "forbidden"
    assert (await other.request({"type": "subscribe", "channel": room}))["code"] == (
        "channel_not_allowed"
    )

    # A flood: ten pass, the eleventh is refused with a time to wait.
    for n in range(chat.RATE_LIMIT):
        await seeker.ok(send(booth_room, f"刷屏{n}"), "chat.sent")
    flood = await seeker.request(send(booth_room, "再来"))
    assert flood["code"] == "rate_limited"
    assert flood["retry_after"] == math.ceil(1 / chat.RATE_PER_S)

    assert (await join(staff, room))["last_seq"] == 0
    again = await join(seeker, booth_room)
    assert [m["body"] for m in again["messages"]] == [f"刷屏{n}" for n in range(10)]
    assert again["last_seq"] == 10


class _Socket:
    def __init__(self) -> None:
        self.got: list[bytes] = []

    def deliver(self, payload: bytes, frame: bytes) -> None:
        self.got.append(payload)


def test_a_feed_holds_while_the_backlog_is_read_then_drops_what_it_covered() -> None:
    """The race a live server rarely shows: messages published during the backlog read."""
    socket = _Socket()
    feed = ChatFeed(socket)  # type: ignore[arg-type]
    message = [chat.encode_message_event("conv:1", n, {"seq": n}) for n in range(1, 6)]
    other = b'{"type":"event","channel":"conv:1","event":"conversation.ended","data":{}}'
    for payload in (message[2], other, message[3]):  # seq 3 (also in the backlog), 4
        feed.deliver(payload, payload)
    assert socket.got == []
    feed.release(3)  # the backlog went up to 3
    feed.deliver(message[1], message[1])  # a late publish of seq 2: the backlog had it
    feed.deliver(message[4], message[4])
    assert socket.got == [other, message[3], message[4]]
    assert [chat.seq_of(p) for p in message] == [1, 2, 3, 4, 5]
    assert chat.seq_of(other) is None
    assert orjson.loads(message[0]) == {
        "type": "event",
        "seq": 1,
        "channel": "conv:1",
        "event": "chat.message",
        "data": {"seq": 1},
    }
