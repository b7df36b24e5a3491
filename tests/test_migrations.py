"""Migrations create the schema on both backends and match the models exactly."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

import app.models
from app.db import Database
from app.fair.search import include_in_autogenerate
from app.migrate import downgrade, upgrade


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_in_autogenerate}
    )
    return list(compare_metadata(context, app.models.metadata))


async def test_migrated_schema_matches_models(database: Database) -> None:
    async with database.engine.connect() as conn:
        differences = await conn.run_sync(_diff)
    assert differences == []


async def test_downgrade_to_base_and_upgrade_again(db_url: str) -> None:
    await asyncio.to_thread(downgrade, db_url, "base")
    db = Database(db_url)
    try:
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: c.dialect.get_table_names(c))
        assert set(tables) <= {"alembic_version"}
    finally:
        await db.dispose()
    await asyncio.to_thread(upgrade, db_url)
    db = Database(db_url)
    try:
        async with db.engine.connect() as conn:
            assert await conn.run_sync(_diff) == []
    finally:
        await db.dispose()
