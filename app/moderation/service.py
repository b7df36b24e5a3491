"""Moderation rules: claiming, deciding, organization verification, reports and appeals."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import orjson
import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth import repository as accounts
from app.auth.identity import Identity, require_role
from app.auth.models import Organization, Role, Verification
from app.auth.service import org_channel
from app.auth.uscc import USCCError, normalize_uscc
from app.db import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.events import emit
from app.fair import chat_safety, search
from app.fair import repository as postings_repo
from app.fair.models import POSTING_FIELDS, Posting, PostingVersion, VersionStatus
from app.fair.postings import public_posting
from app.i18n import N_
from app.moderation import audit, queue
from app.moderation.models import (
    AuditEvent,
    Decision,
    ItemKind,
    ItemReason,
    PostingReport,
    ReviewItem,
)
from app.moderation.review import duplicate_index, findings_of, full_text
from app.moderation.screening import Finding

REJECT_REASONS = {
    "discrimination": N_("Discriminatory requirements"),
    "false_information": N_("False or misleading information"),
    "fraud": N_("Signs of fraud: fees, deposits, task scams, pyramid selling"),
    "missing_information": N_("Required information is missing"),
    "contact": N_("Contact details that lead off the platform"),
    "duplicate": N_("Copies another employer's posting"),
    "organization": N_("The employer's details could not be verified"),
    "other": N_("Other (see the note)"),
}
REPORT_REASONS = {
    "false_information": N_("False or misleading information"),
    "discrimination": N_("Discriminatory requirements"),
    "fraud": N_("Asks for money or looks like a scam"),
    "contact": N_("Asks to continue on WeChat, QQ or by phone"),
    "other": N_("Something else"),
}
# Why a moderator removed a chat message: the same codes as the reports.
CHAT_REMOVE_REASONS = chat_safety.REPORT_REASONS
# Which decisions fit which kind of item.
DECISIONS = {
    ItemKind.POSTING: {Decision.APPROVE, Decision.REJECT, Decision.REQUEST_CHANGES},
    ItemKind.ORGANIZATION: {Decision.APPROVE, Decision.REJECT, Decision.REQUEST_CHANGES},
    ItemKind.CHAT_MESSAGE: {Decision.REMOVE, Decision.DISMISS},
}
# Reports from this many different seekers hide a live posting until a moderator decides.
HIDE_AFTER_REPORTS = 3
REPORT_RISK = 100.0


def require_moderator(identity: Identity | None) -> Identity:
    return require_role(identity, Role.MODERATOR, Role.ADMIN)


async def claim_next(session: AsyncSession, *, identity: Identity | None) -> ReviewItem | None:
    moderator = require_moderator(identity)
    item = await queue.claim_next(session, moderator_id=moderator.id)
    if item is not None:
        audit.record(
            session,
            "item.claimed",
            actor_id=moderator.id,
            org_id=item.org_id,
            version_id=item.version_id,
            item_id=item.id,
        )
    return item


async def renew(session: AsyncSession, *, identity: Identity | None, item_id: int) -> None:
    moderator = require_moderator(identity)
    await queue.renew(session, moderator_id=moderator.id, item_id=item_id)


async def release(session: AsyncSession, *, identity: Identity | None, item_id: int) -> None:
    moderator = require_moderator(identity)
    await queue.release(session, moderator_id=moderator.id, item_id=item_id)


async def queue_overview(session: AsyncSession, *, identity: Identity | None) -> dict[str, object]:
    require_moderator(identity)
    return await queue.counts(session)


@dataclass(frozen=True, slots=True)
class ItemView:
    item: ReviewItem
    org: Organization
    version: PostingVersion | None
    posting: Posting | None
    findings: list[Finding]
    previous: PostingVersion | None
    changes: list[tuple[str, str, str]]
    history: Sequence[AuditEvent]
    similar: tuple[PostingVersion, Organization, float] | None
    reports: Sequence[PostingReport]
    uscc_problem: str | None
    held_by_me: bool
    chat: chat_safety.ReviewContext | None = None


def _changes(
    previous: PostingVersion | None, version: PostingVersion
) -> list[tuple[str, str, str]]:
    if previous is None:
        return []
    changed = []
    for name in POSTING_FIELDS:
        old, new = getattr(previous, name), getattr(version, name)
        if old != new:
            changed.append((name, "" if old is None else str(old), "" if new is None else str(new)))
    return changed


async def item_view(session: AsyncSession, *, identity: Identity | None, item_id: int) -> ItemView:
    """Everything a moderator needs to decide one item."""
    moderator = require_moderator(identity)
    item = await session.get(ReviewItem, item_id)
    if item is None:
        raise NotFound("No such review item.")
    org = await accounts.org_by_id(session, item.org_id)
    assert org is not None
    version = posting = previous = None
    findings: list[Finding] = []
    similar = None
    reports: Sequence[PostingReport] = []
    if item.version_id is not None:
        version = await postings_repo.version_by_id(session, item.version_id)
        assert version is not None
        posting = await postings_repo.posting_by_id(session, version.posting_id)
        findings = findings_of(version)
        earlier = [
            v
            for v in await postings_repo.versions_of(session, version.posting_id)
            if v.number < version.number
            and v.status in (VersionStatus.LIVE, VersionStatus.SUPERSEDED)
        ]
        previous = earlier[-1] if earlier else None
        assert org.id is not None
        match = (await duplicate_index(session, exclude_org=org.id)).match(
            full_text(version), str(org.id)
        )
        if match is not None:
            other = await postings_repo.version_by_id(session, int(match[0]))
            other_posting = (
                await postings_repo.posting_by_id(session, other.posting_id) if other else None
            )
            other_org = (
                await accounts.org_by_id(session, other_posting.org_id) if other_posting else None
            )
            if other is not None and other_org is not None:
                similar = (other, other_org, match[1])
        reports = (
            await session.exec(
                select(PostingReport)
                .where(PostingReport.posting_id == version.posting_id)
                .order_by(col(PostingReport.id))
            )
        ).all()
    chat = None
    if item.chat_message_id is not None:
        chat = await chat_safety.review_context(session, item.chat_message_id)
        findings = chat.findings
    try:
        normalize_uscc(org.uscc)
        uscc_problem = None
    except USCCError as exc:
        uscc_problem = exc.message
    now = utcnow()
    held = (
        item.claimed_by == moderator.id
        and item.lease_expires_at is not None
        and item.lease_expires_at > now
    )
    return ItemView(
        item=item,
        org=org,
        version=version,
        posting=posting,
        findings=findings,
        previous=previous,
        changes=_changes(previous, version) if version else [],
        history=await audit.history(session, org_id=org.id, limit=30),
        similar=similar,
        reports=reports,
        uscc_problem=uscc_problem,
        held_by_me=held,
        chat=chat,
    )


async def decide(
    session: AsyncSession,
    *,
    identity: Identity | None,
    item_id: int,
    decision: str,
    reasons: Sequence[str] = (),
    note: str = "",
) -> ReviewItem:
    """Approve, reject or send back one item (remove or keep a chat message); only the
    holder of a valid lease may."""
    moderator = require_moderator(identity)
    found = await session.get(ReviewItem, item_id)
    if found is None:
        raise NotFound("No such review item.")
    if found.kind == ItemKind.CHAT_MESSAGE:
        return await _decide_chat_message(
            session, moderator, item_id, decision, reasons, note.strip()[:2000]
        )
    if decision not in DECISIONS[ItemKind.POSTING]:
        raise Invalid("Choose approve, reject or request changes.", field="decision")
    reasons = [r for r in dict.fromkeys(reasons) if r in REJECT_REASONS]
    note = note.strip()[:2000]
    if decision == Decision.REJECT and not reasons:
        raise Invalid("Choose at least one reason for the rejection.", field="reasons")
    if decision == Decision.REQUEST_CHANGES and not note:
        raise Invalid("Tell the employer what to change.", field="note")
    item = await queue.close(session, moderator_id=moderator.id, item_id=item_id, decision=decision)
    if item.kind == ItemKind.ORGANIZATION:
        await _decide_organization(session, moderator, item, Decision(decision), reasons, note)
    else:
        await _decide_posting(session, moderator, item, Decision(decision), reasons, note)
    return item


async def _decide_chat_message(
    session: AsyncSession,
    moderator: Identity,
    item_id: int,
    decision: str,
    reasons: Sequence[str],
    note: str,
) -> ReviewItem:
    if decision not in DECISIONS[ItemKind.CHAT_MESSAGE]:
        raise Invalid("Choose remove or keep.", field="decision")
    chosen = [r for r in dict.fromkeys(reasons) if r in CHAT_REMOVE_REASONS]
    if decision == Decision.REMOVE and not chosen:
        raise Invalid("Choose at least one reason for the removal.", field="reasons")
    item = await queue.close(session, moderator_id=moderator.id, item_id=item_id, decision=decision)
    await chat_safety.decide_message(
        session,
        moderator=moderator,
        item=item,
        decision=Decision(decision),
        reasons=chosen if decision == Decision.REMOVE else [],
        note=note,
    )
    return item


async def _decide_organization(
    session: AsyncSession,
    moderator: Identity,
    item: ReviewItem,
    decision: Decision,
    reasons: list[str],
    note: str,
) -> None:
    org = await accounts.org_by_id(session, item.org_id)
    assert org is not None
    if decision == Decision.APPROVE:
        org.verification = Verification.VERIFIED
    elif decision == Decision.REJECT:
        org.verification = Verification.REJECTED
    session.add(org)
    audit.record(
        session,
        f"organization.{decision}",
        actor_id=moderator.id,
        org_id=org.id,
        item_id=item.id,
        reasons=reasons,
        note=note,
    )
    emit(
        session,
        org_channel(item.org_id),
        "org.verification",
        {"verification": org.verification, "note": note},
    )


async def _decide_posting(
    session: AsyncSession,
    moderator: Identity,
    item: ReviewItem,
    decision: Decision,
    reasons: list[str],
    note: str,
) -> None:
    assert item.version_id is not None
    version = await postings_repo.version_by_id(session, item.version_id)
    assert version is not None
    posting = await postings_repo.posting_by_id(session, version.posting_id)
    assert posting is not None
    now = utcnow()
    if decision == Decision.APPROVE and version.status != VersionStatus.LIVE:
        current = await postings_repo.live_version(session, version.posting_id)
        if current is not None:
            current.status = VersionStatus.SUPERSEDED
            session.add(current)
            # The partial unique index allows one live version: retire the old one first.
            await session.flush()
        version.status = VersionStatus.LIVE
    elif decision == Decision.REJECT:
        version.status = VersionStatus.REJECTED
    elif decision == Decision.REQUEST_CHANGES:
        version.status = VersionStatus.CHANGES_REQUESTED
    version.decided_at = now
    version.decided_by = moderator.id
    version.decision_reasons = orjson.dumps(reasons).decode()
    version.decision_note = note
    session.add(version)
    if item.reason == ItemReason.REPORTED or posting.hidden_at is not None:
        posting.hidden_at = None
        session.add(posting)
        await session.exec(
            sa.update(PostingReport)
            .where(
                col(PostingReport.posting_id) == posting.id,
                col(PostingReport.resolved_at).is_(None),
            )
            .values(resolved_at=now)
        )
    await search.index_posting(session, version.posting_id)
    audit.record(
        session,
        f"posting.{decision}",
        actor_id=moderator.id,
        org_id=posting.org_id,
        posting_id=posting.id,
        version_id=version.id,
        item_id=item.id,
        reason=item.reason,
        reasons=reasons,
        note=note,
        findings=[
            {"rule": f.rule, "category": f.category, "severity": f.severity}
            for f in findings_of(version)
        ],
    )
    emit(
        session,
        org_channel(posting.org_id),
        "posting.status",
        {"posting_id": posting.id, "version": version.number, "status": version.status},
    )


async def report_posting(
    session: AsyncSession, *, identity: Identity | None, posting_id: int, reason: str, text: str
) -> PostingReport:
    """A job seeker reports a live posting: back to the queue; enough reports hide it."""
    reporter = require_role(identity, Role.SEEKER)
    if reason not in REPORT_REASONS:
        raise Invalid("Choose what is wrong with this posting.", field="reason")
    text = " ".join(text.split())[:1000]
    shown = await public_posting(session, posting_id=posting_id)
    assert shown.version.id is not None
    existing = await session.exec(
        select(PostingReport).where(
            PostingReport.posting_id == posting_id, PostingReport.reporter_id == reporter.id
        )
    )
    if existing.first() is not None:
        raise Conflict("You have already reported this posting. A moderator will look at it.")
    report = PostingReport(
        posting_id=posting_id,
        version_id=shown.version.id,
        reporter_id=reporter.id,
        reason=reason,
        text=text,
    )
    session.add(report)
    await session.flush()
    if not await queue.has_open_item(
        session, version_id=shown.version.id, reason=ItemReason.REPORTED
    ):
        queue.enqueue(
            session,
            kind=ItemKind.POSTING,
            reason=ItemReason.REPORTED,
            org_id=shown.org.id or 0,
            version_id=shown.version.id,
            risk=REPORT_RISK + shown.version.risk,
        )
    open_reports = (
        await session.exec(
            select(sa.func.count(sa.distinct(col(PostingReport.reporter_id)))).where(
                PostingReport.posting_id == posting_id, col(PostingReport.resolved_at).is_(None)
            )
        )
    ).one()
    if open_reports >= HIDE_AFTER_REPORTS:
        shown.posting.hidden_at = utcnow()
        session.add(shown.posting)
        await search.index_posting(session, posting_id)
    audit.record(
        session,
        "posting.reported",
        actor_id=reporter.id,
        org_id=shown.org.id,
        posting_id=posting_id,
        version_id=shown.version.id,
        reason=reason,
        text=text,
        open_reports=int(open_reports),
    )
    return report
