"""Live chat in real browsers on the demo data, only through the UI.

A job seeker on a phone fills in a profile, registers for the demo fair and writes in a
booth's chat; the booth's HR person, on the same booth page in another browser, sees it
live and answers with the staff badge. The seeker then queues, is called from the console
and accepts; in the conversation the HR person's list counts the unread message, opening
it shows the seeker "read", and a later message reaches the seeker on another page as a
notice. User text stays text: a script tag is shown, never run, and only the address
becomes a link.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Dialog, Locator, Page, expect

from app.demo_fair_data import EXHIBITORS, FAIR
from tests.browser.conftest import ContextFactory
from tests.browser.test_fair import NAV, PHONE, Problems, live, log_in, no_horizontal_scroll, zh

pytestmark = pytest.mark.browser

# Not the booth or the seeker of test_fair.py: both tests may share one demo server.
EXHIBITOR = next(e for e in EXHIBITORS if e.hr_email == "hr@pjprecision.demo.jobfair.cn")
SEEKER = "liu.fang@demo.jobfair.cn"  # no profile yet, not registered for the fair
SEEKER_NAME = "刘芳"
HOSTILE = "<script>alert(1)</script> https://example.com/x"
MESSAGE = '[data-testid="chat-message"]'


def no_dialogs(page: Page, seen: list[str]) -> None:
    async def record(dialog: Dialog) -> None:
        seen.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", record)


async def send(page: Page, room: str, text: str) -> None:
    chat = page.locator(room)
    await chat.locator('[data-testid="chat-input"]').fill(text)
    await chat.locator('[data-testid="chat-send"]').click()
    await expect(chat.locator('[data-testid="chat-input"]')).to_have_value("")


def message(page: Page, room: str, text: str) -> Locator:
    return page.locator(room).locator(MESSAGE, has_text=text)


async def test_booth_chat_and_conversation(new_context: ContextFactory) -> None:
    dialogs: list[str] = []
    seeker_context = await new_context("zh-CN", **PHONE)
    seeker_problems = Problems(seeker_context, "seeker")
    seeker = await seeker_context.new_page()
    no_dialogs(seeker, dialogs)

    # A profile (needed to queue), then registering for the fair.
    await log_in(seeker, SEEKER)
    await seeker.goto("/profile")
    await seeker.fill("#f-full_name", SEEKER_NAME)
    await seeker.fill("#f-phone", "13900000777")
    await seeker.click('[data-testid="profile-save"]')
    await expect(seeker.locator('[data-testid="saved"]')).to_be_visible()
    await seeker.click(f'{NAV} [data-nav="fairs"]')
    await seeker.get_by_role("link", name=FAIR.title, exact=True).click()
    await seeker.click('[data-testid="register"]')
    await expect(seeker.locator('[data-testid="register-done"]')).to_be_visible()
    exhibitors = seeker.locator('[data-testid="exhibitors"]')
    await exhibitors.get_by_role("link", name=EXHIBITOR.name, exact=True).click()
    await expect(seeker.locator('[data-testid="booth"] h1')).to_have_text(EXHIBITOR.name)
    booth_url = seeker.url
    booth_id = int(booth_url.rsplit("/", 1)[1])

    # The seeker writes in the booth chat: sent, with a live character count.
    booth_chat = "#booth-chat"
    await live(seeker)
    counter = seeker.locator(f'{booth_chat} [data-testid="chat-count"]')
    await seeker.locator(f'{booth_chat} [data-testid="chat-input"]').fill("你好")
    await expect(counter).to_have_text(zh("%(n)s / %(max)s characters") % {"n": 2, "max": 2000})
    first = "你好，请问数控车床操作工还招人吗？"
    await send(seeker, booth_chat, first)
    mine = message(seeker, booth_chat, first)
    await expect(mine).to_have_count(1)
    await expect(mine.locator('[data-testid="chat-status"]')).to_have_text(zh("sent"))
    await no_horizontal_scroll(seeker)

    # The booth's HR person on the same booth page: the backlog, then live messages.
    staff_context = await new_context("zh-CN")
    staff_problems = Problems(staff_context, "staff")
    staff = await staff_context.new_page()
    no_dialogs(staff, dialogs)
    await log_in(staff, EXHIBITOR.hr_email)
    await staff.goto(booth_url)
    await live(staff)
    await expect(message(staff, booth_chat, first)).to_have_count(1)
    await expect(staff.locator(f'{booth_chat} [data-testid="chat-pin"]')).to_have_count(1)
    second = "我有三年数控经验"
    await send(seeker, booth_chat, second)
    await expect(message(staff, booth_chat, second)).to_have_count(1)

    # Text stays text: no script runs, one link, opened safely in a new tab.
    await send(seeker, booth_chat, HOSTILE)
    for page in (staff, seeker):
        shown = message(page, booth_chat, "alert(1)")
        await expect(shown).to_have_count(1)
        body = shown.locator('[data-testid="chat-body"]')
        await expect(body).to_have_text(HOSTILE)
        links = body.locator("a")
        await expect(links).to_have_count(1)
        await expect(links).to_have_attribute("href", "https://example.com/x")
        await expect(links).to_have_attribute("rel", "noopener noreferrer")
        await expect(links).to_have_attribute("target", "_blank")
        await expect(page.locator(f"{booth_chat} script")).to_have_count(0)

    # The answer carries the staff badge with the employer's name.
    answer = "欢迎！请排队，我们视频聊聊。"
    await send(staff, booth_chat, answer)
    answered = message(seeker, booth_chat, answer)
    await expect(answered).to_have_count(1)
    badge = answered.locator('[data-testid="chat-staff"]')
    await expect(badge).to_contain_text(zh("Staff"))
    await expect(badge).to_contain_text(EXHIBITOR.name)
    await expect(answered).to_contain_text(EXHIBITOR.hr_name)

    # Staff pins the answer: on top for everyone.
    await message(staff, booth_chat, answer).locator('[data-testid="chat-pin"]').click()
    await expect(seeker.locator('[data-testid="chat-pinned"]')).to_contain_text(answer)

    # A report goes with a reason; the answer (or the server's refusal) is shown in place.
    await answered.locator('[data-testid="chat-report"]').click()
    await answered.locator('[data-testid="chat-report-reason"]').select_option("other")
    await answered.locator('[data-testid="chat-report-send"]').click()
    await expect(answered.locator('[data-testid="chat-report-result"]')).not_to_be_empty()

    # Queue, call, accept: the conversation page, on the phone.
    await seeker.click('[data-testid="queue-join"]')
    await expect(seeker.locator('[data-testid="queue-position"]')).to_be_visible()
    await staff.goto(f"/booths/{booth_id}/console")
    await live(staff)
    duty = staff.locator('[data-testid="duty-toggle"]')
    if await duty.get_attribute("aria-pressed") != "true":
        await duty.click()
        await expect(duty).to_have_attribute("aria-pressed", "true")
    await staff.click('[data-testid="call-next"]')
    await expect(staff.locator('[data-testid="console-called"]')).to_contain_text(SEEKER_NAME)
    invite = seeker.locator('[data-testid="queue-invite"]')
    await invite.locator('[data-testid="queue-accept"]').click()
    await expect(seeker).to_have_url(re.compile(r"/conversations/\d+$"))
    conversation_path = urlsplit(seeker.url).path
    conversation_id = int(conversation_path.rsplit("/", 1)[1])
    conversation_chat = "#conversation-chat"
    await live(seeker)
    hello = "您好，我现在方便视频。"
    await send(seeker, conversation_chat, hello)
    sent = message(seeker, conversation_chat, hello)
    await expect(sent.locator('[data-testid="chat-status"]')).to_have_attribute(
        "data-state", "sent"
    )
    await no_horizontal_scroll(seeker)

    # The HR person's list counts it as unread before opening.
    await staff.goto("/conversations")
    unread = staff.locator(f'[data-testid="unread-{conversation_id}"]')
    await expect(unread).to_have_text(zh("%(n)s unread") % {"n": 1})

    # Opening the conversation marks it read; the seeker sees "read" under the message.
    await staff.click(f'a[href="{conversation_path}"]')
    await live(staff)
    await expect(message(staff, conversation_chat, hello)).to_have_count(1)
    status = sent.locator('[data-testid="chat-status"]')
    await expect(status).to_have_attribute("data-state", "read")
    await expect(status).to_have_text(zh("read"))
    reply = "好的，稍后我发起视频面试。"
    await send(staff, conversation_chat, reply)
    replied = message(seeker, conversation_chat, reply)
    await expect(replied.locator('[data-testid="chat-staff"]')).to_contain_text(EXHIBITOR.name)

    # Elsewhere in the fair, a new message shows up as a notice linking to the conversation.
    await seeker.goto(booth_url)
    await live(seeker)
    later = "下午三点准时开始，请留意。"
    await send(staff, conversation_chat, later)
    notice = seeker.locator('[data-testid="chat-notice"]')
    await expect(notice).to_contain_text(
        zh("New message from %(name)s") % {"name": EXHIBITOR.hr_name}
    )
    await expect(notice).to_contain_text(later)
    await notice.locator('[data-testid="chat-notice-open"]').click()
    await expect(seeker).to_have_url(re.compile(re.escape(conversation_path) + "$"))
    await expect(message(seeker, conversation_chat, later)).to_have_count(1)

    assert not dialogs, dialogs
    problems = seeker_problems.messages + staff_problems.messages
    assert not problems, "\n".join(problems)
