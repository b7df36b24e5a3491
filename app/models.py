"""Every table, imported in one place so Alembic and tests see the whole schema."""

from sqlmodel import SQLModel

from app.auth.models import Organization, OrgInvite, OrgMember, User

metadata = SQLModel.metadata

__all__ = ["OrgInvite", "OrgMember", "Organization", "User", "metadata"]
