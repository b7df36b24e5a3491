"""Fixtures: a migrated database per test on SQLite and PostgreSQL, users, live servers.

Each backend is migrated once per session into a template; every test gets its own copy
(a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL), so tests never share
data and the migrations are what created every schema.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import asyncpg
import pytest
import pytest_asyncio
from redis import Redis as SyncRedis
from sqlalchemy.engine import make_url

from app.auth.models import Organization, OrgMember, Role, User
from app.auth.passwords import hash_password
from app.auth.uscc import check_character
from app.db import Database
from app.migrate import upgrade
from tests.support import PASSWORD, PG_URL, REDIS_URL, missing

T = TypeVar("T")


def _pg_dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def _in_thread(fn: Callable[..., T], *args: object) -> T:
    """Run blocking set-up (Alembic, its own event loops) off the test's running loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(fn, *args).result()


def _pg_admin(sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(_pg_dsn(PG_URL), timeout=3)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    _in_thread(asyncio.run, run())


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    _in_thread(upgrade, f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    name = f"jobfair_tpl_{uuid.uuid4().hex[:8]}"
    try:
        _pg_admin(f'CREATE DATABASE "{name}"')
    except (OSError, asyncpg.PostgresError) as exc:
        missing(f"PostgreSQL not reachable at {PG_URL}: {exc}")
    try:
        _in_thread(
            upgrade, make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        )
        yield name
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """PostgreSQL only, for multi-node tests (nodes share one database server)."""
    name = f"jobfair_t_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}" STRATEGY FILE_COPY')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated, private database on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "test.db"
        shutil.copyfile(template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    template_name: str = request.getfixturevalue("pg_template")
    name = f"jobfair_t_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}" STRATEGY FILE_COPY')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis server's URL; skips Redis tests if it is down, fails under CI."""
    client = SyncRedis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except Exception as exc:
        missing(f"Redis not reachable at {REDIS_URL} ({exc}): start redis-server")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only, for tests about the web layer rather than storage."""
    target = tmp_path / "web.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest_asyncio.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    db = Database(db_url)
    try:
        yield db
    finally:
        await db.dispose()


@pytest_asyncio.fixture(scope="session")
async def password_hash() -> str:
    # Hashing is deliberately slow; tests share one hash of PASSWORD.
    return await hash_password(PASSWORD)


UserFactory = Callable[..., Awaitable[User]]


def valid_uscc(seed: int) -> str:
    first17 = f"9111010{seed:010d}"
    return first17 + check_character(first17)


async def add_user(
    db: Database,
    password_hash: str,
    role: Role,
    *,
    email: str | None = None,
    name: str = "Test User",
) -> User:
    async with db.sessions() as session:
        user = User(
            email=email or f"{role}-{uuid.uuid4().hex[:8]}@example.com",
            display_name=name,
            role=role,
            password_hash=password_hash,
        )
        session.add(user)
        await session.commit()
        return user


async def add_org(
    db: Database, admin: User, *, seed: int = 1, name: str = "测试科技有限公司"
) -> Organization:
    assert admin.id is not None
    async with db.sessions() as session:
        org = Organization(name=name, uscc=valid_uscc(seed), created_by=admin.id)
        session.add(org)
        await session.flush()
        assert org.id is not None
        session.add(OrgMember(org_id=org.id, user_id=admin.id, is_admin=True))
        await session.commit()
        return org


@pytest.fixture(autouse=True)
def fresh_lobby(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process servers read the lobby afresh in tests, which change a fair and look at
    once; the cache itself has its own test."""
    from app.fair import lobby

    monkeypatch.setattr(lobby, "SUMMARY_TTL_S", 0.0)
