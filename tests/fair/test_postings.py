"""Posting lifecycle and moderation decisions on both databases, with the real engine."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from app.auth.identity import Identity, load_identity
from app.auth.models import Organization, Role, User, Verification
from app.db import Database, utcnow
from app.errors import Conflict, Invalid, NotFound
from app.fair import postings
from app.fair.models import VersionStatus
from app.moderation import service as moderation
from app.moderation.models import AuditEvent, ItemReason, ItemStatus, ReviewItem
from app.moderation.review import findings_of
from tests.conftest import add_org, add_user

TODAY = utcnow().date()

CLEAN = {
    "title": "销售代表",
    "category": "销售",
    "city": "北京",
    "district": "海淀区",
    "salary_min": "6000",
    "salary_max": "9000",
    "salary_period": "month",
    "headcount": "3",
    "education": "大专",
    "experience": "1年",
    "description": "负责华北区域办公设备的销售与客户维护，完成季度销售目标。",
    "requirements": "有销售经验者优先，沟通能力强，男女不限。",
    "benefits": "五险一金，带薪年假，公司承担岗前培训费用。",
}


@dataclass
class World:
    db: Database
    employer: User
    org: Organization
    moderator: User
    other_moderator: User
    seekers: list[User]

    async def who(self, user: User) -> Identity:
        async with self.db.sessions() as session:
            found = await load_identity(
                session, {"uid": user.id, "epoch": user.auth_epoch, "sid": "t"}
            )
        assert found is not None
        return found


@pytest.fixture
async def world(database: Database, password_hash: str) -> World:
    employer = await add_user(database, password_hash, Role.EMPLOYER, email="hr@example.com")
    org = await add_org(database, employer)
    async with database.sessions() as session:
        stored = await session.get(Organization, org.id)
        assert stored is not None
        stored.verification = Verification.VERIFIED
        stored.description = "北京一家办公设备销售公司，成立于2010年。"
        session.add(stored)
        await session.commit()
    return World(
        db=database,
        employer=employer,
        org=org,
        moderator=await add_user(database, password_hash, Role.MODERATOR, email="mod@example.com"),
        other_moderator=await add_user(
            database, password_hash, Role.MODERATOR, email="mod2@example.com"
        ),
        seekers=[
            await add_user(database, password_hash, Role.SEEKER, email=f"s{n}@example.com")
            for n in range(3)
        ],
    )


async def draft_and_submit(
    world: World, fields: dict[str, str], posting_id: int | None = None, justification: str = ""
) -> int:
    employer = await world.who(world.employer)
    async with world.db.sessions() as session:
        version = await postings.save_draft(
            session,
            identity=employer,
            posting_id=posting_id,
            fields=postings.clean_fields(fields, today=TODAY),
        )
        await postings.submit(
            session, identity=employer, posting_id=version.posting_id, justification=justification
        )
        await session.commit()
        return version.posting_id


async def decide_next(
    world: World, decision: str, moderator: User | None = None, **kwargs: object
) -> ReviewItem:
    who = await world.who(moderator or world.moderator)
    async with world.db.sessions() as session:
        item = await moderation.claim_next(session, identity=who)
        assert item is not None
        assert item.id is not None
        await moderation.decide(session, identity=who, item_id=item.id, decision=decision, **kwargs)  # type: ignore[arg-type]
        await session.commit()
        return item


async def latest(world: World, posting_id: int) -> postings.PostingDetail:
    async with world.db.sessions() as session:
        return await postings.own_detail(
            session, identity=await world.who(world.employer), posting_id=posting_id
        )


async def visible(world: World) -> list[int]:
    async with world.db.sessions() as session:
        return [job.posting.id or 0 for job in await postings.public_postings(session)]


async def test_discriminatory_posting_is_returned_then_fixed_approved_and_shown(
    world: World,
) -> None:
    bad = CLEAN | {"requirements": "限男性，35岁以下，有销售经验者优先。"}
    posting_id = await draft_and_submit(world, bad)
    detail = await latest(world, posting_id)
    assert detail.latest.status == VersionStatus.RETURNED
    found = {(f.category, f.severity, f.text) for f in findings_of(detail.latest)}
    assert any(cat == "gender" and sev == "block" and "男" in text for cat, sev, text in found)
    assert any(cat == "age" and sev == "review" and "35" in text for cat, sev, text in found)
    for f in findings_of(detail.latest):
        assert getattr(detail.latest, f.field)[f.start : f.end] == f.text
    async with world.db.sessions() as session:
        assert (await session.exec(select(ReviewItem))).all() == []
    await draft_and_submit(world, CLEAN, posting_id)
    assert (await latest(world, posting_id)).latest.status == VersionStatus.IN_REVIEW
    assert await visible(world) == []
    await decide_next(world, "approve")
    assert (await latest(world, posting_id)).latest.status == VersionStatus.LIVE
    assert await visible(world) == [posting_id]


async def test_required_elements_are_checked_on_submit(world: World) -> None:
    employer = await world.who(world.employer)
    for missing in ("salary_min", "salary_max", "headcount", "city"):
        async with world.db.sessions() as session:
            version = await postings.save_draft(
                session,
                identity=employer,
                posting_id=None,
                fields=postings.clean_fields(CLEAN | {missing: ""}, today=TODAY),
            )
            with pytest.raises(Invalid) as caught:
                await postings.submit(session, identity=employer, posting_id=version.posting_id)
            assert caught.value.field == missing
    with pytest.raises(Invalid) as caught:
        postings.clean_fields(CLEAN | {"salary_min": "六千"}, today=TODAY)
    assert caught.value.field == "salary_min"


async def test_justification_sends_a_blocked_posting_to_a_human(world: World) -> None:
    guard = CLEAN | {"title": "夜班保安", "requirements": "限男性。"}
    posting_id = await draft_and_submit(world, guard, justification="夜班巡逻需要较好的体力。")
    detail = await latest(world, posting_id)
    assert detail.latest.status == VersionStatus.IN_REVIEW
    assert any(f.category == "gender" and f.severity == "block" for f in findings_of(detail.latest))
    async with world.db.sessions() as session:
        item = (await session.exec(select(ReviewItem))).one()
    assert item.reason == ItemReason.JUSTIFIED


async def test_work_the_law_closes_to_women_may_be_male_only(world: World) -> None:
    mining = CLEAN | {"title": "井下采掘工", "requirements": "限男性。"}
    posting_id = await draft_and_submit(
        world, mining, justification="矿山井下作业属于女职工禁忌从事的劳动范围。"
    )
    detail = await latest(world, posting_id)
    assert detail.latest.status == VersionStatus.IN_REVIEW
    assert not any(f.severity == "block" for f in findings_of(detail.latest))


async def test_editing_a_live_posting_keeps_it_live_until_the_new_version_is_approved(
    world: World,
) -> None:
    posting_id = await draft_and_submit(world, CLEAN)
    await decide_next(world, "approve")
    await draft_and_submit(world, CLEAN | {"salary_max": "10000"}, posting_id)
    detail = await latest(world, posting_id)
    assert detail.latest.number == 2
    assert detail.latest.status == VersionStatus.IN_REVIEW
    assert detail.live is not None
    assert detail.live.number == 1
    assert await visible(world) == [posting_id]
    await decide_next(world, "approve")
    detail = await latest(world, posting_id)
    assert [v.status for v in detail.versions] == [VersionStatus.SUPERSEDED, VersionStatus.LIVE]
    async with world.db.sessions() as session:
        shown = await postings.public_posting(session, posting_id=posting_id)
    assert shown.version.salary_max == 10000


async def test_unverified_organizations_postings_wait_for_verification(
    world: World, password_hash: str
) -> None:
    from app.auth import service as accounts
    from tests.conftest import valid_uscc

    employer = await add_user(world.db, password_hash, Role.EMPLOYER, email="new@example.com")
    async with world.db.sessions() as session:
        await accounts.create_organization(
            session,
            identity=await world.who(employer),
            name="新注册公司",
            uscc=valid_uscc(99),
            address="上海",
        )
        await session.commit()
    world.employer = employer
    posting_id = await draft_and_submit(world, CLEAN)
    # Two moderators each hold one of the two items.
    held = {}
    for moderator in (world.moderator, world.other_moderator):
        who = await world.who(moderator)
        async with world.db.sessions() as session:
            item = await moderation.claim_next(session, identity=who)
            await session.commit()
        assert item is not None
        held[item.kind] = (who, item.id)

    async def approve(kind: str) -> None:
        who, item_id = held[kind]
        async with world.db.sessions() as session:
            await moderation.decide(session, identity=who, item_id=item_id, decision="approve")
            await session.commit()

    await approve("posting")
    assert (await latest(world, posting_id)).latest.status == VersionStatus.LIVE
    assert posting_id not in await visible(world)  # approved, but the employer is not verified
    await approve("organization")
    assert posting_id in await visible(world)


async def test_rejection_needs_reasons_and_appeal_goes_to_another_moderator_once(
    world: World,
) -> None:
    posting_id = await draft_and_submit(world, CLEAN)
    who = await world.who(world.moderator)
    async with world.db.sessions() as session:
        item = await moderation.claim_next(session, identity=who)
        assert item is not None
        assert item.id is not None
        with pytest.raises(Invalid):
            await moderation.decide(session, identity=who, item_id=item.id, decision="reject")
        with pytest.raises(Invalid):
            await moderation.decide(
                session, identity=who, item_id=item.id, decision="request_changes"
            )
        await moderation.decide(
            session,
            identity=who,
            item_id=item.id,
            decision="reject",
            reasons=["false_information"],
            note="工资不实",
        )
        await session.commit()
    assert (await latest(world, posting_id)).latest.status == VersionStatus.REJECTED
    employer = await world.who(world.employer)
    async with world.db.sessions() as session:
        await postings.appeal(
            session,
            identity=employer,
            posting_id=posting_id,
            text="工资数据来自去年实际发放记录，可提供证明。",
        )
        await session.commit()
    async with world.db.sessions() as session:
        assert (
            await moderation.claim_next(session, identity=who) is None
        )  # not the one who rejected
    await decide_next(world, "approve", world.other_moderator)
    assert (await latest(world, posting_id)).latest.status == VersionStatus.LIVE


async def test_appeal_only_once(world: World) -> None:
    posting_id = await draft_and_submit(world, CLEAN)
    await decide_next(world, "reject", reasons=["other"], note="x")
    employer = await world.who(world.employer)
    async with world.db.sessions() as session:
        await postings.appeal(
            session, identity=employer, posting_id=posting_id, text="请重新审核，信息真实有效。"
        )
        await session.commit()
    await decide_next(world, "reject", world.other_moderator, reasons=["other"], note="y")
    async with world.db.sessions() as session:
        with pytest.raises(Conflict):
            await postings.appeal(
                session, identity=employer, posting_id=posting_id, text="再次申诉，请重新审核。"
            )


async def test_three_reports_hide_a_posting_until_a_moderator_decides(world: World) -> None:
    posting_id = await draft_and_submit(world, CLEAN)
    await decide_next(world, "approve")
    for n, seeker in enumerate(world.seekers):
        async with world.db.sessions() as session:
            await moderation.report_posting(
                session,
                identity=await world.who(seeker),
                posting_id=posting_id,
                reason="fraud",
                text=f"报告{n}",
            )
            await session.commit()
        assert (posting_id in await visible(world)) == (n < 2)
    async with world.db.sessions() as session:
        with pytest.raises(NotFound):  # hidden now
            await moderation.report_posting(
                session,
                identity=await world.who(world.seekers[0]),
                posting_id=posting_id,
                reason="fraud",
                text="",
            )
        items = (
            await session.exec(select(ReviewItem).where(ReviewItem.reason == ItemReason.REPORTED))
        ).all()
    assert len(items) == 1  # one queue entry, however many reports
    await decide_next(world, "approve")
    assert posting_id in await visible(world)


async def test_duplicate_report_is_refused(world: World) -> None:
    posting_id = await draft_and_submit(world, CLEAN)
    await decide_next(world, "approve")
    seeker = await world.who(world.seekers[0])
    async with world.db.sessions() as session:
        await moderation.report_posting(
            session, identity=seeker, posting_id=posting_id, reason="other", text=""
        )
        with pytest.raises(Conflict):
            await moderation.report_posting(
                session, identity=seeker, posting_id=posting_id, reason="other", text=""
            )


async def test_withdrawal_hides_and_dequeues(world: World) -> None:
    posting_id = await draft_and_submit(world, CLEAN)
    employer = await world.who(world.employer)
    async with world.db.sessions() as session:
        await postings.withdraw(session, identity=employer, posting_id=posting_id)
        await session.commit()
        items = (await session.exec(select(ReviewItem))).all()
    assert [i.status for i in items] == [ItemStatus.CANCELLED]
    assert await visible(world) == []


async def test_near_duplicate_from_another_organization_is_flagged(
    world: World, password_hash: str
) -> None:
    long_text = CLEAN | {
        "description": "负责华北区域办公设备的销售与客户维护，完成季度销售目标，定期拜访重点客户，"
        "收集市场信息并反馈给公司，参与展会和产品推广活动，维护客户关系，处理售后问题。"
    }
    await draft_and_submit(world, long_text)
    copier = await add_user(world.db, password_hash, Role.EMPLOYER, email="copy@example.com")
    await add_org(world.db, copier, seed=5, name="另一家公司")
    world.employer = copier
    posting_id = await draft_and_submit(world, long_text)
    categories = {f.category for f in findings_of((await latest(world, posting_id)).latest)}
    assert "duplicate" in categories


async def test_other_employers_cannot_touch_a_posting(world: World, password_hash: str) -> None:
    posting_id = await draft_and_submit(world, CLEAN)
    stranger = await add_user(world.db, password_hash, Role.EMPLOYER, email="stranger@example.com")
    await add_org(world.db, stranger, seed=6, name="无关公司")
    intruder = await world.who(stranger)
    async with world.db.sessions() as session:
        for action in (postings.withdraw, postings.submit):
            with pytest.raises(NotFound):
                await action(session, identity=intruder, posting_id=posting_id)
        with pytest.raises(NotFound):
            await postings.own_detail(session, identity=intruder, posting_id=posting_id)


async def test_audit_log_records_every_change_and_cannot_be_rewritten(world: World) -> None:
    posting_id = await draft_and_submit(world, CLEAN | {"requirements": "限男性"})
    await draft_and_submit(world, CLEAN, posting_id)
    await decide_next(world, "approve")
    async with world.db.sessions() as session:
        events = (await session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all()
    actions = [
        e.action for e in events if e.posting_id == posting_id or e.action.startswith("item")
    ]
    assert actions == [
        "posting.returned_by_screening",
        "posting.submitted",
        "item.claimed",
        "posting.approve",
    ]
    approve = events[-1]
    assert approve.actor_id == world.moderator.id
    assert approve.version_id is not None
    assert '"findings"' in approve.detail
    async with world.db.sessions() as session:
        with pytest.raises(sa.exc.DBAPIError):
            await session.exec(sa.update(AuditEvent).values(action="tampered"))
    async with world.db.sessions() as session:
        with pytest.raises(sa.exc.DBAPIError):
            await session.exec(sa.delete(AuditEvent))


async def test_a_live_posting_past_its_date_is_no_longer_shown(world: World) -> None:
    from datetime import timedelta

    from app.fair.models import PostingVersion

    posting_id = await draft_and_submit(world, CLEAN)
    await decide_next(world, "approve")
    assert posting_id in await visible(world)
    async with world.db.sessions() as session:
        version = (
            await session.exec(
                select(PostingVersion).where(PostingVersion.posting_id == posting_id)
            )
        ).one()
        version.valid_until = TODAY - timedelta(days=1)
        session.add(version)
        await session.commit()
    assert posting_id not in await visible(world)
    async with world.db.sessions() as session:
        with pytest.raises(NotFound):
            await postings.public_posting(session, posting_id=posting_id)
