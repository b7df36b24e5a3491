"""`screen_chat_message`: the smaller rule set for chat between applicants and employers."""

from __future__ import annotations

import logging

from app.moderation.screening import structure
from app.moderation.screening.lexical import PostingContext, scan_field
from app.moderation.screening.model import Finding, sort_key
from app.moderation.screening.normalize import normalize
from app.moderation.screening.rules import chat_rule_sets

logger = logging.getLogger(__name__)


def screen_chat_message(text: str) -> list[Finding]:
    """Requests for money or deposits, moves to a personal messenger, requests for ID or bank
    details, and harassment, in one chat message (field "message")."""
    try:
        norm = normalize(text)
        ctx = PostingContext(text=norm.text, currency="cny", experienced=False)
        return sorted(scan_field("message", text, norm, chat_rule_sets(), ctx), key=sort_key)
    except Exception:  # same policy as `screen`: a person looks at it
        logger.exception("chat screening failed")
        return [structure.finding("screening-error", field="message")]
