"""One-to-one conversations between a seeker and an organization's staff.

Opened when a seeker accepts a queue call (a live talk), or about an application by
either side. A staff member holds at most four live talks at once, may hand one to a
colleague, and ends it with an outcome the seeker sees. A seeker is never in two live
talks at once. Messages are in the chat room ``conv:<id>`` (app/fair/chat.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth import repository as accounts
from app.auth.identity import Identity
from app.auth.models import Organization, Role, User
from app.auth.service import org_channel, user_channel
from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.events import emit
from app.fair.models import (
    Application,
    ApplicationStatus,
    Booth,
    Conversation,
    ConversationOrigin,
    ConversationStatus,
    Outcome,
    QueueTicket,
    TicketStatus,
)

MAX_OPEN_PER_STAFF = 4
NOTE_LIMIT = 1000


def conversation_channel(conversation_id: int) -> str:
    return f"conv:{conversation_id}"


# Live talks: one-to-one conversations opened from a booth line. Conversations about an
# application are written at leisure and neither block a seeker from being called at a
# booth nor count against a staff member's four.
LIVE = ConversationOrigin.QUEUE


async def staff_load(session: AsyncSession, staff_id: int) -> int:
    """Open live conversations plus pending calls: what counts against the limit of 4."""
    open_count = await session.exec(
        select(func.count())
        .select_from(Conversation)
        .where(
            Conversation.staff_id == staff_id,
            Conversation.status == ConversationStatus.OPEN,
            Conversation.origin == LIVE,
        )
    )
    invited = await session.exec(
        select(func.count())
        .select_from(QueueTicket)
        .where(QueueTicket.invited_by == staff_id, QueueTicket.status == TicketStatus.INVITED)
    )
    return int(open_count.one()) + int(invited.one())


async def seeker_busy(session: AsyncSession, seeker_id: int) -> bool:
    """In a conversation, or holding a call they may still accept (interviews join later)."""
    talking = await session.exec(
        select(Conversation.id).where(
            Conversation.seeker_id == seeker_id,
            Conversation.status == ConversationStatus.OPEN,
            Conversation.origin == LIVE,
        )
    )
    if talking.first() is not None:
        return True
    invited = await session.exec(
        select(QueueTicket.id).where(
            QueueTicket.seeker_id == seeker_id, QueueTicket.status == TicketStatus.INVITED
        )
    )
    return invited.first() is not None


async def _visible(
    session: AsyncSession, identity: Identity | None, conversation_id: int
) -> Conversation:
    conversation = await session.get(Conversation, conversation_id)
    if (
        conversation is None
        or identity is None
        or not (
            identity.id == conversation.seeker_id
            or (identity.role == Role.EMPLOYER and identity.org_id == conversation.org_id)
        )
    ):
        raise NotFound("No such conversation.")
    return conversation


async def may_see(session: AsyncSession, identity: Identity, conversation_id: int) -> bool:
    try:
        await _visible(session, identity, conversation_id)
    except NotFound:
        return False
    return True


def _notify(session: AsyncSession, conversation: Conversation, event: str) -> None:
    data = {
        "conversation": conversation.id,
        "status": conversation.status,
        "outcome": conversation.outcome,
        "staff": conversation.staff_id,
    }
    for user_id in {conversation.seeker_id, conversation.staff_id}:
        if user_id is not None:
            emit(session, user_channel(user_id), event, data)
    assert conversation.id is not None
    emit(session, conversation_channel(conversation.id), event, data)


async def end(
    session: AsyncSession,
    *,
    identity: Identity | None,
    conversation_id: int,
    outcome: str,
    note: str = "",
    follow_up_by: date | None = None,
) -> Conversation:
    """Staff end with an outcome; the seeker may end without one."""
    conversation = await _visible(session, identity, conversation_id)
    assert identity is not None
    if conversation.status != ConversationStatus.OPEN:
        raise Conflict("This conversation has already ended.")
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise Invalid("At most %(limit)s characters.", field="note", limit=NOTE_LIMIT)
    staff = identity.id != conversation.seeker_id
    if staff:
        if outcome not in set(Outcome):
            raise Invalid("Choose an outcome.", field="outcome")
        today = utcnow().date()
        if outcome == Outcome.FOLLOW_UP:
            if follow_up_by is None:
                raise Invalid("Give the date you will follow up by.", field="follow_up_by")
            if not today <= follow_up_by <= today + timedelta(days=180):
                raise Invalid("Choose a date within the next six months.", field="follow_up_by")
        conversation.outcome = outcome
        conversation.outcome_note = note
        conversation.follow_up_by = follow_up_by if outcome == Outcome.FOLLOW_UP else None
    conversation.status = ConversationStatus.ENDED
    conversation.ended_at = utcnow()
    session.add(conversation)
    _notify(session, conversation, "conversation.ended")
    return conversation


async def hand_over(
    session: AsyncSession, *, identity: Identity | None, conversation_id: int, to_user_id: int
) -> Conversation:
    conversation = await _visible(session, identity, conversation_id)
    assert identity is not None
    if identity.id == conversation.seeker_id:
        raise NotFound("No such conversation.")
    if conversation.status != ConversationStatus.OPEN:
        raise Conflict("This conversation has already ended.")
    membership = await accounts.membership_of(session, to_user_id)
    colleague = await accounts.user_by_id(session, to_user_id)
    if (
        membership is None
        or membership.org_id != conversation.org_id
        or colleague is None
        or not colleague.is_active
    ):
        raise Invalid("Choose a colleague from your organization.", field="to")
    if to_user_id == conversation.staff_id:
        raise Invalid("This colleague already holds the conversation.", field="to")
    if await staff_load(session, to_user_id) >= MAX_OPEN_PER_STAFF:
        raise Conflict("This colleague already holds four conversations.", code="staff_full")
    previous = conversation.staff_id
    conversation.staff_id = to_user_id
    session.add(conversation)
    if previous is not None:
        emit(
            session,
            user_channel(previous),
            "conversation.handed_over",
            {"conversation": conversation.id},
        )
    _notify(session, conversation, "conversation.handed_over")
    return conversation


@dataclass(slots=True)
class ConversationRow:
    conversation: Conversation
    org_name: str
    seeker_name: str
    staff_name: str


async def _rows(session: AsyncSession, *conditions: object) -> list[ConversationRow]:
    staff_user = select(User.id, User.display_name).subquery()
    result = await session.exec(
        select(Conversation, Organization.name, User.display_name, staff_user.c.display_name)
        .join(Organization, col(Organization.id) == col(Conversation.org_id))
        .join(User, col(User.id) == col(Conversation.seeker_id))
        .outerjoin(staff_user, staff_user.c.id == col(Conversation.staff_id))
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(col(Conversation.status) != ConversationStatus.OPEN, col(Conversation.id).desc())
        .limit(200)
    )
    return [
        ConversationRow(conversation=c, org_name=o, seeker_name=s, staff_name=st or "")
        for c, o, s, st in result.all()
    ]


async def conversations_of(session: AsyncSession, identity: Identity) -> list[ConversationRow]:
    """The seeker's conversations, or those of the staff member's organization."""
    if identity.role == Role.EMPLOYER and identity.org_id is not None:
        return await _rows(session, col(Conversation.org_id) == identity.org_id)
    return await _rows(session, col(Conversation.seeker_id) == identity.id)


async def conversation_detail(
    session: AsyncSession, identity: Identity | None, conversation_id: int
) -> ConversationRow:
    await _visible(session, identity, conversation_id)
    return (await _rows(session, col(Conversation.id) == conversation_id))[0]


async def colleagues(session: AsyncSession, org_id: int) -> Sequence[tuple[int, str]]:
    members = await accounts.members_of(session, org_id)
    return [(user.id or 0, user.display_name) for _, user in members if user.is_active]


async def open_for_application(
    session: AsyncSession, *, identity: Identity | None, application_id: int
) -> Conversation:
    """A conversation about an application: the seeker writes to the employer, or staff
    invite the applicant to talk. One open conversation per application; opening it again
    returns it."""
    application = await session.get(Application, application_id)
    if application is None or identity is None:
        raise NotFound("No such application.")
    staff = identity.role == Role.EMPLOYER and identity.org_id == application.org_id
    if not staff and identity.id != application.seeker_id:
        raise NotFound("No such application.")
    existing = (
        await session.exec(
            select(Conversation).where(
                Conversation.application_id == application_id,
                Conversation.status == ConversationStatus.OPEN,
            )
        )
    ).first()
    if existing is not None:
        return existing
    if application.status == ApplicationStatus.WITHDRAWN:
        raise Conflict("This application was withdrawn.")
    booth_id = None
    if application.fair_id is not None:
        booth_id = (
            await session.exec(
                select(Booth.id).where(
                    Booth.fair_id == application.fair_id, Booth.org_id == application.org_id
                )
            )
        ).first()
    conversation = Conversation(
        org_id=application.org_id,
        seeker_id=application.seeker_id,
        staff_id=identity.id if staff else None,
        booth_id=booth_id,
        application_id=application_id,
        origin=ConversationOrigin.INVITATION if staff else ConversationOrigin.APPLICATION,
    )
    session.add(conversation)
    await session.flush()
    data = {"conversation": conversation.id, "application": application_id}
    if staff:
        emit(session, user_channel(application.seeker_id), "conversation.opened", data)
    else:
        emit(session, org_channel(application.org_id), "conversation.opened", data)
    return conversation
