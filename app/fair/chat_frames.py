"""Chat frames: send, join (resume), history, pin/remove, read marks, typing, and the
safety frames: report a message, block a conversation.

A socket joins a room with ``chat.join``; the hub then holds a :class:`ChatFeed` for it
instead of the connection, so live messages that arrive while the backlog is read are held
and those the backlog already had are dropped (see docs/protocol.md, "Resuming a chat").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

from pydantic import Field
from sqlmodel.ext.asyncio.session import AsyncSession

from app.db import run_unit, unit_of_work
from app.fair import chat, chat_safety
from app.gateway.connection import Connection
from app.gateway.dispatch import Dispatcher, FrameContext
from app.gateway.handlers import MAX_CHANNELS_PER_SOCKET, TooManyChannels
from app.gateway.protocol import ClientFrame, CloseCode

T = TypeVar("T")
RoomName = Field(min_length=1, max_length=40)
Seq = Field(ge=0, lt=2**31)
# Live messages held for one socket while its backlog is read; a room that busy while one
# query runs means the socket could not keep up anyway.
MAX_HELD = 2000


class ChatSend(ClientFrame):
    type: Literal["chat.send"]
    room: str = RoomName
    body: str = Field(max_length=8000)
    key: str = Field(max_length=200)


class ChatJoin(ClientFrame):
    type: Literal["chat.join"]
    room: str = RoomName
    after: int = Field(default=0, ge=0, lt=2**31)


class ChatHistory(ClientFrame):
    type: Literal["chat.history"]
    room: str = RoomName
    before: int | None = Field(default=None, ge=1, lt=2**31)
    limit: int = Field(default=50, ge=1, le=chat.PAGE_LIMIT)


class ChatPin(ClientFrame):
    type: Literal["chat.pin"]
    room: str = RoomName
    seq: int = Seq


class ChatRemove(ClientFrame):
    type: Literal["chat.remove"]
    room: str = RoomName
    seq: int = Seq


class ChatRead(ClientFrame):
    type: Literal["chat.read"]
    room: str = RoomName
    seq: int = Seq


class ChatTyping(ClientFrame):
    type: Literal["chat.typing"]
    room: str = RoomName


class ChatFeed:
    """The hub's subscriber for one socket in one chat room.

    While the socket's backlog is read it holds deliveries; on release it passes them on,
    dropping chat messages whose seq the backlog already covered. The check stays on
    afterwards (a message committed before the backlog read may be published after it);
    it costs a prefix comparison per delivery.
    """

    __slots__ = ("conn", "held", "holding", "upto")

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.holding = True
        self.held: list[tuple[bytes, bytes]] = []
        self.upto = 0

    def deliver(self, payload: bytes, frame: bytes) -> None:
        if self.holding:
            if len(self.held) >= MAX_HELD:
                self.conn.close(CloseCode.TOO_SLOW, "too slow")
                return
            self.held.append((payload, frame))
            return
        seq = chat.seq_of(payload)
        if seq is not None and seq <= self.upto:
            return
        self.conn.deliver(payload, frame)

    def hold(self) -> None:
        self.holding = True

    def release(self, upto: int) -> None:
        self.upto = upto
        self.holding = False
        held, self.held = self.held, []
        for payload, frame in held:
            self.deliver(payload, frame)

    def close(self, code: int, reason: str) -> None:
        self.conn.close(CloseCode(code), reason)


async def _write(ctx: FrameContext, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
    return await run_unit(ctx.app.db, ctx.app.broker, action, serialize=True)


async def _read(ctx: FrameContext, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async with unit_of_work(ctx.app.db, ctx.app.broker) as uow:
        return await action(uow.session)


async def on_send(ctx: FrameContext, frame: ChatSend) -> None:
    identity = ctx.conn.identity
    try:
        sent = await _write(
            ctx,
            lambda s: chat_safety.send_message(
                s,
                ctx.app.broker,
                identity=identity,
                room=frame.room,
                body=frame.body,
                key=frame.key,
            ),
        )
    except chat.Resent as again:
        sent = again.sent
    ctx.reply("chat.sent", room=sent.room, seq=sent.seq, key=sent.key)


async def _feed(ctx: FrameContext, channel: str) -> ChatFeed:
    """The socket's feed for ``channel``, joined at the hub and holding deliveries."""
    conn = ctx.conn
    feed = conn.feeds.get(channel)
    if isinstance(feed, ChatFeed):
        feed.hold()
        return feed
    if channel not in conn.channels and len(conn.channels) >= MAX_CHANNELS_PER_SOCKET:
        raise TooManyChannels("Too many subscriptions on one connection.")
    if channel in conn.channels:
        # Subscribed plainly before: messages published from here on are in the backlog.
        ctx.app.hub.leave(channel, conn)
    feed = ChatFeed(conn)
    conn.channels.add(channel)
    conn.feeds[channel] = feed
    try:
        await ctx.app.hub.join(channel, feed)
    except BaseException:
        conn.channels.discard(channel)
        conn.feeds.pop(channel, None)
        raise
    return feed


async def on_join(ctx: FrameContext, frame: ChatJoin) -> None:
    identity = ctx.conn.identity
    allowed = await _read(ctx, lambda s: chat.access(s, identity, frame.room))
    feed = await _feed(ctx, allowed.room.channel)
    upto = frame.after
    try:
        found = await _read(
            ctx, lambda s: chat.backlog(s, identity=identity, room=frame.room, after=frame.after)
        )
        upto = found.last_seq
        ctx.reply(
            "chat.backlog",
            room=frame.room,
            messages=found.messages,
            last_seq=found.last_seq,
            more=found.more,
        )
    finally:
        feed.release(upto)


async def on_history(ctx: FrameContext, frame: ChatHistory) -> None:
    messages = await _read(
        ctx,
        lambda s: chat.history(
            s, identity=ctx.conn.identity, room=frame.room, before=frame.before, limit=frame.limit
        ),
    )
    ctx.reply("chat.page", room=frame.room, messages=messages)


async def on_pin(ctx: FrameContext, frame: ChatPin) -> None:
    await _write(
        ctx,
        lambda s: chat.pin_message(s, identity=ctx.conn.identity, room=frame.room, seq=frame.seq),
    )
    ctx.reply("chat.pinned", room=frame.room, seq=frame.seq)


async def on_remove(ctx: FrameContext, frame: ChatRemove) -> None:
    await _write(
        ctx,
        lambda s: chat.remove_message(
            s, identity=ctx.conn.identity, room=frame.room, seq=frame.seq
        ),
    )
    ctx.reply("chat.removed", room=frame.room, seq=frame.seq)


async def on_read(ctx: FrameContext, frame: ChatRead) -> None:
    mark = await _write(
        ctx, lambda s: chat.mark_read(s, identity=ctx.conn.identity, room=frame.room, seq=frame.seq)
    )
    ctx.reply("chat.marked", room=frame.room, seq=mark)


async def on_typing(ctx: FrameContext, frame: ChatTyping) -> None:
    """No reply: typing notices are best effort."""

    async def typing(session: AsyncSession) -> bool:
        await chat.access(session, ctx.conn.identity, frame.room)  # not_found comes first
        await chat_safety.check_not_blocked(session, frame.room)
        return await chat.typing(
            ctx.app.broker, session, identity=ctx.conn.identity, room=frame.room
        )

    await _read(ctx, typing)


def register_chat_frames(dispatcher: Dispatcher) -> None:
    dispatcher.register(ChatSend, on_send)
    dispatcher.register(ChatJoin, on_join)
    dispatcher.register(ChatHistory, on_history)
    dispatcher.register(ChatPin, on_pin)
    dispatcher.register(ChatRemove, on_remove)
    dispatcher.register(ChatRead, on_read)
    dispatcher.register(ChatTyping, on_typing)
    register_chat_safety_frames(dispatcher)


# -- safety: reports and blocks (app/fair/chat_safety.py) ----------------------------------


class ChatReport(ClientFrame):
    type: Literal["chat.report"]
    room: str = RoomName
    seq: int = Field(ge=1, lt=2**31)
    reason: str = Field(max_length=32)
    note: str = Field(default="", max_length=2000)


class ChatBlock(ClientFrame):
    type: Literal["chat.block"]
    room: str = RoomName


class ChatUnblock(ClientFrame):
    type: Literal["chat.unblock"]
    room: str = RoomName


async def on_report(ctx: FrameContext, frame: ChatReport) -> None:
    await _write(
        ctx,
        lambda s: chat_safety.report_message(
            s,
            identity=ctx.conn.identity,
            room=frame.room,
            seq=frame.seq,
            reason=frame.reason,
            note=frame.note,
        ),
    )
    ctx.reply("chat.reported", room=frame.room, seq=frame.seq)


async def on_block(ctx: FrameContext, frame: ChatBlock) -> None:
    state = await _write(
        ctx, lambda s: chat_safety.block(s, identity=ctx.conn.identity, room=frame.room)
    )
    ctx.reply("chat.blocked", room=frame.room, **state)


async def on_unblock(ctx: FrameContext, frame: ChatUnblock) -> None:
    state = await _write(
        ctx, lambda s: chat_safety.unblock(s, identity=ctx.conn.identity, room=frame.room)
    )
    ctx.reply("chat.unblocked", room=frame.room, **state)


def register_chat_safety_frames(dispatcher: Dispatcher) -> None:
    dispatcher.register(ChatReport, on_report)
    dispatcher.register(ChatBlock, on_block)
    dispatcher.register(ChatUnblock, on_unblock)
