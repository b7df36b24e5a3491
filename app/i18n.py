"""Chinese (default) and English UI through Babel message catalogs.

Source strings are English; ``frontend/translations/<locale>/LC_MESSAGES/messages.po`` holds
the translations, compiled in memory at start-up (no binary .mo files in the repository).
The locale of a request comes from the remembered ``lang`` cookie, else Accept-Language.
"""

from __future__ import annotations

import gettext as gettext_module
import io
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from app.paths import TRANSLATIONS

LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
LANG_COOKIE = "lang"
LABELS = {"zh_CN": "中文", "en": "English"}

_current: ContextVar[str] = ContextVar("locale", default=DEFAULT_LOCALE)


def load_catalogs(directory: Path = TRANSLATIONS) -> dict[str, gettext_module.NullTranslations]:
    catalogs: dict[str, gettext_module.NullTranslations] = {"en": gettext_module.NullTranslations()}
    for locale in LOCALES:
        po = directory / locale / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        catalogs[locale] = gettext_module.GNUTranslations(buffer)
    return catalogs


_catalogs = load_catalogs()


def current_locale() -> str:
    return _current.get()


def set_locale(locale: str) -> None:
    _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def gettext(message: str, **params: Any) -> str:
    text = _catalogs.get(_current.get(), _catalogs["en"]).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    text = _catalogs.get(_current.get(), _catalogs["en"]).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


_ = gettext


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


def negotiate(accept_language: str | None) -> str:
    if not accept_language:
        return DEFAULT_LOCALE
    wanted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _sep, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        wanted.append((weight, tag.strip().replace("-", "_")))
    for _weight, tag in sorted(wanted, key=lambda item: -item[0]):
        try:
            language = Locale.parse(tag).language
        except (ValueError, TypeError):
            continue
        if language == "zh":
            return "zh_CN"
        if language == "en":
            return "en"
    return DEFAULT_LOCALE


def request_locale(conn: HTTPConnection) -> str:
    chosen = conn.cookies.get(LANG_COOKIE)
    if chosen in LOCALES:
        return chosen
    return negotiate(conn.headers.get("accept-language"))


class LocaleMiddleware:
    """Sets the locale for the request's task, so services and templates translate alike."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            locale = request_locale(HTTPConnection(scope))
            scope["locale"] = locale
            set_locale(locale)
        await self.app(scope, receive, send)
