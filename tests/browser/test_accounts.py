"""Accounts from a real browser: register, log in and out, navigation per role and
language, keyboard-only log-in, and the live socket under the page's CSP."""

from __future__ import annotations

import uuid

import pytest
from babel.messages.pofile import read_po
from playwright.async_api import ConsoleMessage, Error, Page, expect

from app.auth.models import Role
from app.demo import ADMINS, DEMO_PASSWORD, ORGS, SEEKERS
from app.nav import nav_for
from app.paths import TRANSLATIONS
from tests.browser.conftest import ContextFactory

pytestmark = pytest.mark.browser

DEMO_EMAILS = {user.role: user.email for user in (*ADMINS, SEEKERS[0], ORGS[0].staff[0])}
HTML_LANG = {"en": "en", "zh_CN": "zh-CN"}
# Each case starts in the other language, so switching is tested in both directions.
START_LOCALE = {"en": "zh-CN", "zh_CN": "en-US"}
NAV = '[data-testid="nav"]'


def translator(locale: str) -> dict[str, str]:
    """English source -> text shown in ``locale``, read from the message catalog."""
    if locale == "en":
        return {}
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    return {m.id: m.string for m in catalog if isinstance(m.id, str) and m.string}


class Problems:
    """Console errors and uncaught exceptions seen by a page."""

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", self._page_error)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.messages.append(f"console: {message.text} ({message.location.get('url')})")

    def _page_error(self, error: Error) -> None:
        self.messages.append(f"Uncaught {error.name}: {error.message}")


async def nav_keys(page: Page) -> set[str]:
    keys = await page.locator(f"{NAV} [data-nav]").evaluate_all(
        "els => els.map(e => e.dataset.nav)"
    )
    return set(keys)


async def log_in(page: Page, email: str, password: str) -> None:
    await page.goto("/login")
    await page.fill("#f-email", email)
    await page.fill("#f-password", password)
    await page.click("main form button[type=submit]")


async def test_register_log_out_and_log_in(new_context: ContextFactory, demo_server: str) -> None:
    context = await new_context("en-US")
    page = await context.new_page()
    email = f"browser-{uuid.uuid4().hex[:10]}@example.com"
    password = "browser-test-pass-42"

    await page.goto("/register")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await expect(page.locator('input[name="role"][value="seeker"]')).to_be_checked()
    await page.fill("#f-display_name", "Browser Tester")
    await page.fill("#f-email", email)
    await page.fill("#f-password", password)
    await page.click("main form button[type=submit]")

    await expect(page).to_have_url(demo_server + "/")
    await expect(page.locator(f'{NAV} [data-nav="account"]')).to_be_visible()
    await expect(page.locator(f'{NAV} [data-nav="logout"]')).to_be_visible()
    await expect(page.locator(".whoami")).to_contain_text("Browser Tester")

    await page.click(f'{NAV} [data-nav="logout"]')
    await expect(page.locator(f'{NAV} [data-nav="login"]')).to_be_visible()
    await expect(page.locator(f'{NAV} [data-nav="account"]')).to_have_count(0)
    await expect(page.locator(f'{NAV} [data-nav="logout"]')).to_have_count(0)

    # A wrong password: the error is next to the password field, the e-mail is kept.
    await log_in(page, email, "not-the-right-password")
    await expect(page.locator("#e-password")).to_be_visible()
    await expect(page.locator("#f-password")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#f-email")).to_have_value(email)
    await expect(page.locator(f'{NAV} [data-nav="login"]')).to_be_visible()

    await log_in(page, email, password)
    await expect(page.locator(f'{NAV} [data-nav="account"]')).to_be_visible()
    await expect(page.locator(f'{NAV} [data-nav="logout"]')).to_be_visible()


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.ORGANIZER, Role.MODERATOR, Role.SEEKER, Role.EMPLOYER]
)
@pytest.mark.parametrize("language", ["en", "zh_CN"])
async def test_each_demo_role_sees_its_navigation(
    new_context: ContextFactory, language: str, role: Role
) -> None:
    context = await new_context(START_LOCALE[language])
    page = await context.new_page()
    problems = Problems(page)

    await page.goto("/login")
    await expect(page.locator("html")).not_to_have_attribute("lang", HTML_LANG[language])
    await page.click(f"[data-lang={language}]")
    await expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[language])
    await expect(page.locator(f"[data-lang={language}]")).to_have_count(0)

    await page.fill("#f-email", DEMO_EMAILS[role])
    await page.fill("#f-password", DEMO_PASSWORD)
    await page.click("main form button[type=submit]")
    await expect(page.locator(f'{NAV} [data-nav="logout"]')).to_be_visible()

    items = nav_for(role)
    assert await nav_keys(page) == {item.key for item in items} | {"logout"}
    await expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[language])
    shown = translator(language)
    for item in items:
        label = shown.get(item.label, item.label)
        await expect(page.locator(f'{NAV} [data-nav="{item.key}"]')).to_have_text(label)
    await expect(page.locator(f'{NAV} [data-nav="logout"]')).to_have_text(
        shown.get("Log out", "Log out")
    )
    if language != "en":
        assert shown.get("Account", "Account") != "Account", "the catalog lacks 'Account'"
    assert problems.messages == []


async def test_keyboard_only_login(new_context: ContextFactory) -> None:
    context = await new_context("en-US")
    page = await context.new_page()
    await page.goto("/login")

    # The first Tab reaches the skip link; following it puts the form next in line.
    await page.keyboard.press("Tab")
    await expect(page.locator("a.skip")).to_be_focused()
    await page.keyboard.press("Enter")
    for _ in range(10):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement && document.activeElement.id") == "f-email":
            break
    await expect(page.locator("#f-email")).to_be_focused()
    await page.keyboard.type(DEMO_EMAILS[Role.SEEKER])
    await page.keyboard.press("Tab")
    await expect(page.locator("#f-password")).to_be_focused()
    await page.keyboard.type(DEMO_PASSWORD)
    await page.keyboard.press("Enter")

    await expect(page.locator(f'{NAV} [data-nav="account"]')).to_be_visible()
    await expect(page.locator(f'{NAV} [data-nav="logout"]')).to_be_visible()


async def test_live_socket_connects(new_context: ContextFactory) -> None:
    context = await new_context("en-US")
    page = await context.new_page()
    problems = Problems(page)

    await log_in(page, DEMO_EMAILS[Role.SEEKER], DEMO_PASSWORD)
    await expect(page.locator(f'{NAV} [data-nav="logout"]')).to_be_visible()
    await page.wait_for_function("document.body.dataset.live === 'on'", timeout=10_000)

    assert not [m for m in problems.messages if "Refused to" in m or "Uncaught" in m]
    assert problems.messages == []
