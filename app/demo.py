"""Demo data for trying the platform on one machine: every role, a few employers.

Idempotent: running it again leaves existing accounts as they are.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth import repository
from app.auth.identity import Identity, load_identity
from app.auth.models import Organization, OrgMember, Role, User, Verification
from app.auth.passwords import hash_password
from app.db import Database
from app.demo_fair import load_demo_fair
from app.demo_postings import load_demo_postings
from app.fair.models import Posting
from app.moderation import queue
from app.moderation.models import ItemKind, ItemReason
from app.settings import Settings

DEMO_PASSWORD = "jobfair-demo-2026"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: Role


@dataclass(frozen=True)
class DemoOrg:
    name: str
    uscc: str
    address: str
    verified: bool
    staff: tuple[DemoUser, ...]
    description: str = ""


ADMINS = (
    DemoUser("admin@demo.jobfair.cn", "平台管理员 Admin", Role.ADMIN),
    DemoUser("organizer@demo.jobfair.cn", "海淀区就业服务中心 Organizer", Role.ORGANIZER),
    DemoUser("moderator@demo.jobfair.cn", "审核员 李静 Moderator", Role.MODERATOR),
)
SEEKERS = (
    DemoUser("seeker@demo.jobfair.cn", "王小明", Role.SEEKER),
    DemoUser("zhang.wei@demo.jobfair.cn", "张伟", Role.SEEKER),
    DemoUser("liu.fang@demo.jobfair.cn", "刘芳", Role.SEEKER),
    DemoUser("emma.chen@demo.jobfair.cn", "Emma Chen", Role.SEEKER),
)
ORGS = (
    DemoOrg(
        "北京云帆软件有限公司",
        "91110108MA01A0B1XC",
        "北京市海淀区中关村大街1号",
        True,
        (
            DemoUser("employer@demo.jobfair.cn", "赵敏 (HR)", Role.EMPLOYER),
            DemoUser("hr2@yunfan.demo.jobfair.cn", "孙浩", Role.EMPLOYER),
        ),
        "云帆软件成立于2012年，为人力资源服务机构和政府就业部门提供招聘与培训软件，员工约300人。",
    ),
    DemoOrg(
        "上海明德物流有限公司",
        "91310115MA1K4ABC1X",
        "上海市浦东新区张江路88号",
        True,
        (DemoUser("hr@mingde.demo.jobfair.cn", "陈晨", Role.EMPLOYER),),
        "明德物流是长三角地区的第三方仓储与城市配送企业，在上海、苏州、杭州设有6个仓库。",
    ),
    DemoOrg(
        "Harbor Health Clinics Ltd.",
        "91440300MA5F00HX2Y",
        "深圳市南山区科技园",
        False,
        (DemoUser("hr@harbor.demo.jobfair.cn", "Grace Lin", Role.EMPLOYER),),
        "Harbor Health runs four outpatient clinics in Shenzhen. 港湾健康在深圳经营四家门诊。",
    ),
)


async def _load_postings(session: AsyncSession) -> None:
    """Postings through the real flow, and the unverified employer waiting in the queue."""
    if (await session.exec(select(Posting.id).limit(1))).first() is not None:
        return
    print("  job postings (screened and reviewed)", flush=True)

    identity = _identity_loader(session)
    employers = [await identity(org.staff[0].email) for org in ORGS]
    moderator = await identity(ADMINS[2].email)
    live, queued, returned = await load_demo_postings(
        session, employers=employers, moderator=moderator
    )
    for org_spec in ORGS:
        org = await repository.org_by_uscc(session, _valid_uscc(org_spec.uscc))
        if org is not None and org.id is not None and not org_spec.verified:
            queue.enqueue(
                session, kind=ItemKind.ORGANIZATION, reason=ItemReason.REGISTERED, org_id=org.id
            )
    await session.commit()
    print(
        f"  {live} live, {queued} waiting for review, {returned} returned by screening", flush=True
    )


def _identity_loader(session: AsyncSession) -> Callable[[str], Awaitable[Identity]]:
    async def identity(email: str) -> Identity:
        user = await repository.user_by_email(session, email)
        assert user is not None
        found = await load_identity(
            session, {"uid": user.id, "epoch": user.auth_epoch, "sid": "demo"}
        )
        assert found is not None
        return found

    return identity


def _valid_uscc(seed: str) -> str:
    """Demo codes carry a correct check character."""
    from app.auth.uscc import check_character

    return seed[:17] + check_character(seed[:17])


async def load_demo(settings: Settings) -> None:
    db = Database(settings.database_url)
    password_hash = await hash_password(DEMO_PASSWORD)
    created = 0
    try:
        async with db.sessions() as session:

            async def ensure_user(spec: DemoUser) -> User:
                nonlocal created
                user = await repository.user_by_email(session, spec.email)
                if user is None:
                    user = User(
                        email=spec.email,
                        display_name=spec.name,
                        role=spec.role,
                        password_hash=password_hash,
                    )
                    session.add(user)
                    await session.flush()
                    created += 1
                return user

            for spec in (*ADMINS, *SEEKERS):
                await ensure_user(spec)
            for org_spec in ORGS:
                print(f"  organization {org_spec.name}", flush=True)
                uscc = _valid_uscc(org_spec.uscc)
                staff = [await ensure_user(s) for s in org_spec.staff]
                org = await repository.org_by_uscc(session, uscc)
                if org is None:
                    assert staff[0].id is not None
                    org = Organization(
                        name=org_spec.name,
                        uscc=uscc,
                        address=org_spec.address,
                        created_by=staff[0].id,
                        verification=Verification.VERIFIED
                        if org_spec.verified
                        else Verification.UNVERIFIED,
                        description=org_spec.description,
                    )
                    session.add(org)
                    await session.flush()
                for index, user in enumerate(staff):
                    assert user.id is not None
                    assert org.id is not None
                    if await repository.membership_of(session, user.id) is None:
                        session.add(OrgMember(org_id=org.id, user_id=user.id, is_admin=index == 0))
            await session.commit()
            await _load_postings(session)
            await load_demo_fair(
                session,
                identity_of=_identity_loader(session),
                organizer_email=ADMINS[1].email,
                moderator_email=ADMINS[2].email,
                seeker_email=SEEKERS[0].email,
                password_hash=password_hash,
            )
    finally:
        await db.dispose()
    print(
        f"Demo data ready ({created} new accounts). Every demo account's password: {DEMO_PASSWORD}"
    )
    print("Logins:")
    for spec in (*ADMINS, SEEKERS[0], ORGS[0].staff[0]):
        print(f"  {spec.role.value:<10} {spec.email}")
