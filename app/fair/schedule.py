"""Fair time: stored in UTC, opening hours and dates in the fair's own zone.

A published fair is upcoming, live or ended by the clock alone, so no job has to flip a
status at midnight. Opening hours are local wall-clock times ("09:00"-"17:00"); both empty
means around the clock.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.errors import Invalid
from app.fair.models import Booth, Fair, FairStatus

DEFAULT_ZONE = "Asia/Shanghai"
# Zones offered in the fair form: the mainland and the places its fairs recruit for.
ZONES = ("Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "UTC")


class Phase(StrEnum):
    DRAFT = "draft"
    UPCOMING = "upcoming"
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def phase_of(fair: Fair, now: datetime) -> Phase:
    if fair.status == FairStatus.DRAFT:
        return Phase.DRAFT
    if fair.status == FairStatus.CANCELLED:
        return Phase.CANCELLED
    if now < fair.starts_at:
        return Phase.UPCOMING
    if now >= fair.ends_at:
        return Phase.ENDED
    return Phase.LIVE


def parse_hhmm(raw: str, field: str) -> str:
    """'9:00' or '09:00' -> '09:00'; empty stays empty."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        parsed = time.fromisoformat(raw if len(raw) == 5 else raw.zfill(5))
    except ValueError:
        raise Invalid("Enter a time as HH:MM.", field=field) from None
    return parsed.strftime("%H:%M")


def hours_of(fair: Fair, booth: Booth | None = None) -> tuple[str, str]:
    """The opening hours that apply: the booth's own if it set them, else the fair's."""
    if booth is not None and booth.hours_open and booth.hours_close:
        return booth.hours_open, booth.hours_close
    return fair.daily_open, fair.daily_close


def _window(day: date, hours: tuple[str, str], tz: ZoneInfo) -> tuple[datetime, datetime]:
    opens, closes = hours
    if not opens or not closes:
        start = datetime.combine(day, time(0, 0), tz)
        return start, start + timedelta(days=1)
    start = datetime.combine(day, time.fromisoformat(opens), tz)
    end = datetime.combine(day, time.fromisoformat(closes), tz)
    return start, end


def closes_at(fair: Fair, booth: Booth | None, now: datetime) -> datetime | None:
    """When the current opening window ends, or None if it is closed now."""
    if phase_of(fair, now) != Phase.LIVE:
        return None
    tz = zone(fair.timezone)
    start, end = _window(now.astimezone(tz).date(), hours_of(fair, booth), tz)
    if not start <= now < end:
        return None
    return min(end, fair.ends_at)


def is_open(fair: Fair, booth: Booth | None, now: datetime) -> bool:
    return closes_at(fair, booth, now) is not None


def local_date(moment: datetime, tz_name: str) -> date:
    return moment.astimezone(zone(tz_name)).date()


def parse_local(raw: str, tz_name: str, field: str) -> datetime:
    """A ``datetime-local`` form value in the fair's zone -> an aware datetime."""
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise Invalid("Enter a date and time.", field=field) from None
    if value.tzinfo is not None:
        raise Invalid("Enter a date and time.", field=field)
    return value.replace(tzinfo=zone(tz_name))


def days_of(fair: Fair) -> list[tuple[date, str, str]]:
    """The schedule: each local day of the fair with the hours it is open that day (the
    first and last day may be cut short by the fair's start and end)."""
    tz = zone(fair.timezone)
    start = fair.starts_at.astimezone(tz)
    end = fair.ends_at.astimezone(tz)
    last = (fair.ends_at - timedelta(microseconds=1)).astimezone(tz).date()
    days: list[tuple[date, str, str]] = []
    day = start.date()
    while day <= last and len(days) < 62:
        opens, closes = _window(day, (fair.daily_open, fair.daily_close), tz)
        opens, closes = max(opens, start), min(closes, end)
        if opens < closes:
            midnight = closes.time() == time(0, 0)
            close_text = "24:00" if midnight else closes.strftime("%H:%M")
            open_text = opens.strftime("%H:%M")
            if not fair.daily_open and (open_text, close_text) == ("00:00", "24:00"):
                open_text = close_text = ""  # a whole day of a round-the-clock fair
            days.append((day, open_text, close_text))
        day += timedelta(days=1)
    return days
