"""The virtual fair end to end on the demo data, in real browsers and only through the UI.

A job seeker on a phone registers for the demo fair, searches 销售 in the lobby, opens a
booth, applies to one of its jobs and joins the booth's line; in a second browser the
booth's HR person goes on duty and calls the next visitor; the seeker is invited, accepts
and lands in the conversation, which the employer's console then lists.
"""

from __future__ import annotations

import re
import time
from functools import cache
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from playwright.async_api import BrowserContext, ConsoleMessage, Error, Locator, Page, expect

from app.demo import DEMO_PASSWORD
from app.demo_fair_data import EXHIBITORS, FAIR
from app.paths import TRANSLATIONS
from tests.browser.conftest import ContextFactory

pytestmark = pytest.mark.browser

# The booth visited: a supermarket chain with a 销售 job, whose HR person runs the booth.
EXHIBITOR = next(e for e in EXHIBITORS if e.hr_email == "hr@huilin.demo.jobfair.cn")
JOB = next(p for p in EXHIBITOR.postings if p.category == "销售")
SEEKER = "seeker@demo.jobfair.cn"  # has a complete profile, not registered for the fair
SEEKER_NAME = "王小明"
ONLOOKER = "seeker1@demo.jobfair.cn"  # already registered; watches the lobby's counts
ENGLISH_SEEKER = "seeker2@demo.jobfair.cn"
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
PRESENCE_WAIT_MS = 5_000  # counts are pushed at most once a second
NAV = '[data-testid="nav"]'
# The site has no icon yet (base.html names none), so Chromium's own request for one gets
# a 404 it logs as a console error. Not a fault of the fair pages; every other error counts.


@cache
def zh(source: str) -> str:
    """The Chinese text the UI shows for an English source string."""
    with (TRANSLATIONS / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    shown = {m.id: m.string for m in catalog if isinstance(m.id, str) and m.string}
    assert source in shown, f"the catalog lacks {source!r}"
    return shown[source]


class Problems:
    """Console errors and uncaught exceptions of every page of a browser context."""

    def __init__(self, context: BrowserContext, who: str) -> None:
        self.who = who
        self.messages: list[str] = []
        context.on("page", self.watch)

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", self._page_error)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = f"console: {message.text} ({message.location.get('url')})"
        self.messages.append(f"{self.who} {text}")

    def _page_error(self, error: Error) -> None:
        self.messages.append(f"{self.who} uncaught {error.name}: {error.message}")


async def log_in(page: Page, email: str) -> None:
    await page.goto("/login")
    await page.fill("#f-email", email)
    await page.fill("#f-password", DEMO_PASSWORD)
    await page.click("main form button[type=submit]")
    await expect(page.locator(f'{NAV} [data-nav="logout"]')).to_be_visible()


async def live(page: Page) -> None:
    """The page's socket is connected (the live parts work from here on)."""
    await expect(page.locator("body")).to_have_attribute("data-live", "on")


async def at_least(locator: Locator, minimum: int, timeout_ms: int = PRESENCE_WAIT_MS) -> int:
    """Poll a live count until it reaches ``minimum``; bounded, fails with the last value."""
    deadline = time.monotonic() + timeout_ms / 1000
    text = ""
    while True:
        text = (await locator.text_content() or "").strip()
        if text.isdigit() and int(text) >= minimum:
            return int(text)
        if time.monotonic() > deadline:
            pytest.fail(f"count {text!r} did not reach {minimum} within {timeout_ms} ms")
        await locator.page.wait_for_timeout(200)


async def no_horizontal_scroll(page: Page) -> None:
    sizes = await page.evaluate(
        "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    # A phone browser zooms out to fit a too-wide page, which widens innerWidth with it.
    width = page.viewport_size["width"] if page.viewport_size else sizes["inner"]
    assert sizes["scroll"] <= sizes["inner"] == width, f"{page.url} scrolls sideways: {sizes}"


async def open_demo_fair_lobby(page: Page) -> None:
    """From the fairs list, like a visitor: the demo fair's card, its 'Enter' button."""
    await page.click(f'{NAV} [data-nav="fairs"]')
    card = page.locator(".fair-card", has=page.get_by_role("link", name=FAIR.title, exact=True))
    await card.locator("a.button").click()
    await expect(page.locator('[data-testid="lobby"] h1')).to_have_text(FAIR.title)


async def test_seeker_queues_and_is_called(new_context: ContextFactory) -> None:
    seeker_context = await new_context("zh-CN", **PHONE)
    seeker_problems = Problems(seeker_context, "seeker")
    seeker = await seeker_context.new_page()

    # Register for the fair from its page.
    await log_in(seeker, SEEKER)
    await seeker.click(f'{NAV} [data-nav="fairs"]')
    await seeker.get_by_role("link", name=FAIR.title, exact=True).click()
    await expect(seeker.locator('[data-testid="fair"] h1')).to_have_text(FAIR.title)
    await seeker.click('[data-testid="register"]')
    await expect(seeker.locator('[data-testid="register-done"]')).to_be_visible()

    # The lobby fits a phone; the seeker counts among the visitors.
    await seeker.click('[data-testid="enter"]')
    lobby_url = seeker.url
    await expect(seeker.locator('[data-testid="lobby"] h1')).to_have_text(FAIR.title)
    await no_horizontal_scroll(seeker)
    await live(seeker)
    await at_least(seeker.locator('[data-testid="count-fair"]'), 1)
    await seeker.click(".lobby-filters summary")  # the filters open; still one column
    await expect(seeker.locator("#f-category")).to_be_visible()
    await no_horizontal_scroll(seeker)

    # Search 销售: matching jobs and the booths that have them.
    await seeker.fill("#f-q", "销售")
    await seeker.click('[data-testid="lobby-search"] button[type=submit]')
    await expect(seeker).to_have_url(re.compile(r"/lobby\?q=%E9%94%80%E5%94%AE"))
    await expect(seeker.locator("#f-q")).to_have_value("销售")
    await expect(seeker.locator("#matches-title")).to_contain_text(zh("Matching jobs"))
    jobs = seeker.locator('[data-testid="lobby-postings"]')
    for title in (JOB.title, "解决方案销售经理", "宴会销售经理"):
        await expect(jobs.get_by_role("link", name=title, exact=True)).to_be_visible()
    await expect(jobs.get_by_role("link", name="叉车司机", exact=True)).to_have_count(0)
    found = seeker.locator('[data-testid="lobby-booths"]')
    await expect(seeker.locator("#booths-title")).to_contain_text(zh("Booths with matches"))
    await expect(found.get_by_role("link", name="上海市浦东新区启橙幼儿园")).to_have_count(0)
    await no_horizontal_scroll(seeker)

    # The booth, then its 销售 job, and apply with a note.
    await found.get_by_role("link", name=EXHIBITOR.name, exact=True).click()
    await expect(seeker.locator('[data-testid="booth"] h1')).to_have_text(EXHIBITOR.name)
    booth_url = seeker.url
    booth_id = int(booth_url.rsplit("/", 1)[1])
    await no_horizontal_scroll(seeker)
    booth_jobs = seeker.locator('[data-testid="booth-postings"]')
    await booth_jobs.get_by_role("link", name=JOB.title, exact=True).click()
    await expect(seeker.locator('[data-testid="job"] h1')).to_have_text(JOB.title)
    note = "您好，我有两年电话销售经验，想了解这个岗位。"
    await seeker.fill("#f-note", note)
    await seeker.click('[data-testid="apply"]')
    await expect(seeker).to_have_url(re.compile(r"/applications/\d+$"))
    application_path = urlsplit(seeker.url).path
    await expect(seeker.locator('[data-testid="application"] h1')).to_have_text(JOB.title)
    await expect(seeker.locator('[data-testid="application"]')).to_contain_text(EXHIBITOR.name)
    await expect(seeker.locator('[data-testid="application"]')).to_contain_text(note)
    await expect(seeker.locator('[data-testid="application-status"]')).to_be_visible()
    await no_horizontal_scroll(seeker)

    # Back to the booth through the fair's page; the job now links to the application.
    await seeker.get_by_role("link", name=FAIR.title, exact=True).click()
    exhibitors = seeker.locator('[data-testid="exhibitors"]')
    await exhibitors.get_by_role("link", name=EXHIBITOR.name, exact=True).click()
    await expect(seeker).to_have_url(booth_url)
    await expect(booth_jobs.locator(f'a[href="{application_path}"]')).to_be_visible()

    # Join the line: first in it.
    await live(seeker)
    await seeker.click('[data-testid="queue-join"]')
    position = seeker.locator('[data-testid="queue-position"]')
    await expect(position).to_be_visible()
    place = zh("Your number %(seq)s, place %(position)s in line") % {"seq": 1, "position": 1}
    ahead = zh("%(n)s ahead of you") % {"n": 0}
    await expect(position).to_have_text(f"{place} · {ahead}")
    await expect(position).to_have_attribute("data-ahead", "0")
    await expect(seeker.locator('[data-testid="queue-leave"]')).to_be_visible()
    await expect(seeker.locator('[data-testid="queue-join"]')).to_be_hidden()
    await no_horizontal_scroll(seeker)

    # Another seeker in the lobby sees someone at the booth (presence, pushed within 5 s).
    onlooker_context = await new_context("zh-CN")
    onlooker_problems = Problems(onlooker_context, "onlooker")
    onlooker = await onlooker_context.new_page()
    await log_in(onlooker, ONLOOKER)
    await onlooker.goto(lobby_url)
    await live(onlooker)
    await at_least(onlooker.locator(f'[data-count-booth="{booth_id}"]'), 1)
    await at_least(onlooker.locator('[data-testid="count-fair"]'), 2)

    # The booth's HR person: the console from /booths, on duty, call next.
    employer_context = await new_context("zh-CN")
    employer_problems = Problems(employer_context, "employer")
    employer = await employer_context.new_page()
    await log_in(employer, EXHIBITOR.hr_email)
    await employer.click(f'{NAV} [data-nav="booths"]')
    await employer.click(f'[data-testid="console-{booth_id}"]')
    await expect(employer).to_have_url(re.compile(rf"/booths/{booth_id}/console$"))
    await expect(employer.locator("h1")).to_contain_text(FAIR.title)
    line = employer.locator('[data-testid="console-line"]')
    await expect(line.locator("li[data-seq]")).to_have_count(1)
    await expect(line.locator('li[data-seq="1"]')).to_contain_text(SEEKER_NAME)
    await expect(line.locator('[data-testid="visitors"]')).to_contain_text(SEEKER_NAME)
    await live(employer)
    duty = employer.locator('[data-testid="duty-toggle"]')
    await expect(duty).to_have_attribute("aria-pressed", "false")
    await duty.click()
    await expect(duty).to_have_attribute("aria-pressed", "true")
    await expect(duty).to_be_enabled()
    await employer.click('[data-testid="call-next"]')
    called = employer.locator('[data-testid="console-called"]')
    await expect(called).to_have_attribute("data-seq", "1")
    await expect(called).to_contain_text(SEEKER_NAME)

    # The seeker is invited, with a countdown, and accepts.
    invite = seeker.locator('[data-testid="queue-invite"]')
    await expect(invite).to_be_visible()
    await expect(invite.locator("[data-invite-text]")).to_contain_text(EXHIBITOR.name)
    seconds_left = re.escape(zh("%(s)s s left")).replace(re.escape("%(s)s"), r"([1-5]?\d|60)")
    await expect(invite.locator("[data-invite-countdown]")).to_have_text(
        re.compile(f"^{seconds_left}$")
    )
    await expect(seeker.locator('[data-testid="call-notice"]')).to_be_visible()
    await invite.locator('[data-testid="queue-accept"]').click()
    await expect(seeker).to_have_url(re.compile(r"/conversations/\d+$"))
    conversation_path = urlsplit(seeker.url).path
    await expect(seeker.locator('[data-testid="conversation-status"]')).to_have_attribute(
        "data-status", "open"
    )
    await expect(seeker.locator("h1")).to_contain_text(EXHIBITOR.name)
    await no_horizontal_scroll(seeker)

    # The employer's console lists the open conversation (pushed, no reload).
    mine = employer.locator('[data-testid="my-conversations"]')
    await expect(mine.locator(f'a[href="{conversation_path}"]')).to_have_text(SEEKER_NAME)
    await expect(line.locator("li[data-seq]")).to_have_count(0)

    problems = seeker_problems.messages + onlooker_problems.messages + employer_problems.messages
    assert not problems, "\n".join(problems)


async def test_lobby_in_english(new_context: ContextFactory) -> None:
    context = await new_context("zh-CN")
    problems = Problems(context, "seeker")
    page = await context.new_page()
    await log_in(page, ENGLISH_SEEKER)
    await page.click("[data-lang=en]")
    await expect(page.locator("html")).to_have_attribute("lang", "en")

    await open_demo_fair_lobby(page)
    await expect(page.locator('label[for="f-q"]')).to_have_text("Search jobs and employers")
    await expect(page.locator("#booths-title")).to_contain_text("Booths")
    await expect(page.locator(".visitors")).to_contain_text("Job seekers here now:")
    await expect(page.locator('[data-testid="lobby-search"] button[type=submit]')).to_have_text(
        "Search"
    )

    await page.fill("#f-q", "Sales Engineer")
    await page.click('[data-testid="lobby-search"] button[type=submit]')
    await expect(page.locator("#matches-title")).to_contain_text("Matching jobs")
    await expect(page.locator("#booths-title")).to_contain_text("Booths with matches")
    jobs = page.locator('[data-testid="lobby-postings"]')
    await expect(
        jobs.get_by_role("link", name="Sales Engineer, Laboratory Instruments", exact=True)
    ).to_be_visible()
    booths = page.locator('[data-testid="lobby-booths"]')
    await expect(
        booths.get_by_role("link", name="Nordwell Instruments (Shanghai) Co., Ltd.", exact=True)
    ).to_be_visible()
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    assert not problems.messages, "\n".join(problems.messages)
