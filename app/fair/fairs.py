"""Fairs and their exhibitors: the organizer's rules, and the employer's side of exhibiting.

An organizer owns the fairs they create (an admin may act on any). Organizations exhibit
by invitation or by application; either side's "yes" to the other's request makes the booth
accepted, within the fair's booth cap. Seekers register within its capacity.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth import repository as accounts
from app.auth.identity import Identity, require_org_admin, require_org_member, require_role
from app.auth.models import Organization, Role, Verification
from app.db import dialect_of, insert_new, utcnow
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.fair import search
from app.fair.models import (
    Audience,
    Booth,
    BoothStatus,
    Fair,
    FairRegistration,
    FairStatus,
)
from app.fair.schedule import ZONES, Phase, parse_hhmm, parse_local, phase_of
from app.moderation import audit

MAX_DAYS = 31
TEXT_LIMITS = {"title": 120, "description": 5000, "district": 60, "industry": 60}


def fair_channel(fair_id: int) -> str:
    return f"fair:{fair_id}"


@dataclass(slots=True)
class FairFields:
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    daily_open: str
    daily_close: str
    district: str
    industry: str
    audience: str
    seeker_capacity: int | None
    booth_cap: int | None


def _count(raw: str, field: str, high: int) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= high:
        raise Invalid("Enter a whole number from 1 to %(high)s.", field=field, high=high)
    return int(raw)


def clean_fair(raw: Mapping[str, str]) -> FairFields:
    """Check the organizer's form; the first problem is reported against its field."""
    values = {name: raw.get(name, "").strip() for name in TEXT_LIMITS}
    for name, limit in TEXT_LIMITS.items():
        if len(values[name]) > limit:
            raise Invalid("At most %(limit)s characters.", field=name, limit=limit)
    if not values["title"]:
        raise Invalid("Give the fair a title.", field="title")
    tz = raw.get("timezone", "").strip() or ZONES[0]
    if tz not in ZONES:
        raise Invalid("Choose a time zone from the list.", field="timezone")
    starts_at = parse_local(raw.get("starts_at", ""), tz, "starts_at")
    ends_at = parse_local(raw.get("ends_at", ""), tz, "ends_at")
    if ends_at <= starts_at:
        raise Invalid("The fair must end after it starts.", field="ends_at")
    if ends_at - starts_at > timedelta(days=MAX_DAYS):
        raise Invalid("A fair lasts at most %(days)s days.", field="ends_at", days=MAX_DAYS)
    daily_open = parse_hhmm(raw.get("daily_open", ""), "daily_open")
    daily_close = parse_hhmm(raw.get("daily_close", ""), "daily_close")
    if bool(daily_open) != bool(daily_close):
        raise Invalid(
            "Give both opening and closing time, or neither for around the clock.",
            field="daily_close",
        )
    if daily_open and daily_close <= daily_open:
        raise Invalid("Closing time must be after opening time.", field="daily_close")
    audience = raw.get("audience", "").strip() or Audience.GENERAL
    if audience not in set(Audience):
        raise Invalid("Choose an audience from the list.", field="audience")
    return FairFields(
        title=values["title"],
        description=values["description"],
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=tz,
        daily_open=daily_open,
        daily_close=daily_close,
        district=values["district"],
        industry=values["industry"],
        audience=audience,
        seeker_capacity=_count(raw.get("seeker_capacity", ""), "seeker_capacity", 1_000_000),
        booth_cap=_count(raw.get("booth_cap", ""), "booth_cap", 5_000),
    )


def require_organizer(identity: Identity | None) -> Identity:
    return require_role(identity, Role.ORGANIZER, Role.ADMIN)


async def fair_by_id(session: AsyncSession, fair_id: int) -> Fair:
    fair = await session.get(Fair, fair_id)
    if fair is None:
        raise NotFound("No such fair.")
    return fair


async def own_fair(session: AsyncSession, identity: Identity | None, fair_id: int) -> Fair:
    """A fair the organizer may manage; others' fairs look like missing ones."""
    identity = require_organizer(identity)
    fair = await fair_by_id(session, fair_id)
    if identity.role != Role.ADMIN and fair.organizer_id != identity.id:
        raise NotFound("No such fair.")
    return fair


async def create_fair(
    session: AsyncSession, *, identity: Identity | None, fields: FairFields
) -> Fair:
    identity = require_organizer(identity)
    fair = Fair(organizer_id=identity.id, **asdict(fields))
    session.add(fair)
    await session.flush()
    audit.record(session, "fair_created", actor_id=identity.id, fair_id=fair.id)
    return fair


async def update_fair(
    session: AsyncSession, *, identity: Identity | None, fair_id: int, fields: FairFields
) -> Fair:
    fair = await own_fair(session, identity, fair_id)
    if phase_of(fair, utcnow()) in (Phase.ENDED, Phase.CANCELLED):
        raise Conflict("An ended or cancelled fair cannot be changed.")
    accepted = await accepted_booth_count(session, fair.id or 0)
    if fields.booth_cap is not None and fields.booth_cap < accepted:
        raise Invalid(
            "%(count)s booths are already accepted; the cap cannot be lower.",
            field="booth_cap",
            count=accepted,
        )
    if fields.seeker_capacity is not None and fields.seeker_capacity < fair.registered_count:
        raise Invalid(
            "%(count)s seekers are already registered; the capacity cannot be lower.",
            field="seeker_capacity",
            count=fair.registered_count,
        )
    for name, value in asdict(fields).items():
        setattr(fair, name, value)
    session.add(fair)
    return fair


async def set_banner(
    session: AsyncSession, *, identity: Identity | None, fair_id: int, key: str
) -> Fair:
    fair = await own_fair(session, identity, fair_id)
    fair.banner = key
    session.add(fair)
    return fair


async def publish(session: AsyncSession, *, identity: Identity | None, fair_id: int) -> Fair:
    fair = await own_fair(session, identity, fair_id)
    if fair.status != FairStatus.DRAFT:
        raise Conflict("Only a draft fair can be published.")
    if fair.ends_at <= utcnow():
        raise Conflict("This fair's end is in the past; change its dates first.")
    fair.status = FairStatus.PUBLISHED
    fair.published_at = utcnow()
    session.add(fair)
    audit.record(
        session, "fair_published", actor_id=require_organizer(identity).id, fair_id=fair_id
    )
    return fair


async def cancel(session: AsyncSession, *, identity: Identity | None, fair_id: int) -> Fair:
    fair = await own_fair(session, identity, fair_id)
    if phase_of(fair, utcnow()) in (Phase.ENDED, Phase.CANCELLED):
        raise Conflict("This fair has already ended.")
    fair.status = FairStatus.CANCELLED
    session.add(fair)
    audit.record(
        session, "fair_cancelled", actor_id=require_organizer(identity).id, fair_id=fair_id
    )
    return fair


async def organizer_fairs(session: AsyncSession, identity: Identity | None) -> Sequence[Fair]:
    identity = require_organizer(identity)
    query = select(Fair).order_by(col(Fair.starts_at).desc())
    if identity.role != Role.ADMIN:
        query = query.where(Fair.organizer_id == identity.id)
    return (await session.exec(query)).all()


async def public_fairs(session: AsyncSession, now: datetime) -> Sequence[Fair]:
    """Published fairs that have not ended, soonest first."""
    result = await session.exec(
        select(Fair)
        .where(Fair.status == FairStatus.PUBLISHED, col(Fair.ends_at) > now)
        .order_by(col(Fair.starts_at))
        .limit(100)
    )
    return result.all()


async def visible_fair(session: AsyncSession, identity: Identity | None, fair_id: int) -> Fair:
    """A fair anyone may see once published; drafts only to their organizer."""
    fair = await fair_by_id(session, fair_id)
    if fair.status == FairStatus.DRAFT and not (
        identity is not None and (identity.role == Role.ADMIN or identity.id == fair.organizer_id)
    ):
        raise NotFound("No such fair.")
    return fair


# -- exhibitors ------------------------------------------------------------------------


async def accepted_booth_count(session: AsyncSession, fair_id: int) -> int:
    result = await session.exec(
        select(func.count())
        .select_from(Booth)
        .where(Booth.fair_id == fair_id, Booth.status == BoothStatus.ACCEPTED)
    )
    return int(result.one())


async def _booth(session: AsyncSession, fair_id: int, org_id: int) -> Booth | None:
    result = await session.exec(
        select(Booth).where(Booth.fair_id == fair_id, Booth.org_id == org_id)
    )
    return result.first()


async def _accept(session: AsyncSession, fair: Fair, booth: Booth, from_status: str) -> None:
    """Accept within the cap: the count and the change are one statement, and on
    PostgreSQL the fair row is locked first, so two acceptances cannot both take the last
    place."""
    assert fair.id is not None
    assert booth.id is not None
    if dialect_of(session) == "postgresql":
        await session.exec(select(Fair.id).where(Fair.id == fair.id).with_for_update())
    accepted = (
        sa.select(func.count())
        .select_from(Booth)
        .where(col(Booth.fair_id) == fair.id, col(Booth.status) == BoothStatus.ACCEPTED)
        .scalar_subquery()
    )
    conditions = [col(Booth.id) == booth.id, col(Booth.status) == from_status]
    if fair.booth_cap is not None:
        conditions.append(accepted < fair.booth_cap)
    result = await session.exec(
        sa.update(Booth)
        .where(*conditions)
        .values(status=BoothStatus.ACCEPTED, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        await session.refresh(booth)
        if booth.status != from_status:
            raise Conflict("This request has already been answered.")
        raise Conflict("The fair has no free booth places left.")
    await session.refresh(booth)
    await search.index_booth(session, booth.id)


def _open_for_exhibitors(fair: Fair) -> None:
    if phase_of(fair, utcnow()) not in (Phase.DRAFT, Phase.UPCOMING, Phase.LIVE):
        raise Conflict("This fair has ended.")


async def invite_org(
    session: AsyncSession, *, identity: Identity | None, fair_id: int, org_id: int
) -> Booth:
    fair = await own_fair(session, identity, fair_id)
    _open_for_exhibitors(fair)
    org = await accounts.org_by_id(session, org_id)
    if org is None:
        raise NotFound("No such organization.")
    booth = await _booth(session, fair_id, org_id)
    if booth is None:
        booth = Booth(fair_id=fair_id, org_id=org_id, status=BoothStatus.INVITED)
    elif booth.status == BoothStatus.APPLIED:
        # They asked already: inviting them is saying yes.
        await _accept(session, fair, booth, BoothStatus.APPLIED)
        return booth
    elif booth.status in (BoothStatus.DECLINED, BoothStatus.WITHDRAWN):
        booth.status = BoothStatus.INVITED
    else:
        raise Conflict("This organization is already invited or exhibiting.")
    session.add(booth)
    await session.flush()
    return booth


async def decide_application(
    session: AsyncSession,
    *,
    identity: Identity | None,
    fair_id: int,
    booth_id: int,
    accept: bool,
) -> Booth:
    fair = await own_fair(session, identity, fair_id)
    booth = await session.get(Booth, booth_id)
    if booth is None or booth.fair_id != fair_id:
        raise NotFound("No such exhibitor.")
    if booth.status != BoothStatus.APPLIED:
        raise Conflict("This request has already been answered.")
    if accept:
        _open_for_exhibitors(fair)
        await _accept(session, fair, booth, BoothStatus.APPLIED)
    else:
        booth.status = BoothStatus.DECLINED
        booth.decided_at = utcnow()
        session.add(booth)
    return booth


async def set_free(
    session: AsyncSession, *, identity: Identity | None, fair_id: int, booth_id: int, free: bool
) -> Booth:
    await own_fair(session, identity, fair_id)
    booth = await session.get(Booth, booth_id)
    if booth is None or booth.fair_id != fair_id:
        raise NotFound("No such exhibitor.")
    booth.free = free
    session.add(booth)
    return booth


async def apply_to_exhibit(
    session: AsyncSession, *, identity: Identity | None, fair_id: int, free: bool = False
) -> Booth:
    """An organization asks for a booth (a small firm may ask for free participation)."""
    identity, org_id = require_org_admin(identity)
    fair = await fair_by_id(session, fair_id)
    if fair.status != FairStatus.PUBLISHED:
        raise NotFound("No such fair.")
    _open_for_exhibitors(fair)
    booth = await _booth(session, fair_id, org_id)
    if booth is None:
        booth = Booth(fair_id=fair_id, org_id=org_id, status=BoothStatus.APPLIED, free=free)
    elif booth.status == BoothStatus.INVITED:
        await _accept(session, fair, booth, BoothStatus.INVITED)
        return booth
    elif booth.status == BoothStatus.WITHDRAWN:
        booth.status = BoothStatus.APPLIED
        booth.free = free
    elif booth.status == BoothStatus.DECLINED:
        raise Conflict("The organizer has declined this organization for this fair.")
    else:
        raise Conflict("Your organization has already applied or is exhibiting.")
    session.add(booth)
    await session.flush()
    return booth


async def answer_invitation(
    session: AsyncSession, *, identity: Identity | None, fair_id: int, accept: bool
) -> Booth:
    identity, org_id = require_org_admin(identity)
    fair = await fair_by_id(session, fair_id)
    booth = await _booth(session, fair_id, org_id)
    if booth is None or booth.status != BoothStatus.INVITED:
        raise NotFound("There is no open invitation to this fair.")
    if accept:
        _open_for_exhibitors(fair)
        await _accept(session, fair, booth, BoothStatus.INVITED)
    else:
        booth.status = BoothStatus.DECLINED
        booth.decided_at = utcnow()
        session.add(booth)
    return booth


async def withdraw_booth(
    session: AsyncSession, *, identity: Identity | None, fair_id: int
) -> Booth:
    identity, org_id = require_org_admin(identity)
    booth = await _booth(session, fair_id, org_id)
    if booth is None or booth.status not in (BoothStatus.APPLIED, BoothStatus.ACCEPTED):
        raise NotFound("Your organization is not exhibiting at this fair.")
    booth.status = BoothStatus.WITHDRAWN
    booth.queue_open = False
    session.add(booth)
    return booth


@dataclass(slots=True)
class Exhibitor:
    booth: Booth
    org: Organization


async def exhibitors(
    session: AsyncSession, fair_id: int, *, statuses: Sequence[str] = (BoothStatus.ACCEPTED,)
) -> list[Exhibitor]:
    result = await session.exec(
        select(Booth, Organization)
        .join(Organization, col(Organization.id) == col(Booth.org_id))
        .where(Booth.fair_id == fair_id, col(Booth.status).in_(statuses))
        .order_by(col(Organization.name))
    )
    return [Exhibitor(booth=b, org=o) for b, o in result.all()]


async def invitable_orgs(session: AsyncSession, fair_id: int, query: str) -> Sequence[Organization]:
    """Verified organizations not yet linked to the fair, by name."""
    linked = select(Booth.org_id).where(
        Booth.fair_id == fair_id,
        col(Booth.status).in_((BoothStatus.INVITED, BoothStatus.APPLIED, BoothStatus.ACCEPTED)),
    )
    stmt = (
        select(Organization)
        .where(
            Organization.verification == Verification.VERIFIED,
            col(Organization.id).not_in(linked),
        )
        .order_by(col(Organization.name))
        .limit(50)
    )
    query = query.strip()[:60]
    if query:
        # Organization names are short and few; the name index is not worth a search table.
        stmt = stmt.where(col(Organization.name).contains(query, autoescape=True))
    return (await session.exec(stmt)).all()


@dataclass(slots=True)
class OrgFair:
    fair: Fair
    booth: Booth | None


async def fairs_for_org(session: AsyncSession, identity: Identity | None) -> list[OrgFair]:
    """Open fairs with this organization's booth, if any: where an employer applies."""
    identity, org_id = require_org_member(identity)
    now = utcnow()
    fairs = await public_fairs(session, now)
    booths = {
        b.fair_id: b
        for b in (await session.exec(select(Booth).where(Booth.org_id == org_id))).all()
    }
    return [OrgFair(fair=f, booth=booths.get(f.id or 0)) for f in fairs]


# -- registration --------------------------------------------------------------------


async def is_registered(session: AsyncSession, fair_id: int, user_id: int) -> bool:
    result = await session.exec(
        select(FairRegistration.id).where(
            FairRegistration.fair_id == fair_id, FairRegistration.user_id == user_id
        )
    )
    return result.first() is not None


async def register(session: AsyncSession, *, identity: Identity | None, fair_id: int) -> Fair:
    """Register a seeker; the capacity check and the count are one atomic update."""
    identity = require_role(identity, Role.SEEKER)
    fair = await fair_by_id(session, fair_id)
    if fair.status != FairStatus.PUBLISHED or phase_of(fair, utcnow()) == Phase.ENDED:
        raise Conflict("Registration for this fair is closed.")
    if await is_registered(session, fair_id, identity.id):
        return fair
    result = await session.exec(
        sa.update(Fair)
        .where(
            col(Fair.id) == fair_id,
            sa.or_(
                col(Fair.seeker_capacity).is_(None),
                col(Fair.registered_count) < col(Fair.seeker_capacity),
            ),
        )
        .values(registered_count=col(Fair.registered_count) + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict("This fair is full.", code="fair_full")
    if await insert_new(session, FairRegistration(fair_id=fair_id, user_id=identity.id)) is None:
        # Registered from another tab meanwhile: the caller's rollback undoes the count.
        raise Conflict("You are already registered for this fair.")
    await session.refresh(fair)
    return fair


async def require_registered(session: AsyncSession, identity: Identity, fair_id: int) -> None:
    if not await is_registered(session, fair_id, identity.id):
        raise NotAllowed("Register for this fair first.", code="not_registered")


async def booth_counts(session: AsyncSession, fair_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Booths per fair and status, in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if fair_ids:
        result = await session.exec(
            select(Booth.fair_id, Booth.status, func.count())
            .where(col(Booth.fair_id).in_(fair_ids))
            .group_by(col(Booth.fair_id), col(Booth.status))
        )
        for fair_id, status, n in result.all():
            counts[fair_id][status] = int(n)
    return counts
