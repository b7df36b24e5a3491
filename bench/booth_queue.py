"""Joins per second into one booth's line, and how fast a called seeker hears of it.

What it measures, on a real ``jobfair serve`` process with 2,001 WebSockets open:

* 1,000 job seekers at one booth each subscribe to ``queue:<booth>`` and send
  ``queue.join``, at most 50 in flight; joins per second is the number of tickets over the
  time from the first join sent to the last ``queue.ticket`` received. Every join changes
  the line, so each one also goes out to everyone already watching it (about half a
  million ``queue.moved`` frames in all);
* meanwhile 1,000 more seekers browse the fair (subscribed to ``fair:<id>``, present in
  its lobby), and every seeker listens on ``user:<their id>``;
* a staff member of the booth's organization sends ``queue.call_next`` 100 times; for
  each call, the delay from sending the frame to the called seeker's socket receiving
  ``queue.invited`` on ``user:<id>``. Between calls the seeker accepts (``queue.accept``)
  and the staff member ends the conversation with ``POST /conversations/<id>/end``
  (outcome "no match"), since staff hold at most four conversations or calls at once.

Correctness is checked on the way: the 1,000 tickets must carry distinct numbers (and,
as the service promises, 1..1000 without gaps), also counted in the database afterwards,
and the calls must reach seekers in ticket order.

Set-up: the fair, its booths and 2,000 registered seekers with complete profiles are
inserted as rows (bench/lobby.py's build_fair); seekers' session cookies are signed the
way a log-in signs them, the staff member logs in through ``/login``. The server runs on
CPU 0; this process (set-up and all the sockets) on CPU 1.

Run: ``.venv/bin/python bench/booth_queue.py`` (SQLite, in-process broker: the embedded
defaults), or ``--pg`` for PostgreSQL and Redis (a database created and dropped for the
run at JOBFAIR_BENCH_PG_URL, default postgresql+asyncpg://127.0.0.1/test, and a unique
namespace at JOBFAIR_BENCH_REDIS_URL, default redis://127.0.0.1:6379/0). The last line of
output is machine-readable; see bench/README.md. (Not ``bench/queue.py``: a script's own
directory comes first on sys.path, so that name would shadow the standard library's
``queue`` for every bench script, aiosqlite's import of it included.)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway_fanout import (
    CLIENT_CPU,
    SERVER_CPU,
    TASKSET,
    BenchError,
    busy_seconds,
    can_pin,
    cpu_seconds,
    free_port,
    percentile,
    raise_nofile,
    run_loop,
    spawn,
    stop,
    tail,
    wait_ready,
)
from lobby import (
    FrameError,
    Sessions,
    Socket,
    World,
    build_fair,
    heartbeat,
    in_batches,
    log_in,
    open_sockets,
    project_command,
    server_env,
)

JOINERS = 1000
BROWSERS = 1000
CALLS = 100
IN_FLIGHT = 50
BOOTHS = 20
END_PATH = "/conversations/{id}/end"
PG_URL = os.environ.get("JOBFAIR_BENCH_PG_URL", "postgresql+asyncpg://127.0.0.1/test")
REDIS_URL = os.environ.get("JOBFAIR_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
NOTICE_TIMEOUT_S = 30.0
# Line updates and presence counts go to every watcher; the seekers only count them.
BROADCASTS = (b'{"type":"event","channel":"queue:', b'{"type":"event","channel":"fair:')


@dataclass
class Seeker:
    user_id: int
    cookie: str
    sock: Socket | None = None
    seq: int = 0

    @property
    def socket(self) -> Socket:
        assert self.sock is not None
        return self.sock


class Notices:
    """The events the seekers' sockets hear on ``user:<id>``, with their arrival times."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.invited: asyncio.Future[tuple[int, int, dict[str, Any]]] | None = None
        self.ended: dict[int, asyncio.Future[None]] = {}

    def __call__(self, sock: Socket, frame: dict[str, Any], now: int) -> None:
        event = str(frame.get("event"))
        self.counts[event] += 1
        if event == "queue.invited" and self.invited is not None and not self.invited.done():
            self.invited.set_result((sock.user_id, now, frame["data"]))
        elif event == "conversation.ended":
            waiter = self.ended.pop(sock.user_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)


@dataclass
class Outcome:
    joins: int
    join_s: float
    join_errors: Counter[str]
    join_round_trips_ns: list[int]
    seqs: list[int]
    join_server_cpu_s: float
    join_client_cpu_s: float
    join_others_cpu_s: float  # other processes (PostgreSQL's included) on the server's core
    broadcasts: int
    delays_ns: list[int] = field(default_factory=list)
    invited_seqs: list[int] = field(default_factory=list)
    notices: Counter[str] = field(default_factory=Counter)
    db_tickets: int = 0
    db_distinct: int = 0
    db_statuses: dict[str, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)

    @property
    def joins_per_s(self) -> float:
        return self.joins / self.join_s if self.join_s else math.nan

    def delay_ms(self, share: float) -> float:
        return percentile(sorted(self.delays_ns), share) / 1e6


# -- phases -------------------------------------------------------------------------------


async def connect(port: int, seekers: list[Seeker], notices: Notices) -> None:
    started = time.monotonic()
    sockets = await open_sockets(port, [s.cookie for s in seekers], notices, BROADCASTS)
    for seeker, sock in zip(seekers, sockets, strict=True):
        if sock.user_id != seeker.user_id:
            raise BenchError(f"socket of seeker {seeker.user_id} says hello as {sock.user_id}")
        seeker.sock = sock
    print(f"  {len(sockets)} seeker sockets open in {time.monotonic() - started:.1f}s", flush=True)


async def settle_in(
    world: World, booth: int, joiners: list[Seeker], browsers: list[Seeker]
) -> None:
    """Everyone listens on their own channel; browsers watch the fair, joiners the booth."""
    started = time.monotonic()

    async def browse(seeker: Seeker) -> None:
        sock = seeker.socket
        await sock.request({"type": "subscribe", "channel": f"user:{seeker.user_id}"})
        await sock.request({"type": "subscribe", "channel": f"fair:{world.fair_id}"})
        await sock.request({"type": "presence", "fair": world.fair_id})

    async def visit(seeker: Seeker) -> None:
        sock = seeker.socket
        await sock.request({"type": "subscribe", "channel": f"user:{seeker.user_id}"})
        await sock.request({"type": "presence", "fair": world.fair_id, "booth": booth})

    await in_batches(browsers, browse)
    await in_batches(joiners, visit)
    print(
        f"  {len(browsers)} browsing the fair, {len(joiners)} at booth {booth} "
        f"in {time.monotonic() - started:.1f}s",
        flush=True,
    )


async def join_all(
    booth: int, joiners: list[Seeker], in_flight: int, server_pid: int
) -> tuple[float, Counter[str], list[int], tuple[float, float, float]]:
    """Subscribe to the line and join, ``in_flight`` seekers at a time."""
    errors: Counter[str] = Counter()
    round_trips: list[int] = []

    async def join(seeker: Seeker) -> None:
        sock = seeker.socket
        await sock.request({"type": "subscribe", "channel": f"queue:{booth}"})
        sent = time.perf_counter_ns()
        try:
            ticket = await sock.request({"type": "queue.join", "booth": booth})
        except FrameError as exc:
            errors[exc.code] += 1
            return
        round_trips.append(time.perf_counter_ns() - sent)
        if ticket.get("type") != "queue.ticket":
            errors[f"reply {ticket.get('type')}"] += 1
            return
        seeker.seq = int(ticket["seq"])

    cpu0, mine0, busy0 = cpu_seconds(server_pid), cpu_seconds(os.getpid()), busy_seconds(SERVER_CPU)
    started = time.perf_counter()
    await in_batches(joiners, join, limit=in_flight)
    elapsed = time.perf_counter() - started
    cpu1, mine1, busy1 = cpu_seconds(server_pid), cpu_seconds(os.getpid()), busy_seconds(SERVER_CPU)
    server = cpu1 - cpu0
    return elapsed, errors, round_trips, (server, max(0.0, busy1 - busy0 - server), mine1 - mine0)


@dataclass
class Staff:
    """The booth's staff member: a socket for calls, a logged-in client for the pages."""

    user_id: int
    sock: Socket
    http: Any  # httpx.AsyncClient with the session cookie
    csrf: str

    @classmethod
    async def sign_in(cls, port: int, booth: int, email: str, password: str) -> Staff:
        import httpx

        base = f"http://127.0.0.1:{port}"
        cookie, csrf = await log_in(base, email, password)
        sock = await Socket.open(port, cookie)
        for channel in (f"user:{sock.user_id}", f"booth:{booth}"):
            await sock.request({"type": "subscribe", "channel": channel})
        return cls(
            sock.user_id, sock, httpx.AsyncClient(base_url=base, headers={"Cookie": cookie}), csrf
        )

    async def end(self, conversation: int) -> None:
        """End with "no match", as the console's form does."""
        path = END_PATH.format(id=conversation)
        data = {"outcome": "no_match", "note": "", "csrf_token": self.csrf}
        response = await self.http.post(path, data=data)
        if response.status_code >= 400:
            raise BenchError(f"POST {path} answered HTTP {response.status_code}")

    async def close(self) -> None:
        self.sock.close()
        await self.http.aclose()


async def call_all(
    staff: Staff, booth: int, calls: int, joiners: dict[int, Seeker], notices: Notices
) -> tuple[list[int], list[int]]:
    """Call, hear the notice, accept, end: ``calls`` times. Returns the delays (from
    sending call_next to the seeker's socket receiving queue.invited) and the numbers
    called."""
    loop = asyncio.get_running_loop()
    delays: list[int] = []
    called: list[int] = []
    for n in range(calls):
        notices.invited = loop.create_future()
        sent = time.perf_counter_ns()
        reply = await asyncio.wait_for(
            staff.sock.ask({"type": "queue.call_next", "booth": booth}), NOTICE_TIMEOUT_S
        )
        if reply.get("type") != "queue.called":
            raise BenchError(f"call {n + 1}: {reply}")
        user_id, heard, data = await asyncio.wait_for(notices.invited, NOTICE_TIMEOUT_S)
        delays.append(heard - sent)
        if data["seq"] != reply["seq"]:
            raise BenchError(f"call {n + 1}: staff called {reply['seq']}, seeker heard {data}")
        called.append(int(data["seq"]))
        accepted = await joiners[user_id].socket.request({"type": "queue.accept", "booth": booth})
        # Staff hold at most four conversations and calls: end this one before the next.
        ended = notices.ended[user_id] = loop.create_future()
        await staff.end(int(accepted["conversation"]))
        await asyncio.wait_for(ended, NOTICE_TIMEOUT_S)
    return delays, called


async def count_tickets(db_url: str, booth: int) -> tuple[int, int, dict[str, int]]:
    """Tickets at the booth in the database: how many, distinct numbers, per status."""
    from sqlmodel import col, func, select

    from app.db import Database
    from app.fair.models import QueueTicket

    db = Database(db_url)
    try:
        async with db.sessions() as session:
            total, distinct = (
                await session.exec(
                    select(func.count(), func.count(func.distinct(col(QueueTicket.seq)))).where(
                        QueueTicket.booth_id == booth
                    )
                )
            ).one()
            statuses = (
                await session.exec(
                    select(QueueTicket.status, func.count())
                    .where(QueueTicket.booth_id == booth)
                    .group_by(col(QueueTicket.status))
                )
            ).all()
        return int(total), int(distinct), {s: int(n) for s, n in statuses}
    finally:
        await db.dispose()


# -- the bench ------------------------------------------------------------------------------


async def bench(args: argparse.Namespace, tmp: Path, db_url: str, redis_url: str | None) -> Outcome:
    from app.auth.passwords import hash_password

    secret_key = secrets.token_urlsafe(36)
    password = secrets.token_urlsafe(16)
    started = time.monotonic()
    world = await build_fair(
        db_url,
        booths=BOOTHS,
        seekers=args.joiners + args.browsers,
        password_hash=await hash_password(password),
    )
    booth = world.booths[0]
    print(
        f"  set-up: fair {world.fair_id}, {len(world.booths)} booths, "
        f"{len(world.seekers)} registered seekers with profiles in "
        f"{time.monotonic() - started:.1f}s",
        flush=True,
    )
    sessions = Sessions(secret_key)
    seekers = [Seeker(uid, sessions.cookie(uid)[0]) for uid in world.seekers]
    joiners, browsers = seekers[: args.joiners], seekers[args.joiners :]

    extra = {"JOBFAIR_WS_MAX_CONNECTIONS": str(len(seekers) + 1000)}
    if redis_url:
        extra |= {"JOBFAIR_REDIS_URL": redis_url, "JOBFAIR_REDIS_NAMESPACE": args.namespace}
    port = free_port()
    log = tmp / "server.log"
    notices = Notices()
    staff: Staff | None = None
    with log.open("wb") as log_file:
        server = None
        beat = None
        try:
            server = await spawn(
                project_command(port),
                SERVER_CPU if can_pin() else None,
                env=server_env(tmp, db_url, secret_key, **extra),
                cwd=tmp,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
            await wait_ready(f"http://127.0.0.1:{port}", server, log)
            # The staff member logs in through the form, like a person.
            staff = await Staff.sign_in(port, booth, world.staff_email[booth], password)
            await connect(port, seekers, notices)
            beat = asyncio.ensure_future(heartbeat([s.socket for s in seekers] + [staff.sock]))
            await settle_in(world, booth, joiners, browsers)

            elapsed, errors, round_trips, cpu = await join_all(
                booth, joiners, args.in_flight, server.pid
            )
            server_cpu, others_cpu, client_cpu = cpu
            outcome = Outcome(
                joins=sum(1 for s in joiners if s.seq),
                join_s=elapsed,
                join_errors=errors,
                join_round_trips_ns=sorted(round_trips),
                seqs=[s.seq for s in joiners if s.seq],
                join_server_cpu_s=server_cpu,
                join_client_cpu_s=client_cpu,
                join_others_cpu_s=others_cpu,
                broadcasts=sum(s.socket.skipped for s in seekers),
            )
            per_join_ms = server_cpu / max(1, outcome.joins) * 1000
            print(
                f"  {outcome.joins} joins in {elapsed:.1f}s; server used {server_cpu / elapsed:.0%} "
                f"of CPU {SERVER_CPU} ({per_join_ms:.1f} ms per join), other processes "
                f"{others_cpu / elapsed:.0%}; the client {client_cpu / elapsed:.0%} of CPU {CLIENT_CPU}",
                flush=True,
            )
            if outcome.joins < args.calls:
                raise BenchError(f"only {outcome.joins} joins succeeded: {dict(errors)}")

            started = time.monotonic()
            by_user = {s.user_id: s for s in joiners}
            outcome.delays_ns, outcome.invited_seqs = await call_all(
                staff, booth, args.calls, by_user, notices
            )
            print(f"  {args.calls} calls in {time.monotonic() - started:.1f}s", flush=True)
            outcome.notices = notices.counts
        except BenchError as exc:
            raise BenchError(f"{exc}\nserver log:\n{tail(log)}") from None
        finally:
            if beat is not None:
                beat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await beat
            if staff is not None:
                await staff.close()
            for seeker in seekers:
                if seeker.sock is not None:
                    seeker.sock.close()
            await stop(server)
    outcome.db_tickets, outcome.db_distinct, outcome.db_statuses = await count_tickets(
        db_url, booth
    )
    outcome.server_errors = server_errors(log)
    if args.server_log:
        shutil.copyfile(log, args.server_log)
    return outcome


def server_errors(log: Path) -> list[str]:
    """The last line of each traceback the server logged (the exception and its message)."""
    errors, in_traceback = [], False
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("Traceback"):
            in_traceback = True
        elif in_traceback and line and not line.startswith((" ", "\t", "During", "The above")):
            errors.append(line)
            in_traceback = False
    return errors


def report(args: argparse.Namespace, out: Outcome) -> int:
    print()
    trips = out.join_round_trips_ns
    print(
        f"joins: {out.joins} of {args.joiners} in {out.join_s:.2f}s, {out.joins_per_s:.0f}/s "
        f"with {args.in_flight} in flight; round trip p50 {percentile(trips, 0.5) / 1e6:.1f} ms, "
        f"p99 {percentile(trips, 0.99) / 1e6:.1f} ms"
    )
    print(f"  line updates and presence counts received by the seekers: {out.broadcasts:,}")
    if out.join_others_cpu_s > 0.1 * out.join_s:
        print(
            f"  warning: other processes used {out.join_others_cpu_s / out.join_s:.0%} of the "
            f"server's core (CPU {SERVER_CPU}) during the joins; figures are noisy"
        )
    if out.join_errors:
        print(f"  refused joins (code: count): {dict(out.join_errors)}")
    distinct = len(set(out.seqs))
    gap_free = sorted(out.seqs) == list(range(1, len(out.seqs) + 1))
    gaps = f", 1..{len(out.seqs)} without gaps" if gap_free else ", WITH GAPS"
    print(
        f"  ticket numbers: {distinct} distinct of {len(out.seqs)}{gaps}; "
        f"database: {out.db_tickets} tickets, {out.db_distinct} distinct numbers, "
        f"{out.db_statuses}"
    )
    in_order = out.invited_seqs == sorted(out.seqs)[: len(out.invited_seqs)]
    print(
        f"calls: {len(out.delays_ns)} by one staff member; call -> notice "
        f"p50 {out.delay_ms(0.5):.1f} ms, p99 {out.delay_ms(0.99):.1f} ms, "
        f"max {out.delay_ms(1.0):.1f} ms; called in ticket order: {'yes' if in_order else 'NO'}"
    )
    print(f"  seekers' notices: {dict(out.notices)}")
    if out.server_errors:
        print(f"  the server logged {len(out.server_errors)} exceptions:")
        for line, count in Counter(out.server_errors).most_common(5):
            print(f"    {count} x {line[:300]}")
    print()
    failed = []
    if out.joins != args.joiners:
        failed.append(f"{args.joiners - out.joins} joins failed")
    if distinct != len(out.seqs) or out.db_distinct != out.db_tickets:
        failed.append("two joins got the same ticket number")
    if out.db_tickets != out.joins:
        failed.append(f"{out.db_tickets} tickets in the database for {out.joins} joins")
    if not in_order:
        failed.append("calls out of ticket order")
    if out.notices.get("queue.lapsed"):
        failed.append("seekers lost their place while connected (queue.lapsed)")
    for problem in failed:
        print(f"error: {problem}", file=sys.stderr)
    print(f"queue joins_per_s={out.joins_per_s:.0f} call_notice_p99_ms={out.delay_ms(0.99):.1f}")
    return 1 if failed else 0


# -- PostgreSQL and Redis for --pg --------------------------------------------------------


async def create_database(admin_url: str) -> str:
    """A fresh database beside ``admin_url``'s, so the run touches nothing else."""
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    name = f"jobfair_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        database=url.database,
    )
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return url.set(database=name).render_as_string(hide_password=False)


async def drop_database(admin_url: str, db_url: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    url, name = make_url(admin_url), make_url(db_url).database
    conn = await asyncpg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        database=url.database,
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def redis_check(url: str, namespace: str, *, clean: bool) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(url)
    try:
        if not clean:
            await redis.ping()
            return
        keys = [key async for key in redis.scan_iter(match=f"{namespace}:*")]
        if keys:
            await redis.delete(*keys)
    except Exception as exc:
        raise BenchError(f"Redis at {url}: {exc}") from None
    finally:
        await redis.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--joiners", type=int, default=JOINERS, help=f"({JOINERS})")
    parser.add_argument("--browsers", type=int, default=BROWSERS, help=f"({BROWSERS})")
    parser.add_argument("--calls", type=int, default=CALLS, help=f"({CALLS})")
    parser.add_argument("--in-flight", type=int, default=IN_FLIGHT, help=f"joins ({IN_FLIGHT})")
    parser.add_argument("--pg", action="store_true", help="PostgreSQL and Redis")
    parser.add_argument("--server-log", type=Path, help="keep a copy of the server's log here")
    args = parser.parse_args(argv)
    if min(args.joiners, args.calls, args.in_flight) < 1 or args.browsers < 0:
        parser.error("--joiners, --calls and --in-flight must be positive")
    if args.calls > args.joiners:
        parser.error("--calls cannot exceed --joiners")
    args.namespace = f"bench-{uuid.uuid4().hex[:8]}"

    raise_nofile()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pin = can_pin()
    if pin:
        os.sched_setaffinity(0, {CLIENT_CPU})
    print(
        f"queue: {args.joiners} joining, {args.browsers} browsing, {args.calls} calls, "
        f"{'PostgreSQL + Redis' if args.pg else 'SQLite + in-process broker'}; "
        + (
            f"server on CPU {SERVER_CPU}, sockets on CPU {CLIENT_CPU}"
            + ("" if TASKSET else " (taskset missing: sched_setaffinity)")
            if pin
            else "NOT pinned (fewer than 2 CPUs available): numbers include contention"
        ),
        flush=True,
    )
    from app.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="jobfair-bench-"))
    db_url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    redis_url = REDIS_URL if args.pg else None
    try:
        if args.pg:
            asyncio.run(redis_check(REDIS_URL, args.namespace, clean=False))
            db_url = asyncio.run(create_database(PG_URL))
        upgrade(db_url)  # Alembic runs its own event loop: before ours starts
        outcome: Outcome = run_loop(bench(args, tmp, db_url, redis_url))  # type: ignore[arg-type]
        return report(args, outcome)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if args.pg:
            with contextlib.suppress(Exception):
                asyncio.run(redis_check(REDIS_URL, args.namespace, clean=True))
            if db_url.startswith("postgresql"):
                asyncio.run(drop_database(PG_URL, db_url))
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
