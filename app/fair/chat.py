"""Live chat: booth group chats (``booth:<id>``) and conversation chats (``conv:<id>``).

Every message is stored before it is published and takes the room's next sequence number
(``chat_room.last_seq``, incremented in the storing transaction), so a client that knows the
last number it holds can always ask for exactly what it missed. A client-chosen ``key``
makes a resend harmless: the same key in the same room by the same sender gets the first
ack back. Moderation screens every message but never blocks one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson
import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity
from app.auth.models import Role, User
from app.auth.service import user_channel
from app.broker import Broker
from app.db import insert_new
from app.errors import Conflict, Invalid, NotAllowed, NotFound, TooManyRequests
from app.events import emit, emit_raw
from app.fair import booths, conversations, fairs
from app.fair.models import (
    Booth,
    BoothStatus,
    ChatMessage,
    ChatRead,
    ChatRoom,
    Conversation,
    ConversationStatus,
    FairStatus,
)
from app.moderation.screening.chat import screen_chat_message

BODY_LIMIT = 2000
KEY_LIMIT = 64
BACKLOG_LIMIT = 500
PREVIEW_LIMIT = 60  # characters of a message in the other side's chat.notice
PAGE_LIMIT = 100
# Per user, across nodes: a token bucket in the broker (atomic on every backend). A burst of
# RATE_LIMIT messages, then one every 1 / RATE_PER_S seconds.
RATE_LIMIT = 10
RATE_PER_S = 1.0
TYPING_EVERY_S = 2

# Chat message events start with this, then the decimal seq: a socket catching up can read
# the number without decoding the frame (see docs/protocol.md, "Resuming a chat").
SEQ_PREFIX = b'{"type":"event","seq":'


@dataclass(frozen=True, slots=True)
class Room:
    name: str
    kind: Literal["booth", "conv"]
    target_id: int

    @property
    def channel(self) -> str:
        # ``booth:<id>`` is already the staff console's channel; the group chat gets its own.
        return f"boothchat:{self.target_id}" if self.kind == "booth" else self.name


@dataclass(frozen=True, slots=True)
class Access:
    room: Room
    may_write: bool
    staff: bool  # the reader is staff of the room's organization
    org_id: int


@dataclass(frozen=True, slots=True)
class Sent:
    room: str
    seq: int
    key: str


def parse_room(name: str) -> Room:
    kind, _, rest = name.partition(":")
    if kind not in ("booth", "conv") or not rest.isdigit() or len(rest) > 9 or int(rest) < 1:
        raise NotFound("No such chat room.")
    return Room(name=name, kind=kind, target_id=int(rest))  # type: ignore[arg-type]


async def access(session: AsyncSession, identity: Identity, room_name: str) -> Access:
    """Who may read (else NotFound, so ids cannot be probed) and write in a room."""
    room = parse_room(room_name)
    if room.kind == "booth":
        return await _booth_access(session, identity, room)
    conversation = await session.get(Conversation, room.target_id)
    if conversation is None or not await conversations.may_see(session, identity, room.target_id):
        raise NotFound("No such chat room.")
    return Access(
        room=room,
        may_write=conversation.status == ConversationStatus.OPEN,
        staff=identity.id != conversation.seeker_id,
        org_id=conversation.org_id,
    )


async def _booth_access(session: AsyncSession, identity: Identity, room: Room) -> Access:
    booth = await session.get(Booth, room.target_id)
    if booth is None:
        raise NotFound("No such chat room.")
    if booths.is_staff(identity, booth):
        return Access(room=room, may_write=True, staff=True, org_id=booth.org_id)
    try:
        fair = await fairs.visible_fair(session, identity, booth.fair_id)
    except NotFound:
        raise NotFound("No such chat room.") from None
    if booth.status != BoothStatus.ACCEPTED:
        raise NotFound("No such chat room.")
    may_write = (
        identity.role == Role.SEEKER
        and fair.status == FairStatus.PUBLISHED
        and await fairs.is_registered(session, booth.fair_id, identity.id)
    )
    return Access(room=room, may_write=may_write, staff=False, org_id=booth.org_id)


# -- rooms and messages -------------------------------------------------------------------


async def _room_row(session: AsyncSession, name: str) -> ChatRoom | None:
    return (await session.exec(select(ChatRoom).where(ChatRoom.room == name))).first()


async def _room_id(session: AsyncSession, name: str) -> int:
    """The room's row id, creating the row on first use."""
    row = await _room_row(session, name)
    if row is not None:
        assert row.id is not None
        return row.id
    created = await insert_new(session, ChatRoom(room=name))
    if created is not None:
        return created
    row = await _room_row(session, name)  # created meanwhile by another sender
    assert row is not None
    assert row.id is not None
    return row.id


async def _next_seq(session: AsyncSession, room_id: int) -> int:
    # Row-locks the room (PostgreSQL) or takes the write lock (SQLite) until commit.
    result = await session.exec(
        sa.update(ChatRoom)
        .where(col(ChatRoom.id) == room_id)
        .values(last_seq=ChatRoom.last_seq + 1)
        .returning(col(ChatRoom.last_seq))
    )
    return int(result.scalar_one())


async def _by_key(session: AsyncSession, room_id: int, sender_id: int, key: str) -> int | None:
    result = await session.exec(
        select(ChatMessage.seq).where(
            ChatMessage.room_id == room_id,
            ChatMessage.sender_id == sender_id,
            ChatMessage.key == key,
        )
    )
    return result.first()


def clean_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise Invalid("Write a message first.", field="body")
    if len(text) > BODY_LIMIT:
        raise Invalid("At most %(limit)s characters.", field="body", limit=BODY_LIMIT)
    return text


def _check_key(key: str) -> None:
    if not 1 <= len(key) <= KEY_LIMIT:
        raise Invalid("A message key has 1 to 64 characters.", field="key")


async def charge_rate(broker: Broker, user_id: int) -> None:
    """Take one token from the user's bucket; refuse when it is empty."""
    wait = await broker.take_token(f"chat:rate:{user_id}", capacity=RATE_LIMIT, per_s=RATE_PER_S)
    if wait > 0:
        retry_after = max(1, math.ceil(wait))
        raise TooManyRequests(
            "You are sending messages too fast; wait %(retry_after)s s.",
            code="rate_limited",
            retry_after=retry_after,
        )


class Resent(Exception):  # noqa: N818 - a signal, not a failure
    """The key was used before: nothing must be stored; answer with the first ack."""

    def __init__(self, sent: Sent) -> None:
        super().__init__(sent.seq)
        self.sent = sent


async def send_message(
    session: AsyncSession, broker: Broker, *, identity: Identity, room: str, body: str, key: str
) -> Sent:
    """Store a message with the room's next number and queue its event.

    A resend of a stored key returns its ack; one that raced the first (found only once
    the room is locked) raises :class:`Resent`, and the caller must not commit.
    """
    _check_key(key)
    allowed = await access(session, identity, room)
    if not allowed.may_write:
        if allowed.room.kind == "conv":
            raise Conflict("This conversation has already ended.")
        raise NotAllowed("Register for the fair to write in this chat.")
    text = clean_body(body)
    room_id = await _room_id(session, room)
    earlier = await _by_key(session, room_id, identity.id, key)
    if earlier is not None:
        return Sent(room=room, seq=earlier, key=key)
    await charge_rate(broker, identity.id)
    seq = await _next_seq(session, room_id)
    earlier = await _by_key(session, room_id, identity.id, key)
    if earlier is not None:
        raise Resent(Sent(room=room, seq=earlier, key=key))
    flags = sorted({finding.category for finding in screen_chat_message(text)})
    message = ChatMessage(
        room_id=room_id,
        seq=seq,
        sender_id=identity.id,
        key=key,
        body=text,
        staff=allowed.staff,
        flags=flags,
    )
    session.add(message)
    await session.flush()
    data = message_view(message, identity.user.display_name, for_staff=False)
    data["room"] = room
    emit_raw(session, allowed.room.channel, encode_message_event(allowed.room.channel, seq, data))
    if flags and not allowed.staff:
        # Only staff see why a seeker's message was flagged: on their organization's channel.
        flagged = {"room": room, "seq": seq, "flagged": flags}
        emit(session, f"org:{allowed.org_id}", "chat.flagged", flagged)
    if allowed.room.kind == "conv":
        await _notify_other_side(session, allowed, identity, seq, text)
    return Sent(room=room, seq=seq, key=key)


async def _notify_other_side(
    session: AsyncSession, allowed: Access, identity: Identity, seq: int, text: str
) -> None:
    """A ``chat.notice`` on the other side's user channel, for pages outside the room."""
    conversation = await session.get(Conversation, allowed.room.target_id)
    if conversation is None:
        return
    recipient = conversation.seeker_id if allowed.staff else conversation.staff_id
    if recipient is None or recipient == identity.id:
        return
    notice = {
        "room": allowed.room.name,
        "conversation": conversation.id,
        "seq": seq,
        "from": identity.user.display_name,
        "staff": allowed.staff,
        "preview": text[:PREVIEW_LIMIT],
    }
    emit(session, user_channel(recipient), "chat.notice", notice)


async def sent_before(session: AsyncSession, *, identity: Identity, room: str, key: str) -> Sent:
    """The ack of a stored key (after :class:`Resent`)."""
    row = await _room_row(session, room)
    seq = (
        None if row is None or row.id is None else await _by_key(session, row.id, identity.id, key)
    )
    if seq is None:
        raise NotFound("No such message.")
    return Sent(room=room, seq=seq, key=key)


def encode_message_event(channel: str, seq: int, data: dict[str, Any]) -> bytes:
    """The ``event`` frame of a message, with ``seq`` right after ``type`` (SEQ_PREFIX)."""
    return b"%s%d,%s}" % (
        SEQ_PREFIX,
        seq,
        orjson.dumps({"channel": channel, "event": "chat.message", "data": data})[1:-1],
    )


def seq_of(payload: bytes) -> int | None:
    """The seq of a chat message event, read without decoding it; None for other frames."""
    if not payload.startswith(SEQ_PREFIX):
        return None
    end = payload.find(b",", len(SEQ_PREFIX))
    digits = payload[len(SEQ_PREFIX) : end]
    return int(digits) if digits.isdigit() else None


def message_view(message: ChatMessage, name: str, *, for_staff: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "seq": message.seq,
        "sender": message.sender_id,
        "name": name,
        "staff": message.staff,
        "body": "" if message.removed else message.body,
        "at": message.created_at.isoformat(),
        "pinned": message.pinned,
        "removed": message.removed,
        # A flagged message from staff (a fee, an ID number...): the seeker's client warns.
        "warning": message.staff and bool(message.flags),
    }
    if for_staff and message.flags and not message.staff:
        view["flagged"] = list(message.flags)
    return view


# -- reading ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Backlog:
    messages: list[dict[str, Any]]
    last_seq: int
    more: bool


async def _messages(
    session: AsyncSession, room_id: int, *conditions: Any, newest_first: bool, limit: int
) -> list[tuple[ChatMessage, str]]:
    order = col(ChatMessage.seq).desc() if newest_first else col(ChatMessage.seq)
    result = await session.exec(
        select(ChatMessage, User.display_name)
        .join(User, col(User.id) == col(ChatMessage.sender_id))
        .where(ChatMessage.room_id == room_id, *conditions)
        .order_by(order)
        .limit(limit)
    )
    return [(m, n) for m, n in result.all()]


async def backlog(
    session: AsyncSession, *, identity: Identity, room: str, after: int = 0
) -> Backlog:
    """Messages with seq > after, oldest first. Past BACKLOG_LIMIT only the newest ones,
    with ``more``: the client fetches the older ones with :func:`history`."""
    allowed = await access(session, identity, room)
    row = await _room_row(session, room)
    if row is None or row.id is None:
        return Backlog(messages=[], last_seq=0, more=False)
    rows = await _messages(
        session, row.id, col(ChatMessage.seq) > after, newest_first=True, limit=BACKLOG_LIMIT + 1
    )
    more = len(rows) > BACKLOG_LIMIT
    views = [message_view(m, n, for_staff=allowed.staff) for m, n in reversed(rows[:BACKLOG_LIMIT])]
    # The room row was read first: a message committed in between is in ``views``.
    last_seq = max(row.last_seq, views[-1]["seq"] if views else 0)
    return Backlog(messages=views, last_seq=last_seq, more=more)


async def history(
    session: AsyncSession,
    *,
    identity: Identity,
    room: str,
    before: int | None = None,
    limit: int = 50,
) -> list[dict[str, Any]]:
    """Up to ``limit`` (<= 100) messages older than ``before``, oldest first."""
    allowed = await access(session, identity, room)
    if not 1 <= limit <= PAGE_LIMIT:
        raise Invalid("Ask for 1 to %(limit)s messages.", field="limit", limit=PAGE_LIMIT)
    row = await _room_row(session, room)
    if row is None or row.id is None:
        return []
    conditions = [] if before is None else [col(ChatMessage.seq) < before]
    rows = await _messages(session, row.id, *conditions, newest_first=True, limit=limit)
    return [message_view(m, n, for_staff=allowed.staff) for m, n in reversed(rows)]


# -- staff actions, receipts, typing --------------------------------------------------------


async def _staff_message(
    session: AsyncSession, identity: Identity, room: str, seq: int
) -> tuple[Access, ChatMessage]:
    allowed = await access(session, identity, room)
    if allowed.room.kind != "booth" or not allowed.staff:
        raise NotAllowed("Only the booth's staff may do this.")
    row = await _room_row(session, room)
    message = None
    if row is not None:
        message = (
            await session.exec(
                select(ChatMessage).where(ChatMessage.room_id == row.id, ChatMessage.seq == seq)
            )
        ).first()
    if message is None:
        raise NotFound("No such message.")
    return allowed, message


async def pin_message(session: AsyncSession, *, identity: Identity, room: str, seq: int) -> None:
    allowed, message = await _staff_message(session, identity, room, seq)
    message.pinned = True
    session.add(message)
    emit(session, allowed.room.channel, "chat.pinned", {"room": room, "seq": seq})


async def remove_message(session: AsyncSession, *, identity: Identity, room: str, seq: int) -> None:
    """Hide a message from the room; its text is kept for moderation."""
    allowed, message = await _staff_message(session, identity, room, seq)
    message.removed = True
    message.pinned = False
    session.add(message)
    emit(session, allowed.room.channel, "chat.removed", {"room": room, "seq": seq})


async def mark_read(session: AsyncSession, *, identity: Identity, room: str, seq: int) -> int:
    """Move the reader's mark forward to ``seq`` (never back); returns the stored mark."""
    allowed = await access(session, identity, room)
    row = await _room_row(session, room)
    if row is None or row.id is None or not 0 <= seq <= row.last_seq:
        raise Invalid("No such message.", field="seq")
    await insert_new(session, ChatRead(room_id=row.id, user_id=identity.id))
    moved = await session.exec(
        sa.update(ChatRead)
        .where(
            col(ChatRead.room_id) == row.id,
            col(ChatRead.user_id) == identity.id,
            col(ChatRead.last_read_seq) < seq,
        )
        .values(last_read_seq=seq)
        .returning(col(ChatRead.last_read_seq))
    )
    if moved.first() is None:
        current = await session.exec(
            select(ChatRead.last_read_seq).where(
                ChatRead.room_id == row.id, ChatRead.user_id == identity.id
            )
        )
        return int(current.one())
    if allowed.room.kind == "conv":
        emit(
            session,
            allowed.room.channel,
            "chat.read",
            {"room": room, "user": identity.id, "seq": seq},
        )
    return seq


async def unread_counts(
    session: AsyncSession, user_id: int, rooms: Sequence[str]
) -> dict[str, int]:
    """room -> messages after the user's read mark (0 for rooms without messages)."""
    counts = dict.fromkeys(rooms, 0)
    if not rooms:
        return counts
    read = (
        select(ChatRead.room_id, ChatRead.last_read_seq)
        .where(ChatRead.user_id == user_id)
        .subquery()
    )
    result = await session.exec(
        select(ChatRoom.room, ChatRoom.last_seq, read.c.last_read_seq)
        .outerjoin(read, read.c.room_id == col(ChatRoom.id))
        .where(col(ChatRoom.room).in_(list(rooms)))
    )
    for name, last_seq, last_read in result.all():
        counts[name] = max(0, last_seq - (last_read or 0))
    return counts


async def typing(broker: Broker, session: AsyncSession, *, identity: Identity, room: str) -> bool:
    """Tell the room someone is typing, at most once per TYPING_EVERY_S; nothing stored."""
    allowed = await access(session, identity, room)
    if not allowed.may_write:
        raise NotAllowed("You may not write in this chat.")
    count = await broker.incr(f"chat:typing:{identity.id}:{room}", ttl=TYPING_EVERY_S)
    if count > 1:
        return False
    data = {"room": room, "user": identity.id, "name": identity.user.display_name}
    payload = orjson.dumps(
        {"type": "event", "channel": allowed.room.channel, "event": "chat.typing", "data": data}
    )
    await broker.publish(allowed.room.channel, payload)
    return True


async def peer_read(session: AsyncSession, room: str, *, staff: bool, seeker_id: int) -> int:
    """How far the other side has read: the seeker for staff, any staff for the seeker."""
    other = col(ChatRead.user_id) == seeker_id if staff else col(ChatRead.user_id) != seeker_id
    result = await session.exec(
        select(func.max(ChatRead.last_read_seq))
        .join(ChatRoom, col(ChatRoom.id) == col(ChatRead.room_id))
        .where(ChatRoom.room == room, other)
    )
    return int(result.one() or 0)
