"""Shared pieces of the organizer, booth and conversation pages: rendering with the
console labels, ids from paths, and image uploads that replace an old image safely."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response

from app.auth.identity import Identity
from app.context import app_context
from app.db import after_commit, unit_of_work
from app.errors import AppError, Invalid, NotFound
from app.fair.console_labels import HELPERS
from app.fair.models import BoothStatus
from app.uploads import IMAGE_MAX_BYTES, ImageKind, delete_image, store_image
from app.web import render

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


def page(
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


def digits(raw: object, message: str) -> int:
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise NotFound(message)
    return int(raw)


def path_id(request: Request, name: str, message: str) -> int:
    return digits(request.path_params[name], message)


async def read_image(request: Request, name: str) -> bytes:
    """The uploaded file's bytes, read no further than one byte past the image limit."""
    async with request.form(max_files=1, max_fields=10) as data:
        upload = data.get(name)
        if not isinstance(upload, UploadFile):
            raise Invalid("Choose a file.", field=name)
        return await upload.read(IMAGE_MAX_BYTES + 1)


async def replace_image(
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
        data = await read_image(request, name)
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
