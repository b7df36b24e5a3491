"""Async engine, sessions and the unit of work.

One engine per process (opened in the lifespan). A request or frame handler opens one unit
of work; services add to its session and may :func:`app.events.emit` events; the unit of
work commits and only then publishes those events.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from app.broker import Broker
from app.errors import AppError
from app.events import pending_events

log = logging.getLogger(__name__)
T = TypeVar("T")

# Constraint names that are the same on SQLite and PostgreSQL, so migrations can name them.
# Set before any model module defines a table.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite has no zone support)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use datetime.now(UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def dialect_of(session: AsyncSession) -> str:
    """ "sqlite" or "postgresql": the few queries that differ per database ask this."""
    bind = session.get_bind()
    return bind.dialect.name


async def insert_new(session: AsyncSession, row: SQLModel) -> int | None:
    """Insert ``row`` unless it breaks a unique constraint; its new id, or None.

    ``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` on both databases. Preferred to a
    savepoint around a plain insert: with the SQLite driver's implicit transactions, a
    savepoint that is the transaction's first write commits on release.
    """
    table = row.__table__  # type: ignore[attr-defined]
    values = row.model_dump(exclude={"id"})
    if dialect_of(session) == "postgresql":
        stmt: Any = postgresql.insert(table).values(**values)
    else:
        stmt = sqlite.insert(table).values(**values)
    result = await session.exec(stmt.on_conflict_do_nothing().returning(table.c.id))
    found = result.first()
    return None if found is None else int(found[0])


def utcnow() -> datetime:
    return datetime.now(UTC)


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run beside the one writer; busy_timeout turns lock contention into
    # waiting instead of "database is locked" errors.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


class Database:
    """The engine and its session factory."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self.sessions = async_sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)
        # SQLite has one writer at a time and its busy handler polls with sleeps: under a
        # burst (hundreds joining one queue) waiters can time out while the lock sits idle.
        # Hot write paths take this lock first, so on one node they queue in order instead.
        # PostgreSQL needs no such thing (row locks).
        self.write_lock: asyncio.Lock | None = asyncio.Lock() if url.startswith("sqlite") else None

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


# Session info key: plain callables run once the transaction has committed (removing a
# replaced file, say), never if it rolls back.
AFTER_COMMIT = "jobfair.after_commit"


def after_commit(session: AsyncSession, action: Callable[[], None]) -> None:
    session.info.setdefault(AFTER_COMMIT, []).append(action)


class UnitOfWork:
    """A session whose commit publishes the events the services emitted, after the commit."""

    def __init__(self, session: AsyncSession, broker: Broker) -> None:
        self.session = session
        self.broker = broker

    async def commit(self) -> None:
        events = pending_events(self.session)
        after: list[Callable[[], None]] = self.session.info.pop(AFTER_COMMIT, [])
        await self.session.commit()
        for action in after:
            try:
                action()
            except Exception:
                log.exception("an after-commit action failed")
        for channel, payload in events:
            try:
                await self.broker.publish(channel, payload)
            except Exception:
                # The database holds the truth; clients resynchronise on reconnect.
                log.exception("publishing to %s failed after commit", channel)


# Session info key: a service that refuses a request (raises an AppError) but must keep
# what it already changed (a missed call, a lapsed place) says so with keep_on_refusal().
KEEP_ON_REFUSAL = "jobfair.keep_on_refusal"


def keep_on_refusal(session: AsyncSession, keep: bool = True) -> None:
    session.info[KEEP_ON_REFUSAL] = keep


async def run_unit(
    db: Database,
    broker: Broker,
    action: Callable[[AsyncSession], Awaitable[T]],
    *,
    serialize: bool = False,
) -> T:
    """Run ``action`` in one unit of work and commit. A refusal rolls back, unless the
    service asked to keep its changes; ``serialize`` marks a hot write path (see
    ``Database.write_lock``)."""
    async with AsyncExitStack() as stack:
        if serialize:
            await stack.enter_async_context(serialized_writes(db))
        uow = await stack.enter_async_context(unit_of_work(db, broker))
        try:
            result = await action(uow.session)
        except AppError:
            if uow.session.info.pop(KEEP_ON_REFUSAL, False):
                await uow.commit()
            raise
        await uow.commit()
        return result


@asynccontextmanager
async def serialized_writes(db: Database) -> AsyncIterator[None]:
    """Around a unit of work that writes on a hot path (see ``Database.write_lock``)."""
    if db.write_lock is None:
        yield
        return
    async with db.write_lock:
        yield


@asynccontextmanager
async def unit_of_work(db: Database, broker: Broker) -> AsyncIterator[UnitOfWork]:
    """Open a session; anything not committed when the block ends is rolled back.

    Closing (rather than an explicit rollback) ends the transaction without expiring the
    loaded objects, so a page can still render what it read.
    """
    async with db.sessions() as session:
        try:
            yield UnitOfWork(session, broker)
        finally:
            pending_events(session)
            session.info.pop(AFTER_COMMIT, None)
