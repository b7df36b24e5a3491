"""Human labels for the fair domain's stored codes, and the words the fair scripts show.

Marked with ``N_`` here and translated where they are shown: templates get
:func:`fair_label` in their context, the fair scripts get :func:`script_strings` through a
data attribute (the scripts cannot call gettext).
"""

from __future__ import annotations

from app.i18n import N_, gettext

APPLICATION_STATUS = {
    "applied": N_("Applied"),
    "in_conversation": N_("In conversation"),
    "interview": N_("Interview"),
    "offer": N_("Offer"),
    "rejected": N_("Not selected"),
    "withdrawn": N_("Withdrawn"),
    "closed_without_decision": N_("Closed without decision"),
}
TICKET_STATUS = {
    "waiting": N_("Waiting in line"),
    "invited": N_("Called: your turn"),
    "served": N_("Talking to the employer"),
    "left": N_("Left the line"),
    "missed": N_("Call missed"),
    "lapsed": N_("Place lost: you were away"),
    "follow_up": N_("The employer will contact you"),
}
AUDIENCE = {
    "general": N_("Everyone"),
    "graduates": N_("Graduates"),
    "migrant_workers": N_("Migrant workers"),
    "veterans": N_("Veterans"),
    "disabled": N_("People with disabilities"),
    "experienced": N_("Experienced workers"),
}
PHASE = {
    "draft": N_("Draft"),
    "upcoming": N_("Upcoming"),
    "live": N_("Open now"),
    "ended": N_("Ended"),
    "cancelled": N_("Cancelled"),
}
CONVERSATION_STATUS = {"open": N_("Open"), "ended": N_("Ended")}
OUTCOME = {
    "next_step": N_("Next step agreed"),
    "no_match": N_("Not a match"),
    "follow_up": N_("Follow-up promised"),
}
BOOKMARK_KIND = {"booth": N_("Booth"), "posting": N_("Job")}
ZONE = {
    "Asia/Shanghai": N_("Beijing time"),
    "Asia/Urumqi": N_("Xinjiang time"),
    "Asia/Hong_Kong": N_("Hong Kong time"),
    "Asia/Macau": N_("Macao time"),
    "Asia/Taipei": N_("Taipei time"),
    "UTC": N_("UTC"),
}
TABLES = {
    "application": APPLICATION_STATUS,
    "ticket": TICKET_STATUS,
    "audience": AUDIENCE,
    "phase": PHASE,
    "conversation": CONVERSATION_STATUS,
    "outcome": OUTCOME,
    "bookmark": BOOKMARK_KIND,
    "zone": ZONE,
}

# What the queue widget and the call notice say; %(name)s is filled in by the script.
SCRIPT_STRINGS = {
    "ahead": N_("%(n)s ahead of you"),
    "position": N_("Your number %(seq)s, place %(position)s in line"),
    "eta": N_("Estimated wait: about %(minutes)s min"),
    "eta_none": N_("No staff on duty: no estimate yet"),
    "staff": N_("Staff on duty: %(free)s free, %(busy)s busy"),
    "waiting": N_("%(n)s waiting"),
    "closed": N_("The line is closed now."),
    "open": N_("The line is open."),
    "invited": N_("%(org)s is calling you!"),
    "accept": N_("Accept"),
    "seconds_left": N_("%(s)s s left"),
    "missed": N_("You missed your call at a booth; join the line again if you still want to talk."),
    "lapsed": N_("You lost your place in a line because you were away when your turn came."),
    "follow_up": N_("%(org)s could not see you today and will contact you by %(date)s."),
    "follow_up_mine": N_("The employer will contact you by %(date)s."),
    "served": N_("You are talking to this employer."),
    "open_conversation": N_("Open the conversation"),
    "left": N_("You left the line."),
    "disconnected": N_("Not connected; reconnecting…"),
}


def fair_label(kind: str, code: str) -> str:
    """The translated label of a stored code, or the code itself if it has none."""
    table = TABLES.get(kind, {})
    return gettext(table[code]) if code in table else code


def script_strings() -> dict[str, object]:
    """Everything the fair scripts show, in the request's language."""
    strings: dict[str, object] = {key: gettext(text) for key, text in SCRIPT_STRINGS.items()}
    strings["ticket"] = {code: gettext(text) for code, text in TICKET_STATUS.items()}
    return strings
