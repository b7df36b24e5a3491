"""A live fair built through the services, a WebSocket client that waits for frames, and
a live server holding that fair.

Shared by the one-node and the two-node WebSocket tests of queues, presence and chat.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import orjson
from websockets.asyncio.client import ClientConnection, connect

from app.auth.identity import Identity, load_identity
from app.auth.models import Organization, Role, User, Verification
from app.db import Database, utcnow
from app.fair import fairs, postings, seekers
from app.moderation import service as moderation
from tests.conftest import add_org, add_user
from tests.fair.test_postings import CLEAN
from tests.support import Live, cookie_header, live_server, login, settings_for

TIMEOUT = 8.0
Frame = dict[str, Any]
SEEKERS = ("s1", "s2", "s3")


@dataclass
class FairWorld:
    """One fair, live around the clock, with two accepted booths and registered seekers.

    ``staff`` works for the verified organization of ``booth`` (which has a live posting);
    ``rival`` is the admin of another exhibitor, ``rival_booth``.
    """

    fair: int
    booth: int
    rival_booth: int
    users: dict[str, User]

    def uid(self, who: str) -> int:
        user_id = self.users[who].id
        assert user_id is not None
        return user_id


async def _identity(db: Database, user: User) -> Identity:
    async with db.sessions() as session:
        found = await load_identity(
            session, {"uid": user.id, "epoch": user.auth_epoch, "sid": "factory"}
        )
    assert found is not None
    return found


async def _verified_org(db: Database, admin: User, seed: int, name: str) -> Organization:
    org = await add_org(db, admin, seed=seed, name=name)
    async with db.sessions() as session:
        stored = await session.get(Organization, org.id)
        assert stored is not None
        stored.verification = Verification.VERIFIED
        stored.description = "北京一家办公设备销售公司，成立于2010年。"
        session.add(stored)
        await session.commit()
    return org


async def _live_posting(db: Database, staff: User, moderator: User) -> int:
    employer = await _identity(db, staff)
    async with db.sessions() as session:
        version = await postings.save_draft(
            session,
            identity=employer,
            posting_id=None,
            fields=postings.clean_fields(CLEAN, today=utcnow().date()),
        )
        await postings.submit(session, identity=employer, posting_id=version.posting_id)
        await session.commit()
    reviewer = await _identity(db, moderator)
    async with db.sessions() as session:
        item = await moderation.claim_next(session, identity=reviewer)
        assert item is not None
        assert item.id is not None
        await moderation.decide(session, identity=reviewer, item_id=item.id, decision="approve")
        await session.commit()
    return version.posting_id


async def _exhibit(db: Database, fair_id: int, employer: User, organizer: User) -> int:
    async with db.sessions() as session:
        booth = await fairs.apply_to_exhibit(
            session, identity=await _identity(db, employer), fair_id=fair_id
        )
        assert booth.id is not None
        await fairs.decide_application(
            session,
            identity=await _identity(db, organizer),
            fair_id=fair_id,
            booth_id=booth.id,
            accept=True,
        )
        await session.commit()
        return booth.id


async def _fair(db: Database, organizer: User, *, publish: bool) -> int:
    """A fair live from five minutes ago until tomorrow, open around the clock."""
    now = utcnow()
    identity = await _identity(db, organizer)
    async with db.sessions() as session:
        fair = await fairs.create_fair(
            session,
            identity=identity,
            fields=fairs.FairFields(
                title="春季线上招聘会",
                description="",
                starts_at=now - timedelta(minutes=5),
                ends_at=now + timedelta(days=1),
                timezone="Asia/Shanghai",
                daily_open="",
                daily_close="",
                district="",
                industry="",
                audience="general",
                seeker_capacity=None,
                booth_cap=None,
            ),
        )
        assert fair.id is not None
        fair_id = fair.id
        if publish:
            await fairs.publish(session, identity=identity, fair_id=fair_id)
        await session.commit()
    return fair_id


async def build_fair(db: Database, password_hash: str) -> FairWorld:
    """The data every queue and presence test starts from, made by the real services."""
    users = {
        "organizer": await add_user(db, password_hash, Role.ORGANIZER, email="org@example.com"),
        "moderator": await add_user(db, password_hash, Role.MODERATOR, email="mod@example.com"),
        "staff": await add_user(
            db, password_hash, Role.EMPLOYER, email="staff@example.com", name="招聘专员"
        ),
        "rival": await add_user(db, password_hash, Role.EMPLOYER, email="rival@example.com"),
    }
    await _verified_org(db, users["staff"], 1, "明德办公设备有限公司")
    await _verified_org(db, users["rival"], 2, "竞争对手科技有限公司")
    await _live_posting(db, users["staff"], users["moderator"])
    fair_id = await _fair(db, users["organizer"], publish=True)
    booth = await _exhibit(db, fair_id, users["staff"], users["organizer"])
    rival_booth = await _exhibit(db, fair_id, users["rival"], users["organizer"])
    for n, who in enumerate(SEEKERS, start=1):
        user = await add_user(
            db, password_hash, Role.SEEKER, email=f"{who}@example.com", name=f"求职者{n}"
        )
        users[who] = user
        seeker = await _identity(db, user)
        async with db.sessions() as session:
            await seekers.update_profile(
                session,
                identity=seeker,
                values={"full_name": f"求职者{n}", "phone": f"1390000010{n}"},
            )
            await fairs.register(session, identity=seeker, fair_id=fair_id)
            await session.commit()
    return FairWorld(fair=fair_id, booth=booth, rival_booth=rival_booth, users=users)


async def unpublished_booth(db: Database, world: FairWorld) -> int:
    """The rival's accepted booth (invited, and the invitation accepted) in a draft fair."""
    fair_id = await _fair(db, world.users["organizer"], publish=False)
    rival = await _identity(db, world.users["rival"])
    async with db.sessions() as session:
        assert rival.org_id is not None
        await fairs.invite_org(
            session,
            identity=await _identity(db, world.users["organizer"]),
            fair_id=fair_id,
            org_id=rival.org_id,
        )
        booth = await fairs.answer_invitation(session, identity=rival, fair_id=fair_id, accept=True)
        await session.commit()
        assert booth.id is not None
        return booth.id


async def cookie_for(base_url: str, who: str) -> str:
    """Log in over HTTP as ``who`` (their e-mail is ``<who>@example.com``)."""
    async with httpx.AsyncClient(base_url=base_url) as client:
        response = await login(client, f"{who}@example.com")
        assert response.status_code == 303, response.text
        return cookie_header(client)


@dataclass
class Client:
    """One socket: frames not yet asked for wait in ``backlog``, in arrival order."""

    ws: ClientConnection
    hello: Frame
    backlog: list[Frame] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @classmethod
    async def open(cls, ws_url: str, origin: str, cookie: str) -> Client:
        ws = await connect(
            ws_url, additional_headers={"Cookie": cookie, "Origin": origin}, compression=None
        )
        hello = orjson.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
        assert hello["type"] == "hello", hello
        return cls(ws, hello)

    @property
    def user_id(self) -> int:
        return int(self.hello["user"]["id"])

    async def send(self, frame: Frame | str) -> None:
        await self.ws.send(frame if isinstance(frame, str) else orjson.dumps(frame).decode())

    async def expect(self, match: Callable[[Frame], bool], within: float = TIMEOUT) -> Frame:
        """The first frame (waiting, or arriving within ``within`` seconds) that matches."""
        for index, frame in enumerate(self.backlog):
            if match(frame):
                return self.backlog.pop(index)
        try:
            async with asyncio.timeout(within):
                while True:
                    frame = orjson.loads(await self.ws.recv())
                    if match(frame):
                        return frame
                    self.backlog.append(frame)
        except TimeoutError:
            raise AssertionError(
                f"no matching frame within {within} s; received meanwhile: {self.backlog}"
            ) from None

    async def request(self, frame: Frame) -> Frame:
        """Send with a fresh id; the reply or error frame that carries it."""
        request_id = next(self._ids)
        await self.send(frame | {"id": request_id})
        return await self.expect(lambda reply: reply.get("id") == request_id)

    async def ok(self, frame: Frame, reply_type: str) -> Frame:
        reply = await self.request(frame)
        assert reply["type"] == reply_type, reply
        return reply

    async def subscribe(self, channel: str) -> None:
        await self.ok({"type": "subscribe", "channel": channel}, "subscribed")

    async def event(
        self, name: str, where: Callable[[Frame], bool] = lambda data: True, within: float = TIMEOUT
    ) -> Frame:
        """The data of the next ``name`` event for which ``where(data)`` holds."""
        frame = await self.expect(
            lambda f: f["type"] == "event" and f["event"] == name and where(f["data"]), within
        )
        data: Frame = frame["data"]
        return data

    async def close(self) -> None:
        await self.ws.close()


@dataclass
class WsSite:
    """A live server on a database holding :func:`build_fair`; sockets by person."""

    live: Live
    world: FairWorld
    cookies: dict[str, str] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)

    async def socket(self, who: str) -> Client:
        if who not in self.cookies:
            self.cookies[who] = await cookie_for(self.live, who)
        client = await Client.open(self.live.ws_url, self.live, self.cookies[who])
        self.clients.append(client)
        return client


@asynccontextmanager
async def ws_site(db_url: str, password_hash: str) -> AsyncIterator[WsSite]:
    db = Database(db_url)
    try:
        world = await build_fair(db, password_hash)
    finally:
        await db.dispose()
    async with live_server(settings_for(db_url)) as live:
        site = WsSite(live, world)
        try:
            yield site
        finally:
            for client in site.clients:
                await client.close()
