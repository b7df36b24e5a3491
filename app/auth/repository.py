"""Queries on accounts and organizations."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.models import Organization, OrgInvite, OrgMember, User


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.exec(select(User).where(User.email == email))
    return result.first()


async def membership_of(session: AsyncSession, user_id: int) -> OrgMember | None:
    result = await session.exec(select(OrgMember).where(OrgMember.user_id == user_id))
    return result.first()


async def org_by_id(session: AsyncSession, org_id: int) -> Organization | None:
    return await session.get(Organization, org_id)


async def org_by_uscc(session: AsyncSession, uscc: str) -> Organization | None:
    result = await session.exec(select(Organization).where(Organization.uscc == uscc))
    return result.first()


async def members_of(session: AsyncSession, org_id: int) -> Sequence[tuple[OrgMember, User]]:
    result = await session.exec(
        select(OrgMember, User)
        .join(User, col(User.id) == col(OrgMember.user_id))
        .where(OrgMember.org_id == org_id)
        .order_by(col(OrgMember.joined_at))
    )
    return result.all()


async def open_invites(session: AsyncSession, org_id: int) -> Sequence[OrgInvite]:
    result = await session.exec(
        select(OrgInvite)
        .where(OrgInvite.org_id == org_id, col(OrgInvite.accepted_at).is_(None))
        .order_by(col(OrgInvite.created_at).desc())
    )
    return result.all()


async def invite_by_token_hash(session: AsyncSession, token_hash: str) -> OrgInvite | None:
    result = await session.exec(select(OrgInvite).where(OrgInvite.token_hash == token_hash))
    return result.first()


async def search_users(
    session: AsyncSession, *, query: str, role: str | None, offset: int, limit: int
) -> tuple[Sequence[User], int]:
    conditions: list[sa.ColumnElement[bool]] = []
    if query:
        pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            sa.or_(
                col(User.email).ilike(pattern, escape="\\"),
                col(User.display_name).ilike(pattern, escape="\\"),
            )
        )
    if role:
        conditions.append(col(User.role) == role)
    total = (await session.exec(select(sa.func.count()).select_from(User).where(*conditions))).one()
    rows = await session.exec(
        select(User).where(*conditions).order_by(col(User.id)).offset(offset).limit(limit)
    )
    return rows.all(), int(total)
