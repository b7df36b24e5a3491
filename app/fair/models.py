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
