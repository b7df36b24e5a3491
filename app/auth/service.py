"""Account rules: registration, log-in, passwords, organizations, colleagues, user admin."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth import repository, throttle
from app.auth.identity import (
    Identity,
    require_login,
    require_org_admin,
    require_org_member,
    require_role,
)
from app.auth.models import SELF_SERVICE_ROLES, Organization, OrgInvite, OrgMember, Role, User
from app.auth.passwords import hash_password, password_problem, verify_password
from app.auth.uscc import USCCError, normalize_uscc
from app.broker import Broker
from app.db import utcnow
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.events import emit, emit_raw
from app.moderation import audit, queue
from app.moderation.models import ItemKind, ItemReason

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
INVITE_VALID_FOR = timedelta(days=7)


def session_channel(user_id: int) -> str:
    """Internal channel the gateway listens on to close sockets of ended sessions."""
    return f"session:{user_id}"


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


def org_channel(org_id: int) -> str:
    return f"org:{org_id}"


def normalize_email(raw: str) -> str:
    email = raw.strip().lower()
    if not EMAIL_RE.fullmatch(email) or len(email) > 254:
        raise Invalid("Enter a valid e-mail address.", field="email")
    return email


def _display_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not 1 <= len(name) <= 80:
        raise Invalid("Enter a name of 1 to 80 characters.", field="display_name")
    return name


def _check_password(password: str, email: str, field: str = "password") -> None:
    problem = password_problem(password, email=email)
    if problem:
        raise Invalid(problem, field=field)


async def create_user(
    session: AsyncSession, *, email: str, password: str, display_name: str, role: Role
) -> User:
    """Create an account of any role (the CLI and invitations use this directly)."""
    email = normalize_email(email)
    name = _display_name(display_name)
    _check_password(password, email)
    if await repository.user_by_email(session, email) is not None:
        raise Conflict("An account with this e-mail address already exists.", field="email")
    user = User(
        email=email, display_name=name, role=role, password_hash=await hash_password(password)
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError:
        # A concurrent registration with the same address won the race.
        raise Conflict(
            "An account with this e-mail address already exists.", field="email"
        ) from None
    return user


async def register(
    session: AsyncSession, *, email: str, password: str, display_name: str, role: str
) -> User:
    """Self-service sign-up, for job seekers and employer staff only."""
    if role not in SELF_SERVICE_ROLES:
        raise Invalid("Choose job seeker or employer.", field="role")
    return await create_user(
        session, email=email, password=password, display_name=display_name, role=Role(role)
    )


async def authenticate(
    session: AsyncSession, broker: Broker, *, email: str, password: str, address: str
) -> User:
    """The user with these credentials; throttled per account and per address."""
    email = email.strip().lower()
    await throttle.check_login_allowed(broker, email=email, address=address)
    user = await repository.user_by_email(session, email) if email else None
    ok = await verify_password(user.password_hash if user else None, password)
    if user is None or not ok:
        await throttle.record_login_failure(broker, email=email, address=address)
        raise Invalid("The e-mail address or password is wrong.", field="password")
    if not user.is_active:
        raise NotAllowed("This account has been deactivated. Contact the platform administrator.")
    await throttle.record_login_success(broker, email=email, address=address)
    user.last_login_at = utcnow()
    session.add(user)
    return user


def new_session_data(user: User) -> dict[str, object]:
    """What the session cookie holds for a fresh log-in."""
    return {"uid": user.id, "epoch": user.auth_epoch, "sid": secrets.token_urlsafe(12)}


def end_session(session: AsyncSession, identity: Identity) -> None:
    """Log-out: sockets opened with this session are closed on every node."""
    emit_raw(session, session_channel(identity.id), b'{"sid":"%s"}' % identity.session_id.encode())


async def change_password(
    session: AsyncSession, *, identity: Identity | None, current: str, new: str
) -> User:
    """Set a new password and end every other session of the account."""
    identity = require_login(identity)
    user = identity.user
    if not await verify_password(user.password_hash, current):
        raise Invalid("The current password is wrong.", field="current_password")
    _check_password(new, user.email, field="new_password")
    user.password_hash = await hash_password(new)
    user.auth_epoch += 1
    session.add(user)
    emit_raw(session, session_channel(identity.id), b'{"epoch":%d}' % user.auth_epoch)
    return user


async def create_organization(
    session: AsyncSession,
    *,
    identity: Identity | None,
    name: str,
    uscc: str,
    address: str,
    description: str = "",
    licence_details: str = "",
    phone: str = "",
    website: str = "",
) -> Organization:
    """An employer creates its organization and becomes its first administrator."""
    identity = require_role(identity, Role.EMPLOYER)
    if identity.membership is not None:
        raise Conflict("You already belong to an organization.")
    clean_name = " ".join(name.split())
    if not 2 <= len(clean_name) <= 120:
        raise Invalid("Enter the registered name (2 to 120 characters).", field="name")
    try:
        code = normalize_uscc(uscc)
    except USCCError as exc:
        raise Invalid(exc.message, field="uscc", **exc.params) from None
    if await repository.org_by_uscc(session, code) is not None:
        raise Conflict(
            "An organization with this code is already registered. Ask its administrator to invite you.",
            field="uscc",
        )
    org = Organization(
        name=clean_name,
        uscc=code,
        address=" ".join(address.split())[:200],
        created_by=identity.id,
        description=description.strip()[:2000],
        licence_details=licence_details.strip()[:500],
        phone=phone.strip()[:40],
        website=website.strip()[:200],
    )
    session.add(org)
    await session.flush()
    assert org.id is not None
    session.add(OrgMember(org_id=org.id, user_id=identity.id, is_admin=True))
    # A new organization waits for verification in the moderators' queue.
    item = queue.enqueue(
        session, kind=ItemKind.ORGANIZATION, reason=ItemReason.REGISTERED, org_id=org.id
    )
    await session.flush()
    audit.record(
        session,
        "organization.registered",
        actor_id=identity.id,
        org_id=org.id,
        item_id=item.id,
        uscc=org.uscc,
        name=org.name,
    )
    return org


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite_colleague(
    session: AsyncSession, *, identity: Identity | None, email: str
) -> tuple[OrgInvite, str]:
    """An organization admin invites a colleague; returns the invite and its secret token."""
    identity, org_id = require_org_admin(identity)
    email = normalize_email(email)
    if await repository.user_by_email(session, email) is not None:
        raise Conflict("An account with this e-mail address already exists.", field="email")
    token = secrets.token_urlsafe(24)
    invite = OrgInvite(
        org_id=org_id,
        email=email,
        token_hash=_token_hash(token),
        invited_by=identity.id,
        expires_at=utcnow() + INVITE_VALID_FOR,
    )
    session.add(invite)
    await session.flush()
    return invite, token


async def open_invite(session: AsyncSession, token: str) -> tuple[OrgInvite, Organization]:
    """The still-valid invitation behind a link token."""
    invite = await repository.invite_by_token_hash(session, _token_hash(token))
    if invite is None or invite.accepted_at is not None or invite.expires_at < utcnow():
        raise NotFound("This invitation link is invalid, used or expired.")
    org = await repository.org_by_id(session, invite.org_id)
    if org is None:
        raise NotFound("This invitation link is invalid, used or expired.")
    return invite, org


async def accept_invite(
    session: AsyncSession, *, token: str, display_name: str, password: str
) -> User:
    """Create the colleague's employer account and add it to the organization."""
    invite, org = await open_invite(session, token)
    user = await create_user(
        session,
        email=invite.email,
        password=password,
        display_name=display_name,
        role=Role.EMPLOYER,
    )
    assert user.id is not None
    assert org.id is not None
    invite.accepted_at = utcnow()
    session.add(invite)
    session.add(OrgMember(org_id=org.id, user_id=user.id, is_admin=False))
    await session.flush()
    emit(
        session,
        org_channel(org.id),
        "org.member_joined",
        {"user_id": user.id, "display_name": user.display_name},
    )
    return user


async def set_active(
    session: AsyncSession, *, identity: Identity | None, user_id: int, active: bool
) -> User:
    """An admin (de)activates an account; deactivation ends its sessions at once."""
    identity = require_role(identity, Role.ADMIN)
    user = await repository.user_by_id(session, user_id)
    if user is None:
        raise NotFound("No such user.")
    if user.id == identity.id:
        raise Invalid("You cannot deactivate your own account.")
    user.is_active = active
    if not active:
        user.auth_epoch += 1
        emit_raw(session, session_channel(user_id), b'{"epoch":%d}' % user.auth_epoch)
    session.add(user)
    return user


@dataclass(frozen=True, slots=True)
class OrgOverview:
    org: Organization
    members: Sequence[tuple[OrgMember, User]]
    invites: Sequence[OrgInvite]


async def org_overview(session: AsyncSession, *, identity: Identity | None) -> OrgOverview:
    """The staff member's organization with its colleagues and open invitations."""
    _, org_id = require_org_member(identity)
    org = await repository.org_by_id(session, org_id)
    if org is None:
        raise NotFound("No such organization.")
    return OrgOverview(
        org=org,
        members=await repository.members_of(session, org_id),
        invites=await repository.open_invites(session, org_id),
    )


async def account_overview(
    session: AsyncSession, *, identity: Identity | None
) -> Organization | None:
    """The signed-in user's organization, if they are employer staff."""
    identity = require_login(identity)
    if identity.org_id is None:
        return None
    return await repository.org_by_id(session, identity.org_id)


@dataclass(frozen=True, slots=True)
class UserPage:
    users: Sequence[User]
    total: int
    page: int
    pages: int


USERS_PER_PAGE = 50


async def list_users(
    session: AsyncSession, *, identity: Identity | None, query: str, role: str | None, page: int
) -> UserPage:
    """Admins search every account, 50 to a page."""
    require_role(identity, Role.ADMIN)
    role = role if role in set(Role) else None
    page = max(1, page)
    users, total = await repository.search_users(
        session,
        query=query.strip()[:100],
        role=role,
        offset=(page - 1) * USERS_PER_PAGE,
        limit=USERS_PER_PAGE,
    )
    return UserPage(users=users, total=total, page=page, pages=max(1, -(-total // USERS_PER_PAGE)))
