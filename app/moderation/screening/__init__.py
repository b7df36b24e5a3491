"""Screening engine for job postings: discrimination, false information and fraud signals.

Pure and I/O-free: rules are data files in app/moderation/rules/, compiled once on first use.
See docs/moderation.md.
"""

from app.moderation.screening.chat import screen_chat_message
from app.moderation.screening.duplicates import DuplicateIndex, posting_text
from app.moderation.screening.engine import resolve_lang, risk_score, screen
from app.moderation.screening.model import CATEGORIES, Finding, PostingText, Severity

__all__ = [
    "CATEGORIES",
    "DuplicateIndex",
    "Finding",
    "PostingText",
    "Severity",
    "posting_text",
    "resolve_lang",
    "risk_score",
    "screen",
    "screen_chat_message",
]
