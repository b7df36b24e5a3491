"""The core frames: ping, subscribe, unsubscribe."""

from __future__ import annotations

from app.db import unit_of_work
from app.errors import AppError, NotAllowed
from app.gateway.dispatch import Dispatcher, FrameContext
from app.gateway.protocol import Ping, Subscribe, Unsubscribe

MAX_CHANNELS_PER_SOCKET = 64


class TooManyChannels(AppError):
    code = "too_many_channels"


async def ping(ctx: FrameContext, frame: Ping) -> None:
    ctx.reply("pong")
    await ctx.app.lifecycle.run(ctx.app.lifecycle.on_ping, ctx.conn, ctx.app)


async def subscribe(ctx: FrameContext, frame: Subscribe) -> None:
    conn = ctx.conn
    if frame.channel in conn.channels:
        ctx.reply("subscribed", channel=frame.channel)
        return
    if len(conn.channels) >= MAX_CHANNELS_PER_SOCKET:
        raise TooManyChannels("Too many subscriptions on one connection.")
    async with unit_of_work(ctx.app.db, ctx.app.broker) as uow:
        allowed = await ctx.app.channels.allowed(uow.session, conn.identity, frame.channel)
    if not allowed:
        raise NotAllowed("You may not subscribe to this channel.", code="channel_not_allowed")
    conn.channels.add(frame.channel)
    await ctx.app.hub.join(frame.channel, conn)
    ctx.reply("subscribed", channel=frame.channel)


async def unsubscribe(ctx: FrameContext, frame: Unsubscribe) -> None:
    ctx.conn.channels.discard(frame.channel)
    ctx.app.hub.leave(frame.channel, ctx.conn.feeds.pop(frame.channel, ctx.conn))
    ctx.reply("unsubscribed", channel=frame.channel)


def register_core_frames(dispatcher: Dispatcher) -> None:
    dispatcher.register(Ping, ping)
    dispatcher.register(Subscribe, subscribe)
    dispatcher.register(Unsubscribe, unsubscribe)
