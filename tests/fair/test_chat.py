"""Chat through the services, on both databases: numbering, idempotency, who may read and
write, limits, moderation marks, staff actions, read marks.

Sends run as the ``chat.send`` frame runs them: serialized writes, one unit of work, a
:class:`chat.Resent` rolled back and answered with the first ack.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest
from sqlmodel import col, func, select

from app.auth.identity import Identity
from app.db import Database, serialized_writes, unit_of_work
from app.errors import AppError, Conflict, Invalid, NotAllowed, NotFound, TooManyRequests
from app.fair import chat, conversations
from app.fair.models import ChatMessage, Conversation
from tests.fair.svc_factories import Line, make_line, make_world

_keys = iter(range(1, 10**6))


@pytest.fixture
async def line(database: Database, password_hash: str) -> Line:
    return await make_line(await make_world(database, password_hash))


async def send(line: Line, me: Identity, room: str, body: str, key: str | None = None) -> int:
    db, broker = line.world.db, line.world.broker
    try:
        async with serialized_writes(db), unit_of_work(db, broker) as uow:
            sent = await chat.send_message(
                uow.session,
                broker,
                identity=me,
                room=room,
                body=body,
                key=f"k{next(_keys)}" if key is None else key,
            )
            await uow.commit()
    except chat.Resent as again:
        sent = again.sent
    return sent.seq


async def read(line: Line, me: Identity, room: str, after: int = 0) -> chat.Backlog:
    return await line.world.read(lambda s: chat.backlog(s, identity=me, room=room, after=after))


async def conversation(line: Line) -> tuple[Identity, Conversation]:
    me = await line.seeker()
    await line.join(me)
    await line.call()
    return me, await line.accept(me)


async def no_more_messages(line: Line, count: int) -> None:
    total = await line.world.read(lambda s: s.exec(select(func.count()).select_from(ChatMessage)))
    assert total.one() == count


async def test_numbers_run_gap_free_per_room_even_under_concurrency(line: Line) -> None:
    me, conv = await conversation(line)
    booth_room, conv_room = f"booth:{line.booth_id}", f"conv:{conv.id}"
    assert [await send(line, me, booth_room, f"hello {n}") for n in range(3)] == [1, 2, 3]
    # Another room has its own numbers.
    assert await send(line, line.staff, conv_room, "你好") == 1

    seekers = await line.seekers(count=50)
    seqs = await asyncio.gather(*(send(line, s, booth_room, "同时发送") for s in seekers))
    assert sorted(seqs) == list(range(4, 54))
    found = await read(line, me, booth_room)
    assert [m["seq"] for m in found.messages] == list(range(1, 54))
    assert (found.last_seq, found.more) == (53, False)
    assert [m["seq"] for m in (await read(line, me, booth_room, after=50)).messages] == [51, 52, 53]


async def test_a_resent_key_returns_the_first_ack_and_stores_nothing(line: Line) -> None:
    me, conv = await conversation(line)
    room = f"conv:{conv.id}"
    await line.world.listen(room)
    assert await send(line, me, room, "第一条", key="same") == 1
    assert await send(line, me, room, "第一条", key="same") == 1
    # Two resends racing each other: one stores, the other gets its ack.
    assert (
        await asyncio.gather(*(send(line, me, room, "x", key="race") for _ in range(5))) == [2] * 5
    )
    # The same key from the other party is another message.
    assert await send(line, line.staff, room, "收到", key="same") == 3
    await no_more_messages(line, 3)
    assert [e["seq"] for e in line.world.events_on(room, "chat.message")] == [1, 2, 3]


async def test_who_may_read_and_write(line: Line) -> None:
    me, conv = await conversation(line)
    other, _ = await conversation(await line.neighbour())
    conv_room, booth_room = f"conv:{conv.id}", f"booth:{line.booth_id}"
    stranger = await line.world.who(await line.world.seeker("路人"))  # not registered
    neighbour = await line.neighbour()

    # A seeker of another conversation, staff of another organization: as if it did not exist.
    for intruder in (other, neighbour.staff, stranger):
        with pytest.raises(NotFound):
            await send(line, intruder, conv_room, "hi")
        with pytest.raises(NotFound):
            await read(line, intruder, conv_room)
    for bad in ("conv:999999", "conv:x", "booth:0", "dm:1", "booth:1:2", "conv:"):
        with pytest.raises(NotFound):
            await read(line, me, bad)

    # Booth chat: anyone signed in may read; registered seekers and the booth's staff write.
    assert (await read(line, stranger, booth_room)).messages == []
    with pytest.raises(NotAllowed):
        await send(line, stranger, booth_room, "hi")
    with pytest.raises(NotAllowed):
        await send(line, neighbour.staff, booth_room, "来我们展位看看")
    assert await send(line, me, booth_room, "请问招几个人？") == 1
    assert await send(line, line.staff, booth_room, "三个") == 2
    staff_flags = [m["staff"] for m in (await read(line, stranger, booth_room)).messages]
    assert staff_flags == [False, True]

    # An unpublished fair's booth chat is nobody's but its staff's.
    draft = await make_line(line.world, publish=False)
    with pytest.raises(NotFound):
        await read(line, me, f"booth:{draft.booth_id}")
    assert await send(line, draft.staff, f"booth:{draft.booth_id}", "准备中") == 1

    # An ended conversation can be read, not written.
    assert await send(line, me, conv_room, "谢谢") == 1
    await line.world.act(
        lambda s: conversations.end(s, identity=me, conversation_id=conv.id or 0, outcome="")
    )
    with pytest.raises(Conflict):
        await send(line, line.staff, conv_room, "还在吗")
    assert [m["body"] for m in (await read(line, me, conv_room)).messages] == ["谢谢"]
    await no_more_messages(line, 4)


async def test_body_and_key_limits(line: Line) -> None:
    me = (await line.seekers("甲"))[0]
    room = f"booth:{line.booth_id}"
    for body in ("", "   \n ", "长" * 2001):
        with pytest.raises(Invalid):
            await send(line, me, room, body)
    for key in ("", "k" * 65):
        with pytest.raises(Invalid):
            await send(line, me, room, "hi", key=key)
    await no_more_messages(line, 0)
    assert await send(line, me, room, "  " + "长" * 2000 + "  ", key="k" * 64) == 1
    html = "<script>alert(1)</script>"
    assert await send(line, me, room, html) == 2
    bodies = [m["body"] for m in (await read(line, me, room)).messages]
    assert bodies == ["长" * 2000, html]  # plain text as written; clients escape


async def test_flagged_messages_warn_from_staff_and_inform_staff_from_seekers(line: Line) -> None:
    me, conv = await conversation(line)
    room = f"conv:{conv.id}"
    await line.world.listen(f"org:{line.org.id}")
    await send(line, line.staff, room, "入职前先交500元押金")
    await send(line, me, room, "加我微信 abc123 详聊")
    await send(line, me, room, "什么时候面试？")

    seen_by_seeker = (await read(line, me, room)).messages
    assert [m["warning"] for m in seen_by_seeker] == [True, False, False]
    assert all("flagged" not in m for m in seen_by_seeker)
    seen_by_staff = (await read(line, line.staff, room)).messages
    assert [m.get("flagged") for m in seen_by_staff] == [None, ["off_platform"], None]
    flagged = line.world.events_on(f"org:{line.org.id}", "chat.flagged")
    assert [e["data"] for e in flagged] == [{"room": room, "seq": 2, "flagged": ["off_platform"]}]
    stored = await line.world.read(
        lambda s: s.exec(select(ChatMessage.flags).order_by(col(ChatMessage.seq)))
    )
    assert stored.all() == [["fee"], ["off_platform"], []]


async def test_rate_limit_refuses_past_ten_and_stores_nothing(line: Line) -> None:
    me = (await line.seekers("快手"))[0]
    room = f"booth:{line.booth_id}"
    for n in range(chat.RATE_LIMIT):
        await send(line, me, room, f"第{n}条", key=f"r{n}")
    with pytest.raises(TooManyRequests) as refused:
        await send(line, me, room, "再来一条")
    assert refused.value.code == "rate_limited"
    assert refused.value.retry_after == math.ceil(1 / chat.RATE_PER_S)
    # A resend of a stored key is still answered; others are not limited by me.
    assert await send(line, me, room, "第0条", key="r0") == 1
    assert await send(line, line.staff, room, "慢一点") == 11
    await no_more_messages(line, 11)


async def test_pin_and_remove_by_booth_staff_only(line: Line) -> None:
    me, conv = await conversation(line)
    room = f"booth:{line.booth_id}"
    await line.world.listen(f"boothchat:{line.booth_id}")
    await send(line, me, room, "广告：高薪兼职")
    await send(line, line.staff, room, "欢迎提问")
    neighbour = await line.neighbour()
    for who in (me, neighbour.staff):
        for action in (chat.pin_message, chat.remove_message):
            with pytest.raises((NotAllowed, NotFound)):
                await line.world.act(
                    lambda s, who=who, action=action: action(s, identity=who, room=room, seq=1)
                )
    with pytest.raises(NotAllowed):  # not in conversation rooms
        await line.world.act(
            lambda s: chat.pin_message(s, identity=line.staff, room=f"conv:{conv.id}", seq=1)
        )
    with pytest.raises(NotFound):
        await line.world.act(lambda s: chat.pin_message(s, identity=line.staff, room=room, seq=9))
    await line.world.act(lambda s: chat.pin_message(s, identity=line.staff, room=room, seq=2))
    await line.world.act(lambda s: chat.remove_message(s, identity=line.staff, room=room, seq=1))
    messages = (await read(line, me, room)).messages
    assert [(m["body"], m["removed"], m["pinned"]) for m in messages] == [
        ("", True, False),
        ("欢迎提问", False, True),
    ]
    page = await line.world.read(lambda s: chat.history(s, identity=me, room=room, before=2))
    assert [(m["seq"], m["body"]) for m in page] == [(1, "")]
    events = [
        (e["event"], e["data"]["seq"])
        for e in line.world.events_on(f"boothchat:{line.booth_id}")
        if e["event"] != "chat.message"
    ]
    assert events == [("chat.pinned", 2), ("chat.removed", 1)]


async def test_read_marks_only_move_forward_and_count_unread(line: Line) -> None:
    me, conv = await conversation(line)
    conv_room, booth_room = f"conv:{conv.id}", f"booth:{line.booth_id}"
    await line.world.listen(conv_room)
    for n in range(5):
        await send(line, line.staff, conv_room, f"消息{n}")
    await send(line, line.staff, booth_room, "公告")

    async def mark(seq: int, room: str = conv_room) -> int:
        return await line.world.act(lambda s: chat.mark_read(s, identity=me, room=room, seq=seq))

    async def unread() -> dict[str, Any]:
        rooms = [conv_room, booth_room, "booth:424242"]
        return await line.world.read(lambda s: chat.unread_counts(s, me.id, rooms))

    assert await unread() == {conv_room: 5, booth_room: 1, "booth:424242": 0}
    assert await mark(3) == 3
    assert await mark(2) == 3  # never back
    with pytest.raises(Invalid):
        await mark(6)
    assert await unread() == {conv_room: 2, booth_room: 1, "booth:424242": 0}
    assert await mark(1, booth_room) == 1
    assert await mark(5) == 5
    assert await unread() == {conv_room: 0, booth_room: 0, "booth:424242": 0}
    receipts = [e["data"] for e in line.world.events_on(conv_room, "chat.read")]
    assert receipts == [
        {"room": conv_room, "user": me.id, "seq": 3},
        {"room": conv_room, "user": me.id, "seq": 5},
    ]
    stranger = (await line.seekers("路人"))[0]
    with pytest.raises(AppError):
        await line.world.act(lambda s: chat.mark_read(s, identity=stranger, room=conv_room, seq=1))


async def test_typing_is_published_at_most_once_per_two_seconds(line: Line) -> None:
    me, conv = await conversation(line)
    room = f"conv:{conv.id}"
    await line.world.listen(room)

    async def typing(who: Identity) -> bool:
        return await line.world.read(
            lambda s: chat.typing(line.world.broker, s, identity=who, room=room)
        )

    assert [await typing(me), await typing(me), await typing(line.staff)] == [True, False, True]
    await asyncio.sleep(0.05)
    typed = [e["data"]["user"] for e in line.world.events_on(room, "chat.typing")]
    assert typed == [me.id, line.staff.id]
    await no_more_messages(line, 0)
