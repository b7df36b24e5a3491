"""Live counts of job seekers in a fair and at each of its booths.

Each seeker's socket says where it is (lobby or a booth) and keeps one member in the
fair's expiring set in the broker, refreshed on every heartbeat and removed on close; a
crashed node's members simply expire. Every node reads the set at most once a second per
fair that has local watchers and pushes the counts to its own sockets only: no broadcast
per visitor movement, and no node-to-node traffic for presence at all.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import weakref
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import orjson
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.models import User
from app.broker import Broker
from app.events import encode_event
from app.gateway.connection import Connection
from app.gateway.hub import Hub, Subscriber

log = logging.getLogger(__name__)

TTL_S = 60.0  # a member lives this long after its socket's last heartbeat
PUSH_EVERY_S = 1.0
RESEND_EVERY_S = 15.0  # unchanged counts are pushed again now and then, for safety
NODE = secrets.token_hex(4)  # tells members of different nodes' sockets apart
_STATE = "fair.presence"


def presence_key(fair_id: int) -> str:
    return f"presence:{fair_id}"


def _member(conn: Connection, booth_id: int | None) -> str:
    return f"{conn.identity.id}:{booth_id or 0}:{NODE}.{conn.id}"


@dataclass(slots=True)
class Counts:
    fair: int = 0
    booths: dict[int, int] = field(default_factory=dict)

    def data(self) -> dict[str, object]:
        return {"fair": self.fair, "booths": {str(k): v for k, v in self.booths.items()}}


def count(members: set[str]) -> Counts:
    """Distinct people per fair and per booth; a person with two tabs counts once."""
    people: set[str] = set()
    at_booth: dict[int, set[str]] = defaultdict(set)
    for member in members:
        user, _, rest = member.partition(":")
        booth, _, _ = rest.partition(":")
        people.add(user)
        if booth.isdigit() and booth != "0":
            at_booth[int(booth)].add(user)
    return Counts(fair=len(people), booths={b: len(u) for b, u in at_booth.items()})


async def counts_of(broker: Broker, fair_id: int) -> Counts:
    return count(await broker.members(presence_key(fair_id)))


async def enter(broker: Broker, conn: Connection, fair_id: int, booth_id: int | None) -> None:
    """The socket's visitor is now in the fair's lobby (booth None) or at a booth."""
    await leave(broker, conn)
    member = _member(conn, booth_id)
    await broker.touch_member(presence_key(fair_id), member, ttl=TTL_S)
    conn.state[_STATE] = (fair_id, member)


async def refresh(broker: Broker, conn: Connection) -> None:
    where = conn.state.get(_STATE)
    if where is not None:
        await broker.touch_member(presence_key(where[0]), where[1], ttl=TTL_S)


async def leave(broker: Broker, conn: Connection) -> None:
    where = conn.state.pop(_STATE, None)
    if where is not None:
        await broker.remove_member(presence_key(where[0]), where[1])


@dataclass(slots=True)
class _Pushed:
    body: bytes
    at: float
    # The local subscribers that got ``body``. Weak references, not id(): a reloaded tab's
    # new socket may reuse the old one's address, and must still count as new.
    audience: frozenset[weakref.ref[Subscriber]]


class PresencePusher:
    """Per node: push counts to the local watchers of ``fair:<id>`` channels, when they
    change or when someone starts watching (a page just opened must not wait for a change)."""

    def __init__(self, hub: Hub, broker: Broker) -> None:
        self.hub = hub
        self.broker = broker
        self._last: dict[int, _Pushed] = {}

    async def push_once(self, now: float) -> None:
        watched = {
            int(channel[5:]): frozenset(map(weakref.ref, subscribers))
            for channel, subscribers in self.hub.channels.items()
            if subscribers and channel.startswith("fair:") and channel[5:].isdigit()
        }
        for fair_id, audience in watched.items():
            counts = await counts_of(self.broker, fair_id)
            body = orjson.dumps(counts.data())
            last = self._last.get(fair_id)
            if (
                last is not None
                and last.body == body
                and audience <= last.audience
                and now - last.at < RESEND_EVERY_S
            ):
                continue
            self._last[fair_id] = _Pushed(body, now, audience)
            channel = f"fair:{fair_id}"
            self.hub.on_message(channel, encode_event(channel, "presence", counts.data()))
        for fair_id in set(self._last) - set(watched):
            del self._last[fair_id]

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(PUSH_EVERY_S)
            try:
                await self.push_once(loop.time())
            except Exception:
                log.exception("pushing presence counts failed")


MAX_VISITOR_NAMES = 100


def booth_visitors(members: Iterable[str], booth_id: int) -> set[int]:
    """User ids among presence members ("uid:booth:conn") standing at this booth."""
    found: set[int] = set()
    for member in members:
        uid, _, rest = member.partition(":")
        booth, _, _ = rest.partition(":")
        if uid.isdigit() and booth == str(booth_id):
            found.add(int(uid))
    return found


async def visitors_at(
    session: AsyncSession, broker: Broker, fair_id: int, booth_id: int
) -> Sequence[str]:
    """Display names of the job seekers at the booth now, from the fair's presence set."""
    ids = booth_visitors(await broker.members(presence_key(fair_id)), booth_id)
    if not ids:
        return []
    result = await session.exec(
        select(User.display_name)
        .where(col(User.id).in_(sorted(ids)[:MAX_VISITOR_NAMES]))
        .order_by(col(User.display_name))
    )
    return result.all()
