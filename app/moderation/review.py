"""Running the screening engine on a stored posting version, and reading its findings back."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import orjson
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.models import Organization
from app.fair import repository
from app.fair.models import PostingVersion
from app.moderation.screening import DuplicateIndex, Finding, PostingText, risk_score, screen

TEXT_FIELDS = ("title", "description", "requirements", "benefits")


@dataclass(frozen=True, slots=True)
class ScreenResult:
    findings: list[Finding]
    risk: float

    @property
    def blocking(self) -> bool:
        return any(f.severity == "block" for f in self.findings)

    def summary(self) -> list[dict[str, Any]]:
        """What the audit log keeps of each finding."""
        return [
            {
                "rule": f.rule,
                "category": f.category,
                "severity": f.severity,
                "field": f.field,
                "text": f.text,
            }
            for f in self.findings
        ]


def posting_text(version: PostingVersion, org: Organization) -> PostingText:
    profile = " ".join(part for part in (org.description, org.address, org.website) if part)
    return PostingText(
        title=version.title,
        description=version.description,
        requirements=version.requirements,
        benefits=version.benefits,
        category=version.category,
        city=version.city,
        district=version.district,
        salary_min=version.salary_min,
        salary_max=version.salary_max,
        salary_period=version.salary_period,
        headcount=version.headcount,
        education=version.education,
        experience=version.experience,
        org_name=org.name,
        org_uscc=org.uscc,
        org_profile=profile,
        justification=version.justification,
    )


def full_text(version: PostingVersion) -> str:
    return "\n".join(getattr(version, name) for name in TEXT_FIELDS)


async def duplicate_index(session: AsyncSession, *, exclude_org: int) -> DuplicateIndex:
    """Signatures of what other organizations have live or in review.

    Loaded per submission: fine for the tens of thousands of postings a bureau holds; an
    LSH band table in the database is the next step beyond that.
    """
    index = DuplicateIndex()
    for version_id, org_id, signature in await repository.signatures_for_duplicates(
        session, exclude_org=exclude_org
    ):
        index.add(str(version_id), str(org_id), orjson.loads(signature))
    return index


async def screen_version(
    session: AsyncSession, *, version: PostingVersion, org: Organization
) -> ScreenResult:
    """Screen the version, store findings, risk and signature on it, and return them."""
    assert org.id is not None
    index = await duplicate_index(session, exclude_org=org.id)
    findings = screen(
        posting_text(version, org),
        duplicates=index,
        posting_id=str(version.id),
        org_key=str(org.id),
    )
    risk = risk_score(findings)
    version.findings = orjson.dumps([asdict(f) for f in findings]).decode()
    version.risk = risk
    version.signature = orjson.dumps(DuplicateIndex.signature(full_text(version))).decode()
    return ScreenResult(findings=findings, risk=risk)


def findings_of(version: PostingVersion) -> list[Finding]:
    return [Finding(**item) for item in orjson.loads(version.findings or "[]")]
