"""screen_chat_message: money, messengers, ID and bank details, harassment."""

from __future__ import annotations

import pytest

from app.moderation.screening import screen_chat_message


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("面试前请先转账200元保证金", "fee"),
        ("先交300押金才能排班", "fee"),
        ("Please send the $150 deposit via Zelle before training.", "fee"),
        ("加我微信详聊：hr_wang88", "off_platform"),
        ("我的手机 13812345678", "off_platform"),
        ("Text me on WhatsApp instead.", "off_platform"),
        ("把你的身份证号和银行卡号发我", "identity"),
        ("收到的验证码告诉我一下", "identity"),
        ("What's your bank login and password?", "identity"),
        ("晚上陪我吃饭开房就录用你", "harassment"),
        ("send nudes or no job", "harassment"),
    ],
)
def test_chat_flags(message: str, category: str) -> None:
    findings = screen_chat_message(message)
    assert category in {f.category for f in findings}
    assert all(f.field == "message" and message[f.start : f.end] == f.text for f in findings)


@pytest.mark.parametrize(
    "message",
    [
        "您好，请问明天下午两点方便面试吗？",
        "我们公司不收取任何费用，请放心。",
        "Thanks for applying! Can you join a video interview on the platform tomorrow?",
        "请带身份证复印件和学历证书来办理入职。",
    ],
)
def test_ordinary_chat_passes(message: str) -> None:
    assert [f for f in screen_chat_message(message) if f.severity != "info"] == []
