"""Accounts, employer organizations, memberships and colleague invitations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class Role(StrEnum):
    SEEKER = "seeker"
    EMPLOYER = "employer"
    MODERATOR = "moderator"
    ORGANIZER = "organizer"
    ADMIN = "admin"


# Roles a visitor may pick when registering; the others are granted by an admin.
SELF_SERVICE_ROLES = (Role.SEEKER, Role.EMPLOYER)


class Verification(StrEnum):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    REJECTED = "rejected"


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True}, index=False)
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16, index=True)
    is_active: bool = Field(default=True)
    # Bumped on password change: every session signed with an older epoch stops working.
    auth_epoch: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Organization(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    # 统一社会信用代码, GB 32100-2015; checked on entry, verified by moderators.
    uscc: str = Field(max_length=18, sa_column_kwargs={"unique": True})
    address: str = Field(default="", max_length=200)
    # Facts moderators check against the business licence, and the public profile seekers
    # read: an empty profile is one of the strongest signs of a fake employer.
    licence_details: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=2000)
    website: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    verification: str = Field(default=Verification.UNVERIFIED, max_length=16)
    created_by: int = Field(foreign_key="user.id", ondelete="RESTRICT")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrgMember(SQLModel, table=True):
    __tablename__ = "org_member"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    # An employer account belongs to one organization.
    user_id: int = Field(
        foreign_key="user.id", sa_column_kwargs={"unique": True}, ondelete="CASCADE"
    )
    is_admin: bool = Field(default=False)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OrgInvite(SQLModel, table=True):
    __tablename__ = "org_invite"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    email: str = Field(max_length=254)
    # Only a hash is stored: the token itself is in the link given to the colleague.
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    invited_by: int = Field(foreign_key="user.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    accepted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


__all__ = ["OrgInvite", "OrgMember", "Organization", "Role", "User", "Verification"]
