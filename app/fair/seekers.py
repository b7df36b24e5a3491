"""Job seekers: the profile, the résumé, who may see them, and bookmarks.

The seeker decides who sees the résumé and contact details: sharing is per organization,
recorded when they apply or queue or press "share", and can be revoked at any time. Staff
get the résumé only while a share is in force and the seeker applied or queued there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity, require_org_member, require_role
from app.auth.models import Organization, Role, User
from app.db import after_commit, insert_new, utcnow
from app.errors import Invalid, NotAllowed, NotFound
from app.fair import repository
from app.fair.models import (
    Application,
    Bookmark,
    BookmarkKind,
    Booth,
    BoothStatus,
    Fair,
    FairStatus,
    Posting,
    QueueTicket,
    ResumeShare,
    SeekerProfile,
    ShareVia,
)
from app.uploads import delete_resume, resume_path, store_resume

# The provincial-level divisions, for "where seekers come from" statistics.
PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
    "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西",
    "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏",
    "新疆", "香港", "澳门", "台湾",
)  # fmt: skip
EDUCATION_LEVELS = ("不限", "初中", "高中", "中专", "大专", "本科", "硕士", "博士")
PROFILE_TEXT = {
    "full_name": 60,
    "phone": 20,
    "contact_email": 254,
    "origin_city": 40,
    "current_city": 40,
    "desired_categories": 200,
    "summary": 2000,
}
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,18}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _number(raw: str, field: str, high: int) -> int | None:
    raw = raw.strip().replace(",", "")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or int(raw) > high:
        raise Invalid("Enter a whole number from 0 to %(high)s.", field=field, high=high)
    return int(raw)


def require_seeker(identity: Identity | None) -> Identity:
    return require_role(identity, Role.SEEKER)


async def profile_of(session: AsyncSession, user_id: int) -> SeekerProfile:
    """The profile, or an empty one (not yet saved) for a seeker who has not written it."""
    return await session.get(SeekerProfile, user_id) or SeekerProfile(user_id=user_id)


async def update_profile(
    session: AsyncSession, *, identity: Identity | None, values: Mapping[str, str]
) -> SeekerProfile:
    identity = require_seeker(identity)
    clean = {name: values.get(name, "").strip() for name in PROFILE_TEXT}
    for name, limit in PROFILE_TEXT.items():
        if len(clean[name]) > limit:
            raise Invalid("At most %(limit)s characters.", field=name, limit=limit)
    if not clean["full_name"]:
        raise Invalid("Enter your name.", field="full_name")
    if clean["phone"] and not _PHONE.match(clean["phone"]):
        raise Invalid("Enter a phone number of digits.", field="phone")
    if clean["contact_email"] and not _EMAIL.match(clean["contact_email"]):
        raise Invalid("Enter an e-mail address.", field="contact_email")
    if not clean["phone"] and not clean["contact_email"]:
        raise Invalid("Give a phone number or an e-mail address.", field="phone")
    province = values.get("origin_province", "").strip()
    if province and province not in PROVINCES:
        raise Invalid("Choose a province from the list.", field="origin_province")
    education = values.get("education", "").strip()
    if education and education not in EDUCATION_LEVELS:
        raise Invalid("Choose a level from the list.", field="education")
    experience = _number(values.get("experience_years", ""), "experience_years", 60)
    salary = _number(values.get("desired_salary", ""), "desired_salary", 1_000_000)
    categories = ",".join(
        part.strip()
        for part in re.split(r"[,，、;；]", clean["desired_categories"])
        if part.strip()
    )
    profile = await profile_of(session, identity.id)
    for name, value in clean.items():
        setattr(profile, name, value)
    profile.desired_categories = categories[:200]
    profile.origin_province = province
    profile.education = education
    profile.experience_years = experience
    profile.desired_salary = salary
    profile.updated_at = utcnow()
    session.add(profile)
    return profile


def profile_complete(profile: SeekerProfile) -> bool:
    return bool(profile.full_name and (profile.phone or profile.contact_email))


async def upload_resume(
    session: AsyncSession,
    *,
    identity: Identity | None,
    upload_dir: Path,
    data: bytes,
    filename: str,
) -> SeekerProfile:
    identity = require_seeker(identity)
    key = store_resume(upload_dir, data)  # checks it is a PDF by content
    profile = await profile_of(session, identity.id)
    old = profile.resume_key
    profile.resume_key = key
    profile.resume_name = (Path(filename).name or "resume.pdf")[:120]
    profile.resume_size = len(data)
    profile.resume_uploaded_at = profile.updated_at = utcnow()
    session.add(profile)
    if old:
        # Removed after the new key is in the row; a failed commit leaves one orphan file
        # rather than a profile pointing at nothing.
        after_commit(session, lambda: delete_resume(upload_dir, old))
    return profile


async def remove_resume(
    session: AsyncSession, *, identity: Identity | None, upload_dir: Path
) -> SeekerProfile:
    identity = require_seeker(identity)
    profile = await profile_of(session, identity.id)
    old = profile.resume_key
    profile.resume_key = profile.resume_name = ""
    profile.resume_size = 0
    profile.resume_uploaded_at = None
    session.add(profile)
    if old:
        after_commit(session, lambda: delete_resume(upload_dir, old))
    return profile


# -- sharing -------------------------------------------------------------------------


async def share_with(session: AsyncSession, seeker_id: int, org_id: int, via: ShareVia) -> None:
    """Grant (or renew) an organization's access; idempotent."""
    result = await session.exec(
        select(ResumeShare).where(ResumeShare.seeker_id == seeker_id, ResumeShare.org_id == org_id)
    )
    share = result.first()
    if share is None:
        # Shared from another tab at the same moment: the row exists, nothing to do.
        await insert_new(session, ResumeShare(seeker_id=seeker_id, org_id=org_id, via=via))
        return
    if share.revoked_at is not None:
        share.revoked_at = None
        share.via = via
        share.created_at = utcnow()
        session.add(share)


async def share_explicitly(
    session: AsyncSession, *, identity: Identity | None, org_id: int
) -> None:
    identity = require_seeker(identity)
    if await session.get(Organization, org_id) is None:
        raise NotFound("No such organization.")
    await share_with(session, identity.id, org_id, ShareVia.EXPLICIT)


async def revoke_share(session: AsyncSession, *, identity: Identity | None, org_id: int) -> None:
    identity = require_seeker(identity)
    result = await session.exec(
        select(ResumeShare).where(
            ResumeShare.seeker_id == identity.id,
            ResumeShare.org_id == org_id,
            col(ResumeShare.revoked_at).is_(None),
        )
    )
    share = result.first()
    if share is None:
        raise NotFound("This organization has no access.")
    share.revoked_at = utcnow()
    session.add(share)


async def shares_of(
    session: AsyncSession, identity: Identity | None
) -> Sequence[tuple[ResumeShare, Organization]]:
    identity = require_seeker(identity)
    result = await session.exec(
        select(ResumeShare, Organization)
        .join(Organization, col(Organization.id) == col(ResumeShare.org_id))
        .where(ResumeShare.seeker_id == identity.id)
        .order_by(col(ResumeShare.revoked_at).is_not(None), col(Organization.name))
    )
    return [(s, o) for s, o in result.all()]


async def org_may_see(session: AsyncSession, org_id: int, seeker_id: int) -> bool:
    """A share in force, and the seeker applied to or queued at this organization."""
    share = await session.exec(
        select(ResumeShare.id).where(
            ResumeShare.seeker_id == seeker_id,
            ResumeShare.org_id == org_id,
            col(ResumeShare.revoked_at).is_(None),
        )
    )
    if share.first() is None:
        return False
    applied = await session.exec(
        select(Application.id).where(
            Application.seeker_id == seeker_id, Application.org_id == org_id
        )
    )
    if applied.first() is not None:
        return True
    queued = await session.exec(
        select(QueueTicket.id)
        .join(Booth, col(Booth.id) == col(QueueTicket.booth_id))
        .where(QueueTicket.seeker_id == seeker_id, Booth.org_id == org_id)
    )
    return queued.first() is not None


@dataclass(slots=True)
class SeekerCard:
    """What staff see of a seeker: the name always, the rest only with consent."""

    user_id: int
    display_name: str
    shared: bool
    profile: SeekerProfile | None


async def seeker_card(session: AsyncSession, org_id: int, seeker_id: int) -> SeekerCard:
    user = await session.get(User, seeker_id)
    if user is None:
        raise NotFound("No such job seeker.")
    shared = await org_may_see(session, org_id, seeker_id)
    profile = await session.get(SeekerProfile, seeker_id) if shared else None
    return SeekerCard(
        user_id=seeker_id, display_name=user.display_name, shared=shared, profile=profile
    )


async def resume_for_staff(
    session: AsyncSession, *, identity: Identity | None, seeker_id: int, upload_dir: Path
) -> tuple[Path, str]:
    """The résumé file and its download name, for staff the seeker shared it with."""
    identity, org_id = require_org_member(identity)
    if not await org_may_see(session, org_id, seeker_id):
        raise NotAllowed("This job seeker has not shared the résumé with your organization.")
    profile = await session.get(SeekerProfile, seeker_id)
    path = resume_path(upload_dir, profile.resume_key) if profile and profile.resume_key else None
    if profile is None or path is None:
        raise NotFound("This job seeker has not uploaded a résumé.")
    return path, profile.resume_name or "resume.pdf"


async def own_resume(
    session: AsyncSession, *, identity: Identity | None, upload_dir: Path
) -> tuple[Path, str]:
    identity = require_seeker(identity)
    profile = await session.get(SeekerProfile, identity.id)
    path = resume_path(upload_dir, profile.resume_key) if profile and profile.resume_key else None
    if profile is None or path is None:
        raise NotFound("You have not uploaded a résumé.")
    return path, profile.resume_name or "resume.pdf"


# -- bookmarks -----------------------------------------------------------------------


async def toggle_bookmark(
    session: AsyncSession, *, identity: Identity | None, kind: str, target_id: int
) -> bool:
    """Add or remove a bookmark; returns whether it is now set."""
    identity = require_seeker(identity)
    if kind not in set(BookmarkKind):
        raise Invalid("Unknown bookmark kind.")
    result = await session.exec(
        select(Bookmark).where(
            Bookmark.user_id == identity.id, Bookmark.kind == kind, Bookmark.target_id == target_id
        )
    )
    existing = result.first()
    if existing is not None:
        await session.delete(existing)
        return False
    target = Booth if kind == BookmarkKind.BOOTH else Posting
    if await session.get(target, target_id) is None:
        raise NotFound("Nothing to bookmark here.")
    await insert_new(session, Bookmark(user_id=identity.id, kind=kind, target_id=target_id))
    return True


async def bookmarks_of(session: AsyncSession, user_id: int) -> set[tuple[str, int]]:
    result = await session.exec(
        select(Bookmark.kind, Bookmark.target_id).where(Bookmark.user_id == user_id)
    )
    return {(kind, target) for kind, target in result.all()}


@dataclass(slots=True)
class BookmarkItem:
    kind: str
    target_id: int
    title: str  # empty when the booth or job is no longer shown
    subtitle: str
    href: str


async def bookmark_items(session: AsyncSession, user_id: int) -> list[BookmarkItem]:
    """The seeker's bookmarks with names: booths with their fair, jobs still shown."""
    marks = await bookmarks_of(session, user_id)
    booth_ids = [target for kind, target in marks if kind == BookmarkKind.BOOTH]
    posting_ids = [target for kind, target in marks if kind == BookmarkKind.POSTING]
    items: list[BookmarkItem] = []
    if booth_ids:
        rows = await session.exec(
            select(Booth, Fair, Organization)
            .join(Fair, col(Fair.id) == col(Booth.fair_id))
            .join(Organization, col(Organization.id) == col(Booth.org_id))
            .where(col(Booth.id).in_(booth_ids))
        )
        found = {booth.id: (booth, fair, org) for booth, fair, org in rows.all()}
        for booth_id in booth_ids:
            booth, fair, org = found.get(booth_id, (None, None, None))
            shown = (
                booth is not None
                and fair is not None
                and booth.status == BoothStatus.ACCEPTED
                and fair.status == FairStatus.PUBLISHED
            )
            items.append(
                BookmarkItem(
                    kind=BookmarkKind.BOOTH,
                    target_id=booth_id,
                    title=org.name if shown and org else "",
                    subtitle=fair.title if shown and fair else "",
                    href=f"/fairs/{fair.id}/booths/{booth_id}" if shown and fair else "",
                )
            )
    if posting_ids:
        rows_jobs = await session.exec(
            repository.visible_query(utcnow().date()).where(col(Posting.id).in_(posting_ids))
        )
        jobs = {posting.id: (version, org) for posting, version, org in rows_jobs.all()}
        for posting_id in posting_ids:
            version, org = jobs.get(posting_id, (None, None))
            items.append(
                BookmarkItem(
                    kind=BookmarkKind.POSTING,
                    target_id=posting_id,
                    title=version.title if version else "",
                    subtitle=org.name if org else "",
                    href=f"/jobs/{posting_id}" if version else "",
                )
            )
    return sorted(items, key=lambda item: (item.kind, not item.title, item.title, item.target_id))
