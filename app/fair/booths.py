"""Booths: what an exhibiting organization shows, who staffs it, and how it answers.

A booth shows only live postings of its organization, and only while the organization is
verified: the same rule as everywhere a seeker looks (see app/fair/repository.py).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity, require_org_member
from app.auth.models import Organization, Role, User
from app.db import utcnow
from app.errors import Invalid, NotAllowed, NotFound
from app.fair import repository, search
from app.fair.fairs import fair_by_id
from app.fair.models import (
    Application,
    Booth,
    BoothPosting,
    BoothStaff,
    BoothStatus,
    Conversation,
    ConversationStatus,
    Fair,
    FairStatus,
    Posting,
    PostingVersion,
)
from app.fair.schedule import local_date, parse_hhmm

MAX_CONVERSATIONS = 4
# Applications older than this do not count towards a booth's response figures.
STATS_WINDOW = timedelta(days=365)


def booth_channel(booth_id: int) -> str:
    """Staff console events: the line with names, new applications."""
    return f"booth:{booth_id}"


def queue_channel(booth_id: int) -> str:
    """The public line: ticket numbers and counts only, never names."""
    return f"queue:{booth_id}"


async def booth_in_fair(session: AsyncSession, fair_id: int, booth_id: int) -> Booth:
    booth = await session.get(Booth, booth_id)
    if booth is None or booth.fair_id != fair_id:
        raise NotFound("No such booth.")
    return booth


async def public_booth(session: AsyncSession, booth_id: int) -> tuple[Booth, Fair, Organization]:
    """An accepted booth of a published fair: what seekers may visit."""
    booth = await session.get(Booth, booth_id)
    if booth is None or booth.status != BoothStatus.ACCEPTED:
        raise NotFound("No such booth.")
    fair = await fair_by_id(session, booth.fair_id)
    if fair.status != FairStatus.PUBLISHED:
        raise NotFound("No such booth.")
    org = await session.get(Organization, booth.org_id)
    assert org is not None
    return booth, fair, org


async def staff_booth(session: AsyncSession, identity: Identity | None, booth_id: int) -> Booth:
    """A booth of the caller's organization."""
    identity, org_id = require_org_member(identity)
    booth = await session.get(Booth, booth_id)
    if booth is None or booth.org_id != org_id or booth.status != BoothStatus.ACCEPTED:
        raise NotFound("No such booth.")
    return booth


def is_staff(identity: Identity | None, booth: Booth) -> bool:
    return (
        identity is not None and identity.role == Role.EMPLOYER and identity.org_id == booth.org_id
    )


async def org_booths(
    session: AsyncSession, identity: Identity | None
) -> Sequence[tuple[Booth, Fair]]:
    identity, org_id = require_org_member(identity)
    result = await session.exec(
        select(Booth, Fair)
        .join(Fair, col(Fair.id) == col(Booth.fair_id))
        .where(Booth.org_id == org_id)
        .order_by(col(Fair.starts_at).desc())
    )
    return [(b, f) for b, f in result.all()]


# -- what the booth shows -------------------------------------------------------------


async def booth_postings(
    session: AsyncSession, booth: Booth, *, today: date
) -> Sequence[tuple[Posting, PostingVersion, Organization]]:
    """The postings chosen for the booth that seekers may see now; none chosen means all
    of the organization's visible postings."""
    chosen = select(BoothPosting.posting_id).where(BoothPosting.booth_id == booth.id)
    has_choice = (await session.exec(chosen.limit(1))).first() is not None
    query = repository.visible_query(today).where(col(Posting.org_id) == booth.org_id)
    if has_choice:
        query = query.where(col(Posting.id).in_(chosen))
    result = await session.exec(query.order_by(col(PostingVersion.title)).limit(200))
    return [(p, v, o) for p, v, o in result.all()]


def _clean_video(raw: str) -> str:
    raw = raw.strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme != "https" or not parts.netloc or len(raw) > 300:
        raise Invalid("Enter a full https:// link to the video.", field="video_url")
    return raw


async def update_booth(
    session: AsyncSession,
    *,
    identity: Identity | None,
    booth_id: int,
    values: Mapping[str, str],
    posting_ids: Sequence[int],
) -> Booth:
    booth = await staff_booth(session, identity, booth_id)
    fair = await fair_by_id(session, booth.fair_id)
    intro = values.get("intro", "").strip()
    if len(intro) > 3000:
        raise Invalid("At most %(limit)s characters.", field="intro", limit=3000)
    video = _clean_video(values.get("video_url", ""))
    opens = parse_hhmm(values.get("hours_open", ""), "hours_open")
    closes = parse_hhmm(values.get("hours_close", ""), "hours_close")
    if bool(opens) != bool(closes):
        raise Invalid("Give both times, or neither to keep the fair's hours.", field="hours_close")
    if opens and closes <= opens:
        raise Invalid("Closing time must be after opening time.", field="hours_close")
    if opens and fair.daily_open and (opens < fair.daily_open or closes > fair.daily_close):
        raise Invalid(
            "Office hours must lie within the fair's hours, %(open)s to %(close)s.",
            field="hours_open",
            open=fair.daily_open,
            close=fair.daily_close,
        )
    follow_up_raw = values.get("follow_up_by", "").strip()
    follow_up = None
    if follow_up_raw:
        try:
            follow_up = date.fromisoformat(follow_up_raw)
        except ValueError:
            raise Invalid("Enter a date.", field="follow_up_by") from None
        if follow_up < local_date(utcnow(), fair.timezone):
            raise Invalid("The date must not be in the past.", field="follow_up_by")
    own = set((await session.exec(select(Posting.id).where(Posting.org_id == booth.org_id))).all())
    if not set(posting_ids) <= own:
        raise Invalid("Choose postings of your own organization.", field="postings")
    booth.intro = intro
    booth.video_url = video
    booth.hours_open, booth.hours_close = opens, closes
    booth.follow_up_by = follow_up
    session.add(booth)
    current = (
        await session.exec(select(BoothPosting).where(BoothPosting.booth_id == booth.id))
    ).all()
    for link in current:
        if link.posting_id not in posting_ids:
            await session.delete(link)
    for posting_id in set(posting_ids) - {link.posting_id for link in current}:
        session.add(BoothPosting(booth_id=booth_id, posting_id=posting_id))
    await session.flush()
    await search.index_booth(session, booth_id)
    return booth


async def chosen_posting_ids(session: AsyncSession, booth_id: int) -> set[int]:
    result = await session.exec(
        select(BoothPosting.posting_id).where(BoothPosting.booth_id == booth_id)
    )
    return set(result.all())


async def set_logo(
    session: AsyncSession, *, identity: Identity | None, booth_id: int, key: str
) -> Booth:
    booth = await staff_booth(session, identity, booth_id)
    booth.logo = key
    session.add(booth)
    return booth


def follow_up_date(booth: Booth, fair: Fair) -> date:
    """What seekers who cannot be seen are promised: the booth's date, else a week after
    the fair."""
    if booth.follow_up_by is not None:
        return booth.follow_up_by
    return local_date(fair.ends_at, fair.timezone) + timedelta(days=7)


# -- staff on duty ---------------------------------------------------------------------


async def set_on_duty(
    session: AsyncSession, *, identity: Identity | None, booth_id: int, on_duty: bool
) -> BoothStaff:
    booth = await staff_booth(session, identity, booth_id)
    assert identity is not None
    result = await session.exec(
        select(BoothStaff).where(BoothStaff.booth_id == booth.id, BoothStaff.user_id == identity.id)
    )
    staff = result.first() or BoothStaff(booth_id=booth_id, user_id=identity.id)
    staff.on_duty = on_duty
    staff.changed_at = utcnow()
    session.add(staff)
    await session.flush()
    return staff


@dataclass(slots=True)
class StaffMember:
    user_id: int
    name: str
    open_conversations: int

    @property
    def busy(self) -> bool:
        return self.open_conversations > 0

    @property
    def full(self) -> bool:
        return self.open_conversations >= MAX_CONVERSATIONS


async def staff_on_duty(session: AsyncSession, booth_id: int) -> list[StaffMember]:
    open_counts = (
        select(Conversation.staff_id, func.count().label("n"))
        .where(Conversation.status == ConversationStatus.OPEN)
        .group_by(col(Conversation.staff_id))
        .subquery()
    )
    result = await session.exec(
        select(User.id, User.display_name, func.coalesce(open_counts.c.n, 0))
        .join(BoothStaff, col(BoothStaff.user_id) == col(User.id))
        .outerjoin(open_counts, open_counts.c.staff_id == col(User.id))
        .where(BoothStaff.booth_id == booth_id, BoothStaff.on_duty == True)  # noqa: E712
        .order_by(col(User.display_name))
    )
    return [
        StaffMember(user_id=uid or 0, name=name, open_conversations=int(n))
        for uid, name, n in result.all()
    ]


async def is_on_duty(session: AsyncSession, booth_id: int, user_id: int) -> bool:
    result = await session.exec(
        select(BoothStaff.on_duty).where(
            BoothStaff.booth_id == booth_id, BoothStaff.user_id == user_id
        )
    )
    return bool(result.first())


# -- how the organization answers --------------------------------------------------------


@dataclass(slots=True)
class ResponseStats:
    """Shown on every booth: answered share of applications that are due or answered,
    and the median time to the first answer."""

    counted: int
    answered: int
    median_hours: float | None

    @property
    def rate(self) -> float | None:
        return None if self.counted == 0 else self.answered / self.counted


async def response_stats(session: AsyncSession, org_id: int, *, today: date) -> ResponseStats:
    now = utcnow()
    result = await session.exec(
        select(
            col(Application.created_at),
            col(Application.responded_at),
            col(Application.decision_due),
        ).where(
            Application.org_id == org_id,
            col(Application.created_at) >= now - STATS_WINDOW,
            Application.status != "withdrawn",
        )
    )
    counted = answered = 0
    hours: list[float] = []
    for created, responded, due in result.all():
        if responded is not None:
            counted += 1
            answered += 1
            hours.append((responded - created).total_seconds() / 3600)
        elif due < today:
            counted += 1
    return ResponseStats(
        counted=counted,
        answered=answered,
        median_hours=statistics.median(hours) if hours else None,
    )


async def require_booth_staff(
    session: AsyncSession, identity: Identity | None, booth_id: int
) -> Booth:
    """Like :func:`staff_booth`, for frame handlers that must refuse rather than hide."""
    try:
        return await staff_booth(session, identity, booth_id)
    except NotFound:
        raise NotAllowed("Only this booth's staff can do this.") from None


async def booth_showing(
    session: AsyncSession, fair_id: int, *, org_id: int, posting_id: int, today: date
) -> Booth:
    """The fair's accepted booth that shows this posting, or NotFound."""
    booth = (
        await session.exec(
            select(Booth).where(
                Booth.fair_id == fair_id,
                Booth.org_id == org_id,
                Booth.status == BoothStatus.ACCEPTED,
            )
        )
    ).first()
    if booth is not None:
        shown = await booth_postings(session, booth, today=today)
        if any(posting.id == posting_id for posting, _, _ in shown):
            return booth
    raise NotFound("This job is not available.")
