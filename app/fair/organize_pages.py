"""The organizer's fair admin: create, edit, publish, banner, exhibitors."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.auth.identity import Identity
from app.context import app_context
from app.db import unit_of_work, utcnow
from app.errors import FORM_ERRORS, AppError
from app.fair import fairs
from app.fair.console_labels import local_input
from app.fair.console_web import (
    EXHIBITOR_STATUSES,
    FAIR_FIELDS,
    FormAction,
    digits,
    page,
    path_id,
    replace_image,
)
from app.fair.models import Audience, Fair
from app.fair.schedule import ZONES, phase_of
from app.uploads import ImageKind
from app.web import form, identity_of, redirect, text_field

# -- the organizer -------------------------------------------------------------------


async def organize_list(request: Request) -> Response:
    identity = fairs.require_organizer(await identity_of(request))
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        rows = await fairs.organizer_fairs(uow.session, identity)
        counts = await fairs.booth_counts(uow.session, [f.id for f in rows if f.id is not None])
    now = utcnow()
    items = [(f, phase_of(f, now), counts.get(f.id or 0, {})) for f in rows]
    return page(request, "organize.html", {"items": items})


def _fair_values(fair: Fair) -> dict[str, str]:
    values = {
        name: "" if getattr(fair, name) is None else str(getattr(fair, name))
        for name in FAIR_FIELDS
    }
    values["starts_at"] = local_input(fair.starts_at, fair.timezone)
    values["ends_at"] = local_input(fair.ends_at, fair.timezone)
    return values


def _fair_form(
    request: Request, values: dict[str, str], fair_id: int | None, error: AppError | None = None
) -> Response:
    context = {"values": values, "fair_id": fair_id, "zones": ZONES, "audiences": list(Audience)}
    return page(request, "organize_form.html", context, error)


async def organize_new_page(request: Request) -> Response:
    fairs.require_organizer(await identity_of(request))
    defaults = {"timezone": ZONES[0], "daily_open": "09:00", "daily_close": "17:00"}
    return _fair_form(request, defaults | {"audience": Audience.GENERAL}, None)


async def organize_edit_page(request: Request) -> Response:
    identity = fairs.require_organizer(await identity_of(request))
    fair_id = path_id(request, "fair_id", "No such fair.")
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        fair = await fairs.own_fair(uow.session, identity, fair_id)
    return _fair_form(request, _fair_values(fair), fair_id)


async def _save_fair(request: Request, fair_id: int | None) -> Response:
    identity = fairs.require_organizer(await identity_of(request))
    data = await form(request)
    values = {name: text_field(data, name, max_length=6000) for name in FAIR_FIELDS}
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        try:
            fields = fairs.clean_fair(values)
            if fair_id is None:
                fair = await fairs.create_fair(uow.session, identity=identity, fields=fields)
            else:
                fair = await fairs.update_fair(
                    uow.session, identity=identity, fair_id=fair_id, fields=fields
                )
        except FORM_ERRORS as exc:
            return _fair_form(request, values, fair_id, exc)
        await uow.commit()
    return redirect(f"/organize/{fair.id}")


async def organize_create(request: Request) -> Response:
    return await _save_fair(request, None)


async def organize_update(request: Request) -> Response:
    fairs.require_organizer(await identity_of(request))
    return await _save_fair(request, path_id(request, "fair_id", "No such fair."))


async def _admin_page(
    request: Request, identity: Identity, fair_id: int, error: AppError | None = None
) -> Response:
    org_q = request.query_params.get("org_q")
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        fair = await fairs.own_fair(uow.session, identity, fair_id)
        found = await fairs.exhibitors(uow.session, fair_id, statuses=EXHIBITOR_STATUSES)
        invitable = (
            await fairs.invitable_orgs(uow.session, fair_id, org_q) if org_q is not None else None
        )
    groups: dict[str, list[fairs.Exhibitor]] = {status: [] for status in EXHIBITOR_STATUSES}
    for exhibitor in found:
        groups[exhibitor.booth.status].append(exhibitor)
    context = {
        "fair": fair,
        "phase": phase_of(fair, utcnow()),
        "groups": groups,
        "org_q": org_q,
        "invitable": invitable,
    }
    return page(request, "organize_fair.html", context, error)


async def organize_fair(request: Request) -> Response:
    identity = fairs.require_organizer(await identity_of(request))
    return await _admin_page(request, identity, path_id(request, "fair_id", "No such fair."))


async def _fair_action(request: Request, action: FormAction) -> Response:
    """Run one organizer action on the fair in the path; a refusal shows the admin page."""
    identity = fairs.require_organizer(await identity_of(request))
    fair_id = path_id(request, "fair_id", "No such fair.")
    data = await form(request)
    app = app_context(request)
    error: AppError | None = None
    async with unit_of_work(app.db, app.broker) as uow:
        try:
            await action(uow.session, identity, fair_id, data)
            await uow.commit()
        except FORM_ERRORS as exc:
            error = exc
    if error is not None:
        return await _admin_page(request, identity, fair_id, error)
    return redirect(f"/organize/{fair_id}")


async def organize_publish(request: Request) -> Response:
    async def action(s: AsyncSession, who: Identity, fair_id: int, _: FormData) -> object:
        return await fairs.publish(s, identity=who, fair_id=fair_id)

    return await _fair_action(request, action)


async def organize_cancel(request: Request) -> Response:
    async def action(s: AsyncSession, who: Identity, fair_id: int, _: FormData) -> object:
        return await fairs.cancel(s, identity=who, fair_id=fair_id)

    return await _fair_action(request, action)


async def organize_decide(request: Request) -> Response:
    booth_id = request.path_params["booth_id"]

    async def action(s: AsyncSession, who: Identity, fair_id: int, data: FormData) -> object:
        return await fairs.decide_application(
            s,
            identity=who,
            fair_id=fair_id,
            booth_id=digits(booth_id, "No such exhibitor."),
            accept=text_field(data, "accept") == "1",
        )

    return await _fair_action(request, action)


async def organize_free(request: Request) -> Response:
    booth_id = request.path_params["booth_id"]

    async def action(s: AsyncSession, who: Identity, fair_id: int, data: FormData) -> object:
        return await fairs.set_free(
            s,
            identity=who,
            fair_id=fair_id,
            booth_id=digits(booth_id, "No such exhibitor."),
            free=text_field(data, "free") == "1",
        )

    return await _fair_action(request, action)


async def organize_invite(request: Request) -> Response:
    async def action(s: AsyncSession, who: Identity, fair_id: int, data: FormData) -> object:
        org_id = digits(text_field(data, "org_id"), "No such organization.")
        return await fairs.invite_org(s, identity=who, fair_id=fair_id, org_id=org_id)

    return await _fair_action(request, action)


async def organize_banner(request: Request) -> Response:
    identity = fairs.require_organizer(await identity_of(request))
    fair_id = path_id(request, "fair_id", "No such fair.")

    async def current(session: AsyncSession) -> str:
        return (await fairs.own_fair(session, identity, fair_id)).banner

    async def save(session: AsyncSession, key: str) -> object:
        return await fairs.set_banner(session, identity=identity, fair_id=fair_id, key=key)

    error = await replace_image(request, "banner", ImageKind.BANNER, current, save)
    if error is not None:
        return await _admin_page(request, identity, fair_id, error)
    return redirect(f"/organize/{fair_id}")


routes = [
    Route("/organize", organize_list, methods=["GET"], name="organize"),
    Route("/organize/new", organize_new_page, methods=["GET"], name="organize_new"),
    Route("/organize/new", organize_create, methods=["POST"]),
    Route("/organize/{fair_id}", organize_fair, methods=["GET"], name="organize_fair"),
    Route("/organize/{fair_id}/edit", organize_edit_page, methods=["GET"], name="organize_edit"),
    Route("/organize/{fair_id}/edit", organize_update, methods=["POST"]),
    Route("/organize/{fair_id}/publish", organize_publish, methods=["POST"]),
    Route("/organize/{fair_id}/cancel", organize_cancel, methods=["POST"]),
    Route("/organize/{fair_id}/banner", organize_banner, methods=["POST"]),
    Route("/organize/{fair_id}/invite", organize_invite, methods=["POST"]),
    Route("/organize/{fair_id}/booths/{booth_id}/decide", organize_decide, methods=["POST"]),
    Route("/organize/{fair_id}/booths/{booth_id}/free", organize_free, methods=["POST"]),
]
