"""The organizer's fair admin, the employer's booths and console, and conversations.

Every handler checks who is asking before it reads the path or the form, so a stranger
gets "not allowed" rather than a validation message. Business rules stay in the services;
the few read-only lookups the services lack (booth counts per fair, names of the visitors
at a booth) are the helpers at the top.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from app.auth import repository as accounts
from app.auth.identity import Identity, require_org_member, require_role
from app.auth.models import Role
from app.broker import Broker
from app.context import app_context
from app.db import after_commit, unit_of_work, utcnow
from app.errors import FORM_ERRORS, AppError, Invalid, NotFound
from app.fair import applications, booths, conversations, fairs, postings, presence, queues, seekers
from app.fair.console_labels import HELPERS, local_input
from app.fair.models import Audience, Booth, BoothStatus, ConversationStatus, Fair, Outcome
from app.fair.schedule import DEFAULT_ZONE, ZONES, phase_of
from app.uploads import IMAGE_MAX_BYTES, ImageKind, delete_image, store_image
from app.web import form, identity_of, redirect, render, text_field

FAIR_FIELDS = (
    "title",
    "description",
    "starts_at",
    "ends_at",
    "timezone",
    "daily_open",
    "daily_close",
    "district",
    "industry",
    "audience",
    "seeker_capacity",
    "booth_cap",
)
BOOTH_FIELDS = ("intro", "video_url", "hours_open", "hours_close", "follow_up_by")
EXHIBITOR_STATUSES = (
    BoothStatus.APPLIED,
    BoothStatus.INVITED,
    BoothStatus.ACCEPTED,
    BoothStatus.DECLINED,
)
RESUME_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}

FormAction = Callable[[AsyncSession, Identity, int, FormData], Awaitable[object]]


def _page(
    request: Request,
    template: str,
    context: dict[str, Any],
    error: AppError | None = None,
) -> Response:
    return render(
        request,
        f"fair/{template}",
        {**HELPERS, **context, "error": error},
        status=error.status if error else 200,
    )


def _digits(raw: object, message: str) -> int:
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise NotFound(message)
    return int(raw)


def _path_id(request: Request, name: str, message: str) -> int:
    return _digits(request.path_params[name], message)


async def _image(request: Request, name: str) -> bytes:
    """The uploaded file's bytes, read no further than one byte past the image limit."""
    async with request.form(max_files=1, max_fields=10) as data:
        upload = data.get(name)
        if not isinstance(upload, UploadFile):
            raise Invalid("Choose a file.", field=name)
        return await upload.read(IMAGE_MAX_BYTES + 1)


async def _replace_image(
    request: Request,
    name: str,
    kind: ImageKind,
    current: Callable[[AsyncSession], Awaitable[str]],
    save: Callable[[AsyncSession, str], Awaitable[object]],
) -> Invalid | None:
    """Store the uploaded image and save its key; the image it replaces is deleted once
    the change is committed. ``current`` (the key in use) also checks who may upload, and
    runs before the upload is decoded. Returns the reason a file was refused."""
    app = app_context(request)
    upload_dir = app.settings.upload_dir
    async with unit_of_work(app.db, app.broker) as uow:
        await current(uow.session)
    try:
        data = await _image(request, name)
        key = await run_in_threadpool(store_image, upload_dir, data, kind)
    except Invalid as exc:
        return exc
    async with unit_of_work(app.db, app.broker) as uow:
        try:
            old = await current(uow.session)
            await save(uow.session, key)
            if old:
                after_commit(uow.session, lambda: delete_image(upload_dir, old))
            await uow.commit()
        except BaseException:
            delete_image(upload_dir, key)  # nothing points at it
            raise
    return None


# -- the organizer -------------------------------------------------------------------


async def organize_list(request: Request) -> Response:
    identity = fairs.require_organizer(await identity_of(request))
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        rows = await fairs.organizer_fairs(uow.session, identity)
        counts = await fairs.booth_counts(uow.session, [f.id for f in rows if f.id is not None])
    now = utcnow()
    items = [(f, phase_of(f, now), counts.get(f.id or 0, {})) for f in rows]
    return _page(request, "organize.html", {"items": items})


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
    return _page(request, "organize_form.html", context, error)


async def organize_new_page(request: Request) -> Response:
    fairs.require_organizer(await identity_of(request))
    defaults = {"timezone": ZONES[0], "daily_open": "09:00", "daily_close": "17:00"}
    return _fair_form(request, defaults | {"audience": Audience.GENERAL}, None)


async def organize_edit_page(request: Request) -> Response:
    identity = fairs.require_organizer(await identity_of(request))
    fair_id = _path_id(request, "fair_id", "No such fair.")
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
    return await _save_fair(request, _path_id(request, "fair_id", "No such fair."))


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
    return _page(request, "organize_fair.html", context, error)


async def organize_fair(request: Request) -> Response:
    identity = fairs.require_organizer(await identity_of(request))
    return await _admin_page(request, identity, _path_id(request, "fair_id", "No such fair."))


async def _fair_action(request: Request, action: FormAction) -> Response:
    """Run one organizer action on the fair in the path; a refusal shows the admin page."""
    identity = fairs.require_organizer(await identity_of(request))
    fair_id = _path_id(request, "fair_id", "No such fair.")
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
            booth_id=_digits(booth_id, "No such exhibitor."),
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
            booth_id=_digits(booth_id, "No such exhibitor."),
            free=text_field(data, "free") == "1",
        )

    return await _fair_action(request, action)


async def organize_invite(request: Request) -> Response:
    async def action(s: AsyncSession, who: Identity, fair_id: int, data: FormData) -> object:
        org_id = _digits(text_field(data, "org_id"), "No such organization.")
        return await fairs.invite_org(s, identity=who, fair_id=fair_id, org_id=org_id)

    return await _fair_action(request, action)


async def organize_banner(request: Request) -> Response:
    identity = fairs.require_organizer(await identity_of(request))
    fair_id = _path_id(request, "fair_id", "No such fair.")

    async def current(session: AsyncSession) -> str:
        return (await fairs.own_fair(session, identity, fair_id)).banner

    async def save(session: AsyncSession, key: str) -> object:
        return await fairs.set_banner(session, identity=identity, fair_id=fair_id, key=key)

    error = await _replace_image(request, "banner", ImageKind.BANNER, current, save)
    if error is not None:
        return await _admin_page(request, identity, fair_id, error)
    return redirect(f"/organize/{fair_id}")


# -- the exhibitor ---------------------------------------------------------------------


async def _exhibit_page(
    request: Request, identity: Identity, error: AppError | None = None
) -> Response:
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        own = await booths.org_booths(uow.session, identity)
        open_fairs = await fairs.fairs_for_org(uow.session, identity)
    now = utcnow()
    context = {
        "own": [(b, f, phase_of(f, now)) for b, f in own],
        "open_fairs": [(item, phase_of(item.fair, now)) for item in open_fairs],
        "is_admin": identity.is_org_admin,
    }
    return _page(request, "exhibit.html", context, error)


async def exhibit(request: Request) -> Response:
    identity, _ = require_org_member(await identity_of(request))
    return await _exhibit_page(request, identity)


async def _org_action(request: Request, action: FormAction) -> Response:
    """Run one action of the organization on the fair named in the form."""
    identity, _ = require_org_member(await identity_of(request))
    data = await form(request)
    fair_id = _digits(text_field(data, "fair_id"), "No such fair.")
    app = app_context(request)
    error: AppError | None = None
    async with unit_of_work(app.db, app.broker) as uow:
        try:
            await action(uow.session, identity, fair_id, data)
            await uow.commit()
        except FORM_ERRORS as exc:
            error = exc
    if error is not None:
        return await _exhibit_page(request, identity, error)
    return redirect("/booths")


async def exhibit_apply(request: Request) -> Response:
    async def action(s: AsyncSession, who: Identity, fair_id: int, data: FormData) -> object:
        free = text_field(data, "free") == "1"
        return await fairs.apply_to_exhibit(s, identity=who, fair_id=fair_id, free=free)

    return await _org_action(request, action)


async def exhibit_answer(request: Request) -> Response:
    async def action(s: AsyncSession, who: Identity, fair_id: int, data: FormData) -> object:
        accept = text_field(data, "accept") == "1"
        return await fairs.answer_invitation(s, identity=who, fair_id=fair_id, accept=accept)

    return await _org_action(request, action)


async def exhibit_withdraw(request: Request) -> Response:
    async def action(s: AsyncSession, who: Identity, fair_id: int, _: FormData) -> object:
        return await fairs.withdraw_booth(s, identity=who, fair_id=fair_id)

    return await _org_action(request, action)


async def _booth_form(
    request: Request,
    identity: Identity,
    booth_id: int,
    values: dict[str, str] | None = None,
    chosen: set[int] | None = None,
    error: AppError | None = None,
) -> Response:
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        booth = await booths.staff_booth(uow.session, identity, booth_id)
        fair = await fairs.fair_by_id(uow.session, booth.fair_id)
        own = await postings.list_own(uow.session, identity=identity)
        if chosen is None:
            chosen = await booths.chosen_posting_ids(uow.session, booth_id)
    if values is None:
        values = {name: str(getattr(booth, name) or "") for name in BOOTH_FIELDS}
    context = {
        "booth": booth,
        "fair": fair,
        "own_postings": own,
        "chosen": chosen,
        "values": values,
        "saved": request.query_params.get("saved") == "1",
    }
    return _page(request, "booth_edit.html", context, error)


async def booth_edit_page(request: Request) -> Response:
    identity, _ = require_org_member(await identity_of(request))
    return await _booth_form(request, identity, _path_id(request, "booth_id", "No such booth."))


async def booth_update(request: Request) -> Response:
    identity, _ = require_org_member(await identity_of(request))
    booth_id = _path_id(request, "booth_id", "No such booth.")
    data = await form(request)
    values = {name: text_field(data, name, max_length=4000) for name in BOOTH_FIELDS}
    raw_ids = [raw for raw in data.getlist("postings") if isinstance(raw, str)]
    chosen = {int(raw) for raw in raw_ids if raw.isascii() and raw.isdigit() and len(raw) < 10}
    app = app_context(request)
    error: AppError | None = None
    if len(chosen) != len(set(raw_ids)):
        error = Invalid("Choose postings of your own organization.", field="postings")
    else:
        async with unit_of_work(app.db, app.broker) as uow:
            try:
                await booths.update_booth(
                    uow.session,
                    identity=identity,
                    booth_id=booth_id,
                    values=values,
                    posting_ids=sorted(chosen),
                )
                await uow.commit()
            except FORM_ERRORS as exc:
                error = exc
    if error is not None:
        return await _booth_form(request, identity, booth_id, values, chosen, error)
    return redirect(f"/booths/{booth_id}/edit?saved=1")


async def booth_logo(request: Request) -> Response:
    identity, _ = require_org_member(await identity_of(request))
    booth_id = _path_id(request, "booth_id", "No such booth.")

    async def current(session: AsyncSession) -> str:
        return (await booths.staff_booth(session, identity, booth_id)).logo

    async def save(session: AsyncSession, key: str) -> object:
        return await booths.set_logo(session, identity=identity, booth_id=booth_id, key=key)

    error = await _replace_image(request, "logo", ImageKind.LOGO, current, save)
    if error is not None:
        return await _booth_form(request, identity, booth_id, error=error)
    return redirect(f"/booths/{booth_id}/edit?saved=1")


# -- the booth console -----------------------------------------------------------------


async def _line_context(
    session: AsyncSession, broker: Broker, identity: Identity, booth: Booth, fair: Fair
) -> dict[str, Any]:
    """What the live part of the console shows; re-fetched whenever the line changes."""
    assert booth.id is not None
    assert fair.id is not None
    entries, follow_ups = await queues.console_line(
        session, broker, identity=identity, booth_id=booth.id
    )
    mine = [
        row
        for row in await conversations.conversations_of(session, identity)
        if row.conversation.status == ConversationStatus.OPEN
        and row.conversation.staff_id == identity.id
    ]
    counts = await presence.counts_of(broker, fair.id)
    return {
        "booth": booth,
        "fair": fair,
        "facts": await queues.line_facts(session, booth, fair, utcnow()),
        "entries": entries,
        "follow_ups": follow_ups,
        "staff": await booths.staff_on_duty(session, booth.id),
        "visitor_count": counts.booths.get(booth.id, 0),
        "fair_count": counts.fair,
        "visitors": await presence.visitors_at(session, broker, fair.id, booth.id),
        "my_conversations": mine,
    }


async def console_page(request: Request) -> Response:
    identity, _ = require_org_member(await identity_of(request))
    booth_id = _path_id(request, "booth_id", "No such booth.")
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        booth = await booths.staff_booth(uow.session, identity, booth_id)
        fair = await fairs.fair_by_id(uow.session, booth.fair_id)
        line = await _line_context(uow.session, app.broker, identity, booth, fair)
        context = line | {
            "org": await accounts.org_by_id(uow.session, booth.org_id),
            "phase": phase_of(fair, utcnow()),
            "on_duty": await booths.is_on_duty(uow.session, booth_id, identity.id),
            "applications": await applications.org_applications(
                uow.session, identity, fair_id=booth.fair_id
            ),
            "closed": request.query_params.get("closed"),
        }
    return _page(request, "console.html", context)


async def console_line(request: Request) -> Response:
    """The live part of the console as an HTML fragment, for console.js."""
    identity, _ = require_org_member(await identity_of(request))
    booth_id = _path_id(request, "booth_id", "No such booth.")
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        booth = await booths.staff_booth(uow.session, identity, booth_id)
        fair = await fairs.fair_by_id(uow.session, booth.fair_id)
        context = await _line_context(uow.session, app.broker, identity, booth, fair)
    response = _page(request, "console_line.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


async def line_close(request: Request) -> Response:
    identity, _ = require_org_member(await identity_of(request))
    booth_id = _path_id(request, "booth_id", "No such booth.")
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        moved = await queues.close_line(uow.session, identity=identity, booth_id=booth_id)
        await uow.commit()
    return redirect(f"/booths/{booth_id}/console?closed={moved}")


async def line_open(request: Request) -> Response:
    identity, _ = require_org_member(await identity_of(request))
    booth_id = _path_id(request, "booth_id", "No such booth.")
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        await queues.open_line(uow.session, identity=identity, booth_id=booth_id)
        await uow.commit()
    return redirect(f"/booths/{booth_id}/console")


# -- conversations -----------------------------------------------------------------------


def _talker(identity: Identity | None) -> Identity:
    return require_role(identity, Role.SEEKER, Role.EMPLOYER)


async def conversations_page(request: Request) -> Response:
    identity = _talker(await identity_of(request))
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        rows = await conversations.conversations_of(uow.session, identity)
    return _page(request, "conversations.html", {"rows": rows, "tz": DEFAULT_ZONE})


async def _conversation_page(
    request: Request,
    identity: Identity,
    conversation_id: int,
    values: dict[str, str] | None = None,
    error: AppError | None = None,
) -> Response:
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        row = await conversations.conversation_detail(uow.session, identity, conversation_id)
        conversation = row.conversation
        staff = identity.role == Role.EMPLOYER and identity.org_id == conversation.org_id
        booth = (
            await uow.session.get(Booth, conversation.booth_id) if conversation.booth_id else None
        )
        fair = await fairs.fair_by_id(uow.session, booth.fair_id) if booth else None
        card = (
            await seekers.seeker_card(uow.session, conversation.org_id, conversation.seeker_id)
            if staff
            else None
        )
        colleagues = (
            [
                (uid, name)
                for uid, name in await conversations.colleagues(uow.session, conversation.org_id)
                if uid != conversation.staff_id
            ]
            if staff
            else []
        )
    context = {
        "row": row,
        "conversation": conversation,
        "staff": staff,
        "booth": booth,
        "fair": fair,
        "tz": fair.timezone if fair else DEFAULT_ZONE,
        "card": card,
        "colleagues": colleagues,
        "outcomes": list(Outcome),
        "values": values or {},
    }
    return _page(request, "conversation.html", context, error)


async def conversation_page(request: Request) -> Response:
    identity = _talker(await identity_of(request))
    conversation_id = _path_id(request, "conversation_id", "No such conversation.")
    return await _conversation_page(request, identity, conversation_id)


async def conversation_end(request: Request) -> Response:
    identity = _talker(await identity_of(request))
    conversation_id = _path_id(request, "conversation_id", "No such conversation.")
    data = await form(request)
    values = {
        "outcome": text_field(data, "outcome", max_length=20),
        "note": text_field(data, "note", max_length=2000),
        "follow_up_by": text_field(data, "follow_up_by", max_length=20).strip(),
    }
    error: AppError | None = None
    follow_up: date | None = None
    try:
        follow_up = date.fromisoformat(values["follow_up_by"]) if values["follow_up_by"] else None
    except ValueError:
        error = Invalid("Enter a date.", field="follow_up_by")
    if error is None:
        app = app_context(request)
        async with unit_of_work(app.db, app.broker) as uow:
            try:
                await conversations.end(
                    uow.session,
                    identity=identity,
                    conversation_id=conversation_id,
                    outcome=values["outcome"],
                    note=values["note"],
                    follow_up_by=follow_up,
                )
                await uow.commit()
            except FORM_ERRORS as exc:
                error = exc
    if error is not None:
        return await _conversation_page(request, identity, conversation_id, values, error)
    return redirect(f"/conversations/{conversation_id}")


async def conversation_handover(request: Request) -> Response:
    identity = _talker(await identity_of(request))
    conversation_id = _path_id(request, "conversation_id", "No such conversation.")
    data = await form(request)
    error: AppError | None = None
    raw = text_field(data, "to", max_length=20)
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        error = Invalid("Choose a colleague from your organization.", field="to")
    else:
        app = app_context(request)
        async with unit_of_work(app.db, app.broker) as uow:
            try:
                await conversations.hand_over(
                    uow.session,
                    identity=identity,
                    conversation_id=conversation_id,
                    to_user_id=int(raw),
                )
                await uow.commit()
            except FORM_ERRORS as exc:
                error = exc
    if error is not None:
        return await _conversation_page(request, identity, conversation_id, {"to": raw}, error)
    return redirect(f"/conversations/{conversation_id}")


async def seeker_resume(request: Request) -> Response:
    """The résumé as a download, for staff of an organization the seeker shared it with."""
    identity, _ = require_org_member(await identity_of(request))
    seeker_id = _path_id(request, "seeker_id", "No such job seeker.")
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        path, name = await seekers.resume_for_staff(
            uow.session, identity=identity, seeker_id=seeker_id, upload_dir=app.settings.upload_dir
        )
    return FileResponse(
        path,
        media_type="application/pdf",
        filename=name,
        content_disposition_type="attachment",
        headers=RESUME_HEADERS,
    )


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
    Route("/booths", exhibit, methods=["GET"], name="exhibit"),
    Route("/booths/apply", exhibit_apply, methods=["POST"]),
    Route("/booths/answer", exhibit_answer, methods=["POST"]),
    Route("/booths/withdraw", exhibit_withdraw, methods=["POST"]),
    Route("/booths/{booth_id}/edit", booth_edit_page, methods=["GET"], name="booth_edit"),
    Route("/booths/{booth_id}/edit", booth_update, methods=["POST"]),
    Route("/booths/{booth_id}/logo", booth_logo, methods=["POST"]),
    Route("/booths/{booth_id}/console", console_page, methods=["GET"], name="console"),
    Route("/booths/{booth_id}/console/line", console_line, methods=["GET"], name="console_line"),
    Route("/booths/{booth_id}/line/close", line_close, methods=["POST"]),
    Route("/booths/{booth_id}/line/open", line_open, methods=["POST"]),
    Route("/conversations", conversations_page, methods=["GET"], name="conversations"),
    Route("/conversations/{conversation_id}", conversation_page, methods=["GET"]),
    Route("/conversations/{conversation_id}/end", conversation_end, methods=["POST"]),
    Route("/conversations/{conversation_id}/handover", conversation_handover, methods=["POST"]),
    Route("/seekers/{seeker_id}/resume", seeker_resume, methods=["GET"], name="seeker_resume"),
]
