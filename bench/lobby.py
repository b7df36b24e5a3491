"""Requests per second and p99 of the fair lobby page, against a bare Starlette page, same run.

What it measures: ``GET /fairs/<id>/lobby`` (the booth grid with presence counts) of a
published, live fair with 200 accepted booths of verified organizations, 2-3 live postings
each, on the embedded defaults (SQLite, in-process broker), while 300 job seekers' sockets
are present in the fair. 50 keep-alive HTTP/1.1 clients send requests back to back for a
fixed window after a warm-up; requests per second and latency percentiles are over the
responses completed in the window. Then the same page with a keyword search
(``?q=销售``), then a bare Starlette app whose one endpoint renders a trivial Jinja2
template, served by uvicorn the same way and loaded by the same clients: about the least
a page costs in this stack, so ``ratio`` says what a lobby page costs on top of that.

Processes, so that the client's work never counts as the server's:

* the server under test (``jobfair serve``, then the baseline under uvicorn), on CPU 0;
* this process (set-up, the HTTP clients, the seekers' sockets), on CPU 1.

The data is inserted directly as rows (the same rows the services would write: verified
organizations, accepted booths, live posting versions, search index entries through
app.fair.search), so setting up 200 booths takes seconds. bench/booth_queue.py uses the same
set-up, session cookies and WebSocket client from this file.

Run: ``.venv/bin/python bench/lobby.py [--booths N] [--clients C] [--seconds S]``; the last
line of output is machine-readable, see bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import itertools
import math
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
from gateway_fanout import (
    CLIENT_CPU,
    SERVER_CPU,
    TASKSET,
    BenchError,
    busy_seconds,
    can_pin,
    cpu_seconds,
    free_port,
    percentile,
    raise_nofile,
    run_loop,
    spawn,
    stop,
    tail,
    wait_ready,
)

BOOTHS = 200
CLIENTS = 50
SECONDS = 10.0
WARMUP = 2.0
VISITORS = 300
SEARCH = "销售"
LOBBY_PATH = "/fairs/{fair}/lobby"
CONNECT_BATCH = 50  # sockets opened at a time: inside the server's listen backlog
CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
REPLY_TIMEOUT_S = 120.0
HEARTBEAT_S = 20.0  # app-level pings: the gateway closes sockets silent for 75 s

# -- realistic data ---------------------------------------------------------------------

ORG_PREFIXES = (
    "华辰", "恒达", "中联", "鼎盛", "远航", "金桥", "瑞丰", "宏图", "天成", "新源",
    "博雅", "安泰", "汇通", "正阳", "嘉禾", "永昌", "盛世", "东升", "景和", "凯达",
)  # fmt: skip
DISTRICTS = (
    "海淀区", "朝阳区", "东城区", "西城区", "丰台区", "通州区", "大兴区", "昌平区", "顺义区",
    "石景山区",
)  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "明", "超", "秀英", "霞", "平", "志强", "晓东", "海燕", "建华")  # fmt: skip


@dataclass(frozen=True)
class Job:
    title: str
    category: str
    education: str
    experience: str
    pay: tuple[int, int, str]  # low, high, period
    headcount: int
    description: str
    requirements: str
    benefits: str


def _job(title: str, category: str, pay: tuple[int, int], text: str, need: str, **kw: Any) -> Job:
    return Job(
        title=title,
        category=category,
        education=kw.get("education", "大专"),
        experience=kw.get("experience", "1-3年"),
        pay=(pay[0], pay[1], kw.get("period", "month")),
        headcount=kw.get("headcount", 3),
        description=text,
        requirements=need,
        benefits=kw.get("benefits", "五险一金，带薪年假，节日福利，公司承担岗前培训费用。"),
    )


GENERAL_JOBS = (
    _job("销售代表", "销售", (6000, 12000), "负责区域客户开发与维护，完成月度销售目标。",
         "有销售经验者优先，沟通能力强，男女不限。", headcount=5),
    _job("客服专员", "客户服务", (5000, 7000), "通过电话和在线渠道解答客户咨询，处理售后问题。",
         "普通话标准，会基本电脑操作，能适应轮班。", education="高中"),
    _job("行政助理", "行政人事", (5500, 7500), "负责办公室日常事务、会议安排和资料归档。",
         "熟练使用办公软件，细心负责。", experience="不限", headcount=1),
)  # fmt: skip
TRADE_JOBS: dict[str, tuple[Job, ...]] = {
    "科技": (
        _job("Python 后端开发工程师", "软件开发", (15000, 25000), "参与招聘平台后端服务的设计与开发。",
             "熟悉 Python 与 SQL，了解异步编程。", education="本科", experience="3-5年"),
        _job("前端开发工程师", "软件开发", (13000, 22000), "负责网页端与移动端页面的开发与维护。",
             "熟悉 HTML、CSS 与 JavaScript。", education="本科"),
        _job("软件测试工程师", "软件开发", (10000, 16000), "编写测试用例，执行功能与性能测试。",
             "有自动化测试经验者优先。", education="本科"),
    ),
    "物流": (
        _job("仓库管理员", "物流运输", (6000, 8000), "负责仓库收发货、盘点和库存记录。",
             "会使用仓储管理系统，责任心强。", education="高中"),
        _job("货车司机", "物流运输", (8000, 12000), "负责北京市内及周边城市的货物配送。",
             "持 B2 及以上驾驶证，三年以上驾龄。", education="不限", experience="3-5年"),
        _job("物流销售经理", "销售", (10000, 18000), "开拓企业物流客户，制定销售方案。",
             "有物流行业销售经验，能适应出差。", experience="3-5年"),
    ),
    "食品": (
        _job("生产操作工", "生产制造", (5500, 7500), "按工艺要求操作食品生产线设备。",
             "身体健康，持健康证，能适应倒班。", education="初中", headcount=20),
        _job("品质检验员", "生产制造", (6000, 8000), "负责原料与成品的抽样检验和记录。",
             "食品相关专业优先。", education="中专"),
        _job("门店销售", "销售", (5000, 9000), "负责门店产品陈列、销售与顾客服务。",
             "形象良好，热情开朗，有零售经验者优先。", education="高中", headcount=8),
    ),
    "医药": (
        _job("医药代表", "销售", (9000, 16000), "负责医院与药店渠道的产品推广和学术拜访。",
             "医学、药学相关专业，沟通能力强。", education="本科"),
        _job("药品质量专员", "医药健康", (8000, 12000), "执行药品质量管理规范，审核生产记录。",
             "药学相关专业，熟悉 GMP。", education="本科"),
        _job("仓储专员", "物流运输", (6000, 8000), "负责药品冷链仓储与出入库管理。",
             "有医药仓储经验者优先。", education="中专"),
    ),
    "建设": (
        _job("施工员", "建筑工程", (8000, 12000), "负责施工现场进度、质量与安全管理。",
             "土木工程相关专业，持施工员证。", experience="3-5年"),
        _job("造价工程师", "建筑工程", (10000, 15000), "编制工程预算与结算，审核工程量清单。",
             "持造价工程师证书者优先。", education="本科", experience="3-5年"),
        _job("资料员", "建筑工程", (5500, 7000), "负责工程资料的收集、整理和归档。",
             "熟悉工程资料规范。", experience="不限"),
    ),
    "教育": (
        _job("小学数学教师", "教育培训", (8000, 12000), "负责课外辅导课程的教学与教研。",
             "持教师资格证，师范类专业优先。", education="本科"),
        _job("课程顾问", "销售", (7000, 15000), "为家长介绍课程方案，完成课程销售。",
             "有教育行业销售经验者优先。"),
        _job("教务专员", "教育培训", (6000, 8000), "负责排课、学员档案与家校沟通。",
             "细心耐心，熟练使用办公软件。"),
    ),
    "电子": (
        _job("电子装配工", "生产制造", (6000, 8000), "按图纸完成电子产品的装配与调试。",
             "视力良好，能适应倒班。", education="初中", headcount=15),
        _job("硬件工程师", "软件开发", (14000, 22000), "负责嵌入式硬件电路设计与调试。",
             "电子相关专业，熟悉电路设计。", education="本科", experience="3-5年"),
        _job("设备维修技术员", "生产制造", (7000, 10000), "负责生产设备的日常保养和故障维修。",
             "持电工证者优先。", education="中专"),
    ),
    "商贸": (
        _job("电话销售", "销售", (5000, 10000), "通过电话联系企业客户，推广办公用品。",
             "普通话标准，抗压能力强。", education="高中", headcount=6),
        _job("采购专员", "行政人事", (7000, 10000), "负责供应商开发、询价与采购订单跟进。",
             "有采购经验者优先。"),
        _job("外贸业务员", "销售", (8000, 14000), "开发海外客户，跟进外贸订单。",
             "英语读写流利，有外贸经验者优先。", education="本科"),
    ),
    "机械": (
        _job("数控车床操作工", "生产制造", (7000, 10000), "操作数控车床加工机械零件。",
             "会看机械图纸，有数控操作经验。", education="中专", headcount=6),
        _job("机械设计工程师", "生产制造", (12000, 18000), "负责非标设备的机械结构设计。",
             "熟练使用 CAD 与 SolidWorks。", education="本科", experience="3-5年"),
        _job("焊工", "生产制造", (8000, 11000), "负责钢结构件的焊接作业。",
             "持焊工证。", education="不限", headcount=4),
    ),
    "餐饮": (
        _job("厨师", "餐饮服务", (7000, 11000), "负责门店菜品制作与出品质量。",
             "有中餐厨师经验，持健康证。", education="不限", experience="3-5年"),
        _job("服务员", "餐饮服务", (4500, 6000), "负责餐厅接待、点餐和传菜服务。",
             "热情有礼，能适应轮班。", education="不限", experience="不限", headcount=10),
        _job("门店店长", "餐饮服务", (9000, 13000), "负责门店运营、排班与营业额达成。",
             "有餐饮门店管理经验。", experience="3-5年"),
    ),
}  # fmt: skip
TRADES = tuple(TRADE_JOBS)


def org_name(index: int) -> str:
    prefix = ORG_PREFIXES[index % len(ORG_PREFIXES)]
    trade = TRADES[(index // len(ORG_PREFIXES)) % len(TRADES)]
    round_ = index // (len(ORG_PREFIXES) * len(TRADES))
    return f"北京{prefix}{trade}{'' if round_ == 0 else round_ + 1}有限公司"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def valid_uscc(index: int) -> str:
    from app.auth.uscc import check_character

    first17 = f"91110108{index:09d}"
    return first17 + check_character(first17)


@dataclass
class World:
    """What the set-up inserted; ids as the database gave them."""

    fair_id: int
    booths: list[int]  # accepted booths, in insertion order
    org_of_booth: dict[int, int]
    staff_email: dict[int, str]  # booth -> the e-mail of its organization's admin
    seekers: list[int]
    postings: int
    org_names: list[str]
    # Booths that a search for SEARCH must list: a shown posting or the booth text matches.
    search_booths: set[int] = field(default_factory=set)


def _posting_rows(
    rng: random.Random, org_id: int, author: int, moderator: int, jobs: Sequence[Job], now: Any
) -> list[tuple[Any, Any]]:
    from app.fair.models import Posting, PostingVersion, VersionStatus
    from app.moderation.review import full_text
    from app.moderation.screening import DuplicateIndex

    rows = []
    for job in jobs:
        decided = now - timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600))
        low, high, period = job.pay
        posting = Posting(org_id=org_id, created_by=author, created_at=decided - timedelta(hours=2))
        version = PostingVersion(
            posting_id=0,  # set once the posting has its id
            number=1,
            status=VersionStatus.LIVE,
            author_id=author,
            created_at=decided - timedelta(hours=2),
            submitted_at=decided - timedelta(hours=1),
            decided_at=decided,
            decided_by=moderator,
            title=job.title,
            category=job.category,
            city="北京",
            district=rng.choice(DISTRICTS),
            salary_min=low,
            salary_max=high,
            salary_period=period,
            headcount=job.headcount,
            education=job.education,
            experience=job.experience,
            employment_type="full_time",
            description=job.description,
            requirements=job.requirements,
            benefits=job.benefits,
            valid_until=(now + timedelta(days=60)).date() if rng.random() < 0.5 else None,
        )
        # As screening stores it (app/moderation/review.py): clean text, no findings.
        version.signature = orjson.dumps(DuplicateIndex.signature(full_text(version))).decode()
        rows.append((posting, version))
    return rows


async def build_fair(
    db_url: str,
    *,
    booths: int,
    seekers: int,
    password_hash: str,
    seed: int = 2026,
) -> World:
    """A published fair, live now and open around the clock, with ``booths`` accepted
    booths (2-3 live postings each, indexed for search) and ``seekers`` registered job
    seekers with complete profiles; every account has the password of ``password_hash``."""
    from sqlmodel import select

    from app.auth.models import Organization, OrgMember, Role, User, Verification
    from app.db import Database, utcnow
    from app.fair import search
    from app.fair.models import (
        Booth,
        BoothPosting,
        BoothStatus,
        Fair,
        FairRegistration,
        FairStatus,
        SeekerProfile,
    )

    rng = random.Random(seed)
    now = utcnow()
    db = Database(db_url)
    try:
        async with db.sessions() as session:

            def user(email: str, name: str, role: Role) -> User:
                return User(email=email, display_name=name, role=role, password_hash=password_hash)

            organizer = user("organizer@bench.jobfair.test", "北京市人才服务中心", Role.ORGANIZER)
            moderator = user("moderator@bench.jobfair.test", "审核员", Role.MODERATOR)
            employers = [
                user(f"hr{n}@bench.jobfair.test", person_name(rng), Role.EMPLOYER)
                for n in range(booths)
            ]
            seeker_users = [
                user(f"seeker{n}@bench.jobfair.test", person_name(rng), Role.SEEKER)
                for n in range(seekers)
            ]
            session.add_all([organizer, moderator, *employers, *seeker_users])
            await session.flush()
            assert organizer.id is not None
            assert moderator.id is not None

            fair = Fair(
                organizer_id=organizer.id,
                title=f"{now.year}年北京市线上招聘会",
                description="面向应届毕业生和社会求职者的综合性线上招聘会，现场排队即可与企业视频沟通。",
                starts_at=now - timedelta(hours=2),
                ends_at=now + timedelta(days=3),
                daily_open="",  # around the clock, so the lines are open whenever this runs
                daily_close="",
                district="北京市",
                industry="综合",
                status=FairStatus.PUBLISHED,
                published_at=now - timedelta(days=7),
                registered_count=seekers,
            )
            session.add(fair)
            orgs = []
            for n in range(booths):
                employer = employers[n]
                assert employer.id is not None
                trade = TRADES[(n // len(ORG_PREFIXES)) % len(TRADES)]
                orgs.append(
                    Organization(
                        name=org_name(n),
                        uscc=valid_uscc(n + 1),
                        address=f"北京市{rng.choice(DISTRICTS)}{rng.randint(1, 99)}号",
                        description=f"一家位于北京的{trade}企业，成立于{rng.randint(1995, 2020)}年。",
                        licence_details="营业执照已核验",
                        phone=f"010-{rng.randint(60000000, 89999999)}",
                        verification=Verification.VERIFIED,
                        created_by=employer.id,
                    )
                )
            session.add_all(orgs)
            await session.flush()
            assert fair.id is not None
            members = [
                OrgMember(org_id=org.id or 0, user_id=employers[n].id or 0, is_admin=True)
                for n, org in enumerate(orgs)
            ]
            session.add_all(members)

            booth_rows: list[Booth] = []
            jobs_of: list[list[Job]] = []
            for n, org in enumerate(orgs):
                trade = TRADES[(n // len(ORG_PREFIXES)) % len(TRADES)]
                jobs = rng.sample([*TRADE_JOBS[trade], *GENERAL_JOBS], rng.choice((2, 3, 3)))
                jobs_of.append(jobs)
                titles = "、".join(job.title for job in jobs)
                booth_rows.append(
                    Booth(
                        fair_id=fair.id,
                        org_id=org.id or 0,
                        status=BoothStatus.ACCEPTED,
                        intro=f"{org.name}欢迎您！本次招聘{titles}等岗位，排队即可与招聘负责人视频沟通。",
                        queue_open=True,
                        created_at=now - timedelta(days=5),
                        decided_at=now - timedelta(days=4),
                    )
                )
            session.add_all(booth_rows)
            pairs = []
            for n, org in enumerate(orgs):
                pairs += _posting_rows(
                    rng, org.id or 0, employers[n].id or 0, moderator.id, jobs_of[n], now
                )
            session.add_all([posting for posting, _ in pairs])
            await session.flush()
            for posting, version in pairs:
                version.posting_id = posting.id or 0
            session.add_all([version for _, version in pairs])
            await session.flush()

            # One booth in five shows a choice of postings rather than all of them.
            shown: dict[int, list[Any]] = {}
            by_org: dict[int, list[Any]] = {}
            for posting, version in pairs:
                by_org.setdefault(posting.org_id, []).append((posting, version))
            for n, booth in enumerate(booth_rows):
                mine = by_org[booth.org_id]
                if n % 5 == 4:
                    chosen = mine[:2]
                    session.add_all(
                        BoothPosting(booth_id=booth.id or 0, posting_id=p.id or 0)
                        for p, _ in chosen
                    )
                    shown[booth.id or 0] = chosen
                else:
                    shown[booth.id or 0] = mine

            profiles = [
                SeekerProfile(
                    user_id=s.id or 0,
                    full_name=s.display_name,
                    phone=f"138{rng.randint(10000000, 99999999)}",
                    origin_province=rng.choice(("北京", "河北", "山东", "河南", "四川", "湖南")),
                    current_city="北京",
                    education=rng.choice(("高中", "中专", "大专", "本科", "硕士")),
                    experience_years=rng.randint(0, 15),
                    desired_categories=rng.choice(("销售", "软件开发", "生产制造", "物流运输")),
                )
                for s in seeker_users
            ]
            session.add_all(profiles)
            session.add_all(
                FairRegistration(fair_id=fair.id, user_id=s.id or 0, created_at=now)
                for s in seeker_users
            )
            await session.flush()

            for posting, _ in pairs:
                await search.index_posting(session, posting.id or 0)
            for booth in booth_rows:
                await search.index_booth(session, booth.id or 0)
            await session.commit()

            org_names = dict((await session.exec(select(Organization.id, Organization.name))).all())
            world = World(
                fair_id=fair.id,
                booths=[b.id or 0 for b in booth_rows],
                org_of_booth={b.id or 0: b.org_id for b in booth_rows},
                staff_email={b.id or 0: employers[n].email for n, b in enumerate(booth_rows)},
                seekers=[s.id or 0 for s in seeker_users],
                postings=len(pairs),
                org_names=[org_names[o.id] for o in orgs],
            )
            for booth in booth_rows:
                texts = [booth.intro, org_names[booth.org_id]]
                texts += [
                    v.title + v.category + v.description + v.requirements + v.benefits
                    for _, v in shown[booth.id or 0]
                ]
                if any(SEARCH in text for text in texts):
                    world.search_booths.add(booth.id or 0)
            return world
    finally:
        await db.dispose()


# -- sessions ------------------------------------------------------------------------------


class Sessions:
    """Session cookies as a fresh log-in makes them (app/auth/session.py), without going
    through ``/login`` (argon2) for each of thousands of accounts; with the CSRF token in,
    as after the first page, so pages do not re-sign the cookie."""

    def __init__(self, secret_key: str) -> None:
        from app.auth.session import COOKIE, SessionMiddleware

        self.name = COOKIE
        self.serializer = SessionMiddleware(
            _no_app, secret_key=secret_key, max_age=86400
        ).serializer

    def cookie(self, user_id: int) -> tuple[str, str]:
        """The Cookie header value and the session's CSRF token."""
        csrf = secrets.token_urlsafe(32)
        data = {"uid": user_id, "epoch": 0, "sid": secrets.token_urlsafe(12), "csrf": csrf}
        return f"{self.name}={self.serializer.dumps(data)}", csrf


async def _no_app(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError("not an app")


async def log_in(base_url: str, email: str, password: str) -> tuple[str, str]:
    """Log in through the real form; the Cookie header and the session's CSRF token."""
    import httpx

    async with httpx.AsyncClient(base_url=base_url) as client:
        page = await client.get("/login")
        match = CSRF_RE.search(page.text)
        if match is None:
            raise BenchError("no CSRF token on /login")
        response = await client.post(
            "/login", data={"email": email, "password": password, "csrf_token": match.group(1)}
        )
        if response.status_code != 303:
            raise BenchError(f"log-in as {email} failed: HTTP {response.status_code}")
        match = CSRF_RE.search((await client.get("/")).text)
        if match is None:
            raise BenchError("no CSRF token on / after log-in")
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        return cookie, match.group(1)


def server_env(tmp: Path, db_url: str, secret_key: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBFAIR_")}
    return env | {
        "JOBFAIR_DATABASE_URL": db_url,
        "JOBFAIR_SECRET_KEY": secret_key,
        "JOBFAIR_LOG_LEVEL": "warning",
        "JOBFAIR_UPLOAD_DIR": str(tmp / "uploads"),
        **extra,
    }


def project_command(port: int) -> list[str]:
    return [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]


# -- a light WebSocket client ----------------------------------------------------------------


class FrameError(Exception):
    def __init__(self, frame: dict[str, Any]) -> None:
        super().__init__(f"{frame.get('code')}: {frame.get('message')}")
        self.code = str(frame.get("code"))


def client_frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """One masked, unfragmented frame, as a client must send it (RFC 6455 5.3)."""
    size = len(payload)
    if size < 126:
        head = bytes((0x80 | opcode, 0x80 | size))
    elif size < 1 << 16:
        head = bytes((0x80 | opcode, 0x80 | 126)) + size.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + size.to_bytes(8, "big")
    mask = os.urandom(4)
    if size:
        key = int.from_bytes((mask * (size // 4 + 1))[:size], "big")
        payload = (int.from_bytes(payload, "big") ^ key).to_bytes(size, "big")
    return head + mask + payload


EventHandler = Callable[["Socket", dict[str, Any], int], None]


class Socket(asyncio.Protocol):
    """Just enough of a WebSocket client for the gateway's JSON frames, and cheap per frame.

    A thousand sockets watching one line receive hundreds of thousands of frames; a client
    library spends more CPU per frame than the gateway does, which would make the load
    client the bottleneck. Frames starting with one of ``skip`` are counted, not decoded.
    Replies are matched to requests by ``id``; events go to ``on_event`` with the time
    (``perf_counter_ns``) their bytes arrived.
    """

    def __init__(self, on_event: EventHandler | None, skip: tuple[bytes, ...]) -> None:
        loop = asyncio.get_running_loop()
        self.on_event = on_event
        self.skip = skip
        self.skipped = 0
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.upgraded = False
        self.hello: asyncio.Future[dict[str, Any]] = loop.create_future()
        self.replies: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.ids = itertools.count(1)
        self.close_code: int | None = None
        self.user_id = 0

    @classmethod
    async def open(
        cls,
        port: int,
        cookie: str,
        on_event: EventHandler | None = None,
        skip: tuple[bytes, ...] = (),
    ) -> Socket:
        loop = asyncio.get_running_loop()
        _, sock = await loop.create_connection(lambda: cls(on_event, skip), "127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        assert sock.transport is not None
        sock.transport.write(
            f"GET /ws HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1:{port}\r\nCookie: {cookie}\r\n\r\n".encode()
        )
        hello = await asyncio.wait_for(sock.hello, 60)
        sock.user_id = int(hello["user"]["id"])
        return sock

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no subclass

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter_ns()
        buffer = self.buffer
        buffer += data
        if not self.upgraded:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buffer[: buffer.find(b"\r\n")])
            if b" 101 " not in status:
                self._fail(BenchError(f"WebSocket handshake refused: {status.decode()}"))
                return
            del buffer[: end + 4]
            self.upgraded = True
        pos, size = 0, len(buffer)
        while size - pos >= 2:
            first, length = buffer[pos], buffer[pos + 1] & 0x7F
            start = pos + 2
            if length == 126:
                start += 2
                if size < start:
                    break
                length = int.from_bytes(buffer[pos + 2 : start], "big")
            elif length == 127:
                start += 8
                if size < start:
                    break
                length = int.from_bytes(buffer[pos + 2 : start], "big")
            end = start + length
            if end > size:
                break
            payload = bytes(buffer[start:end])
            pos = end
            opcode = first & 0x0F
            if opcode in (0x1, 0x2):
                self._frame(payload, now)
            elif opcode == 0x9:  # uvicorn's keepalive ping
                self._write(client_frame(payload, 0xA))
            elif opcode == 0x8:
                self.close_code = int.from_bytes(payload[:2], "big") if payload else 1005
                self.close()
        if pos:
            del buffer[:pos]

    def _frame(self, payload: bytes, now: int) -> None:
        if payload.startswith(self.skip):
            self.skipped += 1
            return
        frame = orjson.loads(payload)
        kind = frame.get("type")
        if kind == "event":
            if self.on_event is not None:
                self.on_event(self, frame, now)
        elif kind == "hello":
            if not self.hello.done():
                self.hello.set_result(frame)
        elif (future := self.replies.get(frame.get("id", 0))) is not None and not future.done():
            future.set_result(frame)

    def _fail(self, exc: Exception) -> None:
        if not self.hello.done():
            self.hello.set_exception(exc)
        for future in self.replies.values():
            if not future.done():
                future.set_exception(exc)
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(BenchError(f"socket closed (code {self.close_code})"))

    def _write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def send(self, frame: dict[str, Any]) -> None:
        self._write(client_frame(orjson.dumps(frame)))

    def ask(self, frame: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        """Send a frame with a fresh id now; the future gets its reply (or error frame)."""
        frame_id = next(self.ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        future.add_done_callback(lambda _: self.replies.pop(frame_id, None))
        self.replies[frame_id] = future
        self.send({**frame, "id": frame_id})
        return future

    async def request(self, frame: dict[str, Any]) -> dict[str, Any]:
        """Send a frame and wait for its reply; FrameError for an error frame."""
        reply = await asyncio.wait_for(self.ask(frame), REPLY_TIMEOUT_S)
        if reply.get("type") == "error":
            raise FrameError(reply)
        return reply

    def close(self) -> None:
        self._write(client_frame((1000).to_bytes(2, "big"), 0x8))
        if self.transport is not None:
            self.transport.close()


async def open_sockets(
    port: int,
    cookies: Sequence[str],
    on_event: EventHandler | None = None,
    skip: tuple[bytes, ...] = (),
) -> list[Socket]:
    sockets: list[Socket] = []
    for start in range(0, len(cookies), CONNECT_BATCH):
        batch = cookies[start : start + CONNECT_BATCH]
        sockets += await asyncio.gather(*(Socket.open(port, c, on_event, skip) for c in batch))
    return sockets


async def heartbeat(sockets: Sequence[Socket]) -> None:
    """What socket.js does every heartbeat_s: without it the gateway closes idle sockets."""
    while True:
        await asyncio.sleep(HEARTBEAT_S)
        for sock in sockets:
            sock.send({"type": "ping"})


async def in_batches(
    items: Sequence[Any], action: Callable[[Any], Any], limit: int = CONNECT_BATCH
) -> list[Any]:
    """``action`` on every item, at most ``limit`` at a time; results in order."""
    gate = asyncio.Semaphore(limit)

    async def one(item: Any) -> Any:
        async with gate:
            return await action(item)

    return list(await asyncio.gather(*(one(item) for item in items)))


# -- the HTTP load ---------------------------------------------------------------------------


@dataclass
class Load:
    name: str
    path: str
    seconds: float
    latencies_ns: list[int]
    statuses: Counter[int]
    errors: Counter[str]
    body_bytes: int
    server_cpu_s: float
    others_cpu_s: float  # other processes on the server's core during the window
    client_cpu_s: float

    @property
    def rps(self) -> float:
        return len(self.latencies_ns) / self.seconds

    def ms(self, share: float) -> float:
        return percentile(self.latencies_ns, share) / 1e6


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """Status, body size and whether the server closes the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    lower = head.lower()
    closes = b"\r\nconnection: close" in lower
    at = lower.find(b"\r\ncontent-length:")
    if at >= 0:
        length = int(head[at + 17 : lower.index(b"\r\n", at + 2)])
        await reader.readexactly(length)
        return status, length, closes
    if b"\r\ntransfer-encoding: chunked" not in lower:
        raise BenchError("a response with neither Content-Length nor chunked encoding")
    total = 0
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        await reader.readexactly(size + 2)
        total += size
        if size == 0:
            return status, total, closes


async def http_load(
    name: str,
    port: int,
    path: str,
    cookies: Sequence[str],
    clients: int,
    warmup: float,
    seconds: float,
    server_pid: int,
) -> Load:
    """``clients`` keep-alive connections, each sending the next request as soon as the last
    response is in; the responses completed in the window after ``warmup`` count."""
    requests = [
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: jobfair-bench\r\n"
            "Accept: text/html\r\nAccept-Language: zh-CN,zh;q=0.9\r\n"
            + (f"Cookie: {cookie}\r\n" if cookie else "")
            + "\r\n"
        ).encode()
        for cookie in cookies
    ]
    begin = time.perf_counter_ns()
    opens, closes = begin + int(warmup * 1e9), begin + int((warmup + seconds) * 1e9)
    latencies: list[int] = []
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    body_bytes = 0

    async def client(request: bytes) -> None:
        nonlocal body_bytes
        writer = None
        try:
            while time.perf_counter_ns() < closes:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                sent = time.perf_counter_ns()
                writer.write(request)
                status, size, server_closes = await _read_response(reader)
                done = time.perf_counter_ns()
                if opens <= done < closes:
                    latencies.append(done - sent)
                    statuses[status] += 1
                    body_bytes += size
                if server_closes:
                    writer.close()
                    writer = None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            errors[type(exc).__name__] += 1
        finally:
            if writer is not None:
                writer.close()

    tasks = [asyncio.ensure_future(client(requests[n % len(requests)])) for n in range(clients)]
    await asyncio.sleep(max(0.0, (opens - time.perf_counter_ns()) / 1e9))
    cpu0, busy0, mine0 = cpu_seconds(server_pid), busy_seconds(SERVER_CPU), cpu_seconds(os.getpid())
    await asyncio.sleep(max(0.0, (closes - time.perf_counter_ns()) / 1e9))
    cpu1, busy1, mine1 = cpu_seconds(server_pid), busy_seconds(SERVER_CPU), cpu_seconds(os.getpid())
    await asyncio.wait_for(asyncio.gather(*tasks), 60)
    latencies.sort()
    return Load(
        name=name,
        path=path,
        seconds=seconds,
        latencies_ns=latencies,
        statuses=statuses,
        errors=errors,
        body_bytes=body_bytes,
        server_cpu_s=cpu1 - cpu0,
        others_cpu_s=max(0.0, busy1 - busy0 - (cpu1 - cpu0)),
        client_cpu_s=mine1 - mine0,
    )


# -- the baseline server ---------------------------------------------------------------------

BASELINE_TEMPLATE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><h1>{{ title }}</h1><p>{{ message }}</p></body></html>
"""


def baseline_app() -> Any:
    """Bare Starlette: one endpoint rendering a trivial Jinja2 template (and /readyz)."""
    from jinja2 import DictLoader, Environment, select_autoescape
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse, Response
    from starlette.routing import Route
    from starlette.templating import Jinja2Templates

    env = Environment(
        loader=DictLoader({"page.html": BASELINE_TEMPLATE}), autoescape=select_autoescape()
    )
    templates = Jinja2Templates(env=env)

    async def page(request: Any) -> Response:
        context = {"title": "招聘会大厅", "message": "欢迎参加线上招聘会"}
        return templates.TemplateResponse(request, "page.html", context)

    async def ready(request: Any) -> Response:
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/", page), Route("/readyz", ready)])


def baseline_server(port: int) -> int:
    import uvicorn

    # As `jobfair serve` runs the project: uvicorn's defaults (httptools, uvloop), no
    # access log at this level, no Server header.
    uvicorn.run(
        baseline_app(),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        server_header=False,
        lifespan="on",
    )
    return 0


# -- the bench ---------------------------------------------------------------------------------


async def preflight(base: str, path: str, cookie: str, names: Sequence[str]) -> tuple[int, int]:
    """One request as the load will send it: the page size and how many exhibitors it shows."""
    import httpx

    async with httpx.AsyncClient(base_url=base, headers={"Cookie": cookie}) as client:
        response = await client.get(path, headers={"Accept-Language": "zh-CN"})
    if response.status_code == 404 and path.endswith("/lobby"):
        raise BenchError(f"GET {path} is 404: is the lobby route (app/fair/pages.py) there yet?")
    if response.status_code != 200:
        raise BenchError(f"GET {path} answered HTTP {response.status_code}")
    if "set-cookie" in response.headers:
        print(f"  note: GET {path} re-signs the session cookie on every request", flush=True)
    return len(response.content), sum(1 for name in names if name in response.text)


async def bench(args: argparse.Namespace, tmp: Path, db_url: str) -> list[Load]:
    from app.auth.passwords import hash_password

    secret_key = secrets.token_urlsafe(36)
    started = time.monotonic()
    world = await build_fair(
        db_url,
        booths=args.booths,
        seekers=max(args.visitors, args.clients),
        password_hash=await hash_password(secrets.token_urlsafe(16)),
    )
    print(
        f"  set-up: fair {world.fair_id}, {len(world.booths)} booths, {world.postings} live "
        f"postings, {len(world.seekers)} registered seekers in {time.monotonic() - started:.1f}s",
        flush=True,
    )
    sessions = Sessions(secret_key)
    cookies = [sessions.cookie(uid)[0] for uid in world.seekers]
    path = args.path.format(fair=world.fair_id)
    search_path = f"{path}?q={quote(SEARCH)}"
    pin = can_pin()
    results = []

    port = free_port()
    log = tmp / "project.log"
    env = server_env(tmp, db_url, secret_key)
    with log.open("wb") as log_file:
        server = None
        visitors: list[Socket] = []
        try:
            server = await spawn(
                project_command(port),
                SERVER_CPU if pin else None,
                env=env,
                cwd=tmp,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
            base = f"http://127.0.0.1:{port}"
            await wait_ready(base, server, log)
            # Seekers looking around the fair: most at a booth, some in the lobby.
            rng = random.Random(7)
            visitors = await open_sockets(port, cookies[: args.visitors])
            await in_batches(
                visitors,
                lambda sock: sock.request(
                    {
                        "type": "presence",
                        "fair": world.fair_id,
                        "booth": rng.choice(world.booths) if rng.random() < 0.7 else None,
                    }
                ),
            )
            beat = asyncio.ensure_future(heartbeat(visitors))
            for name, target, expect in (
                ("lobby", path, len(world.booths)),
                ("search", search_path, len(world.search_booths)),
            ):
                size, shown = await preflight(base, target, cookies[0], world.org_names)
                print(
                    f"  {name}: {size / 1024:.0f} KiB page showing {shown} of "
                    f"{len(world.booths)} exhibitors (expected {expect})",
                    flush=True,
                )
                if shown != expect:
                    print(f"  warning: {name} shows {shown} exhibitors, expected {expect}")
                results.append(
                    await http_load(
                        name,
                        port,
                        target,
                        cookies[: args.clients],
                        args.clients,
                        args.warmup,
                        args.seconds,
                        server.pid,
                    )
                )
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
        except BenchError as exc:
            raise BenchError(f"{exc}\nproject server log:\n{tail(log)}") from None
        finally:
            for sock in visitors:
                sock.close()
            await stop(server)

    port = free_port()
    log = tmp / "baseline.log"
    with log.open("wb") as log_file:
        server = None
        try:
            server = await spawn(
                [sys.executable, __file__, "--baseline-server", str(port)],
                SERVER_CPU if pin else None,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
            await wait_ready(f"http://127.0.0.1:{port}", server, log)
            results.append(
                await http_load(
                    "baseline", port, "/", [""], args.clients, args.warmup, args.seconds, server.pid
                )
            )
        except BenchError as exc:
            raise BenchError(f"{exc}\nbaseline server log:\n{tail(log)}") from None
        finally:
            await stop(server)
    return results


def report(results: list[Load]) -> int:
    print()
    header = (
        f"{'page':<9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'KiB/resp':>9} {'server CPU':>11} {'CPU ms/req':>11}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        count = len(r.latencies_ns)
        print(
            f"{r.name:<9} {r.rps:>8.0f} {r.ms(0.5):>8.1f} {r.ms(0.99):>8.1f} {r.ms(1.0):>8.1f} "
            f"{(r.body_bytes / count / 1024 if count else math.nan):>9.1f} "
            f"{r.server_cpu_s / r.seconds:>11.0%} "
            f"{(r.server_cpu_s / count * 1000 if count else math.nan):>11.2f}"
        )
    print()
    failed = False
    for r in results:
        print(
            f"{r.name}: {r.path}; other processes used {r.others_cpu_s / r.seconds:.0%} of "
            f"CPU {SERVER_CPU}, the load client {r.client_cpu_s / r.seconds:.0%} of CPU {CLIENT_CPU}"
        )
        bad = {status: n for status, n in r.statuses.items() if status != 200}
        if bad or r.errors:
            print(f"  error: non-200 responses {bad}, connection errors {dict(r.errors)}")
            failed = True
        if not r.latencies_ns:
            print("  error: no response completed in the window")
            failed = True
        if r.others_cpu_s > 0.1 * r.seconds:
            print("  warning: other processes shared the server's core; figures are noisy")
        if r.client_cpu_s > 0.8 * r.seconds:
            print("  warning: the load client was near saturation; the server was not the limit")
    print()
    if failed:
        print("error: some requests failed; no figures", file=sys.stderr)
        return 1
    lobby, search, baseline = results
    print(
        f"lobby_search rps={search.rps:.0f} p99_ms={search.ms(0.99):.1f} "
        f"ratio={search.rps / baseline.rps:.3f}"
    )
    print(
        f"lobby rps={lobby.rps:.0f} p99_ms={lobby.ms(0.99):.1f} "
        f"baseline_rps={baseline.rps:.0f} ratio={lobby.rps / baseline.rps:.3f}"
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--booths", type=int, default=BOOTHS, help=f"booths ({BOOTHS})")
    parser.add_argument("--clients", type=int, default=CLIENTS, help=f"connections ({CLIENTS})")
    parser.add_argument("--seconds", type=float, default=SECONDS, help=f"window ({SECONDS:g})")
    parser.add_argument("--warmup", type=float, default=WARMUP, help=f"warm-up ({WARMUP:g})")
    parser.add_argument(
        "--visitors", type=int, default=VISITORS, help=f"seekers present ({VISITORS})"
    )
    parser.add_argument("--path", default=LOBBY_PATH, help=argparse.SUPPRESS)
    parser.add_argument("--baseline-server", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline_server:
        with contextlib.suppress(KeyboardInterrupt):
            return baseline_server(args.baseline_server)
        return 0
    if min(args.booths, args.clients, args.seconds) <= 0 or args.warmup < 0 or args.visitors < 0:
        parser.error("--booths, --clients and --seconds must be positive")

    raise_nofile()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pin = can_pin()
    if pin:
        os.sched_setaffinity(0, {CLIENT_CPU})
    print(
        f"lobby: {args.booths} booths, {args.clients} clients, {args.warmup:g}s warm-up + "
        f"{args.seconds:g}s per page; "
        + (
            f"servers on CPU {SERVER_CPU}, clients on CPU {CLIENT_CPU}"
            + ("" if TASKSET else " (taskset missing: sched_setaffinity)")
            if pin
            else "NOT pinned (fewer than 2 CPUs available): numbers include contention"
        ),
        flush=True,
    )
    from app.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="jobfair-bench-"))
    try:
        db_url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        upgrade(db_url)  # Alembic runs its own event loop: before ours starts
        try:
            results: list[Load] = run_loop(bench(args, tmp, db_url))  # type: ignore[arg-type]
        except BenchError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
        return report(results)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
