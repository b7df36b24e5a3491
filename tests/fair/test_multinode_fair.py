"""Queues and presence across two ``jobfair serve`` processes sharing PostgreSQL and Redis.

The nodes come from tests/test_multinode.py's helpers (skipped locally without the
services, failing under CI=true). A line is the same line on every node, a call made on
one node reaches the seeker's socket on the other, each node pushes presence counts that
include visitors of both, and a line outlives the process that took the tickets.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import pytest_asyncio

from app.db import Database
from tests.fair.ws_factories import Client, FairWorld, build_fair, cookie_for
from tests.test_multinode import Node, start_node, stop, wait_ready
from tests.test_multinode import cluster_env as cluster_env  # the fixture, reused

pytestmark = pytest.mark.multinode


@dataclass
class Cluster:
    env: dict[str, str]
    nodes: list[Node]
    world: FairWorld
    cookies: dict[str, str] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)

    async def socket(self, node: int, who: str) -> Client:
        if who not in self.cookies:
            # A session made on one node is valid on every node.
            self.cookies[who] = await cookie_for(self.nodes[0].url, who)
        target = self.nodes[node]
        client = await Client.open(target.ws_url, target.url, self.cookies[who])
        self.clients.append(client)
        return client

    async def crash_and_restart(self, node: int) -> None:
        """Kill the node's process without a shutdown, then start a fresh one."""
        old = self.nodes[node]
        old.process.kill()
        old.process.wait()
        stop(old)
        self.nodes[node] = start_node(self.env)
        await wait_ready(self.nodes[node])


@pytest_asyncio.fixture
async def cluster(
    cluster_env: dict[str, str], pg_url: str, password_hash: str
) -> AsyncIterator[Cluster]:
    db = Database(pg_url)
    try:
        world = await build_fair(db, password_hash)
    finally:
        await db.dispose()
    nodes = [start_node(cluster_env), start_node(cluster_env)]
    cluster = Cluster(cluster_env, nodes, world)
    try:
        await asyncio.gather(*(wait_ready(node) for node in nodes))
        yield cluster
    finally:
        for client in cluster.clients:
            await client.close()
        for node in cluster.nodes:
            stop(node)


async def test_one_line_and_one_crowd_across_two_nodes(cluster: Cluster) -> None:
    world = cluster.world
    booth, fair = world.booth, world.fair
    first, second = await cluster.socket(0, "s1"), await cluster.socket(1, "s2")
    staff = await cluster.socket(1, "staff")
    for client in (first, second):
        await client.subscribe(f"queue:{booth}")
    await first.subscribe(f"user:{world.uid('s1')}")

    assert (await first.ok({"type": "queue.join", "booth": booth}, "queue.ticket"))["seq"] == 1
    await second.event("queue.moved", lambda d: d["joined"] == 1)
    ticket = await second.ok({"type": "queue.join", "booth": booth}, "queue.ticket")
    assert (ticket["seq"], ticket["position"]) == (2, 2)
    await first.event("queue.moved", lambda d: d["joined"] == 2 and d["waiting"] == 2)

    called = await staff.ok({"type": "queue.call_next", "booth": booth}, "queue.called")
    assert called["seq"] == 1
    invited = await first.event("queue.invited")
    assert (invited["booth"], invited["seq"]) == (booth, 1)
    await second.event("queue.moved", lambda d: d["invited"] == 1)

    # Visitors on both nodes; each node's watchers see everyone.
    watchers = [await cluster.socket(0, "rival"), await cluster.socket(1, "s3")]
    for watcher in watchers:
        await watcher.subscribe(f"fair:{fair}")
    await first.ok({"type": "presence", "fair": fair, "booth": booth}, "presence.ok")
    await second.ok({"type": "presence", "fair": fair}, "presence.ok")
    both = {"fair": 2, "booths": {str(booth): 1}}
    for watcher in watchers:
        assert await watcher.event("presence", lambda d: d == both, within=5) == both
    await first.close()
    one = {"fair": 1, "booths": {}}
    for watcher in watchers:
        assert await watcher.event("presence", lambda d: d == one, within=5) == one


async def test_the_line_outlives_a_crashed_node(cluster: Cluster) -> None:
    world = cluster.world
    booth = world.booth
    ahead = await cluster.socket(1, "s2")
    await ahead.ok({"type": "queue.join", "booth": booth}, "queue.ticket")
    seeker = await cluster.socket(0, "s1")
    ticket = await seeker.ok({"type": "queue.join", "booth": booth}, "queue.ticket")
    assert (ticket["seq"], ticket["position"]) == (2, 2)

    await cluster.crash_and_restart(0)
    on_other = await cluster.socket(1, "s1")
    assert (await on_other.ok({"type": "queue.state", "booth": booth}, "queue.ticket"))[
        "position"
    ] == 2
    await on_other.close()
    back = await cluster.socket(0, "s1")
    now = await back.ok({"type": "queue.state", "booth": booth}, "queue.ticket")
    assert (now["seq"], now["position"], now["status"]) == (2, 2, "waiting")

    # The line goes on: the seeker ahead leaves on node 2, the call from node 2 reaches
    # the seeker's new socket on the restarted node.
    await back.subscribe(f"user:{world.uid('s1')}")
    await ahead.ok({"type": "queue.leave", "booth": booth}, "queue.left")
    staff = await cluster.socket(1, "staff")
    called = await staff.ok({"type": "queue.call_next", "booth": booth}, "queue.called")
    assert called["seq"] == 2
    assert (await back.event("queue.invited"))["seq"] == 2
