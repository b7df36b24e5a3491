"""Safety in live chat: reporting a message to the moderators, and blocking a conversation.

A report is kept once per reporter and message; the first one puts the message in the
moderation queue (one open item per message, however many report it). A moderator then
removes the message (as booth staff can with ``chat.remove``) or keeps it. A block is one
side of a conversation (the seeker, or the organization's staff) shutting it: nobody may
write in it until that side lifts the block again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity
from app.auth.models import User
from app.broker import Broker
from app.db import insert_new
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.events import emit
from app.fair import chat
from app.fair.models import (
    Booth,
    ChatBlock,
    ChatMessage,
    ChatReport,
    ChatRoom,
    Conversation,
    Fair,
)
from app.fair.schedule import DEFAULT_ZONE
from app.i18n import N_
from app.moderation import audit, queue
from app.moderation.models import Decision, ItemKind, ItemReason, ItemStatus, ReviewItem
from app.moderation.screening import Finding, risk_score
from app.moderation.screening.chat import screen_chat_message

REPORT_REASONS = {
    "money_request": N_("Asks for money, a deposit or a fee"),
    "off_platform": N_("Asks to continue on WeChat, QQ or by phone"),
    "personal_data": N_("Asks for ID, bank card or passwords"),
    "harassment": N_("Harassment or abuse"),
    "other": N_("Something else"),
}
NOTE_LIMIT = 500
# Reported messages come before unreported postings, like reported postings.
REPORT_RISK = 100.0
CONTEXT = 10  # messages shown before and after a reported one


# -- reports ------------------------------------------------------------------------------


async def _message(
    session: AsyncSession, room: str, seq: int, *, lock: bool = False
) -> ChatMessage:
    query = (
        select(ChatMessage)
        .join(ChatRoom, col(ChatRoom.id) == col(ChatMessage.room_id))
        .where(ChatRoom.room == room, ChatMessage.seq == seq)
    )
    if lock:
        # Two reports of one message at once must not queue it twice (PostgreSQL; SQLite
        # runs one writer at a time).
        query = query.with_for_update(of=ChatMessage)
    message = (await session.exec(query)).first()
    if message is None:
        raise NotFound("No such message.")
    return message


async def report_message(
    session: AsyncSession,
    *,
    identity: Identity,
    room: str,
    seq: int,
    reason: str,
    note: str = "",
) -> ChatReport:
    """Report a message of a room one may read. Reporting it again changes nothing."""
    allowed = await chat.access(session, identity, room)
    if reason not in REPORT_REASONS:
        raise Invalid("Choose what is wrong with this message.", field="reason")
    note = " ".join(note.split())
    if len(note) > NOTE_LIMIT:
        raise Invalid("At most %(limit)s characters.", field="note", limit=NOTE_LIMIT)
    message = await _message(session, room, seq, lock=True)
    assert message.id is not None
    if message.sender_id == identity.id:
        raise Invalid("You cannot report your own message.", field="seq")
    earlier = await _report_of(session, message.id, identity.id)
    if earlier is not None:
        return earlier
    report = ChatReport(message_id=message.id, reporter_id=identity.id, reason=reason, note=note)
    if await insert_new(session, report) is None:  # the same person, twice at once
        found = await _report_of(session, message.id, identity.id)
        assert found is not None
        return found
    open_item = await session.exec(
        select(ReviewItem.id).where(
            ReviewItem.chat_message_id == message.id, ReviewItem.status == ItemStatus.OPEN
        )
    )
    item_id = open_item.first()
    if item_id is None:
        item = queue.enqueue(
            session,
            kind=ItemKind.CHAT_MESSAGE,
            reason=ItemReason.REPORTED,
            org_id=allowed.org_id,
            risk=REPORT_RISK + risk_score(screen_chat_message(message.body)),
        )
        item.chat_message_id = message.id
        await session.flush()
        item_id = item.id
    audit.record(
        session,
        "chat_message.reported",
        actor_id=identity.id,
        org_id=allowed.org_id,
        item_id=item_id,
        message_id=message.id,
        room=room,
        seq=seq,
        reason=reason,
        note=note,
    )
    return (await _report_of(session, message.id, identity.id)) or report


async def _report_of(session: AsyncSession, message_id: int, reporter_id: int) -> ChatReport | None:
    result = await session.exec(
        select(ChatReport).where(
            ChatReport.message_id == message_id, ChatReport.reporter_id == reporter_id
        )
    )
    return result.first()


# -- what a moderator sees and decides ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    message: ChatMessage
    name: str


@dataclass(frozen=True, slots=True)
class ReviewContext:
    room: str
    kind: str  # "booth" or "conv"
    message: Line
    before: list[Line]
    after: list[Line]
    reports: list[tuple[ChatReport, str]]  # with the reporter's name
    findings: list[Finding]
    timezone: str


async def _lines(
    session: AsyncSession, room_id: int, condition: object, *, newest_first: bool = False
) -> list[Line]:
    result = await session.exec(
        select(ChatMessage, User.display_name)
        .join(User, col(User.id) == col(ChatMessage.sender_id))
        .where(ChatMessage.room_id == room_id, condition)  # type: ignore[arg-type]
        .order_by(col(ChatMessage.seq).desc() if newest_first else col(ChatMessage.seq))
        .limit(CONTEXT)
    )
    return [Line(message=m, name=n) for m, n in result.all()]


async def _timezone(session: AsyncSession, room: chat.Room) -> str:
    booth_id: int | None = room.target_id
    if room.kind == "conv":
        conversation = await session.get(Conversation, room.target_id)
        booth_id = conversation.booth_id if conversation else None
    booth = await session.get(Booth, booth_id) if booth_id else None
    fair = await session.get(Fair, booth.fair_id) if booth else None
    return fair.timezone if fair else DEFAULT_ZONE


async def review_context(session: AsyncSession, message_id: int) -> ReviewContext:
    """The reported message in its conversation: CONTEXT messages either side, the reports
    and the screening findings. For moderators only (the caller checks)."""
    found = (
        await session.exec(
            select(ChatMessage, User.display_name, ChatRoom.room)
            .join(User, col(User.id) == col(ChatMessage.sender_id))
            .join(ChatRoom, col(ChatRoom.id) == col(ChatMessage.room_id))
            .where(ChatMessage.id == message_id)
        )
    ).first()
    if found is None:
        raise NotFound("No such message.")
    message, name, room_name = found
    before = await _lines(
        session, message.room_id, col(ChatMessage.seq) < message.seq, newest_first=True
    )
    after = await _lines(session, message.room_id, col(ChatMessage.seq) > message.seq)
    reports = (
        await session.exec(
            select(ChatReport, User.display_name)
            .join(User, col(User.id) == col(ChatReport.reporter_id))
            .where(ChatReport.message_id == message_id)
            .order_by(col(ChatReport.id))
        )
    ).all()
    room = chat.parse_room(room_name)
    return ReviewContext(
        room=room_name,
        kind=room.kind,
        message=Line(message=message, name=name),
        before=list(reversed(before)),
        after=after,
        reports=[(r, n) for r, n in reports],
        findings=screen_chat_message(message.body),
        timezone=await _timezone(session, room),
    )


async def decide_message(
    session: AsyncSession,
    *,
    moderator: Identity,
    item: ReviewItem,
    decision: Decision,
    reasons: Sequence[str],
    note: str,
) -> None:
    """Carry out a moderator's decision on a reported message (the item is closed already)."""
    assert item.chat_message_id is not None
    message = await session.get(ChatMessage, item.chat_message_id)
    if message is None:
        raise NotFound("No such message.")
    room_row = await session.get(ChatRoom, message.room_id)
    assert room_row is not None
    room = chat.parse_room(room_row.room)
    if decision == Decision.REMOVE and not message.removed:
        message.removed = True
        message.pinned = False
        session.add(message)
        emit(session, room.channel, "chat.removed", {"room": room.name, "seq": message.seq})
    reports = (
        await session.exec(
            select(ChatReport.reason).where(ChatReport.message_id == item.chat_message_id)
        )
    ).all()
    audit.record(
        session,
        f"chat_message.{decision}",
        actor_id=moderator.id,
        org_id=item.org_id,
        item_id=item.id,
        message_id=message.id,
        room=room.name,
        seq=message.seq,
        sender_id=message.sender_id,
        reasons=list(reasons),
        note=note,
        reported_for=sorted(set(reports)),
        findings=list(message.flags),
    )


# -- blocks -------------------------------------------------------------------------------


async def _conversation_access(session: AsyncSession, identity: Identity, room: str) -> chat.Access:
    allowed = await chat.access(session, identity, room)
    if allowed.room.kind != "conv":
        raise Invalid("Only a conversation can be blocked.", field="room")
    return allowed


async def blocks_of(session: AsyncSession, conversation_id: int) -> list[ChatBlock]:
    result = await session.exec(
        select(ChatBlock).where(ChatBlock.conversation_id == conversation_id)
    )
    return list(result.all())


async def block_state(session: AsyncSession, conversation_id: int) -> dict[str, bool]:
    """Which sides have blocked the conversation: ``{"seeker": ..., "staff": ...}``."""
    sides = {b.by_staff for b in await blocks_of(session, conversation_id)}
    return {"seeker": False in sides, "staff": True in sides}


def _blocked_event(session: AsyncSession, allowed: chat.Access, state: dict[str, bool]) -> None:
    data = {"room": allowed.room.name, "blocked": state["seeker"] or state["staff"]} | state
    emit(session, allowed.room.channel, "chat.blocked", data)


async def block(session: AsyncSession, *, identity: Identity, room: str) -> dict[str, bool]:
    """The seeker blocks the organization, or staff block the seeker, in one conversation."""
    allowed = await _conversation_access(session, identity, room)
    await insert_new(
        session,
        ChatBlock(
            conversation_id=allowed.room.target_id, blocked_by=identity.id, by_staff=allowed.staff
        ),
    )
    state = await block_state(session, allowed.room.target_id)
    _blocked_event(session, allowed, state)
    return state


async def unblock(session: AsyncSession, *, identity: Identity, room: str) -> dict[str, bool]:
    """Lift one's own side's block; the other side's block, if any, stays."""
    allowed = await _conversation_access(session, identity, room)
    mine = [
        b for b in await blocks_of(session, allowed.room.target_id) if b.by_staff == allowed.staff
    ]
    if not mine:
        raise Conflict("You have not blocked this conversation.")
    for row in mine:
        await session.delete(row)
    await session.flush()
    state = await block_state(session, allowed.room.target_id)
    _blocked_event(session, allowed, state)
    return state


async def check_not_blocked(session: AsyncSession, room: str) -> None:
    """Refuse writing in a blocked conversation (error code ``blocked``)."""
    target = chat.parse_room(room)
    if target.kind != "conv":
        return
    if await blocks_of(session, target.target_id):
        raise NotAllowed("This conversation is blocked.", code="blocked")


async def send_message(
    session: AsyncSession, broker: Broker, *, identity: Identity, room: str, body: str, key: str
) -> chat.Sent:
    """:func:`chat.send_message`, refused in a blocked conversation."""
    await chat.access(session, identity, room)  # not_found first: no probing through blocks
    await check_not_blocked(session, room)
    return await chat.send_message(
        session, broker, identity=identity, room=room, body=body, key=key
    )
