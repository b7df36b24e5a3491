"""Job postings and their versions.

A posting is the employer's job; each edit is a new version that is screened and reviewed
on its own. At most one version of a posting is live; editing a live posting leaves that
version live until the new one is approved.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow
from app.i18n import N_


class VersionStatus(StrEnum):
    DRAFT = "draft"
    RETURNED = "returned"  # blocked by screening, back with the employer
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"  # a moderator sent it back
    LIVE = "live"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # was live, replaced by a newer approved version
    WITHDRAWN = "withdrawn"


# Versions the employer may still edit in place.
EDITABLE = (VersionStatus.DRAFT, VersionStatus.RETURNED, VersionStatus.CHANGES_REQUESTED)


EMPLOYMENT_TYPES_LABELS = {
    "full_time": N_("Full-time"),
    "part_time": N_("Part-time"),
    "internship": N_("Internship"),
    "temporary": N_("Temporary"),
}


class SalaryPeriod(StrEnum):
    MONTH = "month"
    DAY = "day"
    HOUR = "hour"


class Posting(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    created_by: int = Field(foreign_key="user.id", ondelete="RESTRICT")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Three independent seeker reports hide a live posting until a moderator decides.
    hidden_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class PostingFields(SQLModel):
    """What an employer writes; required elements are checked by the service."""

    title: str = Field(default="", max_length=80)
    category: str = Field(default="", max_length=40)
    city: str = Field(default="", max_length=40)
    district: str = Field(default="", max_length=40)
    salary_min: int | None = None
    salary_max: int | None = None
    salary_period: str = Field(default=SalaryPeriod.MONTH, max_length=8)
    headcount: int | None = None
    education: str = Field(default="", max_length=40)
    experience: str = Field(default="", max_length=40)
    employment_type: str = Field(default="full_time", max_length=16)
    description: str = Field(default="", max_length=5000)
    requirements: str = Field(default="", max_length=3000)
    benefits: str = Field(default="", max_length=2000)
    valid_until: date | None = None


# The fields an employer edits, in form order.
POSTING_FIELDS = tuple(PostingFields.model_fields)


class PostingVersion(PostingFields, table=True):
    __tablename__ = "posting_version"
    __table_args__ = (
        sa.UniqueConstraint("posting_id", "number"),
        # The database itself guarantees a single live version per posting.
        sa.Index(
            "uq_posting_version_live",
            "posting_id",
            unique=True,
            sqlite_where=sa.text("status = 'live'"),
            postgresql_where=sa.text("status = 'live'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    posting_id: int = Field(foreign_key="posting.id", index=True, ondelete="CASCADE")
    number: int
    status: str = Field(default=VersionStatus.DRAFT, max_length=20, index=True)
    author_id: int = Field(foreign_key="user.id", ondelete="RESTRICT")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The employer's "genuine occupational requirement" note that sends a blocked version
    # to a human instead of back to the employer.
    justification: str = Field(default="", max_length=1000)
    findings: str = Field(default="[]")  # JSON list of screening findings
    risk: float = Field(default=0.0)
    signature: str = Field(default="")  # MinHash signature (JSON), for near-duplicates
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    decision_reasons: str = Field(default="[]")  # JSON list of reason codes
    decision_note: str = Field(default="", max_length=2000)
    appealed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# -- Fairs ---------------------------------------------------------------------------


class FairStatus(StrEnum):
    """What the organizer sets; whether a published fair is upcoming, live or ended
    follows the clock (see :func:`app.fair.fairs.phase_of`)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Audience(StrEnum):
    GENERAL = "general"
    GRADUATES = "graduates"
    MIGRANT_WORKERS = "migrant_workers"
    VETERANS = "veterans"
    DISABLED = "disabled"
    EXPERIENCED = "experienced"


class Fair(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    organizer_id: int = Field(foreign_key="user.id", index=True, ondelete="RESTRICT")
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=5000)
    banner: str = Field(default="", max_length=80)  # upload key, see app/uploads.py
    starts_at: datetime = Field(sa_type=UTCDateTime, index=True)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    timezone: str = Field(default="Asia/Shanghai", max_length=40)
    # Daily opening hours in the fair's zone, "HH:MM"; both empty means around the clock.
    daily_open: str = Field(default="09:00", max_length=5)
    daily_close: str = Field(default="17:00", max_length=5)
    district: str = Field(default="", max_length=60)
    industry: str = Field(default="", max_length=60)
    audience: str = Field(default=Audience.GENERAL, max_length=20)
    seeker_capacity: int | None = None
    booth_cap: int | None = None
    # Counted in the same statement that checks the capacity, so concurrent
    # registrations can never exceed it.
    registered_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    status: str = Field(default=FairStatus.DRAFT, max_length=12, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BoothStatus(StrEnum):
    INVITED = "invited"  # the organizer asked; the organization has not answered
    APPLIED = "applied"  # the organization asked; the organizer has not answered
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class Booth(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("fair_id", "org_id"),)

    id: int | None = Field(default=None, primary_key=True)
    fair_id: int = Field(foreign_key="fair.id", index=True, ondelete="CASCADE")
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    status: str = Field(default=BoothStatus.APPLIED, max_length=12)
    free: bool = Field(default=False)  # free participation for small firms
    intro: str = Field(default="", max_length=3000)
    logo: str = Field(default="", max_length=80)
    video_url: str = Field(default="", max_length=300)
    # Office hours within the fair's daily hours, "HH:MM"; empty means the fair's hours.
    hours_open: str = Field(default="", max_length=5)
    hours_close: str = Field(default="", max_length=5)
    queue_open: bool = Field(default=True)
    # Promised to seekers who cannot be seen today ("we will contact you by ...").
    follow_up_by: date | None = None
    # Ticket numbers: taken by an atomic increment, so concurrent joins get distinct,
    # gap-free numbers.
    queue_seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Bumped on every change of the waiting line; clients spot a missed update by a gap.
    queue_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BoothStaff(SQLModel, table=True):
    __tablename__ = "booth_staff"
    __table_args__ = (sa.UniqueConstraint("booth_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    booth_id: int = Field(foreign_key="booth.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    on_duty: bool = Field(default=False)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BoothPosting(SQLModel, table=True):
    __tablename__ = "booth_posting"
    __table_args__ = (sa.UniqueConstraint("booth_id", "posting_id"),)

    id: int | None = Field(default=None, primary_key=True)
    booth_id: int = Field(foreign_key="booth.id", index=True, ondelete="CASCADE")
    posting_id: int = Field(foreign_key="posting.id", index=True, ondelete="CASCADE")


# -- Job seekers ---------------------------------------------------------------------


class SeekerProfile(SQLModel, table=True):
    __tablename__ = "seeker_profile"

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    full_name: str = Field(default="", max_length=60)
    phone: str = Field(default="", max_length=20)
    contact_email: str = Field(default="", max_length=254)
    origin_province: str = Field(default="", max_length=20, index=True)
    origin_city: str = Field(default="", max_length=40)
    current_city: str = Field(default="", max_length=40)
    education: str = Field(default="", max_length=20)
    experience_years: int | None = None
    desired_categories: str = Field(default="", max_length=200)  # comma separated
    desired_salary: int | None = None  # per month, yuan
    summary: str = Field(default="", max_length=2000)
    resume_key: str = Field(default="", max_length=80)
    resume_name: str = Field(default="", max_length=120)
    resume_size: int = Field(default=0)
    resume_uploaded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FairRegistration(SQLModel, table=True):
    __tablename__ = "fair_registration"
    __table_args__ = (sa.UniqueConstraint("fair_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    fair_id: int = Field(foreign_key="fair.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ShareVia(StrEnum):
    APPLICATION = "application"
    QUEUE = "queue"
    EXPLICIT = "explicit"


class ResumeShare(SQLModel, table=True):
    """The seeker's consent: staff of ``org_id`` may see the résumé and contact details."""

    __tablename__ = "resume_share"
    __table_args__ = (sa.UniqueConstraint("seeker_id", "org_id"),)

    id: int | None = Field(default=None, primary_key=True)
    seeker_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    via: str = Field(default=ShareVia.EXPLICIT, max_length=12)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ApplicationStatus(StrEnum):
    APPLIED = "applied"
    IN_CONVERSATION = "in_conversation"
    INTERVIEW = "interview"
    OFFER = "offer"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Application(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("posting_id", "seeker_id"),)

    id: int | None = Field(default=None, primary_key=True)
    posting_id: int = Field(foreign_key="posting.id", index=True, ondelete="CASCADE")
    # The live version the seeker read when applying.
    version_id: int = Field(foreign_key="posting_version.id", ondelete="RESTRICT")
    seeker_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    fair_id: int | None = Field(default=None, foreign_key="fair.id", ondelete="SET NULL")
    status: str = Field(default=ApplicationStatus.APPLIED, max_length=16, index=True)
    note: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The employer's first status change: what response rate and time are computed from.
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Without an employer decision by this date the seeker sees "closed without decision".
    decision_due: date


class ApplicationEvent(SQLModel, table=True):
    """The application's history, shown to both sides."""

    __tablename__ = "application_event"

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    status: str = Field(max_length=16)
    actor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    note: str = Field(default="", max_length=1000)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BookmarkKind(StrEnum):
    BOOTH = "booth"
    POSTING = "posting"


class Bookmark(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=8)
    target_id: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# -- Booth queues and conversations --------------------------------------------------------


class TicketStatus(StrEnum):
    WAITING = "waiting"
    INVITED = "invited"  # called; 60 seconds to accept
    SERVED = "served"  # accepted: a conversation was opened
    LEFT = "left"  # the seeker left the line
    MISSED = "missed"  # the invitation ran out
    LAPSED = "lapsed"  # away longer than the grace period when called
    FOLLOW_UP = "follow_up"  # could not be seen today; the employer will contact them


# A seeker holds a place in the line while the ticket is in one of these.
ACTIVE_TICKET = (TicketStatus.WAITING, TicketStatus.INVITED)


class QueueTicket(SQLModel, table=True):
    __tablename__ = "queue_ticket"
    __table_args__ = (
        sa.UniqueConstraint("booth_id", "seq"),
        # One place per person per booth, enforced by the database under concurrency.
        sa.Index(
            "uq_queue_ticket_active",
            "booth_id",
            "seeker_id",
            unique=True,
            sqlite_where=sa.text("status IN ('waiting', 'invited')"),
            postgresql_where=sa.text("status IN ('waiting', 'invited')"),
        ),
        sa.Index("ix_queue_ticket_line", "booth_id", "status", "seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    booth_id: int = Field(foreign_key="booth.id", ondelete="CASCADE")
    seeker_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    seq: int
    status: str = Field(default=TicketStatus.WAITING, max_length=12)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    invited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    invited_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    conversation_id: int | None = Field(
        default=None, foreign_key="conversation.id", ondelete="SET NULL"
    )
    follow_up_by: date | None = None


class ConversationOrigin(StrEnum):
    QUEUE = "queue"
    APPLICATION = "application"
    INVITATION = "invitation"  # staff invited an applicant


class ConversationStatus(StrEnum):
    OPEN = "open"
    ENDED = "ended"


class Outcome(StrEnum):
    NEXT_STEP = "next_step"
    NO_MATCH = "no_match"
    FOLLOW_UP = "follow_up"


class Conversation(SQLModel, table=True):
    """One seeker and one organization's staff, one to one.

    Opened from a queue call, an application or a staff invitation. Its messages live in
    the chat room ``conv:<id>`` (ChatRoom); the interview issue starts video calls from it.
    """

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    seeker_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    # The staff member handling it now; a handover changes it.
    staff_id: int | None = Field(
        default=None, foreign_key="user.id", index=True, ondelete="SET NULL"
    )
    booth_id: int | None = Field(
        default=None, foreign_key="booth.id", index=True, ondelete="SET NULL"
    )
    application_id: int | None = Field(
        default=None, foreign_key="application.id", ondelete="SET NULL"
    )
    origin: str = Field(default=ConversationOrigin.QUEUE, max_length=12)
    status: str = Field(default=ConversationStatus.OPEN, max_length=8, index=True)
    outcome: str = Field(default="", max_length=12)
    outcome_note: str = Field(default="", max_length=1000)
    follow_up_by: date | None = None
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    ended_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# -- chat ---------------------------------------------------------------------------------


class ChatRoom(SQLModel, table=True):
    """A chat room (``booth:<id>`` or ``conv:<id>``) and the last sequence number it gave.

    Each message takes the next number with ``UPDATE ... SET last_seq = last_seq + 1
    RETURNING`` in the transaction that stores it, so numbers have no gaps or repeats.
    """

    __tablename__ = "chat_room"

    id: int | None = Field(default=None, primary_key=True)
    room: str = Field(max_length=40, unique=True)
    last_seq: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ChatMessage(SQLModel, table=True):
    __tablename__ = "chat_message"
    __table_args__ = (
        sa.UniqueConstraint("room_id", "seq", name="uq_chat_message_seq"),
        # A client's retry with the same key is answered with the first ack.
        sa.UniqueConstraint("room_id", "sender_id", "key", name="uq_chat_message_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="chat_room.id", ondelete="CASCADE")
    seq: int
    sender_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=64)
    # Plain text; clients escape it when they show it.
    body: str = Field(max_length=2000)
    staff: bool = False
    # Categories that screen_chat_message found (fee, contact, identity, harassment ...).
    flags: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    pinned: bool = False
    removed: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChatRead(SQLModel, table=True):
    """How far a user has read in a room; only ever moves forward."""

    __tablename__ = "chat_read"
    __table_args__ = (sa.UniqueConstraint("room_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    room_id: int = Field(foreign_key="chat_room.id", ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    last_read_seq: int = 0


class ChatReport(SQLModel, table=True):
    """Someone who may read a room reports one message to the moderators; once per person."""

    __tablename__ = "chat_report"
    __table_args__ = (sa.UniqueConstraint("message_id", "reporter_id"),)

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="chat_message.id", index=True, ondelete="CASCADE")
    reporter_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    reason: str = Field(max_length=32)
    note: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ChatBlock(SQLModel, table=True):
    """One side of a conversation blocked the other: nobody may write in it until undone.

    ``by_staff`` tells the side (the organization's staff, or the seeker): any staff member
    may undo a block a colleague made.
    """

    __tablename__ = "chat_block"
    __table_args__ = (sa.UniqueConstraint("conversation_id", "by_staff"),)

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE")
    blocked_by: int = Field(foreign_key="user.id", ondelete="CASCADE")
    by_staff: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
