"""Booth queues: first come, first served, stored in the database, owned by the person.

- Numbers come from an atomic increment on the booth row, so concurrent joins get
  distinct, gap-free numbers; every change of a line also bumps the booth's line version
  and so runs one at a time per booth.
- A ticket belongs to the seeker, not to a socket. Whether they are around is a broker
  key every socket of theirs refreshes (see :func:`mark_seen`); it outlives a closed tab by
  the grace period. Someone away longer loses the place only when their turn comes.
- When the line changes, one event goes to ``queue:<booth>`` with the numbers that left;
  each client keeps its own position from that (see frontend/static/js/queue.js). A client
  that sees a gap in the version asks for a fresh state.
- "Call next" invites the first waiting seeker who is free; a seeker busy in another
  conversation (or holding another call) keeps the place and is invited when free.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity
from app.auth.models import Organization, User
from app.auth.service import user_channel
from app.broker import Broker
from app.db import dialect_of, insert_new, keep_on_refusal, utcnow
from app.errors import Conflict, NotFound
from app.events import emit
from app.fair import booths as booth_rules
from app.fair.conversations import MAX_OPEN_PER_STAFF, seeker_busy, staff_load
from app.fair.fairs import fair_by_id, require_registered
from app.fair.models import (
    ACTIVE_TICKET,
    Booth,
    Conversation,
    ConversationOrigin,
    ConversationStatus,
    Fair,
    QueueTicket,
    ShareVia,
    TicketStatus,
)
from app.fair.schedule import closes_at
from app.fair.seekers import profile_complete, profile_of, require_seeker, share_with

INVITE_TTL = timedelta(seconds=60)
GRACE = timedelta(minutes=2)
MAX_QUEUES = 3
DEFAULT_SERVICE_S = 300
SERVICE_SAMPLE = 20
CANDIDATES = 50  # how far down the line "call next" looks for someone free


class QueueError(Conflict):
    code = "queue"


# -- is the seeker around? ------------------------------------------------------------


def seen_key(user_id: int) -> str:
    return f"seen:{user_id}"


async def mark_seen(broker: Broker, user_id: int, *, ttl: float) -> None:
    """Called by every socket of the user on connect, on each ping and on close (with
    the grace period as ttl): the key lives while any tab is open, then ``GRACE``."""
    await broker.set(seen_key(user_id), b"1", ttl=ttl)


async def is_around(broker: Broker, user_id: int) -> bool:
    return await broker.get(seen_key(user_id)) is not None


async def _lock_seeker(session: AsyncSession, seeker_id: int, *, skip_locked: bool = False) -> bool:
    """Serialise changes to one seeker's tickets across booths (a line's own changes are
    serialised by its booth row). False if ``skip_locked`` and someone else holds the lock.
    SQLite needs none: after the line's bump the transaction holds the one write lock."""
    if dialect_of(session) != "postgresql":
        return True
    # NO KEY UPDATE: not blocked by (nor blocking) inserts that merely refer to the seeker.
    result = await session.exec(
        select(User.id)
        .where(User.id == seeker_id)
        .with_for_update(key_share=True, skip_locked=skip_locked)
    )
    return result.first() is not None


# -- the line as everyone sees it --------------------------------------------------------


@dataclass(slots=True)
class LineFacts:
    version: int
    waiting: int
    staff_on_duty: int
    staff_busy: int
    avg_service_s: int
    open: bool
    closes_at: datetime | None

    def eta_s(self, ahead: int) -> int | None:
        """Expected wait for someone with ``ahead`` people before them."""
        if self.staff_on_duty == 0:
            return None
        return (ahead * self.avg_service_s) // self.staff_on_duty

    def public(self) -> dict[str, Any]:
        return {
            "v": self.version,
            "waiting": self.waiting,
            "staff_on_duty": self.staff_on_duty,
            "staff_busy": self.staff_busy,
            "avg_service_s": self.avg_service_s,
            "open": self.open,
            "closes_at": self.closes_at.isoformat() if self.closes_at else None,
        }


async def _avg_service_s(session: AsyncSession, booth_id: int) -> int:
    result = await session.exec(
        select(Conversation.started_at, Conversation.ended_at)
        .where(
            Conversation.booth_id == booth_id,
            Conversation.origin == ConversationOrigin.QUEUE,
            col(Conversation.ended_at).is_not(None),
        )
        .order_by(col(Conversation.ended_at).desc())
        .limit(SERVICE_SAMPLE)
    )
    durations = [
        (ended - started).total_seconds() for started, ended in result.all() if ended is not None
    ]
    if not durations:
        return DEFAULT_SERVICE_S
    return int(min(3600, max(60, sum(durations) / len(durations))))


async def _waiting_count(session: AsyncSession, booth_id: int) -> int:
    result = await session.exec(
        select(func.count())
        .select_from(QueueTicket)
        .where(QueueTicket.booth_id == booth_id, col(QueueTicket.status).in_(ACTIVE_TICKET))
    )
    return int(result.one())


@dataclass(slots=True, frozen=True)
class StaffFacts:
    """What the estimate needs besides the line itself; read outside the line's lock."""

    on_duty: int
    busy: int
    avg_service_s: int


async def staff_facts(session: AsyncSession, booth_id: int) -> StaffFacts:
    staff = await booth_rules.staff_on_duty(session, booth_id)
    return StaffFacts(
        on_duty=len(staff),
        busy=sum(1 for member in staff if member.busy),
        avg_service_s=await _avg_service_s(session, booth_id),
    )


async def line_facts(
    session: AsyncSession,
    booth: Booth,
    fair: Fair,
    now: datetime,
    staff: StaffFacts | None = None,
) -> LineFacts:
    assert booth.id is not None
    staff = staff or await staff_facts(session, booth.id)
    closing = closes_at(fair, booth, now)
    return LineFacts(
        version=booth.queue_version,
        waiting=await _waiting_count(session, booth.id),
        staff_on_duty=staff.on_duty,
        staff_busy=staff.busy,
        avg_service_s=staff.avg_service_s,
        open=booth.queue_open and closing is not None,
        closes_at=closing,
    )


async def _bump(
    session: AsyncSession, booth_id: int, *, take_number: bool = False
) -> tuple[int, int]:
    """Lock the line: one atomic increment of the version (and the ticket counter)."""
    values: dict[str, Any] = {"queue_version": col(Booth.queue_version) + 1}
    if take_number:
        values["queue_seq"] = col(Booth.queue_seq) + 1
    result = await session.exec(
        sa.update(Booth)
        .where(col(Booth.id) == booth_id)
        .values(**values)
        .returning(col(Booth.queue_seq), col(Booth.queue_version))
        .execution_options(synchronize_session=False)
    )
    seq, version = result.one()
    return int(seq), int(version)


async def _announce(
    session: AsyncSession,
    booth: Booth,
    fair: Fair,
    *,
    version: int,
    left: Sequence[int] = (),
    joined: int | None = None,
    invited: int | None = None,
    staff: StaffFacts | None = None,
) -> LineFacts:
    """One event per change to everyone watching the line, and a nudge to the console."""
    assert booth.id is not None
    # The row already holds this version (set by _bump); record it without a second UPDATE.
    set_committed_value(booth, "queue_version", version)
    facts = await line_facts(session, booth, fair, utcnow(), staff)
    data = facts.public() | {"left": list(left), "joined": joined, "invited": invited}
    emit(session, booth_rules.queue_channel(booth.id), "queue.moved", data)
    emit(session, booth_rules.booth_channel(booth.id), "queue.changed", {"v": version})
    return facts


# -- a seeker's ticket ---------------------------------------------------------------------


@dataclass(slots=True)
class TicketView:
    booth_id: int
    seq: int
    status: str
    ahead: int
    facts: LineFacts
    invited_at: datetime | None
    conversation_id: int | None
    follow_up_by: date | None

    def frame(self) -> dict[str, Any]:
        expires = self.invited_at + INVITE_TTL if self.invited_at else None
        return self.facts.public() | {
            "booth": self.booth_id,
            "seq": self.seq,
            "status": self.status,
            "ahead": self.ahead,
            "position": self.ahead + 1,
            "eta_s": self.facts.eta_s(self.ahead),
            "invite_expires_at": expires.isoformat() if expires else None,
            "conversation": self.conversation_id,
            "follow_up_by": self.follow_up_by.isoformat() if self.follow_up_by else None,
        }


async def _ahead(session: AsyncSession, ticket: QueueTicket) -> int:
    result = await session.exec(
        select(func.count())
        .select_from(QueueTicket)
        .where(
            QueueTicket.booth_id == ticket.booth_id,
            col(QueueTicket.status).in_(ACTIVE_TICKET),
            QueueTicket.seq < ticket.seq,
        )
    )
    return int(result.one())


async def _view(session: AsyncSession, ticket: QueueTicket, booth: Booth, fair: Fair) -> TicketView:
    active = ticket.status in ACTIVE_TICKET
    return TicketView(
        booth_id=ticket.booth_id,
        seq=ticket.seq,
        status=ticket.status,
        ahead=await _ahead(session, ticket) if active else 0,
        facts=await line_facts(session, booth, fair, utcnow()),
        invited_at=ticket.invited_at if ticket.status == TicketStatus.INVITED else None,
        conversation_id=ticket.conversation_id,
        follow_up_by=ticket.follow_up_by,
    )


async def _latest_ticket(
    session: AsyncSession, booth_id: int, seeker_id: int
) -> QueueTicket | None:
    result = await session.exec(
        select(QueueTicket)
        .where(QueueTicket.booth_id == booth_id, QueueTicket.seeker_id == seeker_id)
        .order_by(col(QueueTicket.seq).desc())
        .limit(1)
    )
    return result.first()


async def _active_ticket(
    session: AsyncSession, booth_id: int, seeker_id: int
) -> QueueTicket | None:
    ticket = await _latest_ticket(session, booth_id, seeker_id)
    return ticket if ticket is not None and ticket.status in ACTIVE_TICKET else None


async def state(
    session: AsyncSession, *, identity: Identity | None, booth_id: int
) -> tuple[TicketView | None, LineFacts]:
    """The seeker's latest ticket at the booth (if any) and the line's public facts."""
    identity = require_seeker(identity)
    booth, fair, _ = await booth_rules.public_booth(session, booth_id)
    ticket = await _latest_ticket(session, booth_id, identity.id)
    facts = await line_facts(session, booth, fair, utcnow())
    if ticket is None:
        return None, facts
    return await _view(session, ticket, booth, fair), facts


async def public_facts(session: AsyncSession, booth_id: int) -> LineFacts:
    booth, fair, _ = await booth_rules.public_booth(session, booth_id)
    return await line_facts(session, booth, fair, utcnow())


async def join(session: AsyncSession, *, identity: Identity | None, booth_id: int) -> TicketView:
    identity = require_seeker(identity)
    booth, fair, _ = await booth_rules.public_booth(session, booth_id)
    existing = await _active_ticket(session, booth_id, identity.id)
    if existing is not None:
        return await _view(session, existing, booth, fair)
    now = utcnow()
    if not booth.queue_open or closes_at(fair, booth, now) is None:
        raise QueueError("This booth is not taking visitors right now.", code="queue_closed")
    await require_registered(session, identity, fair.id or 0)
    if not profile_complete(await profile_of(session, identity.id)):
        raise QueueError(
            "Complete your profile (name and a phone number or e-mail) before queueing.",
            code="profile_incomplete",
        )
    # Everything that does not depend on the line is done before taking its lock, so
    # concurrent joins to a busy booth wait on each other as briefly as possible.
    await share_with(session, identity.id, booth.org_id, ShareVia.QUEUE)
    staff = await staff_facts(session, booth_id)
    seq, version = await _bump(session, booth_id, take_number=True)
    # Counted under the seeker's lock: joins at other booths take other booths' locks.
    await _lock_seeker(session, identity.id)
    active = await session.exec(
        select(func.count())
        .select_from(QueueTicket)
        .where(QueueTicket.seeker_id == identity.id, col(QueueTicket.status).in_(ACTIVE_TICKET))
    )
    if int(active.one()) >= MAX_QUEUES:
        # The caller's rollback returns the number.
        raise QueueError(
            "You can wait in at most %(n)s lines at once.", code="too_many_queues", n=MAX_QUEUES
        )
    ticket = QueueTicket(booth_id=booth_id, seeker_id=identity.id, seq=seq, joined_at=now)
    ticket.id = await insert_new(session, ticket)
    if ticket.id is None:
        # Joined from another tab at the same moment; the caller's rollback returns the number.
        raise QueueError("You are already in this line.", code="already_queued")
    facts = await _announce(session, booth, fair, version=version, joined=seq, staff=staff)
    return TicketView(
        booth_id=booth_id,
        seq=seq,
        status=ticket.status,
        # The newest ticket is last in line: everyone else waiting is ahead.
        ahead=facts.waiting - 1,
        facts=facts,
        invited_at=None,
        conversation_id=None,
        follow_up_by=None,
    )


async def _end_ticket(
    session: AsyncSession, ticket: QueueTicket, status: TicketStatus, *, from_status: Sequence[str]
) -> bool:
    """Conditional: only one of several racing actions ends a ticket."""
    values: dict[str, Any] = {"status": status, "ended_at": utcnow()}
    if status == TicketStatus.FOLLOW_UP:
        values["follow_up_by"] = ticket.follow_up_by
    result = await session.exec(
        sa.update(QueueTicket)
        .where(col(QueueTicket.id) == ticket.id, col(QueueTicket.status).in_(from_status))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    ticket.status = status
    ticket.ended_at = values["ended_at"]
    return True


async def leave(session: AsyncSession, *, identity: Identity | None, booth_id: int) -> None:
    identity = require_seeker(identity)
    # Not public_booth(): a place must be given up even where the booth was withdrawn or
    # the fair cancelled meanwhile, or it would count against the seeker's lines.
    ticket = await _active_ticket(session, booth_id, identity.id)
    booth = await session.get(Booth, booth_id)
    if ticket is None or booth is None:
        raise NotFound("You are not in this line.", code="not_queued")
    fair = await fair_by_id(session, booth.fair_id)
    _, version = await _bump(session, booth_id)
    if not await _end_ticket(session, ticket, TicketStatus.LEFT, from_status=ACTIVE_TICKET):
        raise NotFound("You are not in this line.", code="not_queued")
    await _announce(session, booth, fair, version=version, left=[ticket.seq])


async def ask_follow_up(
    session: AsyncSession, *, identity: Identity | None, booth_id: int
) -> TicketView:
    """The seeker gives up waiting today and takes the employer's promise to contact them."""
    identity = require_seeker(identity)
    booth, fair, _ = await booth_rules.public_booth(session, booth_id)
    ticket = await _active_ticket(session, booth_id, identity.id)
    if ticket is None or ticket.status != TicketStatus.WAITING:
        raise NotFound("You are not waiting in this line.", code="not_queued")
    _, version = await _bump(session, booth_id)
    ticket.follow_up_by = booth_rules.follow_up_date(booth, fair)
    if not await _end_ticket(
        session, ticket, TicketStatus.FOLLOW_UP, from_status=(TicketStatus.WAITING,)
    ):
        raise NotFound("You are not waiting in this line.", code="not_queued")
    facts = await _announce(session, booth, fair, version=version, left=[ticket.seq])
    return TicketView(
        booth_id, ticket.seq, ticket.status, 0, facts, None, None, ticket.follow_up_by
    )


async def accept(
    session: AsyncSession, *, identity: Identity | None, booth_id: int
) -> Conversation:
    """Accept a call: the ticket is served and a conversation opens."""
    identity = require_seeker(identity)
    booth, fair, _ = await booth_rules.public_booth(session, booth_id)
    ticket = await _active_ticket(session, booth_id, identity.id)
    if ticket is None or ticket.status != TicketStatus.INVITED or ticket.invited_at is None:
        raise QueueError("You have not been called at this booth.", code="not_invited")
    _, version = await _bump(session, booth_id)
    now = utcnow()
    if now > ticket.invited_at + INVITE_TTL:
        if await _end_ticket(
            session, ticket, TicketStatus.MISSED, from_status=(TicketStatus.INVITED,)
        ):
            await _announce(session, booth, fair, version=version, left=[ticket.seq])
            # The miss is kept even though the request fails: commit it, then report it.
            keep_on_refusal(session)
        raise QueueError("The call has expired.", code="invite_expired")
    talking = await session.exec(
        select(Conversation.id).where(
            Conversation.seeker_id == identity.id,
            Conversation.status == ConversationStatus.OPEN,
            Conversation.origin == ConversationOrigin.QUEUE,
        )
    )
    if talking.first() is not None:
        raise QueueError("Finish your current conversation first.", code="busy")
    conversation = Conversation(
        org_id=booth.org_id,
        seeker_id=identity.id,
        staff_id=ticket.invited_by,
        booth_id=booth_id,
        origin=ConversationOrigin.QUEUE,
        started_at=now,
    )
    session.add(conversation)
    await session.flush()
    ticket.conversation_id = conversation.id
    session.add(ticket)
    if not await _end_ticket(
        session, ticket, TicketStatus.SERVED, from_status=(TicketStatus.INVITED,)
    ):
        raise QueueError("You have not been called at this booth.", code="not_invited")
    await session.flush()
    await _announce(session, booth, fair, version=version, left=[ticket.seq])
    data = {
        "conversation": conversation.id,
        "booth": booth_id,
        "seeker": identity.user.display_name,
    }
    if ticket.invited_by is not None:
        emit(session, user_channel(ticket.invited_by), "conversation.opened", data)
    emit(session, booth_rules.booth_channel(booth_id), "conversation.opened", data)
    return conversation


# -- staff ---------------------------------------------------------------------------------


@dataclass(slots=True)
class CallResult:
    ticket: QueueTicket | None
    seeker_name: str
    lapsed: int
    skipped_busy: int


async def _invite_next(
    session: AsyncSession, broker: Broker, booth: Booth, fair: Fair, staff_id: int
) -> CallResult:
    assert booth.id is not None
    _, version = await _bump(session, booth.id)
    candidates = (
        await session.exec(
            select(QueueTicket)
            .where(QueueTicket.booth_id == booth.id, QueueTicket.status == TicketStatus.WAITING)
            .order_by(col(QueueTicket.seq))
            .limit(CANDIDATES)
        )
    ).all()
    lapsed: list[int] = []
    busy = 0
    chosen: QueueTicket | None = None
    for ticket in candidates:
        if not await is_around(broker, ticket.seeker_id):
            if await _end_ticket(
                session, ticket, TicketStatus.LAPSED, from_status=(TicketStatus.WAITING,)
            ):
                lapsed.append(ticket.seq)
                emit(
                    session,
                    user_channel(ticket.seeker_id),
                    "queue.lapsed",
                    {"booth": booth.id, "seq": ticket.seq},
                )
            continue
        if not await _lock_seeker(session, ticket.seeker_id, skip_locked=True) or await seeker_busy(
            session, ticket.seeker_id
        ):
            # Locked: another booth is calling them (or they are joining) this moment.
            busy += 1
            continue
        chosen = ticket
        break
    name = ""
    if chosen is not None:
        now = utcnow()
        result = await session.exec(
            sa.update(QueueTicket)
            .where(
                col(QueueTicket.id) == chosen.id, col(QueueTicket.status) == TicketStatus.WAITING
            )
            .values(status=TicketStatus.INVITED, invited_at=now, invited_by=staff_id)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            chosen.status, chosen.invited_at, chosen.invited_by = (
                TicketStatus.INVITED,
                now,
                staff_id,
            )
            org = await session.get(Organization, booth.org_id)
            seeker = await session.get(User, chosen.seeker_id)
            name = seeker.display_name if seeker else ""
            emit(
                session,
                user_channel(chosen.seeker_id),
                "queue.invited",
                {
                    "booth": booth.id,
                    "fair": fair.id,
                    "org": org.name if org else "",
                    "seq": chosen.seq,
                    "expires_at": (now + INVITE_TTL).isoformat(),
                    "ttl_s": int(INVITE_TTL.total_seconds()),
                },
            )
        else:
            chosen = None
    # Announced even when nothing changed: the version was bumped, and a silent bump would
    # look like a lost event to every client. A refused call rolls both back.
    await _announce(
        session,
        booth,
        fair,
        version=version,
        left=lapsed,
        invited=chosen.seq if chosen else None,
    )
    return CallResult(ticket=chosen, seeker_name=name, lapsed=len(lapsed), skipped_busy=busy)


async def call_next(
    session: AsyncSession, broker: Broker, *, identity: Identity | None, booth_id: int
) -> CallResult:
    booth = await booth_rules.require_booth_staff(session, identity, booth_id)
    assert identity is not None
    fair = await fair_by_id(session, booth.fair_id)
    if await staff_load(session, identity.id) >= MAX_OPEN_PER_STAFF:
        raise QueueError(
            "You already hold %(n)s conversations or calls; end one first.",
            code="staff_full",
            n=MAX_OPEN_PER_STAFF,
        )
    await booth_rules.set_on_duty(session, identity=identity, booth_id=booth_id, on_duty=True)
    result = await _invite_next(session, broker, booth, fair, identity.id)
    if result.ticket is None:
        # The lapsed are still removed: keep that even though nobody was called.
        keep_on_refusal(session, result.lapsed > 0)
        if result.skipped_busy:
            raise QueueError(
                "Everyone waiting is talking to another employer; they keep their places. "
                "Try again in a moment.",
                code="all_busy",
            )
        raise QueueError("Nobody is waiting.", code="queue_empty")
    return result


async def expire_invitations(session: AsyncSession, broker: Broker, now: datetime) -> int:
    """Calls nobody accepted in time become misses, and the next seeker is called for the
    same staff member. Safe to run on every node: each miss is a conditional update."""
    expired = (
        await session.exec(
            select(QueueTicket)
            .where(
                QueueTicket.status == TicketStatus.INVITED,
                col(QueueTicket.invited_at) < now - INVITE_TTL,
            )
            .limit(100)
        )
    ).all()
    count = 0
    for ticket in expired:
        booth = await session.get(Booth, ticket.booth_id)
        if booth is None:
            continue
        fair = await fair_by_id(session, booth.fair_id)
        _, version = await _bump(session, ticket.booth_id)
        if not await _end_ticket(
            session, ticket, TicketStatus.MISSED, from_status=(TicketStatus.INVITED,)
        ):
            # Answered meanwhile; the bumped version must still reach the watchers.
            await _announce(session, booth, fair, version=version)
            continue
        count += 1
        emit(
            session,
            user_channel(ticket.seeker_id),
            "queue.missed",
            {"booth": ticket.booth_id, "seq": ticket.seq},
        )
        await _announce(session, booth, fair, version=version, left=[ticket.seq])
        staff_id = ticket.invited_by
        if (
            staff_id is not None
            and booth.queue_open
            and await booth_rules.is_on_duty(session, booth.id or 0, staff_id)
            and await staff_load(session, staff_id) < MAX_OPEN_PER_STAFF
        ):
            result = await _invite_next(session, broker, booth, fair, staff_id)
            if result.ticket is not None:
                emit(
                    session,
                    user_channel(staff_id),
                    "queue.called",
                    {"booth": booth.id, "seq": result.ticket.seq, "seeker": result.seeker_name},
                )
    return count


async def _flush_line(session: AsyncSession, booth: Booth, fair: Fair) -> int:
    """Everyone still waiting gets the employer's follow-up promise instead of being
    dropped; those already called may still accept."""
    assert booth.id is not None
    waiting = (
        await session.exec(
            select(QueueTicket).where(
                QueueTicket.booth_id == booth.id, QueueTicket.status == TicketStatus.WAITING
            )
        )
    ).all()
    if not waiting:
        return 0
    _, version = await _bump(session, booth.id)
    promise = booth_rules.follow_up_date(booth, fair)
    org = await session.get(Organization, booth.org_id)
    moved = []
    for ticket in waiting:
        ticket.follow_up_by = promise
        if await _end_ticket(
            session, ticket, TicketStatus.FOLLOW_UP, from_status=(TicketStatus.WAITING,)
        ):
            moved.append(ticket.seq)
            emit(
                session,
                user_channel(ticket.seeker_id),
                "queue.follow_up",
                {
                    "booth": booth.id,
                    "org": org.name if org else "",
                    "follow_up_by": promise.isoformat(),
                },
            )
    await _announce(session, booth, fair, version=version, left=moved)
    return len(moved)


async def close_line(session: AsyncSession, *, identity: Identity | None, booth_id: int) -> int:
    booth = await booth_rules.require_booth_staff(session, identity, booth_id)
    fair = await fair_by_id(session, booth.fair_id)
    booth.queue_open = False
    session.add(booth)
    moved = await _flush_line(session, booth, fair)
    if not moved:
        _, version = await _bump(session, booth_id)
        await _announce(session, booth, fair, version=version)
    return moved


async def open_line(session: AsyncSession, *, identity: Identity | None, booth_id: int) -> None:
    booth = await booth_rules.require_booth_staff(session, identity, booth_id)
    fair = await fair_by_id(session, booth.fair_id)
    booth.queue_open = True
    session.add(booth)
    _, version = await _bump(session, booth_id)
    await _announce(session, booth, fair, version=version)


async def flush_closed_booths(session: AsyncSession, now: datetime) -> int:
    """Lines of booths whose office hours are over: waiting seekers get follow-ups."""
    booth_ids = (
        await session.exec(
            select(QueueTicket.booth_id)
            .where(QueueTicket.status == TicketStatus.WAITING)
            .distinct()
            .limit(500)
        )
    ).all()
    moved = 0
    for booth_id in booth_ids:
        booth = await session.get(Booth, booth_id)
        if booth is None:
            continue
        fair = await fair_by_id(session, booth.fair_id)
        if closes_at(fair, booth, now) is None:
            moved += await _flush_line(session, booth, fair)
    return moved


# -- what the console shows --------------------------------------------------------------------


@dataclass(slots=True)
class LineEntry:
    ticket: QueueTicket
    name: str
    around: bool
    busy: bool


async def console_line(
    session: AsyncSession, broker: Broker, *, identity: Identity | None, booth_id: int
) -> tuple[list[LineEntry], list[tuple[QueueTicket, str]]]:
    """The waiting line with names, and the follow-ups the organization owes."""
    await booth_rules.require_booth_staff(session, identity, booth_id)
    rows = (
        await session.exec(
            select(QueueTicket, User.display_name)
            .join(User, col(User.id) == col(QueueTicket.seeker_id))
            .where(QueueTicket.booth_id == booth_id, col(QueueTicket.status).in_(ACTIVE_TICKET))
            .order_by(col(QueueTicket.seq))
            .limit(200)
        )
    ).all()
    entries = [
        LineEntry(
            ticket=t,
            name=name,
            around=await is_around(broker, t.seeker_id),
            busy=t.status == TicketStatus.WAITING and await seeker_busy(session, t.seeker_id),
        )
        for t, name in rows
    ]
    follow_ups = (
        await session.exec(
            select(QueueTicket, User.display_name)
            .join(User, col(User.id) == col(QueueTicket.seeker_id))
            .where(QueueTicket.booth_id == booth_id, QueueTicket.status == TicketStatus.FOLLOW_UP)
            .order_by(col(QueueTicket.follow_up_by), col(QueueTicket.seq))
            .limit(500)
        )
    ).all()
    return entries, [(t, n) for t, n in follow_ups]


async def seeker_tickets(
    session: AsyncSession, identity: Identity | None
) -> list[tuple[QueueTicket, Booth, Organization, int]]:
    """The seeker's active tickets and follow-ups, with the number of people ahead."""
    identity = require_seeker(identity)
    rows = (
        await session.exec(
            select(QueueTicket, Booth, Organization)
            .join(Booth, col(Booth.id) == col(QueueTicket.booth_id))
            .join(Organization, col(Organization.id) == col(Booth.org_id))
            .where(
                QueueTicket.seeker_id == identity.id,
                col(QueueTicket.status).in_((*ACTIVE_TICKET, TicketStatus.FOLLOW_UP)),
            )
            .order_by(col(QueueTicket.joined_at).desc())
            .limit(50)
        )
    ).all()
    return [
        (t, b, o, await _ahead(session, t) if t.status in ACTIVE_TICKET else 0) for t, b, o in rows
    ]


async def open_line_facts_changed(session: AsyncSession, booth_id: int) -> None:
    """Staff came on or went off duty: the estimates change for everyone waiting."""
    booth = await session.get(Booth, booth_id)
    if booth is None:
        return
    fair = await fair_by_id(session, booth.fair_id)
    _, version = await _bump(session, booth_id)
    await _announce(session, booth, fair, version=version)
