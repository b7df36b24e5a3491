"""Building blocks for the fair service tests: people, organizations, fairs, live postings.

Everything goes through the real services (a posting is submitted and approved by a
moderator; a booth is invited and accepted) except where a test needs many rows quickly
(:meth:`World.bulk_seekers`) or must move the clock (:func:`set_row`).
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import orjson
import sqlalchemy as sa
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity, load_identity
from app.auth.models import Organization, OrgMember, Role, User, Verification
from app.broker.memory import MemoryBroker
from app.db import Database, run_unit, utcnow
from app.fair import booths, fairs, postings, queues, seekers
from app.fair.models import Booth, Conversation, Fair, FairRegistration, SeekerProfile
from app.moderation import service as moderation
from tests.conftest import add_user, valid_uscc
from tests.fair.test_postings import CLEAN

T = TypeVar("T")
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# Long enough for any test; "seen" keys are what a seeker's open tab keeps alive.
SEEN_TTL = 3600.0

POSTING = CLEAN  # a posting that passes screening
PROFILE = {"full_name": "张三", "phone": "13800138000", "origin_province": "河南"}

_seeds = itertools.count(100)


def fair_fields(
    *,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    hours: tuple[str, str] = ("", ""),
    timezone: str = "Asia/Shanghai",
    seeker_capacity: int | None = None,
    booth_cap: int | None = None,
    title: str = "春风行动网络招聘会",
) -> fairs.FairFields:
    """A fair that is live now and around the clock unless told otherwise."""
    now = utcnow()
    return fairs.FairFields(
        title=title,
        description="",
        starts_at=starts_at or now - HOUR,
        ends_at=ends_at or now + 3 * DAY,
        timezone=timezone,
        daily_open=hours[0],
        daily_close=hours[1],
        district="",
        industry="",
        audience="general",
        seeker_capacity=seeker_capacity,
        booth_cap=booth_cap,
    )


async def set_row(db: Database, model: type[SQLModel], row_id: int, **values: Any) -> None:
    """Change a row behind the services' back: for moving the clock in a test."""
    async with db.sessions() as session:
        await session.exec(
            sa.update(model).where(col(model.id) == row_id).values(**values)  # type: ignore[attr-defined]
        )
        await session.commit()


@dataclass
class World:
    db: Database
    password_hash: str
    broker: MemoryBroker = field(init=False)
    # (channel, decoded payload) of every event published on a subscribed channel.
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    organizer: User = field(init=False)
    moderator: User = field(init=False)
    _identities: dict[int, Identity] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.broker = MemoryBroker(
            lambda channel, payload: self.events.append((channel, orjson.loads(payload)))
        )

    # -- running services -------------------------------------------------------------

    async def act(self, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """One unit of work, committed, as the frame handlers run it."""
        return await run_unit(self.db, self.broker, action)

    async def read(self, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self.db.sessions() as session:
            return await action(session)

    async def get(self, model: type[T], row_id: Any) -> T:
        async with self.db.sessions() as session:
            row = await session.get(model, row_id)
        assert row is not None
        return row

    async def who(self, user: User) -> Identity:
        """The user's identity as a signed-in request would load it (once per user)."""
        if user.id in self._identities:
            return self._identities[user.id or 0]
        async with self.db.sessions() as session:
            found = await load_identity(
                session, {"uid": user.id, "epoch": user.auth_epoch, "sid": "t"}
            )
        assert found is not None
        self._identities[found.id] = found
        return found

    async def listen(self, channel: str) -> None:
        await self.broker.subscribe(channel)

    def events_on(self, channel: str, event: str | None = None) -> list[dict[str, Any]]:
        return [
            payload
            for ch, payload in self.events
            if ch == channel and (event is None or payload["event"] == event)
        ]

    # -- people and organizations -----------------------------------------------------

    async def user(self, role: Role, name: str = "Test User") -> User:
        return await add_user(self.db, self.password_hash, role, name=name)

    async def org(
        self, name: str | None = None, *, verified: bool = True
    ) -> tuple[Organization, User]:
        """A new organization and its administrator."""
        admin = await self.user(Role.EMPLOYER, name="HR")
        seed = next(_seeds)
        async with self.db.sessions() as session:
            org = Organization(
                name=name or f"测试企业{seed}有限公司",
                uscc=valid_uscc(seed),
                created_by=admin.id or 0,
                description="一家正规企业。",
                verification=Verification.VERIFIED if verified else Verification.UNVERIFIED,
            )
            session.add(org)
            await session.flush()
            session.add(OrgMember(org_id=org.id or 0, user_id=admin.id or 0, is_admin=True))
            await session.commit()
        return org, admin

    async def staff(self, org: Organization, name: str = "招聘专员") -> User:
        """A colleague who is not an administrator of the organization."""
        user = await self.user(Role.EMPLOYER, name=name)
        async with self.db.sessions() as session:
            session.add(OrgMember(org_id=org.id or 0, user_id=user.id or 0, is_admin=False))
            await session.commit()
        return user

    async def seeker(
        self,
        name: str = "求职者",
        *,
        fair_id: int | None = None,
        complete: bool = True,
        around: bool = True,
    ) -> User:
        """A job seeker, with a complete profile, registered for ``fair_id``, online."""
        user = await self.user(Role.SEEKER, name=name)
        me = await self.who(user)
        if complete:
            await self.act(
                lambda s: seekers.update_profile(
                    s, identity=me, values=PROFILE | {"full_name": name}
                )
            )
        if fair_id is not None:
            await self.act(lambda s: fairs.register(s, identity=me, fair_id=fair_id))
        if around:
            await queues.mark_seen(self.broker, user.id or 0, ttl=SEEN_TTL)
        return user

    async def bulk_seekers(
        self,
        count: int = 0,
        *,
        names: Sequence[str] = (),
        fair_id: int | None = None,
        complete: bool = True,
    ) -> list[Identity]:
        """Many seekers in a few statements: online, with a complete profile and registered
        for ``fair_id`` unless told otherwise; named ``names`` or numbered."""
        names = list(names) or [f"求职者{n}" for n in range(count)]
        count = len(names)
        tag = uuid.uuid4().hex[:8]
        async with self.db.sessions() as session:
            await session.exec(
                sa.insert(User).values(
                    [
                        {
                            "email": f"bulk-{tag}-{n:04d}@example.com",
                            "display_name": name,
                            "password_hash": self.password_hash,
                            "role": Role.SEEKER,
                            "is_active": True,
                            "auth_epoch": 0,
                            "created_at": utcnow(),
                        }
                        for n, name in enumerate(names)
                    ]
                )
            )
            users = (
                await session.exec(
                    select(User)
                    .where(col(User.email).startswith(f"bulk-{tag}-"))
                    .order_by(col(User.id))
                )
            ).all()
            ids = [u.id for u in users]
            if complete:
                await session.exec(
                    sa.insert(SeekerProfile).values(
                        [
                            {"user_id": u.id, "full_name": u.display_name, "phone": "13800138000"}
                            | {"updated_at": utcnow()}
                            for u in users
                        ]
                    )
                )
            if fair_id is not None:
                await session.exec(
                    sa.insert(FairRegistration).values(
                        [
                            {"fair_id": fair_id, "user_id": uid, "created_at": utcnow()}
                            for uid in ids
                        ]
                    )
                )
                await session.exec(
                    sa.update(Fair)
                    .where(col(Fair.id) == fair_id)
                    .values(registered_count=col(Fair.registered_count) + count)
                )
            await session.commit()
        for uid in ids:
            await queues.mark_seen(self.broker, uid or 0, ttl=SEEN_TTL)
        found = [Identity(user=u, membership=None, session_id="t") for u in users]
        self._identities.update((me.id, me) for me in found)
        return found

    # -- fairs, booths and postings ----------------------------------------------------

    async def fair(self, *, publish: bool = True, **kwargs: Any) -> Fair:
        """A fair of :attr:`organizer`, live now and around the clock unless told otherwise."""
        me = await self.who(self.organizer)
        fields = fair_fields(**kwargs)
        fair = await self.act(lambda s: fairs.create_fair(s, identity=me, fields=fields))
        assert fair.id is not None
        if publish:
            fair = await self.act(lambda s: fairs.publish(s, identity=me, fair_id=fair.id or 0))
        return fair

    async def exhibit(self, fair: Fair, org: Organization, admin: User) -> Booth:
        """Invite the organization and have its administrator accept: an accepted booth."""
        organizer = await self.who(self.organizer)
        await self.act(
            lambda s: fairs.invite_org(
                s, identity=organizer, fair_id=fair.id or 0, org_id=org.id or 0
            )
        )
        me = await self.who(admin)
        booth = await self.act(
            lambda s: fairs.answer_invitation(s, identity=me, fair_id=fair.id or 0, accept=True)
        )
        assert booth.id is not None
        return booth

    async def on_duty(self, booth: Booth, user: User) -> Identity:
        me = await self.who(user)
        await self.act(
            lambda s: booths.set_on_duty(s, identity=me, booth_id=booth.id or 0, on_duty=True)
        )
        return me

    async def live_posting(self, employer: User, **fields: str) -> int:
        """Write, submit and have a moderator approve a posting; its id."""
        me = await self.who(employer)
        today = utcnow().date()

        async def write(session: AsyncSession) -> int:
            version = await postings.save_draft(
                session,
                identity=me,
                posting_id=None,
                fields=postings.clean_fields(POSTING | fields, today=today),
            )
            await postings.submit(session, identity=me, posting_id=version.posting_id)
            return version.posting_id

        posting_id = await self.act(write)
        moderator = await self.who(self.moderator)

        async def approve(session: AsyncSession) -> None:
            item = await moderation.claim_next(session, identity=moderator)
            assert item is not None
            assert item.id is not None
            await moderation.decide(
                session, identity=moderator, item_id=item.id, decision="approve"
            )

        await self.act(approve)
        return posting_id


async def make_world(db: Database, password_hash: str) -> World:
    world = World(db=db, password_hash=password_hash)
    world.organizer = await world.user(Role.ORGANIZER, name="主办方")
    world.moderator = await world.user(Role.MODERATOR, name="审核员")
    return world


@dataclass
class Line:
    """A live, around-the-clock fair with one accepted booth and a staff member on duty."""

    world: World
    fair: Fair
    org: Organization
    admin: User
    booth: Booth
    staff: Identity

    @property
    def booth_id(self) -> int:
        assert self.booth.id is not None
        return self.booth.id

    async def neighbour(self) -> Line:
        """Another organization's booth at the same fair, with its own staff on duty."""
        org, admin = await self.world.org()
        booth = await self.world.exhibit(self.fair, org, admin)
        staff = await self.world.on_duty(booth, await self.world.staff(org))
        return Line(
            world=self.world, fair=self.fair, org=org, admin=admin, booth=booth, staff=staff
        )

    async def seekers(self, *names: str, count: int = 0, **kwargs: Any) -> list[Identity]:
        """Online seekers with complete profiles, registered for the fair."""
        kwargs.setdefault("fair_id", self.fair.id)
        return await self.world.bulk_seekers(count, names=names, **kwargs)

    async def seeker(self, name: str = "求职者", **kwargs: Any) -> Identity:
        (me,) = await self.seekers(name, **kwargs)
        return me

    async def join(self, me: Identity, booth_id: int | None = None) -> queues.TicketView:
        return await self.world.act(
            lambda s: queues.join(s, identity=me, booth_id=booth_id or self.booth_id)
        )

    async def leave(self, me: Identity, booth_id: int | None = None) -> None:
        await self.world.act(
            lambda s: queues.leave(s, identity=me, booth_id=booth_id or self.booth_id)
        )

    async def state(self, me: Identity, booth_id: int | None = None) -> queues.TicketView | None:
        view, _ = await self.world.read(
            lambda s: queues.state(s, identity=me, booth_id=booth_id or self.booth_id)
        )
        return view

    async def call(
        self, staff: Identity | None = None, booth_id: int | None = None
    ) -> queues.CallResult:
        return await self.world.act(
            lambda s: queues.call_next(
                s,
                self.world.broker,
                identity=staff or self.staff,
                booth_id=booth_id or self.booth_id,
            )
        )

    async def accept(self, me: Identity, booth_id: int | None = None) -> Conversation:
        return await self.world.act(
            lambda s: queues.accept(s, identity=me, booth_id=booth_id or self.booth_id)
        )


async def make_line(world: World, **fair_kwargs: Any) -> Line:
    fair = await world.fair(**fair_kwargs)
    org, admin = await world.org()
    booth = await world.exhibit(fair, org, admin)
    staff = await world.on_duty(booth, await world.staff(org))
    return Line(world=world, fair=fair, org=org, admin=admin, booth=booth, staff=staff)
