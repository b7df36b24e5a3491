"""Posting pages: employers write and submit; job seekers browse and report."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.context import app_context
from app.db import unit_of_work, utcnow
from app.errors import FORM_ERRORS, NotFound
from app.fair import postings
from app.fair.models import EMPLOYMENT_TYPES_LABELS, POSTING_FIELDS, SalaryPeriod, VersionStatus
from app.moderation import service as moderation
from app.moderation.highlight import by_severity, segments
from app.moderation.review import findings_of
from app.web import form, identity_of, redirect, render, render_invalid, text_field

PostingAction = Callable[..., Awaitable[Any]]


def _posting_id(request: Request) -> int:
    raw = request.path_params["posting_id"]
    if not raw.isdigit():
        raise NotFound("No such posting.")
    return int(raw)


def _form_context(values: dict[str, str]) -> dict[str, object]:
    return {
        "values": values,
        "periods": list(SalaryPeriod),
        "employment_types": EMPLOYMENT_TYPES_LABELS,
    }


async def postings_list(request: Request) -> Response:
    identity = await identity_of(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        summaries = await postings.list_own(uow.session, identity=identity)
    return render(request, "fair/postings.html", {"summaries": summaries})


async def posting_new_page(request: Request) -> Response:
    identity = await identity_of(request)
    postings.require_employer(identity)
    return render(request, "fair/posting_form.html", _form_context({}) | {"posting": None})


async def _save(request: Request, posting_id: int | None) -> Response:
    # Who may write comes before what was written: no validation errors for strangers.
    identity = postings.require_employer(await identity_of(request))
    data = await form(request)
    values = {name: text_field(data, name, max_length=6000) for name in POSTING_FIELDS}
    submit = text_field(data, "action") == "submit"
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        try:
            fields = postings.clean_fields(values, today=utcnow().date())
            version = await postings.save_draft(
                uow.session, identity=identity, posting_id=posting_id, fields=fields
            )
            if submit:
                await postings.submit(uow.session, identity=identity, posting_id=version.posting_id)
        except FORM_ERRORS as exc:
            context = _form_context(values) | {"posting_id": posting_id}
            return render_invalid(request, "fair/posting_form.html", context, exc)
        await uow.commit()
    return redirect(f"/postings/{version.posting_id}")


async def posting_create(request: Request) -> Response:
    return await _save(request, None)


async def posting_edit_page(request: Request) -> Response:
    identity = await identity_of(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        detail = await postings.own_detail(
            uow.session, identity=identity, posting_id=_posting_id(request)
        )
    values = {
        name: "" if getattr(detail.latest, name) is None else str(getattr(detail.latest, name))
        for name in POSTING_FIELDS
    }
    return render(
        request, "fair/posting_form.html", _form_context(values) | {"posting_id": detail.posting.id}
    )


async def posting_update(request: Request) -> Response:
    return await _save(request, _posting_id(request))


async def posting_detail(request: Request) -> Response:
    identity = await identity_of(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        detail = await postings.own_detail(
            uow.session, identity=identity, posting_id=_posting_id(request)
        )
    findings = findings_of(detail.latest)
    context = {
        "detail": detail,
        "findings": by_severity(findings),
        "segments": {
            name: segments(getattr(detail.latest, name), findings, name)
            for name in ("title", "description", "requirements", "benefits")
        },
        "blocked": any(f.severity == "block" for f in findings),
        "reject_reasons": moderation.REJECT_REASONS,
        "VersionStatus": VersionStatus,
    }
    return render(request, "fair/posting_detail.html", context)


async def _posting_action(
    request: Request, action: PostingAction, field: str | None = None
) -> Response:
    """Run one employer action on the posting in the path, then show the posting."""
    identity = await identity_of(request)
    posting_id = _posting_id(request)
    extra = {}
    if field is not None:
        extra[field if field != "appeal" else "text"] = text_field(
            await form(request), field, max_length=1500
        )
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        await action(uow.session, identity=identity, posting_id=posting_id, **extra)
        await uow.commit()
    return redirect(f"/postings/{posting_id}")


async def posting_submit(request: Request) -> Response:
    return await _posting_action(request, postings.submit, "justification")


async def posting_withdraw(request: Request) -> Response:
    return await _posting_action(request, postings.withdraw)


async def posting_appeal(request: Request) -> Response:
    return await _posting_action(request, postings.appeal, "appeal")


async def jobs_list(request: Request) -> Response:
    await identity_of(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        shown = await postings.public_postings(uow.session)
    return render(request, "fair/jobs.html", {"jobs": shown})


async def job_detail(request: Request) -> Response:
    await identity_of(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        job = await postings.public_posting(uow.session, posting_id=_posting_id(request))
    reported = request.query_params.get("reported") == "1"
    return render(
        request,
        "fair/job.html",
        {"job": job, "report_reasons": moderation.REPORT_REASONS, "reported": reported},
    )


async def job_report(request: Request) -> Response:
    identity = await identity_of(request)
    data = await form(request)
    posting_id = _posting_id(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        await moderation.report_posting(
            uow.session,
            identity=identity,
            posting_id=posting_id,
            reason=text_field(data, "reason"),
            text=text_field(data, "text", max_length=1500),
        )
        await uow.commit()
    return redirect(f"/jobs/{posting_id}?reported=1")


routes = [
    Route("/postings", postings_list, methods=["GET"], name="postings"),
    Route("/postings/new", posting_new_page, methods=["GET"], name="posting_new"),
    Route("/postings/new", posting_create, methods=["POST"]),
    Route("/postings/{posting_id}", posting_detail, methods=["GET"], name="posting_detail"),
    Route("/postings/{posting_id}/edit", posting_edit_page, methods=["GET"], name="posting_edit"),
    Route("/postings/{posting_id}/edit", posting_update, methods=["POST"]),
    Route("/postings/{posting_id}/submit", posting_submit, methods=["POST"], name="posting_submit"),
    Route(
        "/postings/{posting_id}/withdraw",
        posting_withdraw,
        methods=["POST"],
        name="posting_withdraw",
    ),
    Route("/postings/{posting_id}/appeal", posting_appeal, methods=["POST"], name="posting_appeal"),
    Route("/jobs", jobs_list, methods=["GET"], name="jobs"),
    Route("/jobs/{posting_id}", job_detail, methods=["GET"], name="job"),
    Route("/jobs/{posting_id}/report", job_report, methods=["POST"], name="job_report"),
]
