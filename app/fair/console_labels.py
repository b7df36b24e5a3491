"""Words for the codes the organizer's, the exhibitor's and the conversation pages show.

Stored codes stay English identifiers; these tables give the English source strings,
translated when a template calls the matching ``*_label`` helper.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.fair.schedule import zone
from app.i18n import N_, gettext

PHASE = {
    "draft": N_("Draft"),
    "upcoming": N_("Upcoming"),
    "live": N_("Open now"),
    "ended": N_("Ended"),
    "cancelled": N_("Cancelled"),
}
BOOTH_STATUS = {
    "invited": N_("Invited by the organizer"),
    "applied": N_("Applied, awaiting decision"),
    "accepted": N_("Exhibiting"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
}
AUDIENCE = {
    "general": N_("Everyone"),
    "graduates": N_("Graduates"),
    "migrant_workers": N_("Migrant workers"),
    "veterans": N_("Veterans"),
    "disabled": N_("People with disabilities"),
    "experienced": N_("Experienced workers"),
}
OUTCOME = {
    "next_step": N_("Next step agreed"),
    "no_match": N_("Not a match"),
    "follow_up": N_("Follow-up promised"),
}
TICKET_STATUS = {
    "waiting": N_("In line"),
    "invited": N_("Called"),
    "served": N_("Served"),
    "left": N_("Left the line"),
    "missed": N_("Missed the call"),
    "lapsed": N_("Away when called"),
    "follow_up": N_("Follow-up promised"),
}
CONVERSATION_STATUS = {"open": N_("Open"), "ended": N_("Ended")}
APPLICATION_STATUS = {
    "applied": N_("Applied"),
    "in_conversation": N_("In conversation"),
    "interview": N_("Interview"),
    "offer": N_("Offer"),
    "rejected": N_("Not selected"),
    "withdrawn": N_("Withdrawn"),
    "closed_without_decision": N_("Closed without decision"),
}
ZONE = {
    "Asia/Shanghai": N_("Beijing time"),
    "Asia/Urumqi": N_("Xinjiang time"),
    "Asia/Hong_Kong": N_("Hong Kong time"),
    "Asia/Macau": N_("Macao time"),
    "Asia/Taipei": N_("Taipei time"),
    "UTC": N_("UTC"),
}


def _labeller(table: dict[str, str]) -> Callable[[str], str]:
    def label(code: str) -> str:
        return gettext(table[code]) if code in table else code

    return label


def fair_time(moment: datetime | None, tz_name: str) -> str:
    """A stored UTC moment as wall-clock time in the fair's zone, "2025-03-01 09:00"."""
    if moment is None:
        return ""
    return moment.astimezone(zone(tz_name)).strftime("%Y-%m-%d %H:%M")


def local_input(moment: datetime | None, tz_name: str) -> str:
    """The value of a ``datetime-local`` input in the fair's zone."""
    if moment is None:
        return ""
    return moment.astimezone(zone(tz_name)).strftime("%Y-%m-%dT%H:%M")


# Passed to the templates of the organizer, booth and conversation pages.
HELPERS: dict[str, Callable[..., str]] = {
    "phase_label": _labeller(PHASE),
    "booth_status_label": _labeller(BOOTH_STATUS),
    "audience_label": _labeller(AUDIENCE),
    "outcome_label": _labeller(OUTCOME),
    "ticket_status_label": _labeller(TICKET_STATUS),
    "conversation_status_label": _labeller(CONVERSATION_STATUS),
    "application_status_label": _labeller(APPLICATION_STATUS),
    "zone_label": _labeller(ZONE),
    "fair_time": fair_time,
    "local_input": local_input,
}
