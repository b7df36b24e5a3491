"""The organizer's fair admin, the employer's booths and console, and conversations, over
HTTP on a live server, on SQLite and PostgreSQL. Data is set up through the services."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from PIL import Image
from playwright.async_api import Page, async_playwright, expect
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity, load_identity
from app.auth.models import Organization, OrgMember, Role, User, Verification
from app.db import run_unit, utcnow
from app.fair import fairs, presence, queues, seekers
from app.fair.models import (
    Booth,
    BoothPosting,
    BoothStatus,
    Conversation,
    Fair,
    Posting,
    PostingVersion,
    QueueTicket,
    TicketStatus,
    VersionStatus,
)
from app.uploads import public_image_path
from tests.conftest import add_user, valid_uscc
from tests.support import (
    CHROMIUM,
    PASSWORD,
    Live,
    csrf_of,
    live_server,
    login,
    missing,
    settings_for,
)

T = TypeVar("T")
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PROFILE = {"full_name": "李四", "phone": "13800138000", "contact_email": "lisi@example.com"}


def png(size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def fields(**overrides: Any) -> fairs.FairFields:
    """A fair live now and open around the clock unless told otherwise."""
    now = utcnow()
    base: dict[str, Any] = {
        "title": "春风行动网络招聘会",
        "description": "面向返乡务工人员。",
        "starts_at": now - HOUR,
        "ends_at": now + 2 * DAY,
        "timezone": "Asia/Shanghai",
        "daily_open": "",
        "daily_close": "",
        "district": "",
        "industry": "",
        "audience": "general",
        "seeker_capacity": None,
        "booth_cap": None,
    }
    return fairs.FairFields(**(base | overrides))


@dataclass
class Site:
    live: Live
    password_hash: str
    clients: list[httpx.AsyncClient] = field(default_factory=list)
    seeds: int = 500

    async def act(self, action: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """One unit of work on the server's database and broker, committed."""
        return await run_unit(self.live.ctx.db, self.live.ctx.broker, action)

    async def get(self, model: type[T], row_id: Any) -> T:
        async with self.live.ctx.db.sessions() as session:
            row = await session.get(model, row_id)
        assert row is not None
        return row

    async def who(self, user: User) -> Identity:
        async with self.live.ctx.db.sessions() as session:
            found = await load_identity(session, {"uid": user.id, "epoch": 0, "sid": "t"})
        assert found is not None
        return found

    async def user(self, role: Role, name: str = "测试用户") -> User:
        self.seeds += 1
        return await add_user(
            self.live.ctx.db,
            self.password_hash,
            role,
            email=f"{role}{self.seeds}@example.com",
            name=name,
        )

    async def client(self, user: User) -> httpx.AsyncClient:
        client = httpx.AsyncClient(base_url=self.live, headers={"Accept-Language": "en"})
        self.clients.append(client)
        response = await login(client, user.email)
        assert response.status_code == 303, response.text
        return client

    async def org(self, name: str) -> tuple[Organization, User]:
        """A verified organization and its administrator."""
        admin = await self.user(Role.EMPLOYER, name=f"{name}人事")
        self.seeds += 1
        async with self.live.ctx.db.sessions() as session:
            org = Organization(
                name=name,
                uscc=valid_uscc(self.seeds),
                created_by=admin.id or 0,
                verification=Verification.VERIFIED,
            )
            session.add(org)
            await session.flush()
            session.add(OrgMember(org_id=org.id or 0, user_id=admin.id or 0, is_admin=True))
            await session.commit()
        return org, admin

    async def colleague(self, org: Organization, name: str) -> User:
        user = await self.user(Role.EMPLOYER, name=name)
        async with self.live.ctx.db.sessions() as session:
            session.add(OrgMember(org_id=org.id or 0, user_id=user.id or 0, is_admin=False))
            await session.commit()
        return user

    async def fair(self, organizer: User, *, publish: bool = True, **overrides: Any) -> Fair:
        me = await self.who(organizer)
        fair = await self.act(
            lambda s: fairs.create_fair(s, identity=me, fields=fields(**overrides))
        )
        if publish:
            fair = await self.act(lambda s: fairs.publish(s, identity=me, fair_id=fair.id or 0))
        return fair

    async def booth(self, fair: Fair, organizer: User, org: Organization, admin: User) -> Booth:
        """Invited and accepted."""
        host, me = await self.who(organizer), await self.who(admin)
        await self.act(
            lambda s: fairs.invite_org(s, identity=host, fair_id=fair.id or 0, org_id=org.id or 0)
        )
        return await self.act(
            lambda s: fairs.answer_invitation(s, identity=me, fair_id=fair.id or 0, accept=True)
        )

    async def posting(self, org: Organization, author: User, title: str = "仓库管理员") -> int:
        """A live posting, straight into the tables."""
        async with self.live.ctx.db.sessions() as session:
            posting = Posting(org_id=org.id or 0, created_by=author.id or 0)
            session.add(posting)
            await session.flush()
            session.add(
                PostingVersion(
                    posting_id=posting.id or 0,
                    number=1,
                    status=VersionStatus.LIVE,
                    author_id=author.id or 0,
                    title=title,
                    city="北京",
                    salary_min=5000,
                    salary_max=7000,
                    headcount=2,
                    description="负责仓库日常出入库管理。",
                    decided_at=utcnow(),
                )
            )
            await session.commit()
            return posting.id or 0

    async def seeker_in_line(self, fair: Fair, booth: Booth, name: str = "李四") -> User:
        """A registered seeker with a complete profile, online and waiting at the booth."""
        user = await self.user(Role.SEEKER, name=name)
        me = await self.who(user)
        await self.act(lambda s: seekers.update_profile(s, identity=me, values=PROFILE))
        await self.act(lambda s: fairs.register(s, identity=me, fair_id=fair.id or 0))
        await queues.mark_seen(self.live.ctx.broker, user.id or 0, ttl=3600)
        await self.act(lambda s: queues.join(s, identity=me, booth_id=booth.id or 0))
        return user

    async def conversation(self, booth: Booth, staff: User, seeker: User) -> Conversation:
        """Staff call the seeker, who accepts."""
        host, me = await self.who(staff), await self.who(seeker)
        broker = self.live.ctx.broker
        await self.act(lambda s: queues.call_next(s, broker, identity=host, booth_id=booth.id or 0))
        return await self.act(lambda s: queues.accept(s, identity=me, booth_id=booth.id or 0))


@asynccontextmanager
async def running_site(url: str, password_hash: str, tmp_path: Path) -> AsyncIterator[Site]:
    settings = settings_for(url, upload_dir=tmp_path / "uploads")
    async with live_server(settings) as live:
        site = Site(live=live, password_hash=password_hash)
        try:
            yield site
        finally:
            for client in site.clients:
                await client.aclose()


@pytest.fixture
async def site(db_url: str, password_hash: str, tmp_path: Path) -> AsyncIterator[Site]:
    async with running_site(db_url, password_hash, tmp_path) as site:
        yield site


async def post(client: httpx.AsyncClient, path: str, data: dict[str, Any]) -> httpx.Response:
    token = await csrf_of(client, "/")
    return await client.post(path, data={"csrf_token": token, **data})


async def upload(
    client: httpx.AsyncClient, path: str, name: str, content: bytes, filename: str
) -> httpx.Response:
    token = await csrf_of(client, "/")
    return await client.post(
        path,
        data={"csrf_token": token},
        files={name: (filename, content, "application/octet-stream")},
    )


def fair_form(**overrides: str) -> dict[str, str]:
    """The organizer's form for a two-day fair starting in two days, Beijing time."""
    start = (utcnow() + 2 * DAY).date()
    return {
        "title": "秋季大学生招聘会",
        "description": "",
        "timezone": "Asia/Shanghai",
        "starts_at": f"{start.isoformat()}T09:00",
        "ends_at": f"{(start + DAY).isoformat()}T17:00",
        "daily_open": "09:00",
        "daily_close": "17:00",
        "district": "海淀区",
        "industry": "",
        "audience": "graduates",
        "seeker_capacity": "500",
        "booth_cap": "",
    } | overrides


def field_error(page: str, name: str) -> str:
    match = re.search(rf'id="e-{name}"[^>]*>([^<]*)<', page)
    assert match, f"no error shown for {name}"
    return match.group(1)


# -- the organizer ---------------------------------------------------------------------


async def test_organizer_creates_edits_and_publishes_a_fair(site: Site) -> None:
    organizer = await site.user(Role.ORGANIZER)
    client = await site.client(organizer)
    assert (await client.get("/organize/new")).status_code == 200

    bad = await post(client, "/organize/new", fair_form(ends_at=fair_form()["starts_at"]))
    assert bad.status_code == 422
    assert "end after it starts" in field_error(bad.text, "ends_at")
    assert 'value="秋季大学生招聘会"' in bad.text
    bad = await post(client, "/organize/new", fair_form(daily_open="25:00"))
    assert "HH:MM" in field_error(bad.text, "daily_open")
    bad = await post(client, "/organize/new", fair_form(seeker_capacity="0"))
    assert "whole number" in field_error(bad.text, "seeker_capacity")
    bad = await post(client, "/organize/new", fair_form(daily_close=""))
    assert "both opening and closing" in field_error(bad.text, "daily_close")

    created = await post(client, "/organize/new", fair_form())
    assert created.status_code == 303
    admin_url = created.headers["location"]
    fair_id = int(admin_url.rsplit("/", 1)[1])
    fair = await site.get(Fair, fair_id)
    assert fair.starts_at.hour == 1  # 09:00 in Beijing is 01:00 UTC
    assert (fair.seeker_capacity, fair.audience) == (500, "graduates")

    edit = await client.get(f"/organize/{fair_id}/edit")
    assert 'value="' + fair_form()["starts_at"] + '"' in edit.text
    edited = await post(client, f"/organize/{fair_id}/edit", fair_form(title="秋季招聘会"))
    assert edited.status_code == 303
    assert (await site.get(Fair, fair_id)).title == "秋季招聘会"

    page = await client.get(admin_url)
    assert 'data-phase="draft"' in page.text
    assert 'data-testid="publish"' in page.text
    assert (await post(client, f"/organize/{fair_id}/publish", {})).status_code == 303
    page = await client.get(admin_url)
    assert 'data-phase="upcoming"' in page.text
    assert f'href="/fairs/{fair_id}"' in page.text
    again = await post(client, f"/organize/{fair_id}/publish", {})
    assert again.status_code == 409
    assert "Only a draft fair" in again.text
    listing = await client.get("/organize")
    assert "秋季招聘会" in listing.text


async def test_another_organizer_cannot_see_or_change_the_fair(site: Site) -> None:
    owner = await site.user(Role.ORGANIZER)
    fair = await site.fair(owner, publish=False)
    stranger = await site.client(await site.user(Role.ORGANIZER))
    assert (await stranger.get(f"/organize/{fair.id}")).status_code == 404
    assert (await stranger.get(f"/organize/{fair.id}/edit")).status_code == 404
    assert (await post(stranger, f"/organize/{fair.id}/edit", fair_form())).status_code == 404
    assert (await post(stranger, f"/organize/{fair.id}/publish", {})).status_code == 404
    assert (await post(stranger, f"/organize/{fair.id}/cancel", {})).status_code == 404
    assert fair.title not in (await stranger.get("/organize")).text
    assert (await site.get(Fair, fair.id)).status == "draft"
    seeker = await site.client(await site.user(Role.SEEKER))
    assert (await seeker.get(f"/organize/{fair.id}")).status_code == 403
    admin = await site.client(await site.user(Role.ADMIN))
    assert (await admin.get(f"/organize/{fair.id}")).status_code == 200


async def test_invite_and_decide_applications_within_the_booth_cap(site: Site) -> None:
    organizer = await site.user(Role.ORGANIZER)
    fair = await site.fair(organizer, booth_cap=1)
    first, first_admin = await site.org("甲公司")
    second, second_admin = await site.org("乙公司")
    invited, _ = await site.org("丙公司")
    for admin in (first_admin, second_admin):
        me = await site.who(admin)
        await site.act(
            lambda s, me=me: fairs.apply_to_exhibit(s, identity=me, fair_id=fair.id or 0)
        )
    client = await site.client(organizer)

    search = await client.get(f"/organize/{fair.id}?org_q=丙")
    assert f'data-testid="invite-{invited.id}"' in search.text
    assert f'data-testid="invite-{first.id}"' not in search.text  # already linked
    assert (
        await post(client, f"/organize/{fair.id}/invite", {"org_id": invited.id})
    ).status_code == 303
    page = await client.get(f"/organize/{fair.id}")
    assert "丙公司" in page.text.split('data-testid="exhibitors-invited"')[1]

    applied = await site.act(lambda s: fairs.exhibitors(s, fair.id or 0, statuses=["applied"]))
    by_org = {ex.org.id: ex.booth for ex in applied}
    first_booth, second_booth = by_org[first.id], by_org[second.id]
    accepted = await post(
        client, f"/organize/{fair.id}/booths/{first_booth.id}/decide", {"accept": "1"}
    )
    assert accepted.status_code == 303
    assert (await site.get(Booth, first_booth.id)).status == BoothStatus.ACCEPTED
    full = await post(
        client, f"/organize/{fair.id}/booths/{second_booth.id}/decide", {"accept": "1"}
    )
    assert full.status_code == 409
    assert "no free booth places" in full.text
    assert (await site.get(Booth, second_booth.id)).status == BoothStatus.APPLIED
    declined = await post(
        client, f"/organize/{fair.id}/booths/{second_booth.id}/decide", {"accept": "0"}
    )
    assert declined.status_code == 303
    assert (await site.get(Booth, second_booth.id)).status == BoothStatus.DECLINED

    free = await post(client, f"/organize/{fair.id}/booths/{first_booth.id}/free", {"free": "1"})
    assert free.status_code == 303
    assert (await site.get(Booth, first_booth.id)).free is True


async def test_banner_upload_takes_images_and_refuses_other_files(site: Site) -> None:
    organizer = await site.user(Role.ORGANIZER)
    fair = await site.fair(organizer)
    client = await site.client(organizer)
    upload_dir = site.live.ctx.settings.upload_dir

    refused = await upload(client, f"/organize/{fair.id}/banner", "banner", b"hello", "a.png")
    assert refused.status_code == 422
    assert "PNG, JPEG or WebP" in field_error(refused.text, "banner")
    assert (await site.get(Fair, fair.id)).banner == ""

    done = await upload(client, f"/organize/{fair.id}/banner", "banner", png(), "banner.png")
    assert done.status_code == 303
    first = (await site.get(Fair, fair.id)).banner
    assert public_image_path(upload_dir, first) is not None
    assert f'src="/media/{first}"' in (await client.get(f"/organize/{fair.id}")).text

    await upload(client, f"/organize/{fair.id}/banner", "banner", png((60, 30)), "b.png")
    second = (await site.get(Fair, fair.id)).banner
    assert second != first
    assert public_image_path(upload_dir, second) is not None
    assert public_image_path(upload_dir, first) is None  # the replaced one is gone

    stranger = await site.client(await site.user(Role.ORGANIZER))
    other = await upload(stranger, f"/organize/{fair.id}/banner", "banner", png(), "x.png")
    assert other.status_code == 404


# -- the exhibitor -----------------------------------------------------------------------


async def test_employer_applies_to_exhibit_and_answers_an_invitation(site: Site) -> None:
    organizer = await site.user(Role.ORGANIZER)
    open_fair = await site.fair(organizer, title="开放招聘会")
    inviting = await site.fair(organizer, title="邀请招聘会")
    org, admin = await site.org("甲公司")
    host = await site.who(organizer)
    await site.act(
        lambda s: fairs.invite_org(s, identity=host, fair_id=inviting.id or 0, org_id=org.id or 0)
    )
    client = await site.client(admin)

    page = await client.get("/booths")
    assert f'data-testid="apply-{open_fair.id}"' in page.text
    assert f'data-testid="accept-invite-{inviting.id}"' in page.text
    applied = await post(client, "/booths/apply", {"fair_id": open_fair.id, "free": "1"})
    assert applied.status_code == 303
    async with site.live.ctx.db.sessions() as session:
        booth = (await session.exec(select(Booth).where(Booth.fair_id == open_fair.id))).one()
    assert (booth.status, booth.free) == (BoothStatus.APPLIED, True)
    twice = await post(client, "/booths/apply", {"fair_id": open_fair.id})
    assert twice.status_code == 409
    assert "already applied" in twice.text

    answered = await post(client, "/booths/answer", {"fair_id": inviting.id, "accept": "1"})
    assert answered.status_code == 303
    page = await client.get("/booths")
    assert page.text.count("/console") >= 1
    async with site.live.ctx.db.sessions() as session:
        booth = (await session.exec(select(Booth).where(Booth.fair_id == inviting.id))).one()
    assert booth.status == BoothStatus.ACCEPTED

    withdrawn = await post(client, "/booths/withdraw", {"fair_id": open_fair.id})
    assert withdrawn.status_code == 303

    colleague = await site.client(await site.colleague(org, "同事"))
    assert (await colleague.get("/booths")).status_code == 200
    refused = await post(colleague, "/booths/apply", {"fair_id": open_fair.id})
    assert refused.status_code == 403


async def test_booth_edit_checks_hours_and_postings(site: Site) -> None:
    organizer = await site.user(Role.ORGANIZER)
    fair = await site.fair(organizer, daily_open="09:00", daily_close="17:00")
    org, admin = await site.org("甲公司")
    other, other_admin = await site.org("乙公司")
    booth = await site.booth(fair, organizer, org, admin)
    own = await site.posting(org, admin, "仓库管理员")
    foreign = await site.posting(other, other_admin, "司机")
    client = await site.client(admin)

    page = await client.get(f"/booths/{booth.id}/edit")
    assert f'data-testid="posting-{own}"' in page.text
    assert "司机" not in page.text
    base = {"intro": "欢迎来到我们的展位。", "video_url": "", "follow_up_by": ""}
    late = await post(
        client, f"/booths/{booth.id}/edit", base | {"hours_open": "08:00", "hours_close": "12:00"}
    )
    assert late.status_code == 422
    assert "within the fair's hours" in field_error(late.text, "hours_open")
    stolen = await post(client, f"/booths/{booth.id}/edit", base | {"postings": [str(foreign)]})
    assert stolen.status_code == 422
    assert "your own organization" in field_error(stolen.text, "postings")
    bad_video = await post(client, f"/booths/{booth.id}/edit", base | {"video_url": "http://x"})
    assert "https://" in field_error(bad_video.text, "video_url")

    saved = await post(
        client,
        f"/booths/{booth.id}/edit",
        base | {"hours_open": "10:00", "hours_close": "16:00", "postings": [str(own)]},
    )
    assert saved.status_code == 303
    stored = await site.get(Booth, booth.id)
    assert (stored.intro, stored.hours_open, stored.hours_close) == (
        "欢迎来到我们的展位。",
        "10:00",
        "16:00",
    )
    async with site.live.ctx.db.sessions() as session:
        links = (
            await session.exec(
                select(BoothPosting.posting_id).where(BoothPosting.booth_id == booth.id)
            )
        ).all()
    assert list(links) == [own]
    page = await client.get(f"/booths/{booth.id}/edit?saved=1")
    assert 'data-testid="saved"' in page.text
    assert re.search(
        rf'data-testid="posting-{own}"\s+checked|checked data-testid="posting-{own}"', page.text
    )

    stranger = await site.client(other_admin)
    assert (await stranger.get(f"/booths/{booth.id}/edit")).status_code == 404


async def test_logo_upload(site: Site) -> None:
    organizer = await site.user(Role.ORGANIZER)
    fair = await site.fair(organizer)
    org, admin = await site.org("甲公司")
    booth = await site.booth(fair, organizer, org, admin)
    client = await site.client(admin)
    refused = await upload(client, f"/booths/{booth.id}/logo", "logo", b"GIF89a....", "x.gif")
    assert refused.status_code == 422
    assert "PNG, JPEG or WebP" in field_error(refused.text, "logo")
    done = await upload(client, f"/booths/{booth.id}/logo", "logo", png((64, 64)), "logo.png")
    assert done.status_code == 303
    key = (await site.get(Booth, booth.id)).logo
    assert public_image_path(site.live.ctx.settings.upload_dir, key) is not None
    assert f'src="/media/{key}"' in (await client.get(f"/booths/{booth.id}/edit")).text


# -- the console ---------------------------------------------------------------------------


async def test_console_shows_the_line_and_closing_it_promises_follow_ups(site: Site) -> None:
    organizer = await site.user(Role.ORGANIZER)
    fair = await site.fair(organizer)
    org, admin = await site.org("甲公司")
    booth = await site.booth(fair, organizer, org, admin)
    visitor = await site.seeker_in_line(fair, booth, "王五")
    await site.seeker_in_line(fair, booth, "赵六")
    # The visitor's socket stands at the booth (see app/fair/presence.py for the member).
    key = presence.presence_key(fair.id or 0)
    await site.live.ctx.broker.touch_member(key, f"{visitor.id}:{booth.id}:n1.1", ttl=60)
    await site.live.ctx.broker.touch_member(key, f"{visitor.id}:{booth.id}:n1.2", ttl=60)
    await site.live.ctx.broker.touch_member(key, f"{visitor.id + 1}:0:n1.3", ttl=60)
    client = await site.client(admin)

    page = await client.get(f"/booths/{booth.id}/console")
    assert page.status_code == 200
    for testid in ("call-next", "duty-toggle", "console-line", "console-called"):
        assert f'data-testid="{testid}"' in page.text
    assert "/static/js/console.js" in page.text
    line = page.text.split('data-testid="console-line"')[1]
    assert line.index("王五") < line.index("赵六")
    fragment = await client.get(f"/booths/{booth.id}/console/line")
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "王五" in fragment.text
    assert 'data-open="1"' in fragment.text
    assert "1 at your booth, 2 in the fair" in fragment.text
    assert "王五" in fragment.text.split('data-testid="visitors"')[1]

    closed = await post(client, f"/booths/{booth.id}/line/close", {})
    assert closed.status_code == 303
    async with site.live.ctx.db.sessions() as session:
        tickets = (
            await session.exec(select(QueueTicket).where(QueueTicket.booth_id == booth.id))
        ).all()
    assert {t.status for t in tickets} == {TicketStatus.FOLLOW_UP}
    assert all(t.follow_up_by is not None for t in tickets)
    page = await client.get(closed.headers["location"])
    assert 'data-testid="closed-notice"' in page.text
    assert 'data-open="0"' in page.text
    follow_ups = page.text.split('data-testid="follow-ups"')[1]
    assert "王五" in follow_ups
    assert "赵六" in follow_ups
    assert (await post(client, f"/booths/{booth.id}/line/open", {})).status_code == 303
    assert (await site.get(Booth, booth.id)).queue_open is True

    _, stranger = await site.org("乙公司")
    other = await site.client(stranger)
    assert (await other.get(f"/booths/{booth.id}/console")).status_code == 404
    assert (await other.get(f"/booths/{booth.id}/console/line")).status_code == 404
    assert (await post(other, f"/booths/{booth.id}/line/close", {})).status_code in (403, 404)


async def test_resume_download_needs_a_share_in_force(site: Site) -> None:
    organizer = await site.user(Role.ORGANIZER)
    fair = await site.fair(organizer)
    org, admin = await site.org("甲公司")
    _, stranger = await site.org("乙公司")
    booth = await site.booth(fair, organizer, org, admin)
    seeker = await site.seeker_in_line(fair, booth)
    me = await site.who(seeker)
    upload_dir = site.live.ctx.settings.upload_dir
    await site.act(
        lambda s: seekers.upload_resume(
            s, identity=me, upload_dir=upload_dir, data=PDF, filename="简历.pdf"
        )
    )
    client = await site.client(admin)

    got = await client.get(f"/seekers/{seeker.id}/resume")
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["cache-control"] == "private, no-store"

    other = await site.client(stranger)
    assert (await other.get(f"/seekers/{seeker.id}/resume")).status_code == 403
    await site.act(lambda s: seekers.revoke_share(s, identity=me, org_id=org.id or 0))
    assert (await client.get(f"/seekers/{seeker.id}/resume")).status_code in (403, 404)
    assert (await client.get("/seekers/999999/resume")).status_code in (403, 404)


# -- conversations ------------------------------------------------------------------------


async def test_conversation_outcome_and_handover(site: Site) -> None:
    organizer = await site.user(Role.ORGANIZER)
    fair = await site.fair(organizer)
    org, admin = await site.org("甲公司")
    _, outsider = await site.org("乙公司")
    colleague = await site.colleague(org, "同事小陈")
    booth = await site.booth(fair, organizer, org, admin)
    seeker = await site.seeker_in_line(fair, booth, "王五")
    conversation = await site.conversation(booth, admin, seeker)
    url = f"/conversations/{conversation.id}"
    staff = await site.client(admin)

    listing = await staff.get("/conversations")
    assert "王五" in listing.text
    page = await staff.get(url)
    assert page.status_code == 200
    assert 'id="conversation-chat"' in page.text
    assert f'data-conversation="{conversation.id}"' in page.text
    assert 'data-shared="1"' in page.text
    assert "13800138000" in page.text  # shared by queueing
    assert "同事小陈" in page.text.split('data-testid="handover-form"')[1]
    console = await staff.get(f"/booths/{booth.id}/console")
    assert url in console.text.split('data-testid="my-conversations"')[1]

    refused = await post(staff, f"{url}/handover", {"to": outsider.id})
    assert refused.status_code == 422
    assert "colleague from your organization" in field_error(refused.text, "to")
    handed = await post(staff, f"{url}/handover", {"to": colleague.id})
    assert handed.status_code == 303
    assert (await site.get(Conversation, conversation.id)).staff_id == colleague.id

    no_date = await post(staff, f"{url}/end", {"outcome": "follow_up", "note": "下周联系"})
    assert no_date.status_code == 422
    assert "follow up by" in field_error(no_date.text, "follow_up_by")
    assert "下周联系" in no_date.text
    by = (utcnow() + 7 * DAY).date().isoformat()
    ended = await post(
        staff, f"{url}/end", {"outcome": "follow_up", "note": "下周联系", "follow_up_by": by}
    )
    assert ended.status_code == 303
    stored = await site.get(Conversation, conversation.id)
    assert (stored.status, stored.outcome, str(stored.follow_up_by)) == ("ended", "follow_up", by)

    mine = await site.client(seeker)
    seen = await mine.get(url)
    assert "will contact you by" in seen.text
    assert f'datetime="{by}"' in seen.text
    assert "下周联系" in seen.text
    assert 'data-testid="seeker-card"' not in seen.text
    stranger = await site.client(outsider)
    assert (await stranger.get(url)).status_code == 404


async def test_seeker_ends_a_conversation_without_an_outcome(site: Site) -> None:
    organizer = await site.user(Role.ORGANIZER)
    fair = await site.fair(organizer)
    org, admin = await site.org("甲公司")
    booth = await site.booth(fair, organizer, org, admin)
    seeker = await site.seeker_in_line(fair, booth)
    conversation = await site.conversation(booth, admin, seeker)
    client = await site.client(seeker)
    assert "甲公司" in (await client.get("/conversations")).text
    ended = await post(client, f"/conversations/{conversation.id}/end", {"outcome": "next_step"})
    assert ended.status_code == 303
    stored = await site.get(Conversation, conversation.id)
    assert (stored.status, stored.outcome) == ("ended", "")
    assert (
        await post(client, f"/conversations/{conversation.id}/handover", {"to": "1"})
    ).status_code == 404
    other = await site.client(await site.user(Role.SEEKER))
    assert (await other.get(f"/conversations/{conversation.id}")).status_code == 404


# -- the console in a browser ---------------------------------------------------------------


async def log_in(page: Page, user: User) -> None:
    await page.goto("/login")
    await page.fill("#f-email", user.email)
    await page.fill("#f-password", PASSWORD)
    await page.click("main form button[type=submit]")
    await expect(page.locator('[data-nav="logout"]')).to_be_visible()


@pytest.fixture
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not found at {CHROMIUM}")
    return CHROMIUM


@pytest.mark.browser
async def test_console_calls_and_follows_the_line_live(
    sqlite_url: str, password_hash: str, tmp_path: Path, chromium: str
) -> None:
    async with (
        running_site(sqlite_url, password_hash, tmp_path) as site,
        async_playwright() as playwright,
    ):
        organizer = await site.user(Role.ORGANIZER)
        fair = await site.fair(organizer)
        org, admin = await site.org("甲公司")
        booth = await site.booth(fair, organizer, org, admin)
        first = await site.seeker_in_line(fair, booth, "王五")
        browser = await playwright.chromium.launch(
            executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = await browser.new_context(
                base_url=site.live, locale="en-US", viewport={"width": 375, "height": 740}
            )
            context.set_default_timeout(10_000)
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            await log_in(page, admin)
            await page.goto(f"/booths/{booth.id}/console")
            line = page.locator('[data-testid="console-line"]')
            await expect(line).to_contain_text("王五")
            await expect(page.locator("body")).to_have_attribute("data-live", "on")
            await page.wait_for_timeout(500)  # the channel subscriptions are answered

            # Someone joins: the line is fetched again, without a reload.
            second = await site.seeker_in_line(fair, booth, "赵六")
            await expect(line).to_contain_text("赵六")

            await page.click('[data-testid="call-next"]')
            called = page.locator('[data-testid="console-called"]')
            await expect(called).to_have_attribute("data-seq", "1")
            await expect(called).to_contain_text("王五")
            await expect(page.locator('[data-testid="duty-toggle"]')).to_have_attribute(
                "aria-pressed", "true"
            )
            await expect(line.locator('li[data-seq="1"]')).to_have_attribute(
                "data-status", "invited"
            )

            # The seeker accepts: a notice, and the conversation in "yours".
            me = await site.who(first)
            await site.act(lambda s: queues.accept(s, identity=me, booth_id=booth.id or 0))
            await expect(page.locator("#notices")).to_contain_text("王五")
            await expect(line.locator('[data-testid="my-conversations"]')).to_contain_text("王五")

            await page.click('[data-testid="call-next"]')
            await expect(called).to_have_attribute("data-seq", "2")
            await page.click('[data-testid="call-next"]')
            await expect(called).to_have_attribute("data-error", "queue_empty")

            await page.click('[data-testid="duty-toggle"]')
            await expect(page.locator('[data-testid="duty-toggle"]')).to_have_attribute(
                "aria-pressed", "false"
            )
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375
            assert errors == []
            assert second.id is not None
        finally:
            await browser.close()


def test_visitors_are_read_from_presence_members() -> None:
    members = {"7:3:a.1", "7:3:b.2", "8:0:a.3", "9:3:a.4", "10:31:a.5", "x:3:a.6", "11:3"}
    assert presence.booth_visitors(members, 3) == {7, 9, 11}


async def test_seeker_shares_the_resume_from_the_conversation(site: Site) -> None:
    """The one attachment chat has: the seeker who revoked access can share again from
    the conversation, and the staff's card shows the contact details at once."""
    organizer = await site.user(Role.ORGANIZER)
    fair = await site.fair(organizer)
    org, admin = await site.org("甲公司")
    booth = await site.booth(fair, organizer, org, admin)
    seeker = await site.seeker_in_line(fair, booth)
    conversation = await site.conversation(booth, admin, seeker)
    url = f"/conversations/{conversation.id}"
    me = await site.who(seeker)
    await site.act(lambda s: seekers.revoke_share(s, identity=me, org_id=org.id or 0))
    mine = await site.client(seeker)
    staff = await site.client(admin)
    assert 'data-shared="0"' in (await staff.get(url)).text
    page = (await mine.get(url)).text
    assert 'data-testid="share-resume-button"' in page
    shared = await post(mine, "/shares", {"org_id": str(org.id), "next": url})
    assert shared.headers["location"] == url
    assert 'data-testid="share-resume-button"' not in (await mine.get(url)).text
    assert 'data-shared="1"' in (await staff.get(url)).text
