"""Account rules on both databases: registration, log-in throttling, passwords, orgs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.auth import repository, service
from app.auth.identity import Identity, load_identity
from app.auth.models import Role, User
from app.auth.throttle import MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS
from app.broker.memory import MemoryBroker
from app.db import Database, UnitOfWork, utcnow
from app.errors import Conflict, Invalid, NotAllowed, NotFound, TooManyRequests
from app.events import pending_events
from tests.conftest import add_org, add_user, valid_uscc
from tests.support import PASSWORD


async def identity(db: Database, user: User, sid: str = "s1") -> Identity:
    async with db.sessions() as session:
        found = await load_identity(session, {"uid": user.id, "epoch": user.auth_epoch, "sid": sid})
    assert found is not None
    return found


async def test_register_seeker_and_employer(database: Database) -> None:
    async with database.sessions() as session:
        seeker = await service.register(
            session,
            email=" Li.Na@Example.COM ",
            password=PASSWORD,
            display_name=" 李  娜 ",
            role="seeker",
        )
        employer = await service.register(
            session, email="hr@example.com", password=PASSWORD, display_name="HR", role="employer"
        )
        await session.commit()
    assert seeker.email == "li.na@example.com"
    assert seeker.display_name == "李 娜"
    assert seeker.password_hash != PASSWORD
    assert employer.role == Role.EMPLOYER


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "aaaaaaaaaaaa"}, "password"),
        ({"display_name": "   "}, "display_name"),
        ({"role": "admin"}, "role"),
        ({"role": "moderator"}, "role"),
    ],
)
async def test_register_rejects_bad_input(
    database: Database, fields: dict[str, str], field: str
) -> None:
    values = {
        "email": "a@example.com",
        "password": PASSWORD,
        "display_name": "A",
        "role": "seeker",
    } | fields
    async with database.sessions() as session:
        with pytest.raises(Invalid) as caught:
            await service.register(session, **values)
        assert caught.value.field == field
        assert await repository.user_by_email(session, "a@example.com") is None


async def test_duplicate_email_is_a_conflict_whatever_the_case(
    database: Database, password_hash: str
) -> None:
    await add_user(database, password_hash, Role.SEEKER, email="taken@example.com")
    async with database.sessions() as session:
        with pytest.raises(Conflict):
            await service.register(
                session,
                email="TAKEN@example.com",
                password=PASSWORD,
                display_name="X",
                role="seeker",
            )


async def test_authenticate_and_wrong_password(database: Database, password_hash: str) -> None:
    broker = MemoryBroker(lambda c, p: None)
    user = await add_user(database, password_hash, Role.SEEKER, email="u@example.com")
    async with database.sessions() as session:
        found = await service.authenticate(
            session, broker, email="U@example.com", password=PASSWORD, address="1.2.3.4"
        )
        assert found.id == user.id
        with pytest.raises(Invalid):
            await service.authenticate(
                session, broker, email="u@example.com", password="nope", address="1.2.3.4"
            )
        with pytest.raises(Invalid):
            await service.authenticate(
                session, broker, email="ghost@example.com", password=PASSWORD, address="1.2.3.4"
            )


async def test_account_is_locked_after_repeated_failures(
    database: Database, password_hash: str
) -> None:
    broker = MemoryBroker(lambda c, p: None)
    await add_user(database, password_hash, Role.SEEKER, email="u@example.com")
    async with database.sessions() as session:
        for attempt in range(MAX_FAILURES_PER_ACCOUNT):
            with pytest.raises(Invalid):
                await service.authenticate(
                    session,
                    broker,
                    email="u@example.com",
                    password="wrong",
                    address=f"10.0.0.{attempt}",
                )
        # Even the right password is refused while locked, from any address.
        with pytest.raises(TooManyRequests) as caught:
            await service.authenticate(
                session, broker, email="u@example.com", password=PASSWORD, address="9.9.9.9"
            )
        assert caught.value.retry_after > 0


async def test_address_is_locked_after_failures_across_accounts(
    database: Database, password_hash: str
) -> None:
    broker = MemoryBroker(lambda c, p: None)
    await add_user(database, password_hash, Role.SEEKER, email="victim@example.com")
    async with database.sessions() as session:
        for attempt in range(MAX_FAILURES_PER_ADDRESS):
            with pytest.raises(Invalid):
                await service.authenticate(
                    session,
                    broker,
                    email=f"guess{attempt}@example.com",
                    password="x",
                    address="6.6.6.6",
                )
        with pytest.raises(TooManyRequests):
            await service.authenticate(
                session, broker, email="victim@example.com", password=PASSWORD, address="6.6.6.6"
            )
        ok = await service.authenticate(
            session, broker, email="victim@example.com", password=PASSWORD, address="7.7.7.7"
        )
        assert ok.email == "victim@example.com"


async def test_deactivated_account_cannot_log_in(database: Database, password_hash: str) -> None:
    broker = MemoryBroker(lambda c, p: None)
    admin = await add_user(database, password_hash, Role.ADMIN)
    user = await add_user(database, password_hash, Role.SEEKER, email="gone@example.com")
    assert user.id is not None
    async with database.sessions() as session:
        await service.set_active(
            session, identity=await identity(database, admin), user_id=user.id, active=False
        )
        events = pending_events(session)
        await session.commit()
        assert events == [(f"session:{user.id}", b'{"epoch":1}')]
        with pytest.raises(NotAllowed):
            await service.authenticate(
                session, broker, email="gone@example.com", password=PASSWORD, address="a"
            )


async def test_only_admins_deactivate(database: Database, password_hash: str) -> None:
    moderator = await add_user(database, password_hash, Role.MODERATOR)
    user = await add_user(database, password_hash, Role.SEEKER)
    assert user.id is not None
    async with database.sessions() as session:
        with pytest.raises(NotAllowed):
            await service.set_active(
                session, identity=await identity(database, moderator), user_id=user.id, active=False
            )


async def test_change_password_ends_other_sessions(database: Database, password_hash: str) -> None:
    user = await add_user(database, password_hash, Role.SEEKER)
    me = await identity(database, user)
    async with database.sessions() as session:
        with pytest.raises(Invalid) as caught:
            await service.change_password(
                session, identity=me, current="wrong", new="another-long-pass"
            )
        assert caught.value.field == "current_password"
        me = await load_identity(session, {"uid": user.id, "epoch": 0, "sid": "s1"})
        assert me is not None
        updated = await service.change_password(
            session, identity=me, current=PASSWORD, new="another-long-pass"
        )
        events = pending_events(session)
        await session.commit()
    assert updated.auth_epoch == 1
    assert events == [(f"session:{user.id}", b'{"epoch":1}')]
    async with database.sessions() as session:
        # The old cookie (epoch 0) no longer identifies anybody.
        assert await load_identity(session, {"uid": user.id, "epoch": 0, "sid": "s1"}) is None
        assert await load_identity(session, {"uid": user.id, "epoch": 1, "sid": "s2"}) is not None


async def test_create_organization(database: Database, password_hash: str) -> None:
    employer = await add_user(database, password_hash, Role.EMPLOYER)
    async with database.sessions() as session:
        org = await service.create_organization(
            session,
            identity=await identity(database, employer),
            name=" 北京 测试 有限公司 ",
            uscc="91110108551385082q",
            address="北京市",
        )
        await session.commit()
        assert org.name == "北京 测试 有限公司"
        assert org.uscc == "91110108551385082Q"
        assert org.verification == "unverified"
    me = await identity(database, employer)
    assert me.org_id == org.id
    assert me.is_org_admin


@pytest.mark.parametrize(
    ("uscc", "message"),
    [
        ("91110108551385082A", "check character"),
        ("123", "18 characters"),
        ("91110108551385O82Q", "not allowed"),
    ],
)
async def test_create_organization_rejects_bad_codes(
    database: Database, password_hash: str, uscc: str, message: str
) -> None:
    employer = await add_user(database, password_hash, Role.EMPLOYER)
    async with database.sessions() as session:
        with pytest.raises(Invalid, match=message) as caught:
            await service.create_organization(
                session,
                identity=await identity(database, employer),
                name="测试公司",
                uscc=uscc,
                address="",
            )
        assert caught.value.field == "uscc"


async def test_organization_rules(database: Database, password_hash: str) -> None:
    first = await add_user(database, password_hash, Role.EMPLOYER)
    second = await add_user(database, password_hash, Role.EMPLOYER)
    seeker = await add_user(database, password_hash, Role.SEEKER)
    org = await add_org(database, first, seed=7)
    async with database.sessions() as session:
        with pytest.raises(Conflict):  # same code twice
            await service.create_organization(
                session,
                identity=await identity(database, second),
                name="别的公司",
                uscc=org.uscc,
                address="",
            )
        with pytest.raises(Conflict):  # one organization per account
            await service.create_organization(
                session,
                identity=await identity(database, first),
                name="二号公司",
                uscc=valid_uscc(8),
                address="",
            )
        with pytest.raises(NotAllowed):  # seekers do not run organizations
            await service.create_organization(
                session,
                identity=await identity(database, seeker),
                name="求职者公司",
                uscc=valid_uscc(9),
                address="",
            )


async def test_invite_and_accept_colleague(database: Database, password_hash: str) -> None:
    admin = await add_user(database, password_hash, Role.EMPLOYER)
    org = await add_org(database, admin)
    async with database.sessions() as session:
        invite, token = await service.invite_colleague(
            session, identity=await identity(database, admin), email="Colleague@Example.com"
        )
        await session.commit()
    assert invite.email == "colleague@example.com"
    assert token not in invite.token_hash
    async with database.sessions() as session:
        user = await service.accept_invite(
            session, token=token, display_name="同事", password=PASSWORD
        )
        events = pending_events(session)
        await session.commit()
    assert events
    assert events[0][0] == f"org:{org.id}"
    colleague = await identity(database, user)
    assert colleague.org_id == org.id
    assert not colleague.is_org_admin
    async with database.sessions() as session:
        with pytest.raises(NotFound):  # a link works once
            await service.accept_invite(session, token=token, display_name="X", password=PASSWORD)
        with pytest.raises(NotAllowed):  # only the organization's admin invites
            await service.invite_colleague(session, identity=colleague, email="third@example.com")


async def test_expired_or_unknown_invitations(database: Database, password_hash: str) -> None:
    admin = await add_user(database, password_hash, Role.EMPLOYER)
    await add_org(database, admin)
    async with database.sessions() as session:
        invite, token = await service.invite_colleague(
            session, identity=await identity(database, admin), email="late@example.com"
        )
        invite.expires_at = utcnow() - timedelta(seconds=1)
        session.add(invite)
        await session.commit()
    async with database.sessions() as session:
        for bad in (token, "made-up-token"):
            with pytest.raises(NotFound):
                await service.open_invite(session, bad)


async def test_events_are_published_only_after_commit(
    database: Database, password_hash: str
) -> None:
    received: list[tuple[str, bytes]] = []
    broker = MemoryBroker(lambda channel, payload: received.append((channel, payload)))
    admin = await add_user(database, password_hash, Role.EMPLOYER)
    org = await add_org(database, admin)
    await broker.subscribe(f"org:{org.id}")
    async with database.sessions() as session:
        _, token = await service.invite_colleague(
            session, identity=await identity(database, admin), email="c@example.com"
        )
        await session.commit()
    async with database.sessions() as session:
        await service.accept_invite(
            session, token=token, display_name="Rolled back", password=PASSWORD
        )
        await session.rollback()
        pending_events(session)
    assert received == []
    async with database.sessions() as session:
        uow = UnitOfWork(session, broker)
        await service.accept_invite(session, token=token, display_name="同事", password=PASSWORD)
        assert received == []
        await uow.commit()
    assert len(received) == 1
    assert b'"event":"org.member_joined"' in received[0][1]
