"""The employer's side of a fair: exhibiting, the booth form and the booth console,
and the résumés seekers shared."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from app.auth import repository as accounts
from app.auth.identity import Identity, require_org_member
from app.broker import Broker
from app.context import app_context
from app.db import unit_of_work, utcnow
from app.errors import FORM_ERRORS, AppError, Invalid
from app.fair import applications, booths, conversations, fairs, postings, presence, queues, seekers
from app.fair.console_web import (
    BOOTH_FIELDS,
    RESUME_HEADERS,
    FormAction,
    digits,
    page,
    path_id,
    replace_image,
)
from app.fair.models import Booth, ConversationStatus, Fair
from app.fair.schedule import phase_of
from app.uploads import ImageKind
from app.web import form, identity_of, redirect, text_field

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
    return page(request, "exhibit.html", context, error)


async def exhibit(request: Request) -> Response:
    identity, _ = require_org_member(await identity_of(request))
    return await _exhibit_page(request, identity)


async def _org_action(request: Request, action: FormAction) -> Response:
    """Run one action of the organization on the fair named in the form."""
    identity, _ = require_org_member(await identity_of(request))
    data = await form(request)
    fair_id = digits(text_field(data, "fair_id"), "No such fair.")
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
    return page(request, "booth_edit.html", context, error)


async def booth_edit_page(request: Request) -> Response:
    identity, _ = require_org_member(await identity_of(request))
    return await _booth_form(request, identity, path_id(request, "booth_id", "No such booth."))


async def booth_update(request: Request) -> Response:
    identity, _ = require_org_member(await identity_of(request))
    booth_id = path_id(request, "booth_id", "No such booth.")
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
    booth_id = path_id(request, "booth_id", "No such booth.")

    async def current(session: AsyncSession) -> str:
        return (await booths.staff_booth(session, identity, booth_id)).logo

    async def save(session: AsyncSession, key: str) -> object:
        return await booths.set_logo(session, identity=identity, booth_id=booth_id, key=key)

    error = await replace_image(request, "logo", ImageKind.LOGO, current, save)
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
    booth_id = path_id(request, "booth_id", "No such booth.")
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
    return page(request, "console.html", context)


async def console_line(request: Request) -> Response:
    """The live part of the console as an HTML fragment, for console.js."""
    identity, _ = require_org_member(await identity_of(request))
    booth_id = path_id(request, "booth_id", "No such booth.")
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        booth = await booths.staff_booth(uow.session, identity, booth_id)
        fair = await fairs.fair_by_id(uow.session, booth.fair_id)
        context = await _line_context(uow.session, app.broker, identity, booth, fair)
    response = page(request, "console_line.html", context)
    response.headers["Cache-Control"] = "no-store"
    return response


async def line_close(request: Request) -> Response:
    identity, _ = require_org_member(await identity_of(request))
    booth_id = path_id(request, "booth_id", "No such booth.")
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        moved = await queues.close_line(uow.session, identity=identity, booth_id=booth_id)
        await uow.commit()
    return redirect(f"/booths/{booth_id}/console?closed={moved}")


async def line_open(request: Request) -> Response:
    identity, _ = require_org_member(await identity_of(request))
    booth_id = path_id(request, "booth_id", "No such booth.")
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        await queues.open_line(uow.session, identity=identity, booth_id=booth_id)
        await uow.commit()
    return redirect(f"/booths/{booth_id}/console")


async def seeker_resume(request: Request) -> Response:
    """The résumé as a download, for staff of an organization the seeker shared it with."""
    identity, _ = require_org_member(await identity_of(request))
    seeker_id = path_id(request, "seeker_id", "No such job seeker.")
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
    Route("/seekers/{seeker_id}/resume", seeker_resume, methods=["GET"], name="seeker_resume"),
]
