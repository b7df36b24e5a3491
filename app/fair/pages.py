"""Seeker and public fair pages: fairs, lobby, booths, jobs, the seeker's own pages.

Thin transport: each handler authorises (before reading ids or forms, so strangers get a
refusal rather than a validation error), calls the fair services and renders. Forms that
fail re-render their page with the error; the live parts (visitor counts, the booth
queue, calls) are frontend/static/js/fair.js on the WebSocket.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Any, TypeGuard

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from app.auth.identity import Identity, require_role
from app.auth.models import Role
from app.context import app_context
from app.db import UnitOfWork, unit_of_work, utcnow
from app.errors import FORM_ERRORS, AppError, Invalid, NotAllowed, NotFound
from app.fair import (
    applications,
    booths,
    chat,
    conversations,
    fairs,
    lobby,
    postings,
    presence,
    queues,
    seekers,
)
from app.fair.labels import fair_label, script_strings
from app.fair.models import (
    ApplicationStatus,
)
from app.fair.schedule import Phase, days_of, hours_of, phase_of, zone
from app.uploads import RESUME_MAX_BYTES
from app.web import form, identity_of, redirect, render, render_invalid, safe_next, text_field

# The applicant's own errors on the job page that the page explains with a next step.
APPLY_ERRORS = (*FORM_ERRORS, NotAllowed)


def _id(request: Request, name: str) -> int:
    raw = request.path_params[name]
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise NotFound("This page does not exist.")
    return int(raw)


def _uow(request: Request) -> AbstractAsyncContextManager[UnitOfWork]:
    app = app_context(request)
    return unit_of_work(app.db, app.broker)


def local(moment: datetime, tz: str) -> datetime:
    """A stored UTC moment on the fair's wall clock."""
    return moment.astimezone(zone(tz))


def _page(template_context: dict[str, Any]) -> dict[str, Any]:
    """What every page of this module gets: labels, time helpers, the script strings."""
    return {
        "fair_label": fair_label,
        "local": local,
        "fair_strings": script_strings(),
        "Phase": Phase,
        **template_context,
    }


def _is_seeker(identity: Identity | None) -> TypeGuard[Identity]:
    return identity is not None and identity.role == Role.SEEKER


def _show(
    request: Request, template: str, context: dict[str, Any], error: AppError | None = None
) -> Response:
    if error is None:
        return render(request, template, _page(context))
    return render_invalid(request, template, _page(context), error)


# -- fairs ------------------------------------------------------------------------------


async def fairs_page(request: Request) -> Response:
    await identity_of(request)
    now = utcnow()
    async with _uow(request) as uow:
        shown = await fairs.public_fairs(uow.session, now)
    return _show(request, "fair/fairs.html", {"cards": [(f, phase_of(f, now)) for f in shown]})


async def _fair_context(
    session: AsyncSession, identity: Identity | None, fair_id: int
) -> dict[str, Any]:
    fair = await fairs.visible_fair(session, identity, fair_id)
    registered = _is_seeker(identity) and await fairs.is_registered(session, fair_id, identity.id)
    return {
        "fair": fair,
        "phase": phase_of(fair, utcnow()),
        "days": days_of(fair),
        "exhibitors": await fairs.exhibitors(session, fair_id),
        "registered": registered,
        "full": fair.seeker_capacity is not None and fair.registered_count >= fair.seeker_capacity,
    }


async def _show_fair(request: Request, fair_id: int, error: AppError | None = None) -> Response:
    identity = await identity_of(request)
    async with _uow(request) as uow:
        context = await _fair_context(uow.session, identity, fair_id)
    return _show(request, "fair/fair.html", context, error)


async def fair_page(request: Request) -> Response:
    return await _show_fair(request, _id(request, "fair_id"))


async def fair_register(request: Request) -> Response:
    identity = seekers.require_seeker(await identity_of(request))
    fair_id = _id(request, "fair_id")
    target = safe_next(text_field(await form(request), "next"), f"/fairs/{fair_id}")
    async with _uow(request) as uow:
        try:
            await fairs.register(uow.session, identity=identity, fair_id=fair_id)
        except FORM_ERRORS as exc:
            error: AppError | None = exc
        else:
            error = None
            await uow.commit()
    if error is None:
        return redirect(target)
    return await _show_fair(request, fair_id, error)


async def lobby_page(request: Request) -> Response:
    identity = await identity_of(request)
    fair_id = _id(request, "fair_id")
    filters = lobby.parse_filters(dict(request.query_params))
    async with _uow(request) as uow:
        fair = await fairs.visible_fair(uow.session, identity, fair_id)
        found = await lobby.lobby(uow.session, fair_id, filters, today=utcnow().date())
        marks = await _marks(uow.session, identity)
    counts = await presence.counts_of(app_context(request).broker, fair_id)
    context = {
        "fair": fair,
        "phase": phase_of(fair, utcnow()),
        "filters": filters,
        "lobby": found,
        "counts": counts,
        "marks": marks,
        "education_levels": seekers.EDUCATION_LEVELS,
    }
    return _show(request, "fair/lobby.html", context)


async def _marks(session: AsyncSession, identity: Identity | None) -> set[tuple[str, int]]:
    if not _is_seeker(identity):
        return set()
    return await seekers.bookmarks_of(session, identity.id)


async def booth_page(request: Request) -> Response:
    identity = await identity_of(request)
    fair_id, booth_id = _id(request, "fair_id"), _id(request, "booth_id")
    now = utcnow()
    async with _uow(request) as uow:
        session = uow.session
        booth, fair, org = await booths.public_booth(session, booth_id)
        if booth.fair_id != fair_id:
            raise NotFound("No such booth.")
        assert org.id is not None
        context: dict[str, Any] = {
            "fair": fair,
            "booth": booth,
            "org": org,
            "hours": hours_of(fair, booth),
            "jobs": await booths.booth_postings(session, booth, today=now.date()),
            "stats": await booths.response_stats(session, org.id, today=now.date()),
            "facts": await queues.line_facts(session, booth, fair, now),
            "marks": await _marks(session, identity),
            "applied": {},
            "shared": False,
            "chat_room_name": f"booth:{booth.id}",
            "chat_access": await _chat_access(session, identity, f"booth:{booth.id}"),
        }
        if _is_seeker(identity):
            context["applied"] = await applications.applied_posting_ids(session, identity.id)
            context["shared"] = any(
                share.org_id == org.id and share.revoked_at is None
                for share, _ in await seekers.shares_of(session, identity)
            )
    context["counts"] = await presence.counts_of(app_context(request).broker, fair_id)
    return _show(request, "fair/booth.html", context)


async def _chat_access(
    session: AsyncSession, identity: Identity | None, room: str
) -> chat.Access | None:
    """Whether the viewer may read and write the booth's chat (None: may not read it)."""
    if identity is None:
        return None
    try:
        return await chat.access(session, identity, room)
    except NotFound:
        return None


# -- a job at a fair ------------------------------------------------------------------


async def _show_job(
    request: Request,
    fair_id: int,
    posting_id: int,
    error: AppError | None = None,
    note: str = "",
) -> Response:
    identity = await identity_of(request)
    async with _uow(request) as uow:
        session = uow.session
        fair = await fairs.visible_fair(session, identity, fair_id)
        job = await postings.public_posting(session, posting_id=posting_id)
        booth = await booths.booth_showing(
            session,
            fair_id,
            org_id=job.org.id or 0,
            posting_id=job.posting.id or 0,
            today=utcnow().date(),
        )
        context: dict[str, Any] = {
            "fair": fair,
            "phase": phase_of(fair, utcnow()),
            "job": job,
            "booth": booth,
            "marks": await _marks(session, identity),
            "registered": False,
            "application_id": None,
            "values": {"note": note},
        }
        if _is_seeker(identity):
            context["registered"] = await fairs.is_registered(session, fair_id, identity.id)
            applied = await applications.applied_posting_ids(session, identity.id)
            context["application_id"] = applied.get(posting_id)
    return _show(request, "fair/fair_job.html", context, error)


async def fair_job_page(request: Request) -> Response:
    return await _show_job(request, _id(request, "fair_id"), _id(request, "posting_id"))


async def fair_job_apply(request: Request) -> Response:
    identity = seekers.require_seeker(await identity_of(request))
    fair_id, posting_id = _id(request, "fair_id"), _id(request, "posting_id")
    note = text_field(await form(request), "note", max_length=applications.NOTE_LIMIT + 100)
    async with _uow(request) as uow:
        try:
            application = await applications.apply(
                uow.session, identity=identity, posting_id=posting_id, fair_id=fair_id, note=note
            )
        except APPLY_ERRORS as exc:
            error: AppError | None = exc
        else:
            error = None
            await uow.commit()
    if error is None:
        return redirect(f"/applications/{application.id}")
    return await _show_job(request, fair_id, posting_id, error, note)


# -- bookmarks and sharing ------------------------------------------------------------------


async def bookmark_toggle(request: Request) -> Response:
    identity = seekers.require_seeker(await identity_of(request))
    data = await form(request)
    raw = text_field(data, "target_id", max_length=12)
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise Invalid("Unknown bookmark kind.")
    async with _uow(request) as uow:
        await seekers.toggle_bookmark(
            uow.session, identity=identity, kind=text_field(data, "kind"), target_id=int(raw)
        )
        await uow.commit()
    return redirect(safe_next(text_field(data, "next"), "/me"))


async def share_create(request: Request) -> Response:
    identity = seekers.require_seeker(await identity_of(request))
    data = await form(request)
    raw = text_field(data, "org_id", max_length=12)
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise NotFound("No such organization.")
    async with _uow(request) as uow:
        await seekers.share_explicitly(uow.session, identity=identity, org_id=int(raw))
        await uow.commit()
    return redirect(safe_next(text_field(data, "next"), "/me#shares"))


async def share_revoke(request: Request) -> Response:
    identity = seekers.require_seeker(await identity_of(request))
    org_id = _id(request, "org_id")
    async with _uow(request) as uow:
        await seekers.revoke_share(uow.session, identity=identity, org_id=org_id)
        await uow.commit()
    return redirect("/me#shares")


# -- the seeker's own pages ---------------------------------------------------------------


async def me_page(request: Request) -> Response:
    identity = seekers.require_seeker(await identity_of(request))
    async with _uow(request) as uow:
        session = uow.session
        context = {
            "applications": await applications.seeker_applications(session, identity),
            "tickets": await queues.seeker_tickets(session, identity),
            "bookmarks": await seekers.bookmark_items(session, identity.id),
            "conversations": await conversations.conversations_of(session, identity),
            "shares": await seekers.shares_of(session, identity),
            "profile_complete": seekers.profile_complete(
                await seekers.profile_of(session, identity.id)
            ),
        }
    return _show(request, "fair/me.html", context)


PROFILE_FIELDS = (
    *seekers.PROFILE_TEXT,
    "origin_province",
    "education",
    "experience_years",
    "desired_salary",
)


def _profile_values(profile: Any) -> dict[str, str]:
    return {
        name: "" if getattr(profile, name) is None else str(getattr(profile, name))
        for name in PROFILE_FIELDS
    }


async def _show_profile(
    request: Request, error: AppError | None = None, values: dict[str, str] | None = None
) -> Response:
    identity = seekers.require_seeker(await identity_of(request))
    async with _uow(request) as uow:
        profile = await seekers.profile_of(uow.session, identity.id)
    context = {
        "profile": profile,
        "values": values if values is not None else _profile_values(profile),
        "provinces": seekers.PROVINCES,
        "education_levels": seekers.EDUCATION_LEVELS,
        "resume_max_mb": RESUME_MAX_BYTES // (1024 * 1024),
        "saved": request.query_params.get("saved"),
    }
    return _show(request, "fair/profile.html", context, error)


async def profile_page(request: Request) -> Response:
    return await _show_profile(request)


async def profile_save(request: Request) -> Response:
    identity = seekers.require_seeker(await identity_of(request))
    data = await form(request)
    values = {name: text_field(data, name, max_length=2100) for name in PROFILE_FIELDS}
    async with _uow(request) as uow:
        try:
            await seekers.update_profile(uow.session, identity=identity, values=values)
        except FORM_ERRORS as exc:
            error: AppError | None = exc
        else:
            error = None
            await uow.commit()
    if error is None:
        return redirect("/profile?saved=profile")
    return await _show_profile(request, error, values)


async def resume_upload(request: Request) -> Response:
    identity = seekers.require_seeker(await identity_of(request))
    upload_dir = app_context(request).settings.upload_dir
    async with request.form(max_files=1, max_fields=10) as data:
        upload = data.get("resume")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await _show_profile(request, Invalid("Choose a PDF file.", field="resume"))
        # One byte over the limit is enough for the size check to refuse it.
        content = await upload.read(RESUME_MAX_BYTES + 1)
        filename = upload.filename
    async with _uow(request) as uow:
        try:
            # Stores a file of at most 5 MB; quick enough to do on the event loop.
            await seekers.upload_resume(
                uow.session,
                identity=identity,
                upload_dir=upload_dir,
                data=content,
                filename=filename,
            )
        except FORM_ERRORS as exc:
            error: AppError | None = exc
        else:
            error = None
            await uow.commit()
    if error is None:
        return redirect("/profile?saved=resume")
    return await _show_profile(request, error)


async def resume_delete(request: Request) -> Response:
    identity = seekers.require_seeker(await identity_of(request))
    async with _uow(request) as uow:
        await seekers.remove_resume(
            uow.session, identity=identity, upload_dir=app_context(request).settings.upload_dir
        )
        await uow.commit()
    return redirect("/profile?saved=resume_deleted")


async def resume_download(request: Request) -> Response:
    identity = seekers.require_seeker(await identity_of(request))
    async with _uow(request) as uow:
        path, name = await seekers.own_resume(
            uow.session, identity=identity, upload_dir=app_context(request).settings.upload_dir
        )
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=name,
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )


# -- applications ----------------------------------------------------------------------------


async def _show_application(
    request: Request, application_id: int, error: AppError | None = None
) -> Response:
    identity = await identity_of(request)
    async with _uow(request) as uow:
        detail = await applications.application_detail(uow.session, identity, application_id)
        fair_id = detail.row.application.fair_id
        fair = await fairs.fair_by_id(uow.session, fair_id) if fair_id is not None else None
    context = {
        "detail": detail,
        "application": detail.row.application,
        "fair": fair,
        "tz": fair.timezone if fair else "",
        "mine": identity is not None and identity.id == detail.row.application.seeker_id,
        "closed": detail.row.application.status
        in (*applications.DECIDED, ApplicationStatus.WITHDRAWN),
    }
    return _show(request, "fair/application.html", context, error)


async def application_page(request: Request) -> Response:
    require_role(await identity_of(request), Role.SEEKER, Role.EMPLOYER)
    return await _show_application(request, _id(request, "application_id"))


ApplicationAction = Callable[[AsyncSession, Identity, int], Awaitable[object]]


async def _application_action(
    request: Request, identity: Identity, action: ApplicationAction
) -> Response:
    application_id = _id(request, "application_id")
    async with _uow(request) as uow:
        try:
            await action(uow.session, identity, application_id)
        except FORM_ERRORS as exc:
            error: AppError | None = exc
        else:
            error = None
            await uow.commit()
    if error is None:
        return redirect(f"/applications/{application_id}")
    return await _show_application(request, application_id, error)


async def application_withdraw(request: Request) -> Response:
    identity = seekers.require_seeker(await identity_of(request))

    async def action(session: AsyncSession, who: Identity, application_id: int) -> object:
        return await applications.withdraw(session, identity=who, application_id=application_id)

    return await _application_action(request, identity, action)


async def application_conversation(request: Request) -> Response:
    """Write to the employer about an application, or (staff) invite the applicant."""
    identity = require_role(await identity_of(request), Role.SEEKER, Role.EMPLOYER)
    application_id = _id(request, "application_id")
    async with _uow(request) as uow:
        conversation = await conversations.open_for_application(
            uow.session, identity=identity, application_id=application_id
        )
        await uow.commit()
    return redirect(f"/conversations/{conversation.id}")


async def application_status(request: Request) -> Response:
    identity = require_role(await identity_of(request), Role.EMPLOYER)
    data = await form(request)

    async def action(session: AsyncSession, who: Identity, application_id: int) -> object:
        return await applications.set_status(
            session,
            identity=who,
            application_id=application_id,
            status=text_field(data, "status", max_length=20),
            note=text_field(data, "note", max_length=applications.NOTE_LIMIT + 100),
        )

    return await _application_action(request, identity, action)


async def application_due(request: Request) -> Response:
    identity = require_role(await identity_of(request), Role.EMPLOYER)
    raw = text_field(await form(request), "decision_due", max_length=20).strip()

    async def action(session: AsyncSession, who: Identity, application_id: int) -> object:
        try:
            due = date.fromisoformat(raw)
        except ValueError:
            raise Invalid("Enter a date.", field="decision_due") from None
        return await applications.set_decision_due(
            session, identity=who, application_id=application_id, due=due
        )

    return await _application_action(request, identity, action)


routes = [
    Route("/fairs", fairs_page, methods=["GET"], name="fairs"),
    Route("/fairs/{fair_id}", fair_page, methods=["GET"], name="fair"),
    Route("/fairs/{fair_id}/register", fair_register, methods=["POST"], name="fair_register"),
    Route("/fairs/{fair_id}/lobby", lobby_page, methods=["GET"], name="fair_lobby"),
    Route("/fairs/{fair_id}/booths/{booth_id}", booth_page, methods=["GET"], name="fair_booth"),
    Route("/fairs/{fair_id}/jobs/{posting_id}", fair_job_page, methods=["GET"], name="fair_job"),
    Route(
        "/fairs/{fair_id}/jobs/{posting_id}/apply",
        fair_job_apply,
        methods=["POST"],
        name="fair_job_apply",
    ),
    Route("/bookmarks", bookmark_toggle, methods=["POST"], name="bookmarks"),
    Route("/shares", share_create, methods=["POST"], name="shares"),
    Route("/shares/{org_id}/revoke", share_revoke, methods=["POST"], name="share_revoke"),
    Route("/me", me_page, methods=["GET"], name="me"),
    Route("/profile", profile_page, methods=["GET"], name="profile"),
    Route("/profile", profile_save, methods=["POST"]),
    Route("/profile/resume", resume_download, methods=["GET"], name="resume"),
    Route("/profile/resume", resume_upload, methods=["POST"]),
    Route("/profile/resume/delete", resume_delete, methods=["POST"], name="resume_delete"),
    Route("/applications/{application_id}", application_page, methods=["GET"], name="application"),
    Route(
        "/applications/{application_id}/withdraw",
        application_withdraw,
        methods=["POST"],
        name="application_withdraw",
    ),
    Route(
        "/applications/{application_id}/conversation",
        application_conversation,
        methods=["POST"],
        name="application_conversation",
    ),
    Route(
        "/applications/{application_id}/status",
        application_status,
        methods=["POST"],
        name="application_status",
    ),
    Route(
        "/applications/{application_id}/due",
        application_due,
        methods=["POST"],
        name="application_due",
    ),
]
