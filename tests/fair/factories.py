"""Fair test data made through the real services, as a deployment would make it.

Each helper takes an open session and flushes, never commits: the caller commits once.
Users get the test password (tests.support.PASSWORD), so they can log in over HTTP.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity, load_identity
from app.auth.models import Organization, OrgMember, Role, User, Verification
from app.auth.passwords import hash_password
from app.db import utcnow
from app.fair import fairs, postings, seekers
from app.fair.models import Booth, Fair, Posting
from app.moderation import service as moderation
from tests.conftest import valid_uscc
from tests.fair.test_postings import CLEAN
from tests.support import PASSWORD

_hash: str | None = None
_seeds = itertools.count(int(uuid.uuid4().int % 10**8) * 10)

SALES = CLEAN  # a posting that passes screening
PROFILE = {
    "full_name": "王小明",
    "phone": "13900000100",
    "origin_province": "河南",
    "education": "大专",
    "desired_categories": "销售",
}


async def password_hash() -> str:
    """One hash of the test password per test run: hashing is deliberately slow."""
    global _hash
    if _hash is None:
        _hash = await hash_password(PASSWORD)
    return _hash


async def identity_of(session: AsyncSession, user: User) -> Identity:
    found = await load_identity(session, {"uid": user.id, "epoch": user.auth_epoch, "sid": "t"})
    assert found is not None, "inactive user"
    return found


async def user(
    session: AsyncSession, role: Role, email: str | None = None, *, name: str = ""
) -> User:
    created = User(
        email=email or f"{role}-{uuid.uuid4().hex[:8]}@example.com",
        display_name=name or f"{role} {uuid.uuid4().hex[:4]}",
        role=role,
        password_hash=await password_hash(),
    )
    session.add(created)
    await session.flush()
    return created


async def live_fair(
    session: AsyncSession,
    *,
    organizer: User | None = None,
    title: str = "春风行动网络招聘会",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    publish: bool = True,
    **fields: Any,
) -> Fair:
    """A fair open now (around the clock unless daily hours are given), published unless
    ``publish`` is false. Other FairFields may be overridden by keyword."""
    organizer = organizer or await user(session, Role.ORGANIZER)
    now = utcnow()
    values: dict[str, Any] = {
        "title": title,
        "description": "面向高校毕业生和进城务工人员的线上招聘会。",
        "starts_at": starts_at or now - timedelta(hours=1),
        "ends_at": ends_at or now + timedelta(days=2),
        "timezone": "Asia/Shanghai",
        "daily_open": "",
        "daily_close": "",
        "district": "海淀区",
        "industry": "综合",
        "audience": "general",
        "seeker_capacity": None,
        "booth_cap": None,
    } | fields
    who = await identity_of(session, organizer)
    fair = await fairs.create_fair(session, identity=who, fields=fairs.FairFields(**values))
    assert fair.id is not None
    if publish:
        await fairs.publish(session, identity=who, fair_id=fair.id)
    await session.flush()
    return fair


async def exhibiting_org(
    session: AsyncSession,
    fair: Fair,
    *,
    name: str = "北京远航办公设备有限公司",
    staff_email: str | None = None,
    intro: str = "",
) -> tuple[Booth, int, User]:
    """A verified organization with one staff member (its admin), accepted at the fair."""
    staff = await user(session, Role.EMPLOYER, staff_email, name="李经理")
    org = Organization(
        name=name,
        uscc=valid_uscc(next(_seeds)),
        description=f"{name}，成立于2010年。",
        verification=Verification.VERIFIED,
        created_by=staff.id or 0,
    )
    session.add(org)
    await session.flush()
    assert org.id is not None
    session.add(OrgMember(org_id=org.id, user_id=staff.id or 0, is_admin=True))
    await session.flush()
    assert fair.id is not None
    booth = await fairs.apply_to_exhibit(
        session, identity=await identity_of(session, staff), fair_id=fair.id
    )
    organizer = await session.get(User, fair.organizer_id)
    assert organizer is not None
    assert booth.id is not None
    await fairs.decide_application(
        session,
        identity=await identity_of(session, organizer),
        fair_id=fair.id,
        booth_id=booth.id,
        accept=True,
    )
    if intro:
        booth.intro = intro
        session.add(booth)
    await session.flush()
    return booth, org.id, staff


async def live_posting(
    session: AsyncSession,
    org_id: int,
    staff_user: User,
    *,
    title: str = SALES["title"],
    description: str = SALES["description"],
    moderator: User | None = None,
    **fields: str,
) -> Posting:
    """A posting submitted by ``staff_user`` and approved by a moderator: live."""
    staff = await identity_of(session, staff_user)
    assert staff.org_id == org_id
    form = SALES | {"title": title, "description": description} | fields
    version = await postings.save_draft(
        session,
        identity=staff,
        posting_id=None,
        fields=postings.clean_fields(form, today=utcnow().date()),
    )
    await postings.submit(session, identity=staff, posting_id=version.posting_id)
    await session.flush()
    judge = await identity_of(session, moderator or await user(session, Role.MODERATOR))
    released = []
    while True:
        item = await moderation.claim_next(session, identity=judge)
        assert item is not None, "the posting did not reach the review queue"
        assert item.id is not None
        if item.version_id == version.id:
            break
        released.append(item.id)
    for other in released:
        await moderation.release(session, identity=judge, item_id=other)
    await moderation.decide(session, identity=judge, item_id=item.id, decision="approve")
    await session.flush()
    posting = await session.get(Posting, version.posting_id)
    assert posting is not None
    return posting


async def seeker(
    session: AsyncSession,
    email: str | None = None,
    profile: bool = True,
    *,
    name: str = "王小明",
    **values: str,
) -> User:
    """A job seeker, with a complete profile unless ``profile`` is false."""
    created = await user(session, Role.SEEKER, email, name=name)
    if profile:
        await seekers.update_profile(
            session,
            identity=await identity_of(session, created),
            values=PROFILE | {"full_name": name} | values,
        )
        await session.flush()
    return created


async def register(session: AsyncSession, fair: Fair, *people: User) -> None:
    for person in people:
        await fairs.register(
            session, identity=await identity_of(session, person), fair_id=fair.id or 0
        )
    await session.flush()
