"""Background work every node runs: presence pushes and the queue sweeper.

Both are safe to run on many nodes at once: presence pushes go to local sockets only, and
the sweeper's changes are conditional updates that succeed on one node.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlmodel.ext.asyncio.session import AsyncSession

from app.context import AppContext
from app.db import run_unit, utcnow
from app.fair import queues
from app.fair.presence import PresencePusher

log = logging.getLogger(__name__)

SWEEP_EVERY_S = 5.0


async def sweep_queues_once(app: AppContext) -> tuple[int, int]:
    async def sweep(session: AsyncSession) -> tuple[int, int]:
        now = utcnow()
        missed = await queues.expire_invitations(session, app.broker, now)
        return missed, await queues.flush_closed_booths(session, now)

    return await run_unit(app.db, app.broker, sweep, serialize=True)


async def _sweep_forever(app: AppContext) -> None:
    while True:
        await asyncio.sleep(SWEEP_EVERY_S)
        try:
            await sweep_queues_once(app)
        except Exception:
            log.exception("queue sweep failed")


class FairLive:
    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        pusher = PresencePusher(self.app.hub, self.app.broker)
        self.tasks = [
            asyncio.create_task(pusher.run()),
            asyncio.create_task(_sweep_forever(self.app)),
        ]

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
