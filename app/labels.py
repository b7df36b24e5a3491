"""Human labels for stored codes, translated when shown (Jinja globals)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import orjson

from app.i18n import N_, gettext, ngettext

STATUS = {
    "draft": N_("Draft"),
    "returned": N_("Returned by screening"),
    "in_review": N_("In review"),
    "changes_requested": N_("Changes requested"),
    "live": N_("Live"),
    "rejected": N_("Rejected"),
    "superseded": N_("Replaced by a newer version"),
    "withdrawn": N_("Withdrawn"),
}
PERIOD = {"month": N_("month"), "day": N_("day"), "hour": N_("hour"), "year": N_("year")}
SEVERITY = {"block": N_("Not allowed"), "review": N_("Needs review"), "info": N_("Note")}
CATEGORY = {
    "gender": N_("Sex"),
    "age": N_("Age"),
    "marital": N_("Marriage and childbearing"),
    "ethnicity": N_("Ethnicity or religion"),
    "origin": N_("Origin or hukou"),
    "health": N_("Health or disability"),
    "appearance": N_("Appearance"),
    "school": N_("School tier"),
    "fee": N_("Fees and deposits"),
    "identity": N_("ID documents and bank details"),
    "pyramid": N_("Pyramid selling"),
    "task_scam": N_("Task scam"),
    "unrealistic_pay": N_("Implausible pay"),
    "off_platform": N_("Contact off the platform"),
    "inconsistent": N_("Contradictory details"),
    "duplicate": N_("Copied posting"),
    "uscc": N_("Registration code"),
    "missing_field": N_("Missing information"),
    "profile": N_("Employer profile"),
}
FIELD = {
    "title": N_("Job title"),
    "category": N_("Job category"),
    "city": N_("City"),
    "district": N_("District"),
    "salary_min": N_("Pay from"),
    "salary_max": N_("Pay up to"),
    "salary_period": N_("Pay per"),
    "headcount": N_("Openings"),
    "education": N_("Education"),
    "experience": N_("Experience"),
    "employment_type": N_("Employment type"),
    "description": N_("Job description"),
    "requirements": N_("Requirements"),
    "benefits": N_("Benefits"),
    "valid_until": N_("Open until"),
    "org_uscc": N_("Unified Social Credit Code"),
    "org_profile": N_("Employer profile"),
    "org_name": N_("Employer"),
}
REASON = {
    "submitted": N_("New posting"),
    "justified": N_("Blocked wording, employer gave a justification"),
    "reported": N_("Reported by job seekers"),
    "appeal": N_("Appeal"),
    "registered": N_("New organization"),
}
DECISION = {
    "approve": N_("approved"),
    "reject": N_("rejected"),
    "request_changes": N_("changes requested"),
    "remove": N_("message removed"),
    "dismiss": N_("message kept"),
}


def _label(table: dict[str, str], code: str) -> str:
    return gettext(table[code]) if code in table else code


def status_label(code: str) -> str:
    return _label(STATUS, code)


def period_label(code: str) -> str:
    return _label(PERIOD, code)


def severity_label(code: str) -> str:
    return _label(SEVERITY, code)


def category_label(code: str) -> str:
    return _label(CATEGORY, code)


def field_label(code: str) -> str:
    return _label(FIELD, code)


def reason_label(code: str) -> str:
    return _label(REASON, code)


def decision_label(code: str) -> str:
    return _label(DECISION, code)


def duration_label(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    return ngettext("%(num)d day", "%(num)d days", hours // 24)


def reasons_of(version: Any) -> list[str]:
    codes: list[str] = orjson.loads(version.decision_reasons or "[]")
    return codes


GLOBALS = {
    "status_label": status_label,
    "period_label": period_label,
    "severity_label": severity_label,
    "category_label": category_label,
    "field_label": field_label,
    "reason_label": reason_label,
    "decision_label": decision_label,
    "duration_label": duration_label,
    "reasons_of": reasons_of,
}
