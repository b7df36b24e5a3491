"""Keyword search for Chinese and English, on both databases, through the real services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity, load_identity
from app.auth.models import Organization, Role, User, Verification
from app.db import Database, utcnow
from app.fair import postings, search
from app.fair.models import Booth, Fair, Posting, PostingVersion
from app.moderation import service as moderation
from tests.conftest import add_org, add_user

TODAY = utcnow().date()

BASE = {
    "category": "综合",
    "city": "北京",
    "district": "朝阳区",
    "salary_min": "5000",
    "salary_max": "8000",
    "salary_period": "month",
    "headcount": "2",
    "description": "工作地点在市中心，交通便利。",
    "requirements": "认真负责，沟通能力好。",
    "benefits": "五险一金，带薪年假。",
}


# -- Tokenizer -----------------------------------------------------------------------------


def test_mixed_chinese_and_english_text() -> None:
    assert search.tokenize("招聘Java开发工程师3名") == [
        "招聘",
        "聘",
        "java",
        "开发",
        "发工",
        "工程",
        "程师",
        "师",
        "3",
        "名",
    ]


def test_full_width_letters_and_digits_become_ascii() -> None:
    assert search.tokenize("ＡＢＣ１２ Ｓａｌｅｓ") == ["abc12", "sales"]


def test_punctuation_separates_and_is_dropped() -> None:
    assert search.tokenize("销售、司机！C++/C# e-mail：a_b“会计”") == [
        "销售",
        "售",
        "司机",
        "机",
        "c",
        "c",
        "e",
        "mail",
        "a",
        "b",
        "会计",
        "计",
    ]


def test_a_one_character_run_is_one_token() -> None:
    assert search.tokenize("男 女 A 岗") == ["男", "女", "a", "岗"]
    assert search.tokenize("") == []
    assert search.tokenize("，。!? ") == []


def test_document_parts_do_not_join_into_bigrams() -> None:
    assert search.document_text("销售", "经理") == "销售 售 经理 理"


def test_queries_are_quoted_phrases_and_prefixes() -> None:
    assert search.fts5_query("销售经理 sale 司") == '"销售 售经 经理" "sale"* "司"*'
    assert (
        search.tsquery("销售经理 sale 司") == "('销售' <-> '售经' <-> '经理') & 'sale':* & '司':*"
    )
    assert search.fts5_query('"销售" OR*') == '"销售" "or"*'
    for empty in ("", "   ", '"', "*", "'", "()", "%_", "-- ;"):
        assert search.fts5_query(empty) is None
        assert search.tsquery(empty) is None
        assert search.posting_match("sqlite", empty) is None
        assert search.booth_match("postgresql", empty) is None


def test_queries_are_capped() -> None:
    many = " ".join(f"w{n}" for n in range(30))
    assert search.fts5_query(many) == " ".join(f'"w{n}"*' for n in range(10))
    assert len(search.tsquery("销" * 500) or "") < 2000


# -- Against the databases -----------------------------------------------------------------


@dataclass
class Jobs:
    db: Database
    employer: User
    org: Organization
    moderator: User

    async def who(self, user: User) -> Identity:
        async with self.db.sessions() as session:
            found = await load_identity(
                session, {"uid": user.id, "epoch": user.auth_epoch, "sid": "t"}
            )
        assert found is not None
        return found

    async def publish(
        self, title: str, employer: User | None = None, posting_id: int | None = None, **fields: str
    ) -> int:
        """Write, submit and approve a posting (or a new version of one); its id."""
        who = await self.who(employer or self.employer)
        async with self.db.sessions() as session:
            version = await postings.save_draft(
                session,
                identity=who,
                posting_id=posting_id,
                fields=postings.clean_fields(BASE | {"title": title} | fields, today=TODAY),
            )
            await postings.submit(session, identity=who, posting_id=version.posting_id)
            await session.commit()
        moderator = await self.who(self.moderator)
        async with self.db.sessions() as session:
            item = await moderation.claim_next(session, identity=moderator)
            assert item is not None
            assert item.id is not None
            await moderation.decide(
                session, identity=moderator, item_id=item.id, decision="approve"
            )
            await session.commit()
        return version.posting_id

    async def find(self, query: str) -> set[int] | None:
        """The postings matching ``query``; ``None`` when it has nothing to search for."""
        async with self.db.sessions() as session:
            match = search.posting_match(session.get_bind().dialect.name, query)
            if match is None:
                return None
            return set((await session.exec(select(Posting.id).where(match))).all())


async def verified_org(db: Database, employer: User, *, seed: int, name: str) -> Organization:
    org = await add_org(db, employer, seed=seed, name=name)
    async with db.sessions() as session:
        stored = await session.get(Organization, org.id)
        assert stored is not None
        stored.verification = Verification.VERIFIED
        stored.description = "一家正规企业。"
        session.add(stored)
        await session.commit()
    return org


@pytest.fixture
async def jobs(database: Database, password_hash: str) -> Jobs:
    employer = await add_user(database, password_hash, Role.EMPLOYER)
    return Jobs(
        db=database,
        employer=employer,
        org=await verified_org(database, employer, seed=1, name="测试科技有限公司"),
        moderator=await add_user(database, password_hash, Role.MODERATOR),
    )


async def test_two_character_query_finds_the_word_anywhere_but_not_a_half(jobs: Jobs) -> None:
    rep = await jobs.publish("销售代表")
    phone = await jobs.publish("电话销售")
    after = await jobs.publish("售后服务专员")
    assert await jobs.find("销售") == {rep, phone}
    assert await jobs.find("售后") == {after}
    assert await jobs.find("代表") == {rep}
    assert await jobs.find("销售代表") == {rep}
    assert await jobs.find("会计") == set()


async def test_longer_query_is_an_exact_phrase(jobs: Jobs) -> None:
    manager = await jobs.publish("区域销售经理")
    await jobs.publish("销售助理", requirements="有门店经理推荐者优先。")
    await jobs.publish("销售 经理")  # the words, but not next to each other
    assert await jobs.find("销售经理") == {manager}
    assert await jobs.find("区域销售经理") == {manager}
    assert await jobs.find("域销售经") == {manager}
    assert await jobs.find("区域经理") == set()


async def test_single_character_is_a_prefix_query(jobs: Jobs) -> None:
    driver = await jobs.publish("货车司机")
    clerk = await jobs.publish("仓库文员")
    assert await jobs.find("机") == {driver}  # only ever the last character of its run
    assert await jobs.find("车") == {driver}
    assert await jobs.find("库") == {clerk}
    assert await jobs.find("司 机") == {driver}
    assert await jobs.find("猫") == set()


async def test_english_words_are_case_insensitive_prefixes(jobs: Jobs) -> None:
    sales = await jobs.publish("Senior Sales Engineer", description="Python, SQL and 销售 tools.")
    await jobs.publish("仓库文员")
    assert await jobs.find("sale") == {sales}
    assert await jobs.find("SALES eng") == {sales}
    assert await jobs.find("ＳＡＬＥＳ") == {sales}
    assert await jobs.find("python 销售") == {sales}
    assert await jobs.find("sales manager") == set()


async def test_hostile_queries_are_plain_words(jobs: Jobs) -> None:
    rep = await jobs.publish("销售代表")
    driver = await jobs.publish("货车司机", description="驾驶 or 装卸, near 仓库。")
    for query in ('"销售"', "销售*", "*销售", "销售\"'", "(销售)", "^销售", "+销售", "tokens:销售"):
        expected = {rep} if "tokens" not in query else set()
        assert await jobs.find(query) == expected, query
    # Operators in either syntax are words to look for, not operators.
    assert await jobs.find("销售 OR 司机") == set()
    assert await jobs.find("NEAR(司机 驾驶)") == {driver}
    assert await jobs.find("司机 NOT 驾驶") == set()
    assert await jobs.find("司机 & !驾驶 | 销售") == set()
    assert await jobs.find("司机 <-> 驾驶") == {driver}
    assert await jobs.find("销售-代表") == {rep}
    injection = "销售'; DROP TABLE posting; --"
    assert await jobs.find(injection) == set()
    assert await jobs.find("' OR '1'='1") == set()
    for nothing in ('"', "*", "''", "%", "_", "\\", ")(:*", "-- ;", "“”"):
        assert await jobs.find(nothing) is None
    assert await jobs.find("销售") == {rep}  # the table is still there


async def test_withdrawn_and_edited_postings_leave_the_index(jobs: Jobs) -> None:
    rep = await jobs.publish("销售代表")
    driver = await jobs.publish("货车司机")
    async with jobs.db.sessions() as session:
        await postings.withdraw(session, identity=await jobs.who(jobs.employer), posting_id=rep)
        await session.commit()
    assert await jobs.find("销售") == set()
    await jobs.publish("叉车司机", posting_id=driver)
    assert await jobs.find("货车") == set()
    assert await jobs.find("叉车司机") == {driver}


async def test_reported_posting_is_hidden_until_a_moderator_decides(
    jobs: Jobs, password_hash: str
) -> None:
    rep = await jobs.publish("销售代表")
    for n in range(moderation.HIDE_AFTER_REPORTS):
        seeker = await add_user(jobs.db, password_hash, Role.SEEKER)
        async with jobs.db.sessions() as session:
            await moderation.report_posting(
                session, identity=await jobs.who(seeker), posting_id=rep, reason="other", text=""
            )
            await session.commit()
        assert await jobs.find("销售") == (
            {rep} if n < moderation.HIDE_AFTER_REPORTS - 1 else set()
        )
    moderator = await jobs.who(jobs.moderator)
    async with jobs.db.sessions() as session:
        item = await moderation.claim_next(session, identity=moderator)
        assert item is not None
        assert item.id is not None
        await moderation.decide(session, identity=moderator, item_id=item.id, decision="approve")
        await session.commit()
    assert await jobs.find("销售") == {rep}


async def test_organization_name_is_searched(jobs: Jobs, password_hash: str) -> None:
    other = await add_user(jobs.db, password_hash, Role.EMPLOYER)
    await verified_org(jobs.db, other, seed=2, name="星河物流集团")
    ours = await jobs.publish("仓库文员")
    theirs = await jobs.publish("仓库文员", employer=other)
    assert await jobs.find("星河") == {theirs}
    assert await jobs.find("物流 文员") == {theirs}
    assert await jobs.find("测试科技") == {ours}
    assert await jobs.find("仓库") == {ours, theirs}


async def test_match_combines_with_other_filters(jobs: Jobs) -> None:
    rep = await jobs.publish("销售代表", city="上海")
    await jobs.publish("电话销售")
    async with jobs.db.sessions() as session:
        match = search.posting_match(session.get_bind().dialect.name, "销售")
        assert match is not None
        rows = await session.exec(
            select(Posting.id)
            .join(PostingVersion, col(PostingVersion.posting_id) == col(Posting.id))
            .where(match, PostingVersion.status == "live", PostingVersion.city == "上海")
        )
        assert rows.all() == [rep]


async def test_booths_are_searched_by_organization_and_intro(
    jobs: Jobs, password_hash: str
) -> None:
    organizer = await add_user(jobs.db, password_hash, Role.ORGANIZER)
    other = await add_user(jobs.db, password_hash, Role.EMPLOYER)
    logistics = await verified_org(jobs.db, other, seed=2, name="星河物流集团")
    async with jobs.db.sessions() as session:
        now = utcnow()
        fair = Fair(
            organizer_id=organizer.id or 0,
            title="春季招聘会",
            starts_at=now,
            ends_at=now + timedelta(hours=8),
        )
        session.add(fair)
        await session.flush()
        ours = Booth(fair_id=fair.id or 0, org_id=jobs.org.id or 0, intro="招聘软件开发和Sales")
        theirs = Booth(fair_id=fair.id or 0, org_id=logistics.id or 0, intro="招聘货车司机")
        session.add_all([ours, theirs])
        await session.flush()
        for booth in (ours, theirs):
            await search.index_booth(session, booth.id or 0)
        await session.commit()

    async def booths(query: str) -> set[int]:
        async with jobs.db.sessions() as session:
            match = search.booth_match(session.get_bind().dialect.name, query)
            assert match is not None
            return set((await session.exec(select(Booth.id).where(match))).all())

    assert await booths("物流") == {theirs.id}
    assert await booths("司机") == {theirs.id}
    assert await booths("正规企业") == {ours.id, theirs.id}  # organization description
    assert await booths("sale 开发") == {ours.id}
    assert await booths("招聘") == {ours.id, theirs.id}
    async with jobs.db.sessions() as session:
        stored = await session.get(Booth, theirs.id)
        assert stored is not None
        await session.delete(stored)
        await search.index_booth(session, theirs.id or 0)
        await session.commit()
    assert await booths("招聘") == {ours.id}


async def add_filler_postings(session: AsyncSession, like: int, count: int) -> None:
    """``count`` more live, indexed postings copied from posting ``like``, with other words."""
    rows = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
        "INSERT INTO posting (org_id, created_by, created_at) "
        "SELECT org_id, created_by, created_at FROM posting, n WHERE id = :like"
    )
    await session.exec(sa.text(rows).bindparams(count=count, like=like))
    columns = [
        c.name for c in PostingVersion.__table__.columns if c.name not in ("id", "posting_id")
    ]
    versions = (
        f"INSERT INTO posting_version (posting_id, {', '.join(columns)}) "
        f"SELECT p.id, {', '.join('v.' + c for c in columns)} "
        "FROM posting p, posting_version v WHERE v.posting_id = :like AND p.id != :like"
    )
    await session.exec(sa.text(versions).bindparams(like=like))
    if session.get_bind().dialect.name == "sqlite":
        index = "INSERT INTO posting_fts (rowid, tokens) SELECT id, '仓库 库 w' || id"
    else:
        index = "INSERT INTO posting_search SELECT id, to_tsvector('simple', '仓库 库 w' || id)"
    await session.exec(sa.text(f"{index} FROM posting WHERE id != :like").bindparams(like=like))
    await session.exec(sa.text("ANALYZE"))


async def test_search_uses_the_full_text_index(jobs: Jobs) -> None:
    rep = await jobs.publish("销售代表")
    async with jobs.db.sessions() as session:
        await add_filler_postings(session, rep, 2000)
        dialect = session.get_bind().dialect
        match = search.posting_match(dialect.name, "销售")
        assert match is not None
        query = (
            select(Posting.id)
            .join(PostingVersion, col(PostingVersion.posting_id) == col(Posting.id))
            .where(match, PostingVersion.status == "live")
        )
        assert (await session.exec(query)).all() == [rep]
        sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        if dialect.name == "sqlite":
            explain = f"EXPLAIN QUERY PLAN {sql}"
        else:
            # At a few thousand rows a sequential scan of posting_search is still cheaper.
            await session.exec(sa.text("SET LOCAL enable_seqscan = off"))
            explain = f"EXPLAIN {sql}"
        plan = " | ".join(str(row[-1]) for row in (await session.exec(sa.text(explain))).all())
    if dialect.name == "sqlite":
        assert "SCAN posting_fts VIRTUAL TABLE INDEX" in plan, plan
    else:
        assert "Bitmap Index Scan on ix_posting_search_tokens" in plan, plan
    assert "SCAN posting_version" not in plan, plan
    assert "Seq Scan on posting_version" not in plan, plan
