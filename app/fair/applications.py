"""Applications: once per posting, a pipeline both sides see, changed by the employer.

An application never vanishes. If the employer has not decided (offer or rejection) by
the date they set, default 14 days after the fair, the seeker sees it as closed without
decision, and it counts against the organization's response rate on every booth.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity, require_org_member
from app.auth.models import Organization, User
from app.auth.service import org_channel, user_channel
from app.db import insert_new, utcnow
from app.errors import Conflict, Invalid, NotFound
from app.events import emit
from app.fair import postings
from app.fair.booths import chosen_posting_ids as booth_postings_chosen
from app.fair.fairs import fair_by_id, require_registered
from app.fair.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Booth,
    BoothStatus,
    Fair,
    PostingVersion,
    ShareVia,
)
from app.fair.schedule import local_date
from app.fair.seekers import profile_complete, profile_of, require_seeker, share_with

DECISION_DAYS = timedelta(days=14)
NOTE_LIMIT = 1000
# Where the employer may move an application from each status.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ApplicationStatus.APPLIED: (
        ApplicationStatus.IN_CONVERSATION,
        ApplicationStatus.INTERVIEW,
        ApplicationStatus.OFFER,
        ApplicationStatus.REJECTED,
    ),
    ApplicationStatus.IN_CONVERSATION: (
        ApplicationStatus.INTERVIEW,
        ApplicationStatus.OFFER,
        ApplicationStatus.REJECTED,
    ),
    ApplicationStatus.INTERVIEW: (ApplicationStatus.OFFER, ApplicationStatus.REJECTED),
    ApplicationStatus.OFFER: (),
    ApplicationStatus.REJECTED: (),
    ApplicationStatus.WITHDRAWN: (),
}
DECIDED = (ApplicationStatus.OFFER, ApplicationStatus.REJECTED)
CLOSED_WITHOUT_DECISION = "closed_without_decision"


def shown_status(application: Application, today: date) -> str:
    """The status as the seeker sees it: undecided past the due date is closed."""
    if (
        application.status in TRANSITIONS
        and TRANSITIONS[application.status]
        and (application.decision_due < today)
    ):
        return CLOSED_WITHOUT_DECISION
    return application.status


async def _fair_for_posting(
    session: AsyncSession, identity: Identity, fair_id: int, org_id: int, posting_id: int
) -> Fair:
    fair = await fair_by_id(session, fair_id)
    booth = (
        await session.exec(
            select(Booth).where(
                Booth.fair_id == fair_id,
                Booth.org_id == org_id,
                Booth.status == BoothStatus.ACCEPTED,
            )
        )
    ).first()
    if booth is None:
        raise NotFound("This employer is not exhibiting at this fair.")
    chosen = await booth_postings_chosen(session, booth.id or 0)
    if chosen and posting_id not in chosen:
        raise NotFound("This job is not shown at this fair.")
    await require_registered(session, identity, fair_id)
    return fair


async def apply(
    session: AsyncSession,
    *,
    identity: Identity | None,
    posting_id: int,
    fair_id: int | None = None,
    note: str = "",
) -> Application:
    identity = require_seeker(identity)
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise Invalid("At most %(limit)s characters.", field="note", limit=NOTE_LIMIT)
    profile = await profile_of(session, identity.id)
    if not profile_complete(profile):
        raise Conflict(
            "Complete your profile (name and a phone number or e-mail) before applying.",
            code="profile_incomplete",
        )
    public = await postings.public_posting(session, posting_id=posting_id)
    org_id = public.org.id
    assert org_id is not None
    assert public.version.id is not None
    today = utcnow().date()
    due = today + DECISION_DAYS
    if fair_id is not None:
        fair = await _fair_for_posting(session, identity, fair_id, org_id, posting_id)
        due = max(due, local_date(fair.ends_at, fair.timezone) + DECISION_DAYS)
    application = Application(
        posting_id=posting_id,
        version_id=public.version.id,
        seeker_id=identity.id,
        org_id=org_id,
        fair_id=fair_id,
        note=note,
        decision_due=due,
    )
    application.id = await insert_new(session, application)
    if application.id is None:
        raise Conflict("You have already applied to this job.", code="already_applied")
    session.add(
        ApplicationEvent(
            application_id=application.id, status=application.status, actor_id=identity.id
        )
    )
    await share_with(session, identity.id, org_id, ShareVia.APPLICATION)
    emit(
        session,
        org_channel(org_id),
        "application.new",
        {"application": application.id, "posting": posting_id, "title": public.version.title},
    )
    return application


async def withdraw(
    session: AsyncSession, *, identity: Identity | None, application_id: int
) -> Application:
    identity = require_seeker(identity)
    application = await session.get(Application, application_id)
    if application is None or application.seeker_id != identity.id:
        raise NotFound("No such application.")
    if application.status in (*DECIDED, ApplicationStatus.WITHDRAWN):
        raise Conflict("This application is already closed.")
    application.status = ApplicationStatus.WITHDRAWN
    application.updated_at = utcnow()
    session.add(application)
    session.add(
        ApplicationEvent(
            application_id=application_id, status=application.status, actor_id=identity.id
        )
    )
    emit(
        session,
        org_channel(application.org_id),
        "application.changed",
        {"application": application_id},
    )
    return application


async def _org_application(
    session: AsyncSession, identity: Identity | None, application_id: int
) -> tuple[Identity, Application]:
    identity, org_id = require_org_member(identity)
    application = await session.get(Application, application_id)
    if application is None or application.org_id != org_id:
        raise NotFound("No such application.")
    return identity, application


async def set_status(
    session: AsyncSession,
    *,
    identity: Identity | None,
    application_id: int,
    status: str,
    note: str = "",
) -> Application:
    identity, application = await _org_application(session, identity, application_id)
    note = note.strip()
    if len(note) > NOTE_LIMIT:
        raise Invalid("At most %(limit)s characters.", field="note", limit=NOTE_LIMIT)
    if status not in TRANSITIONS.get(application.status, ()):
        raise Conflict("This application cannot move to that status.", code="bad_transition")
    now = utcnow()
    application.status = status
    application.updated_at = now
    if application.responded_at is None:
        application.responded_at = now
    session.add(application)
    session.add(
        ApplicationEvent(
            application_id=application_id, status=status, actor_id=identity.id, note=note
        )
    )
    emit(
        session,
        user_channel(application.seeker_id),
        "application.changed",
        {"application": application_id, "status": status},
    )
    return application


async def set_decision_due(
    session: AsyncSession, *, identity: Identity | None, application_id: int, due: date
) -> Application:
    """The employer promises a decision by ``due``; it can only move later."""
    _, application = await _org_application(session, identity, application_id)
    if due < application.decision_due:
        raise Invalid("The decision date can only be moved later.", field="decision_due")
    if due > utcnow().date() + timedelta(days=180):
        raise Invalid("Choose a date within six months.", field="decision_due")
    application.decision_due = due
    session.add(application)
    return application


@dataclass(slots=True)
class ApplicationRow:
    application: Application
    title: str
    org_name: str
    seeker_name: str
    shown_status: str


async def _rows(session: AsyncSession, *conditions: object) -> list[ApplicationRow]:
    today = utcnow().date()
    result = await session.exec(
        select(Application, PostingVersion.title, Organization.name, User.display_name)
        .join(PostingVersion, col(PostingVersion.id) == col(Application.version_id))
        .join(Organization, col(Organization.id) == col(Application.org_id))
        .join(User, col(User.id) == col(Application.seeker_id))
        .where(*conditions)  # type: ignore[arg-type]
        .order_by(col(Application.created_at).desc())
        .limit(500)
    )
    return [
        ApplicationRow(
            application=a, title=t, org_name=o, seeker_name=s, shown_status=shown_status(a, today)
        )
        for a, t, o, s in result.all()
    ]


async def seeker_applications(
    session: AsyncSession, identity: Identity | None
) -> list[ApplicationRow]:
    identity = require_seeker(identity)
    return await _rows(session, col(Application.seeker_id) == identity.id)


async def org_applications(
    session: AsyncSession, identity: Identity | None, *, fair_id: int | None = None
) -> list[ApplicationRow]:
    _, org_id = require_org_member(identity)
    conditions = [col(Application.org_id) == org_id]
    if fair_id is not None:
        conditions.append(col(Application.fair_id) == fair_id)
    return await _rows(session, *conditions)


@dataclass(slots=True)
class ApplicationDetail:
    row: ApplicationRow
    events: Sequence[ApplicationEvent]
    next_statuses: tuple[str, ...]


async def application_detail(
    session: AsyncSession, identity: Identity | None, application_id: int
) -> ApplicationDetail:
    """For the seeker who applied or the organization applied to; nobody else."""
    application = await session.get(Application, application_id)
    if (
        application is None
        or identity is None
        or not (identity.id == application.seeker_id or identity.org_id == application.org_id)
    ):
        raise NotFound("No such application.")
    rows = await _rows(session, col(Application.id) == application_id)
    events = (
        await session.exec(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == application_id)
            .order_by(col(ApplicationEvent.id))
        )
    ).all()
    staff = identity.org_id == application.org_id
    return ApplicationDetail(
        row=rows[0],
        events=events,
        next_statuses=TRANSITIONS.get(application.status, ()) if staff else (),
    )


async def applied_posting_ids(session: AsyncSession, seeker_id: int) -> dict[int, int]:
    """posting id -> application id, for showing "applied" on lists."""
    result = await session.exec(
        select(Application.posting_id, Application.id).where(Application.seeker_id == seeker_id)
    )
    return {p: a or 0 for p, a in result.all()}
