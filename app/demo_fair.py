"""The demo's live fair: exhibitors with booths and postings, seekers with profiles.

Everything goes through the real services (postings are screened and approved by the
demo moderator), so the demo shows what a deployment would. Idempotent: a second run
finds the fair and leaves it alone.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth import repository
from app.auth.identity import Identity
from app.auth.models import Organization, OrgMember, Role, User, Verification
from app.db import utcnow
from app.demo_fair_data import EXHIBITORS, FAIR, SEEKERS
from app.fair import applications, booths, fairs, postings, search, seekers
from app.fair.models import Booth, BoothStatus, Fair, FairStatus
from app.moderation import service as moderation
from app.moderation.models import ItemStatus, ReviewItem
from app.moderation.queue import LEASE

IdentityOf = Callable[[str], Awaitable[Identity]]
# Organizations of the base demo that also exhibit.
ALSO_EXHIBITING = ("employer@demo.jobfair.cn", "hr@mingde.demo.jobfair.cn")


async def _exhibitor_org(
    session: AsyncSession, spec_index: int, password_hash: str
) -> tuple[Organization, User]:
    spec = EXHIBITORS[spec_index]
    user = await repository.user_by_email(session, spec.hr_email)
    if user is None:
        user = User(
            email=spec.hr_email,
            display_name=spec.hr_name,
            role=Role.EMPLOYER,
            password_hash=password_hash,
        )
        session.add(user)
        await session.flush()
    org = await repository.org_by_uscc(session, spec.uscc)
    if org is None:
        assert user.id is not None
        org = Organization(
            name=spec.name,
            uscc=spec.uscc,
            address=spec.address,
            description=spec.description,
            licence_details=spec.licence_details,
            website=spec.website,
            phone=spec.phone,
            verification=Verification.VERIFIED,
            created_by=user.id,
        )
        session.add(org)
        await session.flush()
        assert org.id is not None
        session.add(OrgMember(org_id=org.id, user_id=user.id, is_admin=True))
        await session.flush()
    return org, user


async def _claim_item_of(session: AsyncSession, version_id: int, moderator_id: int) -> int:
    """The demo moderator takes this version's review item (not the queue's head, which
    holds the base demo's items that are meant to stay waiting)."""
    item = (
        await session.exec(
            select(ReviewItem).where(
                ReviewItem.version_id == version_id, ReviewItem.status == ItemStatus.OPEN
            )
        )
    ).one()
    item.claimed_by = moderator_id
    item.lease_expires_at = utcnow() + LEASE
    session.add(item)
    await session.flush()
    assert item.id is not None
    return item.id


async def load_demo_fair(
    session: AsyncSession,
    *,
    identity_of: IdentityOf,
    organizer_email: str,
    moderator_email: str,
    seeker_email: str,
    password_hash: str,
) -> None:
    existing = await session.exec(select(Fair.id).where(Fair.title == FAIR.title))
    if existing.first() is not None:
        return
    print("  live fair with booths (postings screened and approved)", flush=True)
    organizer = await identity_of(organizer_email)
    moderator = await identity_of(moderator_email)
    now = utcnow()
    fair = await fairs.create_fair(
        session,
        identity=organizer,
        fields=fairs.FairFields(
            title=FAIR.title,
            description=FAIR.description,
            # Live from the moment the demo loads, for a week, around the clock so the
            # demo works at any hour; a real fair would set daily hours.
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(days=7),
            timezone="Asia/Shanghai",
            daily_open="",
            daily_close="",
            district=FAIR.district,
            industry=FAIR.industry,
            audience=FAIR.audience,
            seeker_capacity=5000,
            booth_cap=200,
        ),
    )
    assert fair.id is not None
    fair.status = FairStatus.PUBLISHED
    fair.published_at = now
    session.add(fair)

    async def exhibit(org_id: int, intro: str, free: bool) -> None:
        booth = Booth(
            fair_id=fair.id or 0,
            org_id=org_id,
            status=BoothStatus.ACCEPTED,
            free=free,
            intro=intro,
            decided_at=now,
        )
        session.add(booth)
        await session.flush()
        assert booth.id is not None
        await search.index_booth(session, booth.id)

    live = 0
    for index, spec in enumerate(EXHIBITORS):
        org, _ = await _exhibitor_org(session, index, password_hash)
        assert org.id is not None
        employer = await identity_of(spec.hr_email)
        for posting in spec.postings:
            fields = postings.clean_fields(posting.form(), today=now.date())
            version = await postings.save_draft(
                session, identity=employer, posting_id=None, fields=fields
            )
            await postings.submit(session, identity=employer, posting_id=version.posting_id)
            await session.flush()
            item_id = await _claim_item_of(session, version.id or 0, moderator.id)
            await moderation.decide(
                session, identity=moderator, item_id=item_id, decision="approve"
            )
            live += 1
        await exhibit(org.id, spec.booth_intro, spec.small_firm)
    for email in ALSO_EXHIBITING:
        staff = await identity_of(email)
        if staff.org_id is not None:
            await exhibit(staff.org_id, "", False)

    applicants = await _load_seekers(session, identity_of, fair, password_hash)
    # The main demo seeker has a profile but has not registered: trying the fair starts
    # with registering.
    await seekers.update_profile(
        session,
        identity=await identity_of(seeker_email),
        values={
            "full_name": "王小明",
            "phone": "13900000100",
            "origin_province": "河南",
            "origin_city": "郑州",
            "current_city": "上海",
            "education": "大专",
            "experience_years": "2",
            "desired_categories": "销售,客户服务",
            "desired_salary": "8000",
            "summary": "两年电话销售经验，普通话标准，希望在浦东找一份销售或客服工作。",
        },
    )
    await _sample_applications(session, identity_of, fair, applicants)
    await session.commit()
    print(
        f"  fair '{FAIR.title}': {len(EXHIBITORS) + len(ALSO_EXHIBITING)} booths, {live} postings"
    )


async def _load_seekers(
    session: AsyncSession, identity_of: IdentityOf, fair: Fair, password_hash: str
) -> list[Identity]:
    found = []
    for spec in SEEKERS:
        if await repository.user_by_email(session, spec.email) is None:
            session.add(
                User(
                    email=spec.email,
                    display_name=spec.display_name,
                    role=Role.SEEKER,
                    password_hash=password_hash,
                )
            )
            await session.flush()
        identity = await identity_of(spec.email)
        await seekers.update_profile(
            session,
            identity=identity,
            values={
                "full_name": spec.full_name,
                "phone": spec.phone,
                "origin_province": spec.origin_province,
                "origin_city": spec.origin_city,
                "current_city": spec.current_city,
                "education": spec.education,
                "experience_years": str(spec.experience_years),
                "desired_categories": spec.desired_categories,
                "desired_salary": str(spec.desired_salary),
                "summary": spec.summary,
            },
        )
        await fairs.register(session, identity=identity, fair_id=fair.id or 0)
        found.append(identity)
    return found


async def _sample_applications(
    session: AsyncSession, identity_of: IdentityOf, fair: Fair, applicants: list[Identity]
) -> None:
    """A few applications, some already answered, so booths show response figures."""
    exhibitors = await fairs.exhibitors(session, fair.id or 0)
    today = utcnow().date()
    for turn, seeker in enumerate(applicants[:6]):
        exhibitor = exhibitors[turn % len(exhibitors)]
        shown = await booths.booth_postings(session, exhibitor.booth, today=today)
        if not shown:
            continue
        posting, _, _ = shown[0]
        assert posting.id is not None
        application = await applications.apply(
            session, identity=seeker, posting_id=posting.id, fair_id=fair.id, note=""
        )
        if turn % 2 == 0:
            members = await repository.members_of(session, exhibitor.org.id or 0)
            staff = await identity_of(members[0][1].email)
            await applications.set_status(
                session,
                identity=staff,
                application_id=application.id or 0,
                status="in_conversation",
            )
