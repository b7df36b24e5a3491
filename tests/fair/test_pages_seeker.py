"""The public and job-seeker fair pages on a live server, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson
import pytest
import pytest_asyncio
from playwright.async_api import async_playwright, expect
from sqlmodel import select
from websockets.asyncio.client import ClientConnection, connect

from app.auth.models import Role, User
from app.db import Database
from app.fair.models import Application, Fair, FairStatus, ResumeShare
from tests.fair import factories
from tests.support import (
    CHROMIUM,
    PASSWORD,
    Live,
    cookie_header,
    csrf_of,
    live_server,
    login,
    missing,
    settings_for,
)

ACCOUNTING = {
    "category": "财务",
    "district": "朝阳区",
    "salary_min": "4000",
    "salary_max": "5000",
    "education": "本科",
    "requirements": "熟悉财务软件，持有会计证书。",
    "benefits": "五险一金，周末双休。",
}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@dataclass
class FairSite:
    url: Live
    db: Database
    fair_id: int
    sales_booth: int
    sales_org: int
    sales_posting: int
    accounts_booth: int
    accounts_posting: int
    emails: dict[str, str]
    upload_dir: Path
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    async def client(self, who: str | None = None, *, lang: str = "en") -> httpx.AsyncClient:
        client = httpx.AsyncClient(
            base_url=self.url, follow_redirects=False, headers={"Accept-Language": lang}
        )
        self.clients.append(client)
        if who is not None:
            response = await login(client, self.emails[who])
            assert response.status_code == 303, response.text
        return client


async def post(client: httpx.AsyncClient, path: str, data: dict[str, str]) -> httpx.Response:
    return await client.post(path, data=data | {"csrf_token": await csrf_of(client, "/fairs")})


@pytest_asyncio.fixture
async def site(db_url: str, tmp_path: Path) -> AsyncIterator[FairSite]:
    db = Database(db_url)
    emails = {
        "organizer": "organizer@example.com",
        "alice": "alice@example.com",  # profile, registered
        "bob": "bob@example.com",  # profile, not registered
        "carol": "carol@example.com",  # no profile, registered
    }
    async with db.sessions() as session:
        organizer = await factories.user(session, Role.ORGANIZER, emails["organizer"])
        fair = await factories.live_fair(session, organizer=organizer, seeker_capacity=3)
        sales_booth, sales_org, sales_staff = await factories.exhibiting_org(
            session, fair, staff_email="hr@sales.example.com", intro="欢迎来到远航展位。"
        )
        emails["sales_staff"] = sales_staff.email
        sales = await factories.live_posting(session, sales_org, sales_staff)
        accounts_booth, accounts_org, accounts_staff = await factories.exhibiting_org(
            session, fair, name="朝阳会计师事务所有限公司"
        )
        accounts = await factories.live_posting(
            session,
            accounts_org,
            accounts_staff,
            title="会计",
            description="负责公司日常账务处理、纳税申报和财务报表编制。",
            **ACCOUNTING,
        )
        alice = await factories.seeker(session, emails["alice"], name="王小明")
        await factories.seeker(session, emails["bob"], name="李四")
        carol = await factories.seeker(session, emails["carol"], profile=False, name="赵六")
        await factories.register(session, fair, alice, carol)
        await session.commit()
        ids = (fair.id, sales_booth.id, sales.id, accounts_booth.id, accounts.id)
    async with live_server(settings_for(db_url, upload_dir=tmp_path / "uploads")) as url:
        fair_id, sales_booth_id, sales_id, accounts_booth_id, accounts_id = (i or 0 for i in ids)
        site = FairSite(
            url=url,
            db=db,
            fair_id=fair_id,
            sales_booth=sales_booth_id,
            sales_org=sales_org,
            sales_posting=sales_id,
            accounts_booth=accounts_booth_id,
            accounts_posting=accounts_id,
            emails=emails,
            upload_dir=tmp_path / "uploads",
        )
        try:
            yield site
        finally:
            for client in site.clients:
                await client.aclose()
            await db.dispose()


def has_testid(html: str, name: str) -> bool:
    return f'data-testid="{name}"' in html


def between(html: str, testid: str) -> str:
    """The element marked with ``testid`` up to the end of the page (enough to search in)."""
    start = html.index(f'data-testid="{testid}"')
    return html[start:]


async def test_fair_pages_render_in_english_and_chinese(site: FairSite) -> None:
    fair = f"/fairs/{site.fair_id}"
    pages = [
        "/fairs",
        fair,
        f"{fair}/lobby",
        f"{fair}/booths/{site.sales_booth}",
        f"{fair}/jobs/{site.sales_posting}",
    ]
    for lang, html_lang in (("en", "en"), ("zh-CN", "zh-CN")):
        anonymous = await site.client(lang=lang)
        for path in pages:
            response = await anonymous.get(path)
            assert response.status_code == 200, (path, response.text)
            assert f'<html lang="{html_lang}">' in response.text
            assert 'src="/static/js/fair.js"' in response.text
            assert 'id="fair-strings"' in response.text
    english = await site.client(lang="en")
    listing = (await english.get("/fairs")).text
    assert "春风行动网络招聘会" in listing
    assert "Open now" in listing
    assert "Beijing time" in listing
    landing = (await english.get(fair)).text
    assert "北京远航办公设备有限公司" in landing
    assert "朝阳会计师事务所有限公司" in landing
    assert "around the clock" in landing
    assert "2 of 3 places taken" in landing
    assert f'href="/login?next=/fairs/{site.fair_id}"' in landing
    booth = (await english.get(f"{fair}/booths/{site.sales_booth}")).text
    assert "欢迎来到远航展位。" in booth
    assert "销售代表" in booth
    assert "no data yet" in booth
    assert 'id="booth-chat"' in booth
    assert "Log in to read and join the booth chat." in booth
    for testid in ("queue-join", "queue-leave", "queue-accept", "queue-position", "queue-eta"):
        # Anonymous visitors see the line's facts but no buttons to queue.
        assert has_testid(booth, testid) == (
            testid in ("queue-accept", "queue-position", "queue-eta")
        )
    chinese = await site.client(lang="zh-CN")
    assert "登录" in (await chinese.get(fair)).text


async def test_lobby_search_and_filters_pick_booths_and_postings(site: FairSite) -> None:
    client = await site.client("alice")
    lobby = f"/fairs/{site.fair_id}/lobby"

    async def found(params: dict[str, str]) -> tuple[set[int], set[int]]:
        html = (await client.get(lobby, params=params)).text
        booths = {int(b) for b in re.findall(r'class="card booth-card" data-booth="(\d+)"', html)}
        jobs = {int(p) for p in re.findall(r'class="card" data-posting="(\d+)"', html)}
        return booths, jobs

    everything = await found({})
    assert everything == ({site.sales_booth, site.accounts_booth}, set())
    assert await found({"q": "销售"}) == ({site.sales_booth}, {site.sales_posting})
    assert await found({"q": "会计"}) == ({site.accounts_booth}, {site.accounts_posting})
    assert await found({"district": "朝阳区"}) == ({site.accounts_booth}, {site.accounts_posting})
    assert await found({"category": "销售"}) == ({site.sales_booth}, {site.sales_posting})
    assert await found({"salary": "8000"}) == ({site.sales_booth}, {site.sales_posting})
    assert await found({"education": "高中"}) == (set(), set())
    assert await found({"education": "本科"}) == (
        {site.sales_booth, site.accounts_booth},
        {site.sales_posting, site.accounts_posting},
    )
    assert await found({"q": "销售", "district": "朝阳区"}) == (set(), set())
    # Malformed filters are ignored, never an error.
    assert await found({"salary": "lots", "education": "PhD"}) == everything
    html = (await client.get(lobby, params={"q": "销售"})).text
    assert f'href="/fairs/{site.fair_id}/jobs/{site.sales_posting}"' in html
    assert "6000–9000" in html
    assert 'data-count-fair data-testid="count-fair">0<' in html


async def test_register_then_the_fair_is_full(site: FairSite) -> None:
    fair = f"/fairs/{site.fair_id}"
    bob = await site.client("bob")
    assert has_testid((await bob.get(fair)).text, "register")
    response = await post(bob, f"{fair}/register", {})
    assert response.status_code == 303
    assert response.headers["location"] == fair
    page = (await bob.get(fair)).text
    assert has_testid(page, "register-done")
    assert "3 of 3 places taken" in page
    async with site.db.sessions() as session:
        late = await factories.seeker(session, "late@example.com")
        await session.commit()
    site.emails["late"] = late.email
    latecomer = await site.client("late")
    assert has_testid((await latecomer.get(fair)).text, "register-full")
    refused = await post(latecomer, f"{fair}/register", {})
    assert refused.status_code == 409
    assert "This fair is full." in refused.text
    employer = await site.client("sales_staff")
    assert (await post(employer, f"{fair}/register", {})).status_code == 403


async def test_apply_duplicate_and_incomplete_profile(site: FairSite) -> None:
    job = f"/fairs/{site.fair_id}/jobs/{site.sales_posting}"
    alice = await site.client("alice")
    assert has_testid((await alice.get(job)).text, "apply-form")
    applied = await post(alice, f"{job}/apply", {"note": "我有两年电话销售经验。"})
    assert applied.status_code == 303
    target = applied.headers["location"]
    assert re.fullmatch(r"/applications/\d+", target)
    detail = (await alice.get(target)).text
    assert "Applied" in detail
    assert "我有两年电话销售经验。" in detail
    assert has_testid(detail, "withdraw")
    assert has_testid((await alice.get(job)).text, "applied")

    again = await post(alice, f"{job}/apply", {"note": ""})
    assert again.status_code == 409
    assert 'data-error="already_applied"' in again.text
    assert f'href="{target}"' in again.text

    carol = await site.client("carol")
    incomplete = await post(carol, f"{job}/apply", {"note": ""})
    assert incomplete.status_code == 409
    assert 'data-error="profile_incomplete"' in incomplete.text
    assert 'href="/profile"' in incomplete.text

    bob = await site.client("bob")
    assert has_testid((await bob.get(job)).text, "register")
    unregistered = await post(bob, f"{job}/apply", {"note": ""})
    assert unregistered.status_code == 403
    assert 'data-error="not_registered"' in unregistered.text
    assert f'action="/fairs/{site.fair_id}/register"' in unregistered.text

    too_long = await post(
        alice, f"/fairs/{site.fair_id}/jobs/{site.accounts_posting}/apply", {"note": "长" * 1001}
    )
    assert too_long.status_code == 422
    assert 'id="e-note"' in too_long.text

    # The seeker's dashboard lists it; the booth shows it as applied.
    me = (await alice.get("/me")).text
    assert "销售代表" in me
    assert target in me
    booth = (await alice.get(f"/fairs/{site.fair_id}/booths/{site.sales_booth}")).text
    assert f'href="{target}"' in booth
    async with site.db.sessions() as session:
        rows = (await session.exec(select(Application))).all()
    assert [(a.fair_id, a.posting_id) for a in rows] == [(site.fair_id, site.sales_posting)]


async def test_withdraw_and_employer_status_change(site: FairSite) -> None:
    job = f"/fairs/{site.fair_id}/jobs/{site.sales_posting}"
    alice = await site.client("alice")
    target = (await post(alice, f"{job}/apply", {})).headers["location"]
    staff = await site.client("sales_staff")
    staff_view = (await staff.get(target)).text
    assert has_testid(staff_view, "status-form")
    assert not has_testid(staff_view, "withdraw")
    moved = await post(staff, f"{target}/status", {"status": "interview", "note": "周三下午面试"})
    assert moved.status_code == 303
    bad = await post(staff, f"{target}/status", {"status": "applied"})
    assert bad.status_code == 409
    late_due = await post(staff, f"{target}/due", {"decision_due": "2000-01-01"})
    assert late_due.status_code == 422
    assert 'id="e-decision_due"' in late_due.text
    seen = (await alice.get(target)).text
    assert "Interview" in seen
    assert "周三下午面试" in seen
    assert not has_testid(seen, "status-form")
    assert (await post(alice, f"{target}/status", {"status": "offer"})).status_code == 403

    withdrawn = await post(alice, f"{target}/withdraw", {})
    assert withdrawn.status_code == 303
    page = (await alice.get(target)).text
    assert "Withdrawn" in between(page, "application-status")[:200]
    assert not has_testid(page, "withdraw")
    again = await post(alice, f"{target}/withdraw", {})
    assert again.status_code == 409
    assert "This application is already closed." in again.text
    other = await site.client("bob")
    assert (await other.get(target)).status_code == 404


async def test_profile_validation_and_saving(site: FairSite) -> None:
    carol = await site.client("carol")
    page = (await carol.get("/profile")).text
    assert '<option value="河南">' in page
    assert '<option value="大专">' in page
    cases = [
        ({"full_name": "", "phone": "13900000000"}, "full_name", "Enter your name."),
        ({"full_name": "赵六", "phone": "call me"}, "phone", "Enter a phone number of digits."),
        ({"full_name": "赵六"}, "phone", "Give a phone number or an e-mail address."),
        (
            {"full_name": "赵六", "phone": "13900000000", "origin_province": "火星"},
            "origin_province",
            "Choose a province from the list.",
        ),
        (
            {"full_name": "赵六", "phone": "13900000000", "desired_salary": "很多"},
            "desired_salary",
            "Enter a whole number from 0 to %(high)s.".replace("%(high)s", "1000000"),
        ),
    ]
    for values, field_name, message in cases:
        response = await post(carol, "/profile", values)
        assert response.status_code == 422, values
        assert f'id="e-{field_name}"' in response.text
        assert message in response.text
        assert 'aria-invalid="true"' in response.text
    saved = await post(
        carol,
        "/profile",
        {
            "full_name": "赵六",
            "phone": "13900000000",
            "origin_province": "四川",
            "education": "高中",
            "desired_salary": "6,000",
            "summary": "三年仓库管理经验。",
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == "/profile?saved=profile"
    page = (await carol.get("/profile?saved=profile")).text
    assert has_testid(page, "saved")
    assert '<option value="四川" selected>' in page
    assert 'value="6000"' in page
    assert "三年仓库管理经验。" in page
    assert not has_testid((await carol.get("/me")).text, "profile-incomplete")


async def test_resume_upload_download_and_delete(site: FairSite) -> None:
    alice = await site.client("alice")
    token = await csrf_of(alice, "/profile")

    async def upload(name: str, content: bytes) -> httpx.Response:
        return await alice.post(
            "/profile/resume",
            data={"csrf_token": token},
            files={"resume": (name, content, "application/pdf")},
        )

    fake = await upload("resume.pdf", PNG)
    assert fake.status_code == 422
    assert "The résumé must be a PDF file." in fake.text
    assert 'id="e-resume"' in fake.text
    nothing = await alice.post("/profile/resume", data={"csrf_token": token})
    assert nothing.status_code == 422
    assert 'id="e-resume"' in nothing.text

    stored = await upload("王小明简历.pdf", PDF)
    assert stored.status_code == 303
    page = (await alice.get("/profile")).text
    assert "王小明简历.pdf" in page
    download = await alice.get("/profile/resume")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert (await (await site.client("bob")).get("/profile/resume")).status_code == 404
    assert (await (await site.client()).get("/profile/resume")).status_code == 303

    deleted = await post(alice, "/profile/resume/delete", {})
    assert deleted.status_code == 303
    assert (await alice.get("/profile/resume")).status_code == 404
    assert not list((site.upload_dir / "private" / "resumes").glob("*.pdf"))


async def test_share_and_revoke(site: FairSite) -> None:
    alice = await site.client("alice")
    booth = f"/fairs/{site.fair_id}/booths/{site.sales_booth}"
    assert has_testid((await alice.get(booth)).text, "share")
    shared = await post(alice, "/shares", {"org_id": str(site.sales_org), "next": booth})
    assert shared.status_code == 303
    assert shared.headers["location"] == booth
    assert has_testid((await alice.get(booth)).text, "shared")
    me = (await alice.get("/me")).text
    assert has_testid(me, f"revoke-{site.sales_org}")
    revoked = await post(alice, f"/shares/{site.sales_org}/revoke", {})
    assert revoked.status_code == 303
    me = (await alice.get("/me")).text
    assert not has_testid(me, f"revoke-{site.sales_org}")
    assert "Revoked" in me
    assert (await post(alice, f"/shares/{site.sales_org}/revoke", {})).status_code == 404
    async with site.db.sessions() as session:
        share = (await session.exec(select(ResumeShare))).one()
    assert share.revoked_at is not None
    # Off-site "next" values are not followed.
    away = await post(alice, "/shares", {"org_id": str(site.sales_org), "next": "//evil.example"})
    assert away.headers["location"] == "/me#shares"


async def test_bookmarks_toggle(site: FairSite) -> None:
    alice = await site.client("alice")
    lobby = f"/fairs/{site.fair_id}/lobby"
    booth_mark = {"kind": "booth", "target_id": str(site.sales_booth), "next": lobby}
    job_mark = {"kind": "posting", "target_id": str(site.accounts_posting), "next": lobby}
    assert (await post(alice, "/bookmarks", booth_mark)).headers["location"] == lobby
    await post(alice, "/bookmarks", job_mark)
    page = (await alice.get(lobby)).text
    # The lobby marks bookmarked booths; the toggle itself is on the booth page.
    assert f'data-testid="bookmarked-booth-{site.sales_booth}"' in page
    assert f'data-testid="bookmarked-booth-{site.accounts_booth}"' not in page
    booth_page = (await alice.get(f"/fairs/{site.fair_id}/booths/{site.sales_booth}")).text
    assert re.search(
        rf'aria-pressed="true" data-testid="bookmark-booth-{site.sales_booth}"', booth_page
    )
    me = (await alice.get("/me")).text
    marks = between(me, "bookmarks")
    assert "北京远航办公设备有限公司" in marks
    assert "会计" in marks
    assert f'href="/fairs/{site.fair_id}/booths/{site.sales_booth}"' in marks
    await post(alice, "/bookmarks", booth_mark)
    me = (await alice.get("/me")).text
    assert f"bookmark-booth-{site.sales_booth}" not in me
    assert f"bookmark-posting-{site.accounts_posting}" in me
    bad = await post(alice, "/bookmarks", {"kind": "fair", "target_id": "1"})
    assert bad.status_code == 422


async def test_draft_fair_is_hidden_from_everyone_but_its_organizer(site: FairSite) -> None:
    async with site.db.sessions() as session:
        organizer = (
            await session.exec(select(User).where(User.email == site.emails["organizer"]))
        ).one()
        draft = await factories.live_fair(
            session, organizer=organizer, title="草稿招聘会", publish=False
        )
        await session.commit()
        assert draft.status == FairStatus.DRAFT
    paths = [f"/fairs/{draft.id}", f"/fairs/{draft.id}/lobby"]
    for who in (None, "alice", "sales_staff"):
        client = await site.client(who)
        for path in paths:
            assert (await client.get(path)).status_code == 404, (who, path)
        assert "草稿招聘会" not in (await client.get("/fairs")).text
    owner = await site.client("organizer")
    for path in paths:
        response = await owner.get(path)
        assert response.status_code == 200
        assert "草稿招聘会" in response.text
    async with site.db.sessions() as session:
        assert (await session.get(Fair, draft.id)) is not None


@pytest.mark.parametrize("path", ["/me", "/profile"])
async def test_seeker_pages_need_a_seeker(site: FairSite, path: str) -> None:
    anonymous = await site.client()
    response = await anonymous.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == f"/login?next={path}"
    assert (await (await site.client("sales_staff")).get(path)).status_code == 403
    assert (await (await site.client("alice")).get(path)).status_code == 200


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        missing(f"Chromium not found at {CHROMIUM}")


async def request(ws: ClientConnection, frame: dict[str, object]) -> dict[str, object]:
    """Send a frame with an id and return the reply to it (events in between are skipped)."""
    await ws.send(orjson.dumps(frame | {"id": "r"}).decode())
    while True:
        reply: dict[str, object] = orjson.loads(await asyncio.wait_for(ws.recv(), 5))
        if reply.get("id") == "r":
            return reply


@pytest.mark.browser
async def test_queue_widget_follows_the_line_and_a_call_opens_a_conversation(
    site: FairSite,
) -> None:
    """The booth page in Chromium at phone width: join, move up as others leave, get called
    (notice, countdown), accept and land in the conversation."""
    require_chromium()
    booth = site.sales_booth
    bob = await site.client("bob")
    await post(bob, f"/fairs/{site.fair_id}/register", {})
    staff = await site.client("sales_staff")
    async with AsyncExitStack() as stack:

        async def socket_of(client: httpx.AsyncClient) -> ClientConnection:
            ws = await stack.enter_async_context(
                connect(
                    site.url.ws_url,
                    additional_headers={"Origin": site.url, "Cookie": cookie_header(client)},
                    compression=None,
                )
            )
            assert orjson.loads(await ws.recv())["type"] == "hello"
            return ws

        bob_ws = await socket_of(bob)
        staff_ws = await socket_of(staff)
        first = await request(bob_ws, {"type": "queue.join", "booth": booth})
        assert (first["type"], first["seq"]) == ("queue.ticket", 1)

        playwright = await stack.enter_async_context(async_playwright())
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        stack.push_async_callback(browser.close)
        context = await browser.new_context(
            base_url=site.url, viewport={"width": 375, "height": 800}, locale="en-US"
        )
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto("/login")
        await page.fill("#f-email", site.emails["alice"])
        await page.fill("#f-password", PASSWORD)
        await page.click("main form button[type=submit]")
        await expect(page.locator('[data-nav="logout"]')).to_be_visible()
        await page.goto(f"/fairs/{site.fair_id}/booths/{booth}")

        widget = page.locator('[data-testid="queue"]')
        join = widget.locator('[data-testid="queue-join"]')
        await expect(join).to_be_visible()
        await join.click()
        position = widget.locator('[data-testid="queue-position"]')
        await expect(position).to_have_attribute("data-ahead", "1")
        await expect(position).to_contain_text("place 2")
        # Nobody on duty: no estimate, and a follow-up is offered instead of waiting.
        await expect(widget.locator('[data-testid="queue-eta"]')).to_contain_text("No staff")
        await expect(widget.locator('[data-testid="queue-follow-up"]')).to_be_visible()
        assert (await page.evaluate("document.documentElement.scrollWidth")) <= 375

        await request(staff_ws, {"type": "booth.duty", "booth": booth, "on": True})
        await expect(widget.locator("[data-queue-staff]")).to_contain_text("1 free")
        await expect(page.locator('[data-testid="staff-on-duty"]')).to_have_text("1")
        await expect(widget.locator('[data-testid="queue-eta"]')).to_contain_text("5 min")
        left = await request(bob_ws, {"type": "queue.leave", "booth": booth})
        assert left["type"] == "queue.left"
        await expect(position).to_have_attribute("data-ahead", "0")
        await expect(widget.locator('[data-testid="queue-leave"]')).to_be_visible()
        await expect(join).to_be_hidden()

        called = await request(staff_ws, {"type": "queue.call_next", "booth": booth})
        assert (called["type"], called["seq"]) == ("queue.called", 2)
        notice = page.locator('[data-testid="call-notice"]')
        await expect(notice).to_be_visible()
        await expect(notice).to_contain_text("北京远航办公设备有限公司")
        await expect(notice).to_contain_text(re.compile(r"\d+ s left"))
        invite = widget.locator('[data-testid="queue-invite"]')
        await expect(invite).to_be_visible()
        await expect(widget.locator('[data-testid="queue-status"]')).to_have_attribute(
            "data-status", "invited"
        )
        await invite.locator('[data-testid="queue-accept"]').click()
        await page.wait_for_url(re.compile(r"/conversations/\d+$"))
        assert errors == []
