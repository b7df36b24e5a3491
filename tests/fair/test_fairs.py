"""Fairs, exhibitors, registration and the booth's shop window, on both databases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from app.auth.models import Role
from app.db import Database, utcnow
from app.errors import AppError, Conflict, Invalid, NotAllowed, NotFound
from app.fair import booths, fairs, lobby, postings
from app.fair.models import Booth, BoothStatus, Fair, FairRegistration, FairStatus
from app.fair.schedule import Phase, closes_at, days_of, is_open, phase_of
from tests.fair.svc_factories import DAY, HOUR, World, fair_fields, make_line, make_world

SHANGHAI = ZoneInfo("Asia/Shanghai")

FORM = {
    "title": " 春风行动网络招聘会 ",
    "description": "面向返乡务工人员。",
    "starts_at": "2030-03-01T09:00",
    "ends_at": "2030-03-03T17:00",
    "timezone": "Asia/Shanghai",
    "daily_open": "9:00",
    "daily_close": "17:00",
    "district": "朝阳区",
    "industry": "制造业",
    "audience": "migrant_workers",
    "seeker_capacity": " 500 ",
    "booth_cap": "",
}


@pytest.fixture
async def world(database: Database, password_hash: str) -> World:
    return await make_world(database, password_hash)


# -- the organizer's form ---------------------------------------------------------------


def test_clean_fair_reads_times_in_the_fair_zone() -> None:
    fields = fairs.clean_fair(FORM)
    assert fields.title == "春风行动网络招聘会"
    assert fields.starts_at == datetime(2030, 3, 1, 1, 0, tzinfo=UTC)
    assert fields.ends_at == datetime(2030, 3, 3, 9, 0, tzinfo=UTC)
    assert (fields.daily_open, fields.daily_close) == ("09:00", "17:00")
    assert (fields.seeker_capacity, fields.booth_cap) == (500, None)
    assert fields.audience == "migrant_workers"

    in_utc = fairs.clean_fair(FORM | {"timezone": "UTC"})
    assert in_utc.starts_at == datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
    defaults = fairs.clean_fair(
        FORM | {"timezone": "", "audience": "", "daily_open": "", "daily_close": ""}
    )
    assert (defaults.timezone, defaults.audience) == ("Asia/Shanghai", "general")
    assert (defaults.daily_open, defaults.daily_close) == ("", "")  # around the clock
    longest = fairs.clean_fair(FORM | {"ends_at": "2030-04-01T09:00"})
    assert longest.ends_at - longest.starts_at == timedelta(days=31)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": "2030-03-01T09:00"}, "ends_at"),  # ends as it starts
        ({"ends_at": "2030-02-28T09:00"}, "ends_at"),  # ends before it starts
        ({"ends_at": "2030-04-01T09:01"}, "ends_at"),  # longer than 31 days
        ({"starts_at": ""}, "starts_at"),
        ({"starts_at": "2030-03-01T09:00+08:00"}, "starts_at"),  # a zone is the fair's
        ({"ends_at": "tomorrow"}, "ends_at"),
        ({"daily_close": ""}, "daily_close"),  # half-given hours
        ({"daily_open": ""}, "daily_close"),
        ({"daily_close": "09:00"}, "daily_close"),  # closes as it opens
        ({"daily_close": "08:00"}, "daily_close"),
        ({"daily_open": "25:00"}, "daily_open"),
        ({"daily_open": "9"}, "daily_open"),
        ({"timezone": "Europe/Berlin"}, "timezone"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"audience": "everyone"}, "audience"),
        ({"seeker_capacity": "0"}, "seeker_capacity"),
        ({"seeker_capacity": "-5"}, "seeker_capacity"),
        ({"seeker_capacity": "2.5"}, "seeker_capacity"),
        ({"seeker_capacity": "many"}, "seeker_capacity"),
        ({"seeker_capacity": "１０"}, "seeker_capacity"),  # full-width digits
        ({"seeker_capacity": "1000001"}, "seeker_capacity"),
        ({"booth_cap": "0"}, "booth_cap"),
        ({"booth_cap": "5001"}, "booth_cap"),
        ({"title": "   "}, "title"),
        ({"title": "招" * 121}, "title"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_clean_fair_refuses(changes: dict[str, str], field: str) -> None:
    with pytest.raises(Invalid) as caught:
        fairs.clean_fair(FORM | changes)
    assert caught.value.field == field


# -- the clock ------------------------------------------------------------------------------


def _fair(status: str = FairStatus.PUBLISHED, **values: object) -> Fair:
    base: dict[str, object] = {
        "organizer_id": 1,
        "title": "t",
        "starts_at": datetime(2030, 1, 1, 0, 0, tzinfo=SHANGHAI),
        "ends_at": datetime(2030, 1, 3, 12, 0, tzinfo=SHANGHAI),
        "timezone": "Asia/Shanghai",
        "daily_open": "09:00",
        "daily_close": "17:00",
        "status": status,
    }
    return Fair(**(base | values))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2030, 1, day, hour, minute, tzinfo=SHANGHAI)


def test_phases_follow_the_clock() -> None:
    published = _fair()
    assert phase_of(published, at(1, 0) - timedelta(seconds=1)) == Phase.UPCOMING
    assert phase_of(published, at(1, 0)) == Phase.LIVE
    assert phase_of(published, at(3, 11, 59)) == Phase.LIVE
    assert phase_of(published, at(3, 12)) == Phase.ENDED
    for moment in (at(1, 0) - DAY, at(2, 10), at(4, 0)):
        assert phase_of(_fair(FairStatus.DRAFT), moment) == Phase.DRAFT
        assert phase_of(_fair(FairStatus.CANCELLED), moment) == Phase.CANCELLED


def test_opening_hours_are_wall_clock_times_in_the_fair_zone() -> None:
    fair = _fair()
    assert closes_at(fair, None, at(1, 8, 59)) is None
    assert closes_at(fair, None, at(1, 9)) == at(1, 17)
    assert closes_at(fair, None, at(2, 16, 59)) == at(2, 17)
    assert closes_at(fair, None, at(2, 17)) is None
    assert closes_at(fair, None, at(3, 10)) == at(3, 12)  # the fair ends before the day does
    assert closes_at(fair, None, at(3, 12)) is None
    assert not is_open(fair, None, at(2, 20))
    # 09:30 in Shanghai is 01:30 UTC: closed for a fair keeping UTC hours.
    assert closes_at(_fair(timezone="UTC"), None, at(2, 9, 30)) is None
    assert closes_at(_fair(timezone="UTC"), None, at(2, 18)) == at(3, 1)
    # A booth's own office hours apply to its line.
    booth = Booth(fair_id=1, org_id=1, hours_open="10:00", hours_close="12:00")
    assert closes_at(fair, booth, at(2, 9, 30)) is None
    assert closes_at(fair, booth, at(2, 11)) == at(2, 12)
    assert closes_at(fair, booth, at(2, 13)) is None
    # Around the clock: open until local midnight, and never outside the fair.
    always = _fair(daily_open="", daily_close="")
    assert closes_at(always, None, at(2, 3)) == at(3, 0)
    assert closes_at(always, None, at(1, 0) - HOUR) is None
    assert closes_at(_fair(FairStatus.CANCELLED), None, at(2, 10)) is None
    assert closes_at(_fair(FairStatus.DRAFT), None, at(2, 10)) is None


def test_schedule_lists_each_local_day() -> None:
    assert [d.day for d, _, _ in days_of(_fair())] == [1, 2, 3]
    assert [d.day for d, _, _ in days_of(_fair(ends_at=at(3, 0)))] == [1, 2]
    assert days_of(_fair())[0][1:] == ("09:00", "17:00")


# -- who manages a fair ------------------------------------------------------------------


async def _only_the_owning_organizer_or_an_admin_manages_a_fair(world: World) -> None:
    owner = await world.who(world.organizer)
    other = await world.who(await world.user(Role.ORGANIZER))
    admin = await world.who(await world.user(Role.ADMIN))
    seeker = await world.who(await world.user(Role.SEEKER))
    employer = await world.who(await world.user(Role.EMPLOYER))
    org, _ = await world.org()
    draft = await world.fair(publish=False)
    fair_id = draft.id or 0
    fields = fair_fields(title="改名")

    refused = [
        lambda s, who: fairs.own_fair(s, who, fair_id),
        lambda s, who: fairs.update_fair(s, identity=who, fair_id=fair_id, fields=fields),
        lambda s, who: fairs.publish(s, identity=who, fair_id=fair_id),
        lambda s, who: fairs.cancel(s, identity=who, fair_id=fair_id),
        lambda s, who: fairs.invite_org(s, identity=who, fair_id=fair_id, org_id=org.id or 0),
        lambda s, who: fairs.set_banner(s, identity=who, fair_id=fair_id, key="k"),
    ]
    for action in refused:
        with pytest.raises(NotFound):
            await world.act(lambda s, action=action: action(s, other))
        for outsider in (seeker, employer, None):
            with pytest.raises(AppError) as caught:
                await world.act(lambda s, action=action, who=outsider: action(s, who))
            assert caught.value.code in ("forbidden", "not_authenticated")
    with pytest.raises(NotAllowed):
        await world.act(lambda s: fairs.create_fair(s, identity=seeker, fields=fields))

    # Drafts are the organizer's secret; published fairs are for everyone.
    for outsider in (other, seeker, None):
        with pytest.raises(NotFound):
            await world.read(lambda s, who=outsider: fairs.visible_fair(s, who, fair_id))
    assert (await world.read(lambda s: fairs.visible_fair(s, admin, fair_id))).id == fair_id
    assert [f.id for f in await world.read(lambda s: fairs.organizer_fairs(s, other))] == []
    assert [f.id for f in await world.read(lambda s: fairs.organizer_fairs(s, owner))] == [fair_id]

    renamed = await world.act(
        lambda s: fairs.update_fair(s, identity=admin, fair_id=fair_id, fields=fields)
    )
    assert renamed.title == "改名"
    assert renamed.organizer_id == world.organizer.id
    await world.act(lambda s: fairs.publish(s, identity=admin, fair_id=fair_id))
    assert (await world.read(lambda s: fairs.visible_fair(s, seeker, fair_id))).id == fair_id
    assert (await world.read(lambda s: fairs.visible_fair(s, None, fair_id))).id == fair_id


async def _publish_and_cancel_rules(world: World) -> None:
    me = await world.who(world.organizer)
    now = utcnow()
    draft = await world.fair(publish=False)
    past = await world.fair(publish=False, starts_at=now - 3 * DAY, ends_at=now - DAY)
    upcoming = await world.fair(starts_at=now + DAY, ends_at=now + 2 * DAY)
    assert phase_of(draft, now) == Phase.DRAFT
    assert phase_of(upcoming, now) == Phase.UPCOMING

    live = await world.act(lambda s: fairs.publish(s, identity=me, fair_id=draft.id or 0))
    assert live.status == FairStatus.PUBLISHED
    assert live.published_at is not None
    assert phase_of(live, utcnow()) == Phase.LIVE
    with pytest.raises(Conflict):
        await world.act(lambda s: fairs.publish(s, identity=me, fair_id=draft.id or 0))
    with pytest.raises(Conflict):  # its end is in the past
        await world.act(lambda s: fairs.publish(s, identity=me, fair_id=past.id or 0))
    mine = {draft.id, past.id, upcoming.id}

    async def listed() -> list[int | None]:
        found = await world.read(lambda s: fairs.public_fairs(s, utcnow()))
        return [f.id for f in found if f.id in mine]

    assert await listed() == [live.id, upcoming.id]

    cancelled = await world.act(lambda s: fairs.cancel(s, identity=me, fair_id=upcoming.id or 0))
    assert phase_of(cancelled, utcnow()) == Phase.CANCELLED
    for again in (
        lambda s: fairs.cancel(s, identity=me, fair_id=upcoming.id or 0),
        lambda s: fairs.update_fair(s, identity=me, fair_id=upcoming.id or 0, fields=fair_fields()),
    ):
        with pytest.raises(Conflict):
            await world.act(again)
    seeker = await world.who(await world.seeker())
    with pytest.raises(Conflict):
        await world.act(lambda s: fairs.register(s, identity=seeker, fair_id=upcoming.id or 0))
    with pytest.raises(Conflict):  # drafts take no registrations either
        await world.act(lambda s: fairs.register(s, identity=seeker, fair_id=past.id or 0))
    assert await listed() == [live.id]


# -- exhibitors ----------------------------------------------------------------------------


async def _status(world: World, booth_id: int | None) -> str:
    return (await world.get(Booth, booth_id)).status


async def _invitations_and_applications_each_need_the_other_side(world: World) -> None:
    organizer = await world.who(world.organizer)
    stranger = await world.who(await world.user(Role.ORGANIZER))
    fair = await world.fair(booth_cap=10)
    fid = fair.id or 0
    invited_org, invited_admin = await world.org("甲公司")
    clerk = await world.who(await world.staff(invited_org))
    applying_org, applying_admin = await world.org("乙公司")
    applying_clerk = await world.who(await world.staff(applying_org))
    declined_org, declined_admin = await world.org("丙公司")

    invite = await world.act(
        lambda s: fairs.invite_org(s, identity=organizer, fair_id=fid, org_id=invited_org.id or 0)
    )
    assert invite.status == BoothStatus.INVITED
    with pytest.raises(Conflict):
        await world.act(
            lambda s: fairs.invite_org(
                s, identity=organizer, fair_id=fid, org_id=invited_org.id or 0
            )
        )
    with pytest.raises(NotFound):
        await world.act(lambda s: fairs.invite_org(s, identity=organizer, fair_id=fid, org_id=999))
    with pytest.raises(NotAllowed):  # only the organization's administrator answers
        await world.act(
            lambda s: fairs.answer_invitation(s, identity=clerk, fair_id=fid, accept=True)
        )
    admin = await world.who(invited_admin)
    accepted = await world.act(
        lambda s: fairs.answer_invitation(s, identity=admin, fair_id=fid, accept=True)
    )
    assert accepted.status == BoothStatus.ACCEPTED
    assert accepted.decided_at is not None
    with pytest.raises(NotFound):  # nothing left to answer
        await world.act(
            lambda s: fairs.answer_invitation(s, identity=admin, fair_id=fid, accept=True)
        )

    with pytest.raises(NotAllowed):
        await world.act(lambda s: fairs.apply_to_exhibit(s, identity=applying_clerk, fair_id=fid))
    applicant = await world.who(applying_admin)
    applied = await world.act(
        lambda s: fairs.apply_to_exhibit(s, identity=applicant, fair_id=fid, free=True)
    )
    assert (applied.status, applied.free) == (BoothStatus.APPLIED, True)
    with pytest.raises(Conflict):
        await world.act(lambda s: fairs.apply_to_exhibit(s, identity=applicant, fair_id=fid))
    with pytest.raises(NotFound):  # another organizer's fair
        await world.act(
            lambda s: fairs.decide_application(
                s, identity=stranger, fair_id=fid, booth_id=applied.id or 0, accept=True
            )
        )
    decided = await world.act(
        lambda s: fairs.decide_application(
            s, identity=organizer, fair_id=fid, booth_id=applied.id or 0, accept=True
        )
    )
    assert decided.status == BoothStatus.ACCEPTED
    with pytest.raises(Conflict):
        await world.act(
            lambda s: fairs.decide_application(
                s, identity=organizer, fair_id=fid, booth_id=applied.id or 0, accept=False
            )
        )

    declined = await world.who(declined_admin)
    asked = await world.act(lambda s: fairs.apply_to_exhibit(s, identity=declined, fair_id=fid))
    await world.act(
        lambda s: fairs.decide_application(
            s, identity=organizer, fair_id=fid, booth_id=asked.id or 0, accept=False
        )
    )
    assert await _status(world, asked.id) == BoothStatus.DECLINED
    with pytest.raises(Conflict):
        await world.act(lambda s: fairs.apply_to_exhibit(s, identity=declined, fair_id=fid))

    shown = await world.read(lambda s: fairs.exhibitors(s, fid))
    assert sorted(e.org.name for e in shown) == sorted(["甲公司", "乙公司"])
    assert {e.booth.id for e in shown} == {accepted.id, decided.id}
    with pytest.raises(Invalid) as caught:  # two booths are accepted already
        await world.act(
            lambda s: fairs.update_fair(
                s, identity=organizer, fair_id=fid, fields=fair_fields(booth_cap=1)
            )
        )
    assert caught.value.field == "booth_cap"

    # Withdrawing closes the booth's line; the organization may ask again later.
    gone = await world.act(lambda s: fairs.withdraw_booth(s, identity=admin, fair_id=fid))
    assert (gone.status, gone.queue_open) == (BoothStatus.WITHDRAWN, False)
    again = await world.act(lambda s: fairs.apply_to_exhibit(s, identity=admin, fair_id=fid))
    assert again.status == BoothStatus.APPLIED

    draft = await world.fair(publish=False)
    with pytest.raises(NotFound):  # nobody applies to a fair that is not published
        await world.act(
            lambda s: fairs.apply_to_exhibit(s, identity=applicant, fair_id=draft.id or 0)
        )


async def _crossing_requests_are_an_agreement(world: World) -> None:
    organizer = await world.who(world.organizer)
    fair = await world.fair()
    fid = fair.id or 0
    first, first_admin = await world.org()
    second, second_admin = await world.org()

    await world.act(
        lambda s: fairs.invite_org(s, identity=organizer, fair_id=fid, org_id=first.id or 0)
    )
    me = await world.who(first_admin)
    booth = await world.act(lambda s: fairs.apply_to_exhibit(s, identity=me, fair_id=fid))
    assert booth.status == BoothStatus.ACCEPTED

    other = await world.who(second_admin)
    asked = await world.act(lambda s: fairs.apply_to_exhibit(s, identity=other, fair_id=fid))
    assert asked.status == BoothStatus.APPLIED
    booth = await world.act(
        lambda s: fairs.invite_org(s, identity=organizer, fair_id=fid, org_id=second.id or 0)
    )
    assert (booth.id, booth.status) == (asked.id, BoothStatus.ACCEPTED)
    assert await world.read(lambda s: fairs.accepted_booth_count(s, fid)) == 2


async def _the_booth_cap_is_enforced(world: World) -> None:
    organizer = await world.who(world.organizer)
    fair = await world.fair(booth_cap=1)
    fid = fair.id or 0
    invited, invited_admin = await world.org()
    _, applying_admin = await world.org()
    await world.act(
        lambda s: fairs.invite_org(s, identity=organizer, fair_id=fid, org_id=invited.id or 0)
    )
    applicant = await world.who(applying_admin)
    asked = await world.act(lambda s: fairs.apply_to_exhibit(s, identity=applicant, fair_id=fid))
    await world.act(
        lambda s: fairs.decide_application(
            s, identity=organizer, fair_id=fid, booth_id=asked.id or 0, accept=True
        )
    )
    admin = await world.who(invited_admin)
    with pytest.raises(Conflict) as caught:
        await world.act(
            lambda s: fairs.answer_invitation(s, identity=admin, fair_id=fid, accept=True)
        )
    assert "no free booth" in caught.value.message
    assert await world.read(lambda s: fairs.accepted_booth_count(s, fid)) == 1
    # The refused invitation is still open, to accept once a place is free.
    booth = await world.read(lambda s: fairs._booth(s, fid, invited.id or 0))
    assert booth is not None
    assert booth.status == BoothStatus.INVITED


async def _concurrent_acceptances_never_exceed_the_cap(world: World) -> None:
    organizer = await world.who(world.organizer)
    fair = await world.fair(booth_cap=3)
    fid = fair.id or 0
    admins = []
    for _ in range(8):
        org, admin = await world.org()
        await world.act(
            lambda s, org=org: fairs.invite_org(
                s, identity=organizer, fair_id=fid, org_id=org.id or 0
            )
        )
        admins.append(await world.who(admin))

    results = await asyncio.gather(
        *(
            world.act(
                lambda s, me=me: fairs.answer_invitation(s, identity=me, fair_id=fid, accept=True)
            )
            for me in admins
        ),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, Booth)]
    lost = [r for r in results if not isinstance(r, Booth)]
    assert len(won) == 3
    assert len(lost) == 5
    assert all(isinstance(r, Conflict) for r in lost), lost
    assert await world.read(lambda s: fairs.accepted_booth_count(s, fid)) == 3


# -- registration ----------------------------------------------------------------------------


async def _registration_is_within_capacity_and_idempotent(world: World) -> None:
    fair = await world.fair(seeker_capacity=2)
    fid = fair.id or 0
    first, second, third = [await world.who(await world.seeker()) for _ in range(3)]
    for _ in range(2):
        registered = await world.act(lambda s: fairs.register(s, identity=first, fair_id=fid))
        assert registered.registered_count == 1
    await world.act(lambda s: fairs.register(s, identity=second, fair_id=fid))
    with pytest.raises(Conflict) as caught:
        await world.act(lambda s: fairs.register(s, identity=third, fair_id=fid))
    assert caught.value.code == "fair_full"
    employer = await world.who(await world.user(Role.EMPLOYER))
    with pytest.raises(NotAllowed):
        await world.act(lambda s: fairs.register(s, identity=employer, fair_id=fid))
    assert (await world.get(Fair, fid)).registered_count == 2
    assert await world.read(lambda s: fairs.is_registered(s, fid, first.id))
    assert not await world.read(lambda s: fairs.is_registered(s, fid, third.id))
    organizer = await world.who(world.organizer)
    with pytest.raises(Invalid) as lower:
        await world.act(
            lambda s: fairs.update_fair(
                s, identity=organizer, fair_id=fid, fields=fair_fields(seeker_capacity=1)
            )
        )
    assert lower.value.field == "seeker_capacity"


async def _thirty_concurrent_registrations_fill_ten_places(world: World) -> None:
    fair = await world.fair(seeker_capacity=10)
    fid = fair.id or 0
    people = await world.bulk_seekers(30)
    results = await asyncio.gather(
        *(world.act(lambda s, me=me: fairs.register(s, identity=me, fair_id=fid)) for me in people),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, Fair)]
    lost = [r for r in results if not isinstance(r, Fair)]
    assert len(won) == 10
    assert all(isinstance(r, Conflict) and r.code == "fair_full" for r in lost), lost
    assert (await world.get(Fair, fid)).registered_count == 10
    rows = await world.read(
        lambda s: s.exec(
            select(func.count())
            .select_from(FairRegistration)
            .where(FairRegistration.fair_id == fid)
        )
    )
    assert rows.one() == 10


# Rules that need no fresh database of their own share one: each test pays for a copy.


async def test_organizers_manage_and_publish_their_own_fairs(world: World) -> None:
    await _only_the_owning_organizer_or_an_admin_manages_a_fair(world)
    await _publish_and_cancel_rules(world)


async def test_exhibitors_join_by_agreement_within_the_cap(world: World) -> None:
    await _invitations_and_applications_each_need_the_other_side(world)
    await _crossing_requests_are_an_agreement(world)
    await _the_booth_cap_is_enforced(world)
    await _concurrent_acceptances_never_exceed_the_cap(world)


async def test_seekers_register_within_capacity(world: World) -> None:
    await _registration_is_within_capacity_and_idempotent(world)
    await _thirty_concurrent_registrations_fill_ten_places(world)


# -- what a booth shows --------------------------------------------------------------------


async def test_a_booth_shows_its_live_postings(world: World) -> None:
    fair = await world.fair(hours=("09:00", "17:00"))
    fid = fair.id or 0
    org, admin = await world.org("甲公司")
    other, other_admin = await world.org("乙公司")
    booth = await world.exhibit(fair, org, admin)
    clerk = await world.who(await world.staff(org))
    sales = await world.live_posting(admin, title="销售代表")
    driver = await world.live_posting(admin, title="货车司机")
    foreign = await world.live_posting(other_admin, title="仓库文员")
    today = utcnow().date()

    async def shown() -> list[int]:
        rows = await world.read(lambda s: booths.booth_postings(s, booth, today=today))
        return sorted(p.id or 0 for p, _, _ in rows)

    async def counted() -> dict[int, int]:
        result = await world.read(lambda s: lobby.lobby(s, fid, lobby.Filters(), today=today))
        return {b.id: b.postings for b in result.booths}

    assert await shown() == sorted([sales, driver])  # no choice made: all of them
    assert await counted() == {booth.id: 2}

    def edit(**values: str) -> object:
        form = {"intro": "欢迎", "hours_open": "", "hours_close": ""} | values
        return world.act(
            lambda s: booths.update_booth(
                s, identity=clerk, booth_id=booth.id or 0, values=form, posting_ids=[sales]
            )
        )

    await edit()
    assert await shown() == [sales]
    assert await counted() == {booth.id: 1}
    found = await world.read(lambda s: lobby.lobby(s, fid, lobby.Filters(q="销售"), today=today))
    assert [p.id for p in found.postings] == [sales]
    with pytest.raises(Invalid) as caught:
        await world.act(
            lambda s: booths.update_booth(
                s, identity=clerk, booth_id=booth.id or 0, values={}, posting_ids=[foreign]
            )
        )
    assert caught.value.field == "postings"
    for values, field in (
        ({"hours_open": "08:00", "hours_close": "12:00"}, "hours_open"),  # outside the fair's
        ({"hours_open": "12:00", "hours_close": "10:00"}, "hours_close"),
        ({"hours_open": "10:00"}, "hours_close"),
        ({"video_url": "http://example.com/v.mp4"}, "video_url"),
        ({"follow_up_by": "2000-01-01"}, "follow_up_by"),
        ({"intro": "x" * 3001}, "intro"),
    ):
        with pytest.raises(Invalid) as caught:
            await edit(**values)
        assert caught.value.field == field, values
    await edit(hours_open="10:00", hours_close="12:00")
    assert (await world.get(Booth, booth.id)).hours_open == "10:00"
    other_clerk = await world.who(await world.staff(other))
    with pytest.raises(NotFound):  # another organization's staff
        await world.act(
            lambda s: booths.update_booth(
                s, identity=other_clerk, booth_id=booth.id or 0, values={}, posting_ids=[]
            )
        )

    # A withdrawn posting disappears from the booth and the lobby.
    me = await world.who(admin)
    await world.act(lambda s: postings.withdraw(s, identity=me, posting_id=sales))
    assert await shown() == []
    assert await counted() == {booth.id: 0}
    booths_of_org = await world.read(lambda s: booths.org_booths(s, clerk))
    assert [b.id for b, _ in booths_of_org] == [booth.id]


async def test_the_unfiltered_lobby_is_kept_for_a_few_seconds(
    monkeypatch: pytest.MonkeyPatch, database: Database, password_hash: str
) -> None:
    """Each node re-reads a fair's booth list at most every SUMMARY_TTL_S seconds; a
    search always reads the index."""
    monkeypatch.setattr(lobby, "SUMMARY_TTL_S", 60.0)
    lobby.forget_summaries()
    world = await make_world(database, password_hash)
    line = await make_line(world)
    today = utcnow().date()
    fid = line.fair.id or 0

    async def booth_ids() -> set[int]:
        found = await world.read(lambda s: lobby.lobby(s, fid, lobby.Filters(), today=today))
        return {b.id for b in found.booths}

    before = await booth_ids()
    await line.neighbour()
    assert await booth_ids() == before  # cached
    lobby.forget_summaries()
    assert len(await booth_ids()) == len(before) + 1
