"""Posting rules for employers: drafts, versions, submission, withdrawal, appeal.

A version is screened when submitted. Findings at ``block`` level send it straight back to
the employer unless they attach a justification (a genuine occupational requirement),
which sends it to a human instead; everything else waits in the review queue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth import repository as accounts
from app.auth.identity import Identity, require_org_member
from app.auth.models import Organization
from app.auth.service import org_channel
from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.events import emit
from app.fair import repository, search
from app.fair.models import (
    EDITABLE,
    EMPLOYMENT_TYPES_LABELS,
    Posting,
    PostingFields,
    PostingVersion,
    SalaryPeriod,
    VersionStatus,
)
from app.moderation import audit, queue
from app.moderation.models import ItemKind, ItemReason
from app.moderation.review import screen_version

MAX_VALIDITY = timedelta(days=180)
DEFAULT_VALIDITY = timedelta(days=60)
TEXT_LIMITS = {
    "title": 80,
    "category": 40,
    "city": 40,
    "district": 40,
    "education": 40,
    "experience": 40,
    "description": 5000,
    "requirements": 3000,
    "benefits": 2000,
}
EMPLOYMENT_TYPES = tuple(EMPLOYMENT_TYPES_LABELS)
# The law lists pay, place and headcount among what a posting must state.
REQUIRED = ("title", "description", "city", "salary_min", "salary_max", "headcount")


def _int(raw: str, field: str, low: int, high: int) -> int | None:
    raw = raw.strip().replace(",", "")
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit():
        raise Invalid("Enter a whole number.", field=field)
    value = int(raw)
    if not low <= value <= high:
        raise Invalid("Enter a number from %(low)d to %(high)d.", field=field, low=low, high=high)
    return value


def clean_fields(raw: Mapping[str, str], *, today: date) -> PostingFields:
    """Turn submitted form text into posting fields, or raise Invalid naming the field."""
    values: dict[str, object] = {}
    for name, limit in TEXT_LIMITS.items():
        text = raw.get(name, "").replace("\r\n", "\n").strip()
        if len(text) > limit:
            raise Invalid("Use at most %(limit)d characters.", field=name, limit=limit)
        values[name] = text
    values["salary_min"] = _int(raw.get("salary_min", ""), "salary_min", 0, 10_000_000)
    values["salary_max"] = _int(raw.get("salary_max", ""), "salary_max", 0, 10_000_000)
    values["headcount"] = _int(raw.get("headcount", ""), "headcount", 1, 10_000)
    period = raw.get("salary_period") or SalaryPeriod.MONTH
    if period not in set(SalaryPeriod):
        raise Invalid("Choose month, day or hour.", field="salary_period")
    values["salary_period"] = period
    kind = raw.get("employment_type") or "full_time"
    if kind not in EMPLOYMENT_TYPES:
        raise Invalid("Choose an employment type.", field="employment_type")
    values["employment_type"] = kind
    until_raw = raw.get("valid_until", "").strip()
    if until_raw:
        try:
            until = date.fromisoformat(until_raw)
        except ValueError:
            raise Invalid("Enter a date as YYYY-MM-DD.", field="valid_until") from None
        if not today <= until <= today + MAX_VALIDITY:
            raise Invalid("Choose a date within the next 180 days.", field="valid_until")
        values["valid_until"] = until
    else:
        values["valid_until"] = today + DEFAULT_VALIDITY
    return PostingFields(**values)  # type: ignore[arg-type]


def require_employer(identity: Identity | None) -> Identity:
    """Staff of an organization, who may write postings."""
    return require_org_member(identity)[0]


def _check_complete(version: PostingVersion) -> None:
    for name in REQUIRED:
        if getattr(version, name) in (None, ""):
            raise Invalid("This is required before the posting can be submitted.", field=name)
    assert version.salary_min is not None
    assert version.salary_max is not None
    if version.salary_min > version.salary_max:
        raise Invalid("The lowest pay is above the highest pay.", field="salary_min")


async def _own_posting(
    session: AsyncSession, identity: Identity | None, posting_id: int
) -> tuple[Identity, Posting]:
    identity, org_id = require_org_member(identity)
    posting = await repository.posting_by_id(session, posting_id)
    if posting is None or posting.org_id != org_id:
        raise NotFound("No such posting.")
    return identity, posting


def _copy_fields(fields: PostingFields, version: PostingVersion) -> None:
    for name in PostingFields.model_fields:
        setattr(version, name, getattr(fields, name))


async def save_draft(
    session: AsyncSession,
    *,
    identity: Identity | None,
    posting_id: int | None,
    fields: PostingFields,
) -> PostingVersion:
    """Create a posting, or edit it: in place while editable, else as a new version."""
    identity, org_id = require_org_member(identity)
    if posting_id is None:
        posting = Posting(org_id=org_id, created_by=identity.id)
        session.add(posting)
        await session.flush()
        latest = None
    else:
        identity, posting = await _own_posting(session, identity, posting_id)
        if posting.withdrawn_at is not None:
            raise Conflict("This posting was withdrawn. Create a new one instead.")
        latest = await repository.latest_version(session, posting_id)
    assert posting.id is not None
    if latest is not None and latest.status == VersionStatus.IN_REVIEW:
        raise Conflict("This version is waiting for review. Edit it once it has been decided.")
    if latest is not None and latest.status in EDITABLE:
        version = latest
    else:
        version = PostingVersion(
            posting_id=posting.id,
            number=(latest.number + 1) if latest else 1,
            author_id=identity.id,
        )
    _copy_fields(fields, version)
    # Earlier findings described the old text; they are recomputed on submission.
    version.status = VersionStatus.DRAFT
    version.findings = "[]"
    version.risk = 0.0
    version.author_id = identity.id
    session.add(version)
    await session.flush()
    return version


async def submit(
    session: AsyncSession, *, identity: Identity | None, posting_id: int, justification: str = ""
) -> PostingVersion:
    """Screen the latest version and return it to the employer or queue it for review."""
    identity, posting = await _own_posting(session, identity, posting_id)
    version = await repository.latest_version(session, posting_id)
    if version is None or version.status not in EDITABLE:
        raise Conflict("There is no draft to submit.")
    _check_complete(version)
    org = await accounts.org_by_id(session, posting.org_id)
    assert org is not None
    assert version.id is not None
    justification = " ".join(justification.split())[:1000]
    result = await screen_version(session, version=version, org=org)
    version.justification = justification
    details: dict[str, Any] = {"risk": result.risk, "findings": result.summary()}
    if result.blocking and not justification:
        version.status = VersionStatus.RETURNED
        audit.record(
            session,
            "posting.returned_by_screening",
            actor_id=identity.id,
            org_id=org.id,
            posting_id=posting.id,
            version_id=version.id,
            **details,
        )
    else:
        version.status = VersionStatus.IN_REVIEW
        version.submitted_at = utcnow()
        assert org.id is not None
        item = queue.enqueue(
            session,
            kind=ItemKind.POSTING,
            reason=ItemReason.JUSTIFIED if result.blocking else ItemReason.SUBMITTED,
            org_id=org.id,
            version_id=version.id,
            risk=result.risk,
        )
        await session.flush()
        audit.record(
            session,
            "posting.submitted",
            actor_id=identity.id,
            org_id=org.id,
            posting_id=posting.id,
            version_id=version.id,
            item_id=item.id,
            justification=justification,
            **details,
        )
    session.add(version)
    _announce(session, posting, version)
    return version


def _announce(session: AsyncSession, posting: Posting, version: PostingVersion) -> None:
    emit(
        session,
        org_channel(posting.org_id),
        "posting.status",
        {"posting_id": posting.id, "version": version.number, "status": version.status},
    )


async def withdraw(session: AsyncSession, *, identity: Identity | None, posting_id: int) -> Posting:
    """Take the posting off the platform and out of the review queue."""
    identity, posting = await _own_posting(session, identity, posting_id)
    if posting.withdrawn_at is not None:
        return posting
    posting.withdrawn_at = utcnow()
    for version in await repository.versions_of(session, posting_id):
        if version.status in (VersionStatus.LIVE, VersionStatus.IN_REVIEW, *EDITABLE):
            assert version.id is not None
            await queue.cancel_open_items(session, version_id=version.id)
            version.status = VersionStatus.WITHDRAWN
            session.add(version)
    session.add(posting)
    await search.index_posting(session, posting_id)
    audit.record(
        session,
        "posting.withdrawn",
        actor_id=identity.id,
        org_id=posting.org_id,
        posting_id=posting.id,
    )
    return posting


async def appeal(
    session: AsyncSession, *, identity: Identity | None, posting_id: int, text: str
) -> PostingVersion:
    """Ask once for a rejection to be looked at again, by a different moderator."""
    identity, posting = await _own_posting(session, identity, posting_id)
    version = await repository.latest_version(session, posting_id)
    if version is None or version.status != VersionStatus.REJECTED:
        raise Conflict("Only a rejected posting can be appealed.")
    if version.appealed_at is not None:
        raise Conflict("This rejection was already appealed once.")
    text = " ".join(text.split())
    if not 10 <= len(text) <= 1000:
        raise Invalid("Explain the appeal in 10 to 1000 characters.", field="appeal")
    assert version.id is not None
    version.appealed_at = utcnow()
    version.justification = text
    version.status = VersionStatus.IN_REVIEW
    session.add(version)
    item = queue.enqueue(
        session,
        kind=ItemKind.POSTING,
        reason=ItemReason.APPEAL,
        org_id=posting.org_id,
        version_id=version.id,
        risk=version.risk,
        excluded_moderator=version.decided_by,
    )
    await session.flush()
    audit.record(
        session,
        "posting.appealed",
        actor_id=identity.id,
        org_id=posting.org_id,
        posting_id=posting.id,
        version_id=version.id,
        item_id=item.id,
        appeal=text,
    )
    _announce(session, posting, version)
    return version


@dataclass(frozen=True, slots=True)
class PostingSummary:
    posting: Posting
    latest: PostingVersion
    live: PostingVersion | None


async def list_own(session: AsyncSession, *, identity: Identity | None) -> Sequence[PostingSummary]:
    """The organization's postings, each with its latest and its live version."""
    _, org_id = require_org_member(identity)
    rows = await repository.org_postings(session, org_id)
    summaries = []
    for posting, latest in rows:
        assert posting.id is not None
        live = (
            latest
            if latest.status == VersionStatus.LIVE
            else await repository.live_version(session, posting.id)
        )
        summaries.append(PostingSummary(posting=posting, latest=latest, live=live))
    return summaries


@dataclass(frozen=True, slots=True)
class PostingDetail:
    posting: Posting
    latest: PostingVersion
    live: PostingVersion | None
    org: Organization
    versions: Sequence[PostingVersion]

    @property
    def expired(self) -> bool:
        """Past its closing date: no longer shown to seekers, whatever its status."""
        until = self.latest.valid_until
        return until is not None and until < utcnow().date()


async def own_detail(
    session: AsyncSession, *, identity: Identity | None, posting_id: int
) -> PostingDetail:
    _, posting = await _own_posting(session, identity, posting_id)
    versions = await repository.versions_of(session, posting_id)
    org = await accounts.org_by_id(session, posting.org_id)
    assert org is not None
    live = next((v for v in versions if v.status == VersionStatus.LIVE), None)
    return PostingDetail(
        posting=posting, latest=versions[-1], live=live, org=org, versions=versions
    )


@dataclass(frozen=True, slots=True)
class PublicPosting:
    posting: Posting
    version: PostingVersion
    org: Organization


async def public_postings(
    session: AsyncSession, *, page: int = 1, per_page: int = 30
) -> Sequence[PublicPosting]:
    """Live postings of verified organizations: the only ones a job seeker ever sees."""
    rows = await repository.visible_postings(
        session, today=utcnow().date(), offset=(max(1, page) - 1) * per_page, limit=per_page
    )
    return [PublicPosting(posting=p, version=v, org=o) for p, v, o in rows]


async def public_posting(session: AsyncSession, *, posting_id: int) -> PublicPosting:
    row = await repository.visible_posting(session, posting_id, utcnow().date())
    if row is None:
        raise NotFound("This job is not available.")
    return PublicPosting(posting=row[0], version=row[1], org=row[2])
