"""Applications: once per posting, the employer's pipeline, due dates and response figures."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from app.auth.identity import Identity
from app.auth.models import Role
from app.db import Database, utcnow
from app.errors import Conflict, Invalid, NotAllowed, NotFound
from app.fair import applications, booths, postings, seekers
from app.fair.applications import CLOSED_WITHOUT_DECISION, shown_status
from app.fair.models import Application, ApplicationEvent, ApplicationStatus
from app.fair.schedule import local_date
from tests.fair.svc_factories import DAY, HOUR, Line, World, make_line, make_world, set_row


@dataclass
class Jobs:
    world: World
    line: Line
    posting: int
    employer: Identity  # the organization's administrator

    async def apply(
        self, me: Identity, posting: int | None = None, **kwargs: object
    ) -> Application:
        return await self.world.act(
            lambda s: applications.apply(
                s,
                identity=me,
                posting_id=posting or self.posting,
                **kwargs,  # type: ignore[arg-type]
            )
        )

    async def set_status(
        self, application_id: int, status: str, who: Identity | None = None
    ) -> Application:
        return await self.world.act(
            lambda s: applications.set_status(
                s, identity=who or self.employer, application_id=application_id, status=status
            )
        )


@pytest.fixture
async def jobs(database: Database, password_hash: str) -> Jobs:
    world = await make_world(database, password_hash)
    line = await make_line(world)
    posting = await world.live_posting(line.admin)
    return Jobs(world=world, line=line, posting=posting, employer=await world.who(line.admin))


async def _one_application_per_posting_from_a_complete_profile(jobs: Jobs) -> None:
    world = jobs.world
    org_id = jobs.line.org.id or 0
    await world.listen(f"org:{org_id}")
    unfinished = await world.who(await world.seeker(complete=False))
    with pytest.raises(Conflict) as caught:
        await jobs.apply(unfinished)
    assert caught.value.code == "profile_incomplete"

    me = await world.who(await world.seeker())
    with pytest.raises(Invalid):
        await jobs.apply(me, note="x" * 1001)
    application = await jobs.apply(me, note=" 期待您的回复 ")
    assert application.status == ApplicationStatus.APPLIED
    assert application.note == "期待您的回复"
    assert application.org_id == org_id
    assert application.fair_id is None
    assert application.decision_due == utcnow().date() + timedelta(days=14)
    assert [e["data"]["application"] for e in world.events_on(f"org:{org_id}")] == [application.id]
    # Applying shares the profile with the organization, and is a reason to see it.
    assert await world.read(lambda s: seekers.org_may_see(s, org_id, me.id))

    with pytest.raises(Conflict) as caught:
        await jobs.apply(me)
    assert caught.value.code == "already_applied"
    employer = await world.who(await world.user(Role.EMPLOYER))
    with pytest.raises(NotAllowed):
        await jobs.apply(employer)
    with pytest.raises(NotFound):
        await jobs.apply(me, posting=99999)

    # A withdrawn posting takes no more applications.
    await world.act(lambda s: postings.withdraw(s, identity=jobs.employer, posting_id=jobs.posting))
    late = await world.who(await world.seeker())
    with pytest.raises(NotFound):
        await jobs.apply(late)
    count = await world.read(
        lambda s: s.exec(
            select(func.count()).select_from(Application).where(Application.seeker_id == late.id)
        )
    )
    assert count.one() == 0


async def _concurrent_applications_to_one_posting_make_one(jobs: Jobs) -> None:
    me = await jobs.world.who(await jobs.world.seeker())
    results = await asyncio.gather(*(jobs.apply(me) for _ in range(6)), return_exceptions=True)
    made = [r for r in results if isinstance(r, Application)]
    refused = [r for r in results if not isinstance(r, Application)]
    assert len(made) == 1
    assert all(isinstance(r, Conflict) and r.code == "already_applied" for r in refused), refused
    rows = await jobs.world.read(
        lambda s: s.exec(select(Application.id).where(Application.seeker_id == me.id))
    )
    assert rows.all() == [made[0].id]
    events = await jobs.world.read(
        lambda s: s.exec(
            select(ApplicationEvent.status).where(ApplicationEvent.application_id == made[0].id)
        )
    )
    assert events.all() == [ApplicationStatus.APPLIED]


async def _applying_at_a_fair_needs_registration_and_an_exhibitor(jobs: Jobs) -> None:
    world, line = jobs.world, jobs.line
    fair = line.fair
    elsewhere = await world.fair()  # the organization does not exhibit there
    me = await world.who(await world.seeker(fair_id=elsewhere.id))
    with pytest.raises(NotFound):
        await jobs.apply(me, fair_id=elsewhere.id)
    with pytest.raises(NotAllowed) as caught:
        await jobs.apply(me, fair_id=fair.id)
    assert caught.value.code == "not_registered"
    registered = await line.seeker()
    application = await jobs.apply(registered, fair_id=fair.id)
    assert application.fair_id == fair.id
    # Due two weeks after the fair's last local day, which is later than two weeks from now.
    assert application.decision_due == local_date(fair.ends_at, fair.timezone) + timedelta(days=14)
    assert application.decision_due > utcnow().date() + timedelta(days=14)
    listed = await world.read(
        lambda s: applications.org_applications(s, jobs.employer, fair_id=fair.id)
    )
    assert [row.application.id for row in listed] == [application.id]
    assert (
        await world.read(
            lambda s: applications.org_applications(s, jobs.employer, fair_id=elsewhere.id)
        )
        == []
    )


async def _the_employer_moves_an_application_along_valid_steps(jobs: Jobs) -> None:
    world = jobs.world
    me = await world.who(await world.seeker("王五"))
    await world.listen(f"user:{me.id}")
    application = await jobs.apply(me)
    aid = application.id or 0
    clerk = jobs.line.staff  # any member of the organization may decide
    _, stranger_admin = await world.org()
    stranger = await world.who(stranger_admin)
    other_seeker = await world.who(await world.seeker())

    with pytest.raises(NotAllowed):  # the seeker cannot change the status
        await jobs.set_status(aid, ApplicationStatus.OFFER, who=me)
    with pytest.raises(NotFound):  # nor can another organization, or even see it
        await jobs.set_status(aid, ApplicationStatus.OFFER, who=stranger)
    for outsider in (stranger, other_seeker, None):
        with pytest.raises(NotFound):
            await world.read(lambda s, who=outsider: applications.application_detail(s, who, aid))
    with pytest.raises(Conflict) as caught:
        await jobs.set_status(aid, "hired")
    assert caught.value.code == "bad_transition"

    talking = await jobs.set_status(aid, ApplicationStatus.IN_CONVERSATION, who=clerk)
    first_response = talking.responded_at
    assert first_response is not None
    interview = await jobs.set_status(aid, ApplicationStatus.INTERVIEW)
    assert interview.responded_at == first_response  # the first answer is what counts
    for backwards in (ApplicationStatus.APPLIED, ApplicationStatus.IN_CONVERSATION):
        with pytest.raises(Conflict):
            await jobs.set_status(aid, backwards)
    offer = await jobs.set_status(aid, ApplicationStatus.OFFER)
    assert offer.responded_at == first_response
    for after in (ApplicationStatus.REJECTED, ApplicationStatus.INTERVIEW):
        with pytest.raises(Conflict):
            await jobs.set_status(aid, after)
    with pytest.raises(Conflict):  # decided: nothing to withdraw
        await world.act(lambda s: applications.withdraw(s, identity=me, application_id=aid))
    changes = [e["data"]["status"] for e in world.events_on(f"user:{me.id}")]
    assert changes == ["in_conversation", "interview", "offer"]

    mine = await world.read(lambda s: applications.application_detail(s, me, aid))
    assert [e.status for e in mine.events] == ["applied", "in_conversation", "interview", "offer"]
    assert mine.next_statuses == ()
    theirs = await world.read(lambda s: applications.application_detail(s, clerk, aid))
    assert theirs.row.seeker_name == "王五"

    # The seeker may withdraw an undecided application; then it is closed for everyone.
    second = await jobs.apply(me, posting=await world.live_posting(jobs.line.admin, title="文员"))
    detail = await world.read(lambda s: applications.application_detail(s, clerk, second.id or 0))
    assert detail.next_statuses == applications.TRANSITIONS[ApplicationStatus.APPLIED]
    with pytest.raises(NotFound):
        await world.act(
            lambda s: applications.withdraw(s, identity=other_seeker, application_id=second.id or 0)
        )
    await world.act(lambda s: applications.withdraw(s, identity=me, application_id=second.id or 0))
    with pytest.raises(Conflict):
        await jobs.set_status(second.id or 0, ApplicationStatus.INTERVIEW)
    rows = await world.read(lambda s: applications.seeker_applications(s, me))
    assert {row.application.id: row.shown_status for row in rows} == {
        aid: "offer",
        second.id: "withdrawn",
    }


async def _the_decision_date_only_moves_later(jobs: Jobs) -> None:
    me = await jobs.world.who(await jobs.world.seeker())
    application = await jobs.apply(me)
    due = application.decision_due

    async def move(to: date, who: Identity | None = None) -> Application:
        return await jobs.world.act(
            lambda s: applications.set_decision_due(
                s, identity=who or jobs.employer, application_id=application.id or 0, due=to
            )
        )

    with pytest.raises(Invalid):
        await move(due - timedelta(days=1))
    with pytest.raises(Invalid):
        await move(utcnow().date() + timedelta(days=181))
    with pytest.raises(NotAllowed):
        await move(due + timedelta(days=1), who=me)
    assert (await move(due + timedelta(days=7))).decision_due == due + timedelta(days=7)


# Rules that need no fresh database of their own share one: each test pays for a copy.


async def test_seekers_apply_once_to_live_postings(jobs: Jobs) -> None:
    await _concurrent_applications_to_one_posting_make_one(jobs)
    await _applying_at_a_fair_needs_registration_and_an_exhibitor(jobs)
    await _one_application_per_posting_from_a_complete_profile(jobs)  # withdraws the posting


async def test_employers_decide_along_valid_steps(jobs: Jobs) -> None:
    await _the_employer_moves_an_application_along_valid_steps(jobs)
    await _the_decision_date_only_moves_later(jobs)


def test_undecided_past_the_due_date_is_closed_without_decision() -> None:
    today = date(2030, 5, 20)

    def shown(status: str, due: date) -> str:
        application = Application(
            posting_id=1, version_id=1, seeker_id=1, org_id=1, status=status, decision_due=due
        )
        return shown_status(application, today)

    yesterday = today - timedelta(days=1)
    for open_status in ("applied", "in_conversation", "interview"):
        assert shown(open_status, yesterday) == CLOSED_WITHOUT_DECISION
        assert shown(open_status, today) == open_status
    for closed in ("offer", "rejected", "withdrawn"):
        assert shown(closed, yesterday) == closed


async def test_response_figures_count_answers_and_overdue_silence(jobs: Jobs) -> None:
    world = jobs.world
    org_id = jobs.line.org.id or 0
    today = utcnow().date()
    people = [await world.who(await world.seeker()) for _ in range(6)]
    made = [await jobs.apply(me) for me in people]
    ids = [a.id or 0 for a in made]
    empty = await world.read(lambda s: booths.response_stats(s, org_id, today=today))
    assert (empty.counted, empty.rate, empty.median_hours) == (0, None, None)

    for aid in (ids[0], ids[1], ids[5]):
        await jobs.set_status(aid, ApplicationStatus.IN_CONVERSATION)
    created = utcnow() - 3 * DAY
    for aid, hours in ((ids[0], 2), (ids[1], 10)):
        await set_row(
            world.db, Application, aid, created_at=created, responded_at=created + hours * HOUR
        )
    await set_row(world.db, Application, ids[2], decision_due=today - timedelta(days=1))  # silent
    # ids[3]: not answered, not yet due: not counted either way.
    await world.act(lambda s: applications.withdraw(s, identity=people[4], application_id=ids[4]))
    await set_row(world.db, Application, ids[4], decision_due=today - timedelta(days=1))
    await set_row(  # answered, but too long ago to count
        world.db, Application, ids[5], created_at=utcnow() - timedelta(days=400)
    )
    stats = await world.read(lambda s: booths.response_stats(s, org_id, today=today))
    assert (stats.counted, stats.answered) == (3, 2)
    assert stats.rate == pytest.approx(2 / 3)
    assert stats.median_hours == pytest.approx(6.0)
    rows = await world.read(lambda s: applications.seeker_applications(s, people[2]))
    assert [row.shown_status for row in rows] == [CLOSED_WITHOUT_DECISION]


async def test_an_application_not_committed_leaves_nothing_behind(jobs: Jobs) -> None:
    """The unit of work is all or nothing on both databases: the insert that takes the
    application is not a savepoint that SQLite's driver would commit on its own."""
    from sqlmodel import func, select

    from app.db import unit_of_work

    world = jobs.world
    me = await world.who(await world.seeker())
    async with unit_of_work(world.db, world.broker) as uow:
        await applications.apply(uow.session, identity=me, posting_id=jobs.posting)
        # No commit: the request failed after applying.
    async with world.db.sessions() as session:
        count = (await session.exec(select(func.count()).select_from(Application))).one()
    assert count == 0
