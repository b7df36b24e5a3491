"""Every table, imported in one place so Alembic and tests see the whole schema."""

from sqlmodel import SQLModel

from app.auth.models import Organization, OrgInvite, OrgMember, User
from app.fair.models import Posting, PostingVersion
from app.moderation.models import AuditEvent, PostingReport, ReviewItem

metadata = SQLModel.metadata

__all__ = [
    "AuditEvent",
    "OrgInvite",
    "OrgMember",
    "Organization",
    "Posting",
    "PostingReport",
    "PostingVersion",
    "ReviewItem",
    "User",
    "metadata",
]
