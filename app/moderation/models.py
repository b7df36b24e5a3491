"""The review queue, seeker reports and the append-only audit log."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class ItemKind(StrEnum):
    POSTING = "posting"
    ORGANIZATION = "organization"
    CHAT_MESSAGE = "chat_message"


class ItemReason(StrEnum):
    SUBMITTED = "submitted"
    JUSTIFIED = "justified"  # blocked by screening, employer claims a genuine requirement
    REPORTED = "reported"
    APPEAL = "appeal"
    REGISTERED = "registered"  # a new organization to verify


class ItemStatus(StrEnum):
    OPEN = "open"
    DECIDED = "decided"
    CANCELLED = "cancelled"  # withdrawn or superseded before anyone decided


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_CHANGES = "request_changes"
    # Chat messages: take the message out of the room, or keep it.
    REMOVE = "remove"
    DISMISS = "dismiss"


class ReviewItem(SQLModel, table=True):
    __tablename__ = "review_item"
    __table_args__ = (sa.Index("ix_review_item_queue", "status", "risk", "enqueued_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=16)
    reason: str = Field(max_length=16)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    version_id: int | None = Field(
        default=None, foreign_key="posting_version.id", ondelete="CASCADE"
    )
    chat_message_id: int | None = Field(
        default=None, foreign_key="chat_message.id", index=True, ondelete="CASCADE"
    )
    risk: float = Field(default=0.0)
    enqueued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status: str = Field(default=ItemStatus.OPEN, max_length=12)
    # An exclusive lease: only its holder may decide, until it expires.
    claimed_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    lease_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # An appeal must be decided by someone other than the moderator who rejected.
    excluded_moderator: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    decided_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision: str | None = Field(default=None, max_length=20)


class PostingReport(SQLModel, table=True):
    __tablename__ = "posting_report"
    __table_args__ = (sa.UniqueConstraint("posting_id", "reporter_id"),)

    id: int | None = Field(default=None, primary_key=True)
    posting_id: int = Field(foreign_key="posting.id", index=True, ondelete="CASCADE")
    version_id: int = Field(foreign_key="posting_version.id", ondelete="CASCADE")
    reporter_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    reason: str = Field(max_length=32)
    text: str = Field(default="", max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    """Append-only: triggers on both databases refuse UPDATE and DELETE.

    The ids are plain numbers, not foreign keys: the record must outlive what it names.
    """

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = None
    action: str = Field(max_length=40)
    org_id: int | None = Field(default=None, index=True)
    posting_id: int | None = Field(default=None, index=True)
    version_id: int | None = None
    item_id: int | None = None
    detail: str = Field(default="{}")  # JSON: findings, decision, reasons, note
