"""Words for the codes the organizer's, the exhibitor's and the conversation pages show.

Stored codes stay English identifiers; these tables give the English source strings,
translated when a template calls the matching ``*_label`` helper.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from app.fair.labels import (
    APPLICATION_STATUS,
    AUDIENCE,
    CONVERSATION_STATUS,
    OUTCOME,
    PHASE,
    ZONE,
)
from app.fair.schedule import zone
from app.i18n import N_, gettext

BOOTH_STATUS = {
    "invited": N_("Invited by the organizer"),
    "applied": N_("Applied, awaiting decision"),
    "accepted": N_("Exhibiting"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
}
# Staff see the line from their side; seekers' wording is in app/fair/labels.py.
TICKET_STATUS = {
    "waiting": N_("In line"),
    "invited": N_("Called"),
    "served": N_("Served"),
    "left": N_("Left the line"),
    "missed": N_("Missed the call"),
    "lapsed": N_("Away when called"),
    "follow_up": N_("Follow-up promised"),
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
