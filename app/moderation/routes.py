"""Moderator pages: the queue, one item, decisions; leases renewed from the item page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.context import app_context
from app.db import unit_of_work
from app.errors import FORM_ERRORS, NotFound
from app.fair.console_labels import HELPERS
from app.moderation import service
from app.moderation.highlight import by_severity, segments
from app.web import form, identity_of, redirect, render, render_invalid, text_field

TEXT_FIELDS = ("title", "description", "requirements", "benefits")


def _item_id(request: Request) -> int:
    raw = request.path_params["item_id"]
    if not raw.isdigit():
        raise NotFound("No such review item.")
    return int(raw)


async def queue_page(request: Request) -> Response:
    identity = await identity_of(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        overview = await service.queue_overview(uow.session, identity=identity)
    return render(
        request,
        "moderation/queue.html",
        {"overview": overview, "empty": request.query_params.get("empty") == "1"},
    )


async def claim(request: Request) -> Response:
    identity = await identity_of(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        item = await service.claim_next(uow.session, identity=identity)
        await uow.commit()
    if item is None:
        return redirect("/moderation?empty=1")
    return redirect(f"/moderation/items/{item.id}")


async def _item_context(request: Request, item_id: int) -> dict[str, object]:
    identity = await identity_of(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        view = await service.item_view(uow.session, identity=identity, item_id=item_id)
    segs = {}
    if view.version is not None:
        segs = {
            name: segments(getattr(view.version, name), view.findings, name) for name in TEXT_FIELDS
        }
    if view.chat is not None:
        segs = {"message": segments(view.chat.message.message.body, view.findings, "message")}
    return {
        "fair_time": HELPERS["fair_time"],
        "zone_label": HELPERS["zone_label"],
        "chat_reasons": service.CHAT_REMOVE_REASONS,
        "view": view,
        "findings": by_severity(view.findings),
        "segments": segs,
        "reject_reasons": service.REJECT_REASONS,
        "report_reasons": service.REPORT_REASONS,
    }


async def item_page(request: Request) -> Response:
    return render(request, "moderation/item.html", await _item_context(request, _item_id(request)))


async def decide(request: Request) -> Response:
    identity = await identity_of(request)
    item_id = _item_id(request)
    data = await form(request)
    decision = text_field(data, "decision")
    reasons = [r for r in data.getlist("reasons") if isinstance(r, str)]
    note = text_field(data, "note", max_length=2500)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        try:
            await service.decide(
                uow.session,
                identity=identity,
                item_id=item_id,
                decision=decision,
                reasons=reasons,
                note=note,
            )
        except FORM_ERRORS as exc:
            context = await _item_context(request, item_id)
            context["values"] = {"decision": decision, "reasons": reasons, "note": note}
            return render_invalid(request, "moderation/item.html", context, exc)
        await uow.commit()
    # Straight on to the next item: reviewing is a stream of decisions.
    return redirect("/moderation/next")


async def renew(request: Request) -> Response:
    identity = await identity_of(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        await service.renew(uow.session, identity=identity, item_id=_item_id(request))
        await uow.commit()
    return JSONResponse({"ok": True})


async def release(request: Request) -> Response:
    identity = await identity_of(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        await service.release(uow.session, identity=identity, item_id=_item_id(request))
        await uow.commit()
    return redirect("/moderation")


async def next_page(request: Request) -> Response:
    """After a decision: a page whose form claims the next item (claiming changes state)."""
    identity = await identity_of(request)
    service.require_moderator(identity)
    return render(request, "moderation/next.html")


routes = [
    Route("/moderation", queue_page, methods=["GET"], name="moderation"),
    Route("/moderation/next", next_page, methods=["GET"], name="moderation_next"),
    Route("/moderation/claim", claim, methods=["POST"], name="moderation_claim"),
    Route("/moderation/items/{item_id}", item_page, methods=["GET"], name="moderation_item"),
    Route("/moderation/items/{item_id}/decide", decide, methods=["POST"], name="moderation_decide"),
    Route("/moderation/items/{item_id}/renew", renew, methods=["POST"], name="moderation_renew"),
    Route(
        "/moderation/items/{item_id}/release", release, methods=["POST"], name="moderation_release"
    ),
]
