"""Reporting chat messages to the moderators and blocking conversations, on both databases:
through the services, and over /ws and the moderation pages on a live server."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from sqlmodel import col, select

from app.auth.identity import Identity
from app.db import Database
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.fair import chat, chat_safety
from app.fair.models import ChatMessage, ChatReport
from app.moderation import service as moderation
from app.moderation.models import AuditEvent, ItemKind, ItemStatus, ReviewItem
from tests.fair.svc_factories import Line, make_line, make_world
from tests.fair.test_chat import conversation, send
from tests.fair.ws_factories import WsSite as Site
from tests.fair.ws_factories import cookie_for, ws_site
from tests.support import csrf_of


@pytest.fixture
async def line(database: Database, password_hash: str) -> Line:
    return await make_line(await make_world(database, password_hash))


async def report(
    line: Line, me: Identity, room: str, seq: int, reason: str = "money_request", note: str = ""
) -> ChatReport:
    return await line.world.act(
        lambda s: chat_safety.report_message(
            s, identity=me, room=room, seq=seq, reason=reason, note=note
        )
    )


async def items(line: Line) -> list[ReviewItem]:
    result = await line.world.read(
        lambda s: s.exec(
            select(ReviewItem)
            .where(ReviewItem.kind == ItemKind.CHAT_MESSAGE)
            .order_by(col(ReviewItem.id))
        )
    )
    return list(result.all())


async def claim_and_decide(line: Line, decision: str, reasons: list[str]) -> ReviewItem:
    moderator = await line.world.who(line.world.moderator)
    claimed = await line.world.act(lambda s: moderation.claim_next(s, identity=moderator))
    assert claimed is not None
    assert claimed.id is not None
    return await line.world.act(
        lambda s: moderation.decide(
            s, identity=moderator, item_id=claimed.id or 0, decision=decision, reasons=reasons
        )
    )


async def test_reports_queue_one_item_per_message_and_repeat_reports_change_nothing(
    line: Line,
) -> None:
    booth_room = f"booth:{line.booth_id}"
    writer, first, second = await line.seekers("发信人", "甲", "乙")
    bad = await send(line, writer, booth_room, "先交500元押金，加我微信 abc12345")
    good = await send(line, writer, booth_room, "请问还招人吗？")

    one = await report(line, first, booth_room, bad, note="  要钱   押金 ")
    assert (one.reason, one.note) == ("money_request", "要钱 押金")
    again = await report(line, first, booth_room, bad, reason="other", note="again")
    assert (again.id, again.reason) == (one.id, "money_request")
    await report(line, second, booth_room, bad, reason="off_platform")
    await report(line, line.staff, booth_room, bad, reason="other")  # staff may report too
    await report(line, first, booth_room, good, reason="other")

    queued = await items(line)
    assert len(queued) == 2
    assert {i.org_id for i in queued} == {line.org.id}
    assert all(i.status == ItemStatus.OPEN and i.reason == "reported" for i in queued)
    reports = await line.world.read(lambda s: s.exec(select(ChatReport)))
    assert len(reports.all()) == 4
    # The flagged message outranks the harmless one.
    by_message = {i.chat_message_id: i for i in queued}
    assert len(by_message) == 2
    risks = sorted(i.risk for i in queued)
    assert risks[0] >= chat_safety.REPORT_RISK
    assert risks[1] > risks[0]


async def test_strangers_and_bad_reports_are_refused(line: Line) -> None:
    me, conv = await conversation(line)
    room = f"conv:{conv.id}"
    seq = await send(line, line.staff, room, "请加我私人微信")
    stranger = await line.seeker("路人")
    with pytest.raises(NotFound):
        await report(line, stranger, room, seq)
    rival = await line.neighbour()
    with pytest.raises(NotFound):
        await report(line, rival.staff, room, seq)
    with pytest.raises(NotFound):
        await report(line, me, room, seq + 5)
    with pytest.raises(Invalid):
        await report(line, me, room, seq, reason="boring")
    with pytest.raises(Invalid):
        await report(line, me, room, seq, note="x" * 501)
    with pytest.raises(Invalid):
        await report(line, line.staff, room, seq)  # one's own message
    assert await items(line) == []
    # The seeker's report of the staff message in a conversation goes to its organization.
    await report(line, me, room, seq, reason="off_platform")
    (item,) = await items(line)
    assert item.org_id == conv.org_id


async def test_a_moderator_removes_a_reported_message_and_the_room_hears_of_it(
    line: Line,
) -> None:
    booth_room = f"booth:{line.booth_id}"
    writer, reader = await line.seekers("发信人", "读者")
    seqs = [await send(line, writer, booth_room, f"消息{n}") for n in range(3)]
    bad = await send(line, writer, booth_room, "交押金500元才能面试")
    await report(line, reader, booth_room, bad)
    await line.world.listen(f"boothchat:{line.booth_id}")

    moderator = await line.world.who(line.world.moderator)
    (queued,) = await items(line)
    view = await line.world.read(
        lambda s: moderation.item_view(s, identity=moderator, item_id=queued.id or 0)
    )
    assert view.chat is not None
    assert [x.message.seq for x in view.chat.before] == seqs
    assert view.chat.message.message.seq == bad
    assert [r.reason for r, _ in view.chat.reports] == ["money_request"]
    assert {f.category for f in view.findings} >= {"fee"}

    with pytest.raises(Invalid):  # a removal needs a reason
        await claim_and_decide(line, "remove", [])
    with pytest.raises(Invalid):  # a posting's decision does not fit
        await line.world.act(
            lambda s: moderation.decide(
                s, identity=moderator, item_id=queued.id or 0, decision="approve"
            )
        )
    decided = await claim_and_decide(line, "remove", ["money_request"])
    assert (decided.status, decided.decision) == (ItemStatus.DECIDED, "remove")

    found = await line.world.read(
        lambda s: chat.backlog(s, identity=reader, room=booth_room, after=0)
    )
    last = found.messages[-1]
    assert (last["seq"], last["removed"], last["body"]) == (bad, True, "")
    removed = line.world.events_on(f"boothchat:{line.booth_id}", "chat.removed")
    assert [e["data"] for e in removed] == [{"room": booth_room, "seq": bad}]
    audit = await line.world.read(
        lambda s: s.exec(select(AuditEvent.action).where(AuditEvent.item_id == queued.id))
    )
    assert "chat_message.remove" in audit.all()


async def test_dismissing_keeps_the_message(line: Line) -> None:
    me, conv = await conversation(line)
    room = f"conv:{conv.id}"
    seq = await send(line, me, room, "您好，我想了解岗位")
    await report(line, line.staff, room, seq, reason="harassment")
    decided = await claim_and_decide(line, "dismiss", ["harassment"])
    assert decided.decision == "dismiss"
    message = await line.world.read(
        lambda s: s.exec(select(ChatMessage).where(ChatMessage.seq == seq))
    )
    assert message.one().removed is False
    # The same reporter again: nothing new, and the decided item stays decided.
    await report(line, line.staff, room, seq)
    (item,) = await items(line)
    assert item.status == ItemStatus.DECIDED


async def test_a_block_stops_both_sides_until_the_same_side_lifts_it(line: Line) -> None:
    me, conv = await conversation(line)
    room = f"conv:{conv.id}"

    assert await _write(line, me, room, "你好") == 1
    await line.world.listen(room)
    state = await line.world.act(lambda s: chat_safety.block(s, identity=me, room=room))
    assert state == {"seeker": True, "staff": False}
    assert line.world.events_on(room, "chat.blocked")[-1]["data"]["blocked"] is True
    for who in (me, line.staff):
        with pytest.raises(NotAllowed) as refused:
            await _write(line, who, room, f"被拦截{who.id}")
        assert refused.value.code == "blocked"
    with pytest.raises(Conflict):  # the other side cannot lift the seeker's block
        await line.world.act(lambda s: chat_safety.unblock(s, identity=line.staff, room=room))
    # Staff block too; the seeker lifts theirs: still blocked by staff.
    await line.world.act(lambda s: chat_safety.block(s, identity=line.staff, room=room))
    state = await line.world.act(lambda s: chat_safety.unblock(s, identity=me, room=room))
    assert state == {"seeker": False, "staff": True}
    with pytest.raises(NotAllowed):
        await _write(line, me, room, "还是不行")
    colleague = await line.world.on_duty(line.booth, await line.world.staff(line.org))
    await line.world.act(lambda s: chat_safety.unblock(s, identity=colleague, room=room))
    assert await _write(line, line.staff, room, "恢复了") == 2
    assert line.world.events_on(room, "chat.blocked")[-1]["data"]["blocked"] is False

    with pytest.raises(Invalid):  # booth group chats cannot be blocked
        await line.world.act(
            lambda s: chat_safety.block(s, identity=me, room=f"booth:{line.booth_id}")
        )
    stranger = await line.seeker("路人")
    with pytest.raises(NotFound):
        await line.world.act(lambda s: chat_safety.block(s, identity=stranger, room=room))


async def _write(line: Line, who: Identity, room: str, body: str) -> int:
    sent = await line.world.act(
        lambda s: chat_safety.send_message(
            s, line.world.broker, identity=who, room=room, body=body, key=f"k-{body}"
        )
    )
    return sent.seq


# -- over /ws and the moderation pages --------------------------------------------------


@pytest_asyncio.fixture
async def site(db_url: str, password_hash: str) -> AsyncIterator[Site]:
    async with ws_site(db_url, password_hash) as opened:
        yield opened


async def test_report_block_and_moderate_over_the_wire(site: Site) -> None:
    booth = site.world.booth
    seeker, staff = await site.socket("s1"), await site.socket("staff")
    await seeker.ok({"type": "queue.join", "booth": booth}, "queue.ticket")
    await staff.ok({"type": "queue.call_next", "booth": booth}, "queue.called")
    accepted = await seeker.ok({"type": "queue.accept", "booth": booth}, "queue.accepted")
    room = f"conv:{accepted['conversation']}"
    await seeker.ok({"type": "chat.join", "room": room}, "chat.backlog")
    await staff.ok({"type": "chat.join", "room": room}, "chat.backlog")
    for n in range(12):  # both sides, to stay under the rate limit
        await (staff if n % 2 else seeker).ok(
            {"type": "chat.send", "room": room, "body": f"第{n}条 <b>", "key": f"a{n}"},
            "chat.sent",
        )
    bad = {"type": "chat.send", "room": room, "body": "入职前交300元培训费", "key": "bad"}
    seq = (await staff.ok(bad, "chat.sent"))["seq"]
    await seeker.ok(
        {"type": "chat.send", "room": room, "body": "这合法吗？", "key": "q"}, "chat.sent"
    )

    reported = await seeker.ok(
        {
            "type": "chat.report",
            "room": room,
            "seq": seq,
            "reason": "money_request",
            "note": "收费",
        },
        "chat.reported",
    )
    assert reported == {**reported, "room": room, "seq": seq}
    stranger = await site.socket("s2")
    refused = await stranger.request(
        {"type": "chat.report", "room": room, "seq": seq, "reason": "other"}
    )
    assert refused["code"] == "not_found"

    # Block: both sides are refused, and the other side hears of it.
    await seeker.ok({"type": "chat.block", "room": room}, "chat.blocked")
    event = await staff.event("chat.blocked")
    assert (event["room"], event["blocked"]) == (room, True)
    for client in (seeker, staff):
        again = await client.request(
            {"type": "chat.send", "room": room, "body": "hi", "key": f"b{id(client)}"}
        )
        assert again["code"] == "blocked"
    booth_block = await seeker.request({"type": "chat.block", "room": f"booth:{booth}"})
    assert booth_block["code"] == "invalid"
    await seeker.ok({"type": "chat.unblock", "room": room}, "chat.unblocked")
    await staff.ok({"type": "chat.send", "room": room, "body": "ok", "key": "c"}, "chat.sent")

    # The moderator sees the message in its conversation and removes it.
    async with httpx.AsyncClient(
        base_url=site.live, headers={"Cookie": await cookie_for(site.live, "mod")}
    ) as mod:
        token = await csrf_of(mod, "/moderation")
        claimed = await mod.post("/moderation/claim", data={"csrf_token": token})
        assert claimed.status_code == 303
        path = claimed.headers["location"]
        page = await mod.get(path)
        assert page.status_code == 200
        html = page.text
        context = html[html.index('data-testid="chat-context"') :]
        # 10 before, the reported one, and the 2 after it (one seeker, one staff).
        assert len(re.findall(r'data-seq="\d+"', context)) == 13
        assert 'data-seq="3"' in context
        assert 'data-seq="2"' not in context
        assert "第2条 &lt;b&gt;" in context
        assert "<b>" not in context
        assert 'data-testid="reported-message"' in html
        assert "培训费" in html
        assert "收费" in html  # the reporter's note
        assert 'data-category="fee"' in html  # screening findings
        decided = await mod.post(
            f"{path}/decide",
            data={"csrf_token": token, "decision": "remove", "reasons": "money_request"},
        )
        assert decided.status_code == 303, decided.text
    removed = await seeker.event("chat.removed")
    assert removed == {**removed, "room": room, "seq": seq}
    backlog = await seeker.ok({"type": "chat.join", "room": room}, "chat.backlog")
    (message,) = [m for m in backlog["messages"] if m["seq"] == seq]
    assert (message["removed"], message["body"]) == (True, "")
