"""HTTP helpers shared by every domain's routes: rendering, forms, errors, the identity."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import Receive, Scope, Send

from app.auth.csrf import csrf_token
from app.auth.identity import Identity, load_identity
from app.context import app_context
from app.db import unit_of_work
from app.errors import AppError, NotAuthenticated
from app.i18n import LABELS, LOCALES, N_, current_locale, gettext, ngettext
from app.labels import GLOBALS
from app.nav import nav_for
from app.paths import TEMPLATES

log = logging.getLogger(__name__)

IDENTITY = "jobfair.identity"


ROLE_LABELS = {
    "seeker": N_("Job seeker"),
    "employer": N_("Employer staff"),
    "moderator": N_("Moderator"),
    "organizer": N_("Organizer"),
    "admin": N_("Administrator"),
}


VERIFICATION_LABELS = {
    "unverified": N_("Unverified"),
    "verified": N_("Verified"),
    "rejected": N_("Rejected"),
}


def role_label(role: str) -> str:
    return gettext(ROLE_LABELS.get(role, role))


def verification_label(state: str) -> str:
    return gettext(VERIFICATION_LABELS.get(state, state))


def _create_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["role_label"] = role_label
    env.globals["verification_label"] = verification_label
    env.globals.update(GLOBALS)
    return env


templates = _create_environment()


async def identity_of(request: HTTPConnection) -> Identity | None:
    """The signed-in user, loaded once per request."""
    if IDENTITY not in request.scope:
        app = app_context(request)
        async with unit_of_work(app.db, app.broker) as uow:
            request.scope[IDENTITY] = await load_identity(
                uow.session, request.scope.get("session", {})
            )
    identity: Identity | None = request.scope[IDENTITY]
    return identity


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    identity: Identity | None = request.scope.get(IDENTITY)
    base: dict[str, Any] = {
        "request": request,
        "identity": identity,
        "nav": nav_for(identity.role if identity else None),
        "csrf_token": csrf_token(request.scope.setdefault("session", {})),
        "locale": current_locale(),
        "html_lang": current_locale().replace("_", "-"),
        "locales": [(code, LABELS[code]) for code in LOCALES],
        "error": None,
        "values": {},
    }
    base.update(context or {})
    return HTMLResponse(templates.get_template(template).render(base), status_code=status)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths, so a log-in link cannot bounce the user to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


async def form(request: Request) -> FormData:
    """The submitted text fields; any uploaded files are closed (routes taking files use
    ``request.form()`` themselves)."""
    data = await request.form()
    await request.close()
    return data


def render_invalid(
    request: Request, template: str, context: dict[str, Any], exc: AppError
) -> HTMLResponse:
    """Re-render a form with the error next to its field, with the error's status."""
    response = render(request, template, {**context, "error": exc}, status=exc.status)
    if "retry_after" in exc.params:
        response.headers["Retry-After"] = str(exc.params["retry_after"])
    return response


def text_field(data: FormData, name: str, *, max_length: int = 2000) -> str:
    value = data.get(name)
    return value[:max_length] if isinstance(value, str) else ""


def wants_json(request: HTTPConnection) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, exc: AppError) -> Response:
    message = gettext(exc.message, **exc.params)
    headers = (
        {"Retry-After": str(exc.params["retry_after"])} if "retry_after" in exc.params else None
    )
    if wants_json(request):
        body: dict[str, Any] = {"error": exc.code, "message": message}
        if exc.field:
            body["field"] = exc.field
        return JSONResponse(body, status_code=exc.status, headers=headers)
    if isinstance(exc, NotAuthenticated) and request.method == "GET":
        return redirect("/login?next=" + quote(request.url.path, safe="/"))
    response = render(request, "error.html", {"error": exc, "message": message}, status=exc.status)
    if headers:
        response.headers.update(headers)
    return response


async def app_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AppError)
    return error_response(request, exc)


HTTP_MESSAGES = {
    404: ("not_found", N_("This page does not exist.")),
    405: ("method_not_allowed", N_("This action is not available here.")),
}


async def http_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, message = HTTP_MESSAGES.get(
        exc.status_code, ("error", "The request could not be processed.")
    )
    return error_response(request, AppError(message, code=code).with_status(exc.status_code))


async def server_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(
        request, AppError("Something went wrong on our side.", code="internal").with_status(500)
    )


async def scope_error_app(scope: Scope, receive: Receive, send: Send) -> None:
    """ASGI app rendering the AppError a middleware put in ``scope["app_error"]``."""
    request = Request(scope, receive)
    await error_response(request, scope["app_error"])(scope, receive, send)
