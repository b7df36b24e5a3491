"""Conversations about an application: opened by either side, one at a time, and never
in the way of a booth line."""

from __future__ import annotations

import pytest

from app.db import Database
from app.errors import NotFound
from app.fair import applications, conversations
from app.fair.models import ConversationOrigin
from tests.fair.svc_factories import make_line, make_world


async def test_either_side_opens_one_conversation_per_application(
    database: Database, password_hash: str
) -> None:
    world = await make_world(database, password_hash)
    line = await make_line(world)
    posting = await world.live_posting(line.admin)
    me = await line.seeker("申请人")
    applied = await world.act(
        lambda s: applications.apply(s, identity=me, posting_id=posting, fair_id=line.fair.id)
    )
    staff = line.staff
    invited = await world.act(
        lambda s: conversations.open_for_application(
            s, identity=staff, application_id=applied.id or 0
        )
    )
    assert invited.origin == ConversationOrigin.INVITATION
    assert invited.staff_id == staff.id
    assert invited.booth_id == line.booth_id
    again = await world.act(
        lambda s: conversations.open_for_application(s, identity=me, application_id=applied.id or 0)
    )
    assert again.id == invited.id  # one open conversation per application
    stranger = await line.seeker("路人")
    with pytest.raises(NotFound):
        await world.act(
            lambda s: conversations.open_for_application(
                s, identity=stranger, application_id=applied.id or 0
            )
        )
    other_org = await line.neighbour()
    with pytest.raises(NotFound):
        await world.act(
            lambda s: conversations.open_for_application(
                s, identity=other_org.staff, application_id=applied.id or 0
            )
        )


async def test_a_conversation_about_an_application_does_not_block_the_line(
    database: Database, password_hash: str
) -> None:
    world = await make_world(database, password_hash)
    line = await make_line(world)
    posting = await world.live_posting(line.admin)
    me = await line.seeker("申请人")
    applied = await world.act(lambda s: applications.apply(s, identity=me, posting_id=posting))
    written = await world.act(
        lambda s: conversations.open_for_application(s, identity=me, application_id=applied.id or 0)
    )
    assert written.origin == ConversationOrigin.APPLICATION
    assert written.staff_id is None  # any staff member of the organization may answer
    await line.join(me)
    called = await line.call()
    assert called.ticket is not None  # not "busy": the application chat is not a live talk
    talk = await line.accept(me)
    assert talk.origin == ConversationOrigin.QUEUE
