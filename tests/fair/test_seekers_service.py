"""Seeker profiles, résumé sharing and bookmarks, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.auth.models import Role
from app.db import Database
from app.errors import Invalid, NotAllowed, NotFound
from app.fair import seekers
from app.fair.models import SeekerProfile, ShareVia
from tests.fair.svc_factories import PROFILE, World, make_line, make_world

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
async def world(database: Database, password_hash: str) -> World:
    return await make_world(database, password_hash)


BAD_PROFILES = [
    ({"full_name": "  "}, "full_name"),
    ({"full_name": "张" * 61}, "full_name"),
    ({"phone": "call me"}, "phone"),
    ({"phone": "12"}, "phone"),
    ({"phone": "", "contact_email": ""}, "phone"),  # some way to reach them
    ({"contact_email": "not-an-address"}, "contact_email"),
    ({"origin_province": "加州"}, "origin_province"),
    ({"education": "幼儿园"}, "education"),
    ({"experience_years": "61"}, "experience_years"),
    ({"experience_years": "-1"}, "experience_years"),
    ({"desired_salary": "a lot"}, "desired_salary"),
    ({"summary": "x" * 2001}, "summary"),
]


async def _profile_is_validated_and_saved(world: World) -> None:
    me = await world.who(await world.seeker(complete=False))
    empty = await world.read(lambda s: seekers.profile_of(s, me.id))
    assert not seekers.profile_complete(empty)
    for changes, field in BAD_PROFILES:
        with pytest.raises(Invalid) as caught:
            await world.act(
                lambda s, changes=changes: seekers.update_profile(
                    s, identity=me, values=PROFILE | changes
                )
            )
        assert caught.value.field == field, changes
    assert await world.read(lambda s: s.get(SeekerProfile, me.id)) is None

    values = PROFILE | {
        "phone": "",
        "contact_email": " zhang@example.com ",
        "education": "大专",
        "experience_years": "3",
        "desired_salary": "8,000",
        "desired_categories": "销售，司机、 仓储;;",
    }
    await world.act(lambda s: seekers.update_profile(s, identity=me, values=values))
    saved = await world.get(SeekerProfile, me.id)
    assert seekers.profile_complete(saved)
    assert (saved.contact_email, saved.experience_years, saved.desired_salary) == (
        "zhang@example.com",
        3,
        8000,
    )
    assert saved.desired_categories == "销售,司机,仓储"
    employer = await world.who(await world.user(Role.EMPLOYER))
    with pytest.raises(NotAllowed):
        await world.act(lambda s: seekers.update_profile(s, identity=employer, values=PROFILE))


async def _staff_see_a_resume_only_with_a_share_and_a_reason(world: World, tmp_path: Path) -> None:
    line = await make_line(world)
    me = await line.seeker("李四")
    other_org, other_admin = await world.org()
    other_staff = await world.who(other_admin)
    staff = line.staff
    org_id = line.org.id or 0
    await world.act(
        lambda s: seekers.upload_resume(
            s, identity=me, upload_dir=tmp_path, data=PDF, filename="../简历.pdf"
        )
    )

    async def may_see() -> bool:
        return await world.read(lambda s: seekers.org_may_see(s, org_id, me.id))

    async def resume(who: object) -> tuple[Path, str]:
        return await world.read(
            lambda s: seekers.resume_for_staff(
                s, identity=who, seeker_id=me.id, upload_dir=tmp_path
            )
        )

    # A share alone is not enough: the seeker must also have applied or queued there.
    await world.act(lambda s: seekers.share_explicitly(s, identity=me, org_id=org_id))
    assert not await may_see()
    card = await world.read(lambda s: seekers.seeker_card(s, org_id, me.id))
    assert (card.display_name, card.shared, card.profile) == ("李四", False, None)
    with pytest.raises(NotAllowed):
        await resume(staff)

    await line.join(me)  # queueing shares too, and gives the reason
    assert await may_see()
    path, name = await resume(staff)
    assert path.read_bytes() == PDF
    assert name == "简历.pdf"
    card = await world.read(lambda s: seekers.seeker_card(s, org_id, me.id))
    assert card.shared
    assert card.profile is not None
    assert card.profile.phone == PROFILE["phone"]
    with pytest.raises(NotAllowed):  # another organization
        await resume(other_staff)
    assert not await world.read(lambda s: seekers.org_may_see(s, other_org.id or 0, me.id))

    await world.act(lambda s: seekers.revoke_share(s, identity=me, org_id=org_id))
    assert not await may_see()
    with pytest.raises(NotAllowed):
        await resume(staff)
    with pytest.raises(NotFound):  # nothing left to revoke
        await world.act(lambda s: seekers.revoke_share(s, identity=me, org_id=org_id))
    shares = await world.read(lambda s: seekers.shares_of(s, me))
    assert [(share.org_id, share.revoked_at is not None) for share, _ in shares] == [(org_id, True)]

    # Sharing again renews the same consent.
    await world.act(lambda s: seekers.share_explicitly(s, identity=me, org_id=org_id))
    assert await may_see()
    shares = await world.read(lambda s: seekers.shares_of(s, me))
    assert [(share.via, share.revoked_at) for share, _ in shares] == [(ShareVia.EXPLICIT, None)]
    with pytest.raises(NotFound):
        await world.act(lambda s: seekers.share_explicitly(s, identity=me, org_id=9999))

    # Without a stored file there is nothing to hand out, even with consent.
    await world.act(lambda s: seekers.remove_resume(s, identity=me, upload_dir=tmp_path))
    assert not path.exists()
    with pytest.raises(NotFound):
        await resume(staff)


async def _bookmarks_toggle(world: World) -> None:
    me = await world.who(await world.seeker())
    line = await make_line(world)
    booth, posting = line.booth_id, await world.live_posting(line.admin)

    async def toggle(kind: str, target: int) -> bool:
        return await world.act(
            lambda s: seekers.toggle_bookmark(s, identity=me, kind=kind, target_id=target)
        )

    assert await toggle("booth", booth) is True
    assert await toggle("posting", posting) is True
    assert await world.read(lambda s: seekers.bookmarks_of(s, me.id)) == {
        ("booth", booth),
        ("posting", posting),
    }
    assert await toggle("booth", booth) is False
    assert await world.read(lambda s: seekers.bookmarks_of(s, me.id)) == {("posting", posting)}
    assert await toggle("booth", booth) is True
    with pytest.raises(Invalid):
        await toggle("person", booth)
    with pytest.raises(NotFound):
        await toggle("posting", 99999)
    employer = await world.who(await world.user(Role.EMPLOYER))
    with pytest.raises(NotAllowed):
        await world.act(
            lambda s: seekers.toggle_bookmark(s, identity=employer, kind="booth", target_id=booth)
        )


async def test_profiles_sharing_and_bookmarks(world: World, tmp_path: Path) -> None:
    # One database for all: each test pays for a fresh copy.
    await _profile_is_validated_and_saved(world)
    await _staff_see_a_resume_only_with_a_share_and_a_reason(world, tmp_path)
    await _bookmarks_toggle(world)
