"""Who is making a request, and the authorization helpers every domain uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth import repository
from app.auth.models import OrgMember, Role, User
from app.errors import NotAllowed, NotAuthenticated


@dataclass(frozen=True, slots=True)
class Identity:
    """A signed-in user with their organization membership (employer staff only)."""

    user: User
    membership: OrgMember | None
    session_id: str

    @property
    def id(self) -> int:
        assert self.user.id is not None
        return self.user.id

    @property
    def role(self) -> Role:
        return Role(self.user.role)

    @property
    def org_id(self) -> int | None:
        return self.membership.org_id if self.membership else None

    @property
    def is_org_admin(self) -> bool:
        return bool(self.membership and self.membership.is_admin)


async def load_identity(session: AsyncSession, data: Mapping[str, Any]) -> Identity | None:
    """The identity a session cookie stands for, or None if it is missing, stale or revoked."""
    uid, epoch, sid = data.get("uid"), data.get("epoch"), data.get("sid")
    if not isinstance(uid, int) or not isinstance(epoch, int) or not isinstance(sid, str):
        return None
    user = await repository.user_by_id(session, uid)
    if user is None or not user.is_active or user.auth_epoch != epoch:
        return None
    membership = (
        await repository.membership_of(session, uid) if user.role == Role.EMPLOYER else None
    )
    return Identity(user=user, membership=membership, session_id=sid)


def require_login(identity: Identity | None) -> Identity:
    if identity is None:
        raise NotAuthenticated("Please log in to continue.")
    return identity


def require_role(identity: Identity | None, *roles: Role) -> Identity:
    """The identity, if it holds one of ``roles``; no role implies another."""
    identity = require_login(identity)
    if identity.role in roles:
        return identity
    raise NotAllowed("Your account cannot open this page.")


def require_org_member(identity: Identity | None) -> tuple[Identity, int]:
    identity = require_role(identity, Role.EMPLOYER)
    if identity.org_id is None:
        raise NotAllowed("Create or join an employer organization first.")
    return identity, identity.org_id


def require_org_admin(identity: Identity | None) -> tuple[Identity, int]:
    identity, org_id = require_org_member(identity)
    if not identity.is_org_admin:
        raise NotAllowed("Only an administrator of your organization can do this.")
    return identity, org_id
