"""Every table, imported in one place so Alembic and tests see the whole schema."""

from sqlmodel import SQLModel

from app.auth.models import Organization, OrgInvite, OrgMember, User
from app.fair.models import (
    Application,
    ApplicationEvent,
    Bookmark,
    Booth,
    BoothPosting,
    BoothStaff,
    ChatMessage,
    ChatRead,
    ChatRoom,
    Conversation,
    Fair,
    FairRegistration,
    Posting,
    PostingVersion,
    QueueTicket,
    ResumeShare,
    SeekerProfile,
)
from app.moderation.models import AuditEvent, PostingReport, ReviewItem

metadata = SQLModel.metadata

__all__ = [
    "Application",
    "ApplicationEvent",
    "Bookmark",
    "Booth",
    "BoothPosting",
    "BoothStaff",
    "ChatMessage",
    "ChatRead",
    "ChatRoom",
    "Conversation",
    "Fair",
    "FairRegistration",
    "QueueTicket",
    "ResumeShare",
    "SeekerProfile",
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
