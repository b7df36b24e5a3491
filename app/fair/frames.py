"""WebSocket frames and channels of the fair domain: presence, queues, booth consoles.

Channels:
- ``fair:<id>``: presence counts for everyone signed in (the fair must be visible to them).
- ``queue:<booth>``: the public line, ticket numbers and counts only.
- ``booth:<booth>``: the staff console of the booth's organization.
- ``conv:<id>``: a conversation's seeker and the organization's staff.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

from pydantic import Field
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity
from app.auth.models import Role
from app.context import AppContext
from app.db import run_unit, unit_of_work
from app.errors import AppError, NotAllowed
from app.fair import booths, conversations, fairs, presence, queues
from app.fair.chat_frames import register_chat_frames
from app.fair.models import Booth
from app.gateway.channels import Channels
from app.gateway.connection import Connection
from app.gateway.dispatch import Dispatcher, FrameContext
from app.gateway.lifecycle import Lifecycle
from app.gateway.protocol import ClientFrame

T = TypeVar("T")
Id = Field(ge=1, lt=2**31)


class Presence(ClientFrame):
    type: Literal["presence"]
    fair: int = Id
    booth: int | None = Field(default=None, ge=1, lt=2**31)


class QueueFrame(ClientFrame):
    booth: int = Id


class QueueJoin(QueueFrame):
    type: Literal["queue.join"]


class QueueLeave(QueueFrame):
    type: Literal["queue.leave"]


class QueueState(QueueFrame):
    type: Literal["queue.state"]


class QueueAccept(QueueFrame):
    type: Literal["queue.accept"]


class QueueFollowUp(QueueFrame):
    type: Literal["queue.follow_up"]


class QueueCallNext(QueueFrame):
    type: Literal["queue.call_next"]


class BoothDuty(QueueFrame):
    type: Literal["booth.duty"]
    on: bool


async def _in_uow(ctx: FrameContext, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """A queue frame's service call: a hot write path, committed (see ``run_unit``)."""
    return await run_unit(ctx.app.db, ctx.app.broker, action, serialize=True)


def _identity(ctx: FrameContext) -> Identity:
    return ctx.conn.identity


async def on_presence(ctx: FrameContext, frame: Presence) -> None:
    identity = _identity(ctx)

    async def check(session: AsyncSession) -> None:
        fair = await fairs.visible_fair(session, identity, frame.fair)
        if frame.booth is not None:
            await booths.booth_in_fair(session, fair.id or 0, frame.booth)

    async with unit_of_work(ctx.app.db, ctx.app.broker) as uow:
        await check(uow.session)
    # Only job seekers are counted as visitors; staff show up as "on duty" instead.
    if identity.role == Role.SEEKER:
        await presence.enter(ctx.app.broker, ctx.conn, frame.fair, frame.booth)
    ctx.reply("presence.ok", fair=frame.fair, booth=frame.booth)


async def on_join(ctx: FrameContext, frame: QueueJoin) -> None:
    view = await _in_uow(
        ctx, lambda s: queues.join(s, identity=_identity(ctx), booth_id=frame.booth)
    )
    ctx.reply("queue.ticket", **view.frame())


async def on_leave(ctx: FrameContext, frame: QueueLeave) -> None:
    await _in_uow(ctx, lambda s: queues.leave(s, identity=_identity(ctx), booth_id=frame.booth))
    ctx.reply("queue.left", booth=frame.booth)


async def on_state(ctx: FrameContext, frame: QueueState) -> None:
    async with unit_of_work(ctx.app.db, ctx.app.broker) as uow:
        if _identity(ctx).role == Role.SEEKER:
            view, facts = await queues.state(
                uow.session, identity=_identity(ctx), booth_id=frame.booth
            )
        else:
            view, facts = None, await queues.public_facts(uow.session, frame.booth)
    if view is None:
        ctx.reply("queue.facts", booth=frame.booth, **facts.public())
    else:
        ctx.reply("queue.ticket", **view.frame())


async def on_accept(ctx: FrameContext, frame: QueueAccept) -> None:
    conversation = await _in_uow(
        ctx, lambda s: queues.accept(s, identity=_identity(ctx), booth_id=frame.booth)
    )
    ctx.reply("queue.accepted", booth=frame.booth, conversation=conversation.id)


async def on_follow_up(ctx: FrameContext, frame: QueueFollowUp) -> None:
    view = await _in_uow(
        ctx, lambda s: queues.ask_follow_up(s, identity=_identity(ctx), booth_id=frame.booth)
    )
    ctx.reply("queue.ticket", **view.frame())


async def on_call_next(ctx: FrameContext, frame: QueueCallNext) -> None:
    result = await _in_uow(
        ctx,
        lambda s: queues.call_next(
            s, ctx.app.broker, identity=_identity(ctx), booth_id=frame.booth
        ),
    )
    assert result.ticket is not None
    ctx.reply(
        "queue.called",
        booth=frame.booth,
        seq=result.ticket.seq,
        seeker=result.seeker_name,
        lapsed=result.lapsed,
        skipped_busy=result.skipped_busy,
    )


async def on_duty(ctx: FrameContext, frame: BoothDuty) -> None:
    async def action(session: AsyncSession) -> None:
        await booths.set_on_duty(
            session, identity=_identity(ctx), booth_id=frame.booth, on_duty=frame.on
        )
        # The line's staff figures changed: one event so waiting seekers see new estimates.
        await queues.open_line_facts_changed(session, frame.booth)

    await _in_uow(ctx, action)
    ctx.reply("booth.duty", booth=frame.booth, on=frame.on)


# -- channel policies -------------------------------------------------------------------


def _id(rest: str) -> int | None:
    return int(rest) if rest.isdigit() and len(rest) < 10 else None


async def fair_policy(session: AsyncSession, identity: Identity, rest: str) -> bool:
    fair_id = _id(rest)
    if fair_id is None:
        return False
    try:
        await fairs.visible_fair(session, identity, fair_id)
    except AppError:
        return False
    return True


async def queue_policy(session: AsyncSession, identity: Identity, rest: str) -> bool:
    """The booth's staff, or anyone while the booth is public (the same rule as joining)."""
    booth_id = _id(rest)
    if booth_id is None:
        return False
    booth = await session.get(Booth, booth_id)
    if booth is None:
        return False
    if booths.is_staff(identity, booth):
        return True
    try:
        await booths.public_booth(session, booth_id)
    except AppError:
        return False
    return True


async def booth_policy(session: AsyncSession, identity: Identity, rest: str) -> bool:
    booth_id = _id(rest)
    if booth_id is None:
        return False
    booth = await session.get(Booth, booth_id)
    return booth is not None and booths.is_staff(identity, booth)


async def conversation_policy(session: AsyncSession, identity: Identity, rest: str) -> bool:
    conversation_id = _id(rest)
    return conversation_id is not None and await conversations.may_see(
        session, identity, conversation_id
    )


# -- socket life ------------------------------------------------------------------------
# The place in a line belongs to the person: their sockets keep a "seen" key alive, and
# a closed socket leaves it for the grace period.
_SEEN_TTL = queues.GRACE.total_seconds() + 30


async def _connected(conn: Connection, app: AppContext) -> None:
    if conn.identity.role == Role.SEEKER:
        await queues.mark_seen(app.broker, conn.identity.id, ttl=_SEEN_TTL)


async def _pinged(conn: Connection, app: AppContext) -> None:
    if conn.identity.role == Role.SEEKER:
        await queues.mark_seen(app.broker, conn.identity.id, ttl=_SEEN_TTL)
        await presence.refresh(app.broker, conn)


async def _closed(conn: Connection, app: AppContext) -> None:
    await presence.leave(app.broker, conn)
    if conn.identity.role == Role.SEEKER:
        await queues.mark_seen(app.broker, conn.identity.id, ttl=queues.GRACE.total_seconds())


def register_fair_gateway(dispatcher: Dispatcher, channels: Channels, lifecycle: Lifecycle) -> None:
    dispatcher.register(Presence, on_presence)
    dispatcher.register(QueueJoin, on_join)
    dispatcher.register(QueueLeave, on_leave)
    dispatcher.register(QueueState, on_state)
    dispatcher.register(QueueAccept, on_accept)
    dispatcher.register(QueueFollowUp, on_follow_up)
    dispatcher.register(QueueCallNext, on_call_next)
    dispatcher.register(BoothDuty, on_duty)
    register_chat_frames(dispatcher)
    channels.register("fair", fair_policy)
    channels.register("queue", queue_policy)
    channels.register("booth", booth_policy)
    channels.register("conv", conversation_policy)
    lifecycle.on_connect.append(_connected)
    lifecycle.on_ping.append(_pinged)
    lifecycle.on_close.append(_closed)


__all__ = ["NotAllowed", "register_fair_gateway"]
