"""The append-only audit log: who did what, when, to which version, and why."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.moderation.models import AuditEvent


def record(
    session: AsyncSession,
    action: str,
    *,
    actor_id: int | None,
    org_id: int | None = None,
    posting_id: int | None = None,
    version_id: int | None = None,
    item_id: int | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an entry to the log, in the caller's transaction."""
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        org_id=org_id,
        posting_id=posting_id,
        version_id=version_id,
        item_id=item_id,
        detail=orjson.dumps(detail).decode(),
    )
    session.add(event)
    return event


async def history(
    session: AsyncSession,
    *,
    org_id: int | None = None,
    posting_id: int | None = None,
    limit: int = 100,
) -> Sequence[AuditEvent]:
    query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if org_id is not None:
        query = query.where(AuditEvent.org_id == org_id)
    if posting_id is not None:
        query = query.where(AuditEvent.posting_id == posting_id)
    return (await session.exec(query)).all()
