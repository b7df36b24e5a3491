"""One-to-one conversations: the list, the page, ending with an outcome, handover."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.auth.identity import Identity, require_role
from app.auth.models import Role
from app.context import app_context
from app.db import unit_of_work
from app.errors import FORM_ERRORS, AppError, Invalid
from app.fair import chat, conversations, fairs, seekers
from app.fair.console_web import (
    page,
    path_id,
)
from app.fair.models import Booth, Outcome
from app.fair.schedule import DEFAULT_ZONE
from app.web import form, identity_of, redirect, text_field

# -- conversations -----------------------------------------------------------------------


def _talker(identity: Identity | None) -> Identity:
    return require_role(identity, Role.SEEKER, Role.EMPLOYER)


async def conversations_page(request: Request) -> Response:
    identity = _talker(await identity_of(request))
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        rows = await conversations.conversations_of(uow.session, identity)
        unread = await chat.unread_counts(
            uow.session, identity.id, [_room(row.conversation.id) for row in rows]
        )
    context = {
        "rows": rows,
        "tz": DEFAULT_ZONE,
        "unread": {int(room.partition(":")[2]): count for room, count in unread.items()},
    }
    return page(request, "conversations.html", context)


def _room(conversation_id: int | None) -> str:
    return f"conv:{conversation_id}"


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
        # The seeker may share the résumé from the conversation (the one attachment chat has).
        shared = await seekers.org_may_see(uow.session, conversation.org_id, conversation.seeker_id)
        room = _room(conversation.id)
        chat_access = await chat.access(uow.session, identity, room)
        peer_read = await chat.peer_read(
            uow.session, room, staff=chat_access.staff, seeker_id=conversation.seeker_id
        )
    context = {
        "row": row,
        "conversation": conversation,
        "staff": staff,
        "booth": booth,
        "fair": fair,
        "tz": fair.timezone if fair else DEFAULT_ZONE,
        "card": card,
        "shared": shared,
        "colleagues": colleagues,
        "outcomes": list(Outcome),
        "values": values or {},
        "chat_room_name": room,
        "chat_access": chat_access,
        "peer_read": peer_read,
    }
    return page(request, "conversation.html", context, error)


async def conversation_page(request: Request) -> Response:
    identity = _talker(await identity_of(request))
    conversation_id = path_id(request, "conversation_id", "No such conversation.")
    return await _conversation_page(request, identity, conversation_id)


async def conversation_end(request: Request) -> Response:
    identity = _talker(await identity_of(request))
    conversation_id = path_id(request, "conversation_id", "No such conversation.")
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
    conversation_id = path_id(request, "conversation_id", "No such conversation.")
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


routes = [
    Route("/conversations", conversations_page, methods=["GET"], name="conversations"),
    Route("/conversations/{conversation_id}", conversation_page, methods=["GET"]),
    Route("/conversations/{conversation_id}/end", conversation_end, methods=["POST"]),
    Route("/conversations/{conversation_id}/handover", conversation_handover, methods=["POST"]),
]
