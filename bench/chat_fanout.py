"""Booth chat fan-out: a project node against a minimal `websockets` room server, same run.

What it measures: N WebSocket clients (default 1,000 authenticated seekers registered for
a fair) joined with ``chat.join`` to one booth chat room ``booth:<id>``, while S other
registered seekers send ``chat.send`` frames on a fixed schedule (default 40 senders x
0.5 messages/s = 20 messages/s = 20,000 offered deliveries/s) for a window after a
warm-up. Every message goes the whole real way on the project node: session auth,
access check, rate limit, moderation screening, storing with the room's next seq, the
event published after commit through the broker, the hub, every socket's chat feed.

The reference is the `websockets` library's asyncio server and ``broadcast()``, speaking
the same frames (``hello``, ``chat.join`` -> ``chat.backlog``, ``chat.send`` ->
``chat.sent`` plus a ``chat.message`` event to everyone joined, built like the
project's: same fields, same order, same size within a few bytes) with nothing else:
no auth, no database, no moderation. ``cpu_ratio`` says what the real thing costs per
delivery on top of the least a Python server can do.

Each message's body carries its number and its send time (``perf_counter_ns`` of the
load process, which also receives it), so latency is receive time minus send time.

Processes, so that the clients' work never counts as the server's:

* the server under test, pinned to CPU 0;
* the load process (this file with ``--load``: readers and senders), pinned to CPU 1;
* this process (set-up), also on CPU 1, idle while a load runs.

Run: ``.venv/bin/python bench/chat_fanout.py [--pg]``; see bench/README.md.
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
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from booth_queue import PG_URL, create_database, drop_database, redis_check
from gateway_fanout import (
    CLIENT_CPU,
    CLOCK_TICKS,
    REDIS_URL,
    SERVER_CPU,
    TASKSET,
    BenchError,
    busy_seconds,
    can_pin,
    cpu_seconds,
    free_port,
    percentile,
    raise_nofile,
    read_line,
    run_loop,
    spawn,
    stop,
    tail,
    wait_ready,
)
from lobby import Sessions, Socket, build_fair, heartbeat, in_batches, open_sockets, server_env

CLIENTS = 1000
SENDERS = 40  # x 0.5 messages/s each: 5 per 10 s, half the per-user limit
RATE = 20.0  # messages per second, all senders together
SECONDS = 10.0
WARMUP = 2.0
DRAIN_TIMEOUT_S = 3.0
SEQ_PREFIX = b'{"type":"event","seq":'  # app.fair.chat.SEQ_PREFIX
BODY_MARK = b'"body":"bench '
PAD = "招聘会压测消息" * 6  # a realistic short chat line (42 characters)
# Numbers go into the body as hexadecimal written with the letters a-p: a long run of digits
# would look like a phone or ID number to moderation and be flagged, which is extra work.
TO_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")
FROM_LETTERS = bytes.maketrans(b"abcdefghijklmnop", b"0123456789abcdef")


def letters(number: int) -> str:
    return f"{number:x}".translate(TO_LETTERS)


def unletters(text: bytes) -> int:
    return int(text.translate(FROM_LETTERS), 16)


# -- the reference room server ---------------------------------------------------------------


async def reference_server(port: int) -> int:
    """hello; chat.join -> chat.backlog; chat.send -> chat.sent + broadcast() of the event."""
    from websockets.asyncio.server import ServerConnection, broadcast, serve
    from websockets.exceptions import ConnectionClosed

    joined: dict[str, set[ServerConnection]] = {}
    last_seq: dict[str, int] = {}
    users = iter(range(1, 1 << 30))

    async def handler(ws: ServerConnection) -> None:
        user = next(users)
        hello = {
            "type": "hello",
            "user": {"id": user, "name": "王小明", "role": "seeker"},
            "heartbeat_s": 25,
            "max_frame_bytes": 16384,
        }
        await ws.send(orjson.dumps(hello).decode())
        rooms: list[str] = []
        try:
            async for message in ws:
                frame = orjson.loads(message)
                kind, room = frame.get("type"), frame.get("room", "")
                if kind == "chat.send":
                    seq = last_seq[room] = last_seq.get(room, 0) + 1
                    data = {
                        "seq": seq,
                        "sender": user,
                        "name": "王小明",
                        "staff": False,
                        "body": frame["body"].strip(),
                        "at": datetime.now(UTC).replace(tzinfo=None).isoformat(),
                        "pinned": False,
                        "removed": False,
                        "warning": False,
                        "room": room,
                    }
                    channel = f"boothchat:{room.partition(':')[2]}"
                    event = b"%s%d,%s}" % (
                        SEQ_PREFIX,
                        seq,
                        orjson.dumps({"channel": channel, "event": "chat.message", "data": data})[
                            1:-1
                        ],
                    )
                    reply = {"type": "chat.sent", "room": room, "seq": seq, "key": frame["key"]}
                    await ws.send(orjson.dumps(reply | {"id": frame.get("id")}).decode())
                    # A str makes broadcast() send a text frame, like the gateway's events.
                    broadcast(joined.get(room, ()), event.decode())
                elif kind == "chat.join":
                    joined.setdefault(room, set()).add(ws)
                    rooms.append(room)
                    backlog = {
                        "type": "chat.backlog",
                        "room": room,
                        "messages": [],
                        "last_seq": last_seq.get(room, 0),
                        "more": False,
                        "id": frame.get("id"),
                    }
                    await ws.send(orjson.dumps(backlog).decode())
                elif kind == "ping":
                    await ws.send('{"type":"pong"}')
        except ConnectionClosed:
            pass
        finally:
            for room in rooms:
                joined[room].discard(ws)

    async with serve(handler, "127.0.0.1", port, compression=None, max_queue=None) as server:
        print("ready", flush=True)
        await server.serve_forever()
    return 0


# -- the load process -------------------------------------------------------------------------


class Reader(Socket):
    """Counts chat messages and their latency from the body, without decoding the frame."""

    latencies: list[int]
    first_counted = 0  # message numbers below this are the warm-up
    sizes = [0, 0]  # bytes and count of chat.message frames
    expect = 0
    complete: asyncio.Event

    def _frame(self, payload: bytes, now: int) -> None:
        if payload.startswith(SEQ_PREFIX):
            at = payload.find(BODY_MARK) + len(BODY_MARK)
            number_end = payload.index(b" ", at)
            number = unletters(payload[at:number_end])
            if number >= self.first_counted:
                sent = unletters(payload[number_end + 1 : payload.index(b" ", number_end + 1)])
                self.latencies.append(now - sent)
                Reader.sizes[0] += len(payload)
                Reader.sizes[1] += 1
                if len(self.latencies) >= self.expect:
                    self.complete.set()
            return
        super()._frame(payload, now)


async def load(args: argparse.Namespace) -> int:
    port, room, server_pid = args.load_port, args.room, args.server_pid
    cookies = args.cookie_lines
    readers_cookies, senders_cookies = cookies[: args.clients], cookies[args.clients :]
    latencies: list[int] = []
    Reader.latencies = latencies
    warm = round(args.warmup * args.rate)
    window = round(args.seconds * args.rate)
    Reader.first_counted = warm
    expect = window * args.clients
    Reader.expect, Reader.complete = expect, asyncio.Event()

    readers: list[Socket] = []
    for start in range(0, len(readers_cookies), 50):
        batch = readers_cookies[start : start + 50]
        readers += await asyncio.gather(*(Reader.open(port, c) for c in batch))
    senders = await open_sockets(port, senders_cookies)
    beat = asyncio.ensure_future(heartbeat([*readers, *senders]))
    await in_batches(readers, lambda s: s.request({"type": "chat.join", "room": room}))
    print(f"ready {len(readers)} {len(senders)}", flush=True)
    await asyncio.sleep(0.5)

    loop = asyncio.get_running_loop()
    acks: list[asyncio.Future[dict[str, Any]]] = []
    worst_late = 0.0
    begin = loop.time() + 0.05
    cpu0 = busy0 = mine0 = 0.0
    started = 0.0

    async def sender(index: int) -> None:
        nonlocal worst_late, cpu0, busy0, mine0, started
        sock = senders[index]
        for n in range(index, warm + window, len(senders)):
            due = begin + n / args.rate
            if (delay := due - loop.time()) > 0:
                await asyncio.sleep(delay)
            if n == warm:  # the window opens with the first counted message
                cpu0, busy0 = cpu_seconds(server_pid), busy_seconds(SERVER_CPU)
                mine0, started = cpu_seconds(os.getpid()), time.monotonic()
            if n >= warm:
                worst_late = max(worst_late, loop.time() - due)
            body = f"bench {letters(n)} {letters(time.perf_counter_ns())} {PAD}"
            key = f"m{n}"
            acks.append(sock.ask({"type": "chat.send", "room": room, "body": body, "key": key}))

    await asyncio.gather(*(sender(k) for k in range(len(senders))))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(Reader.complete.wait(), DRAIN_TIMEOUT_S)
    cpu1, busy1, mine1 = cpu_seconds(server_pid), busy_seconds(SERVER_CPU), cpu_seconds(os.getpid())
    window_s = time.monotonic() - started
    replies = await asyncio.gather(*(asyncio.wait_for(a, 30) for a in acks), return_exceptions=True)
    errors: Counter[str] = Counter()
    for reply in replies:
        if isinstance(reply, BaseException):
            errors[type(reply).__name__] += 1
        elif reply.get("type") == "error":
            errors[str(reply.get("code"))] += 1
    beat.cancel()
    closes = Counter(str(s.close_code) for s in [*readers, *senders] if s.close_code is not None)
    latencies.sort()
    report = {
        "readers": len(readers),
        "messages": window,
        "received": len(latencies),
        "p50_ms": percentile(latencies, 0.50) / 1e6,
        "p99_ms": percentile(latencies, 0.99) / 1e6,
        "max_ms": latencies[-1] / 1e6 if latencies else math.nan,
        "cpu_s": cpu1 - cpu0,
        "others_s": max(0.0, busy1 - busy0 - (cpu1 - cpu0)),
        "client_cpu_s": mine1 - mine0,
        "window_s": window_s,
        "late_ms": worst_late * 1000,
        "send_errors": dict(errors),
        "closed_by_server": dict(closes),
        "frame_bytes": Reader.sizes[0] / Reader.sizes[1] if Reader.sizes[1] else math.nan,
    }
    print(orjson.dumps(report).decode(), flush=True)
    for sock in [*readers, *senders]:
        sock.close()
    return 0


# -- the bench ---------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    report: dict[str, Any]

    @property
    def received(self) -> int:
        return int(self.report["received"])

    @property
    def delivered(self) -> float:
        return self.received / (self.report["messages"] * self.report["readers"])

    @property
    def cpu_us(self) -> float:
        return self.report["cpu_s"] / self.received * 1e6 if self.received else math.inf


async def run_load(
    args: argparse.Namespace,
    name: str,
    server: asyncio.subprocess.Process,
    port: int,
    room: str,
    cookies: Path,
    pin: bool,
) -> Result:
    cmd = [sys.executable, __file__, "--load-port", str(port), "--room", room]
    cmd += ["--server-pid", str(server.pid), "--cookies", str(cookies)]
    cmd += ["--clients", str(args.clients), "--rate", str(args.rate)]
    cmd += ["--seconds", str(args.seconds), "--warmup", str(args.warmup)]
    process = await spawn(cmd, CLIENT_CPU if pin else None, stdout=subprocess.PIPE)
    try:
        started = time.monotonic()
        ready = (await read_line(process, 300, f"{name}: clients to join")).split()
        print(
            f"  {name}: {ready[1].decode()} readers joined {room}, {ready[2].decode()} senders, "
            f"in {time.monotonic() - started:.1f}s; {args.rate:g} messages/s for "
            f"{args.warmup:g}s warm-up + {args.seconds:g}s "
            f"({args.rate * args.clients:,.0f} deliveries/s)",
            flush=True,
        )
        window = args.warmup + args.seconds + DRAIN_TIMEOUT_S + 60
        report = orjson.loads(await read_line(process, window, f"{name}: the load report"))
        await asyncio.wait_for(process.wait(), 30)
    finally:
        await stop(process)
    return Result(name, report)


async def project_run(
    args: argparse.Namespace,
    name: str,
    tmp: Path,
    db_url: str,
    redis_url: str | None,
    pin: bool,
) -> Result:
    from app.auth.passwords import hash_password

    world = await build_fair(
        db_url,
        booths=1,
        seekers=args.clients + args.senders,
        password_hash=await hash_password(secrets.token_urlsafe(16)),
    )
    secret_key = secrets.token_urlsafe(36)
    sessions = Sessions(secret_key)
    cookies = tmp / f"{name}.cookies"
    cookies.touch(mode=0o600)
    cookies.write_text("\n".join(sessions.cookie(uid)[0] for uid in world.seekers))
    extra = {"JOBFAIR_WS_MAX_CONNECTIONS": str(args.clients + args.senders + 1000)}
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    if redis_url:
        extra |= {"JOBFAIR_REDIS_URL": redis_url, "JOBFAIR_REDIS_NAMESPACE": namespace}
    port = free_port()
    log = tmp / f"{name}.log"
    server = None
    with log.open("wb") as log_file:
        try:
            server = await spawn(
                [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1"]
                + ["--port", str(port)],
                SERVER_CPU if pin else None,
                env=server_env(tmp, db_url, secret_key, **extra),
                cwd=tmp,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
            await wait_ready(f"http://127.0.0.1:{port}", server, log)
            room = f"booth:{world.booths[0]}"
            return await run_load(args, name, server, port, room, cookies, pin)
        except BenchError as exc:
            raise BenchError(f"{exc}\n{name} server log:\n{tail(log)}") from None
        finally:
            await stop(server)
            if redis_url:
                await redis_check(redis_url, namespace, clean=True)
            errors = [line for line in tail(log, 200).splitlines() if "Error" in line]
            if errors:
                print(f"  {name}: the server logged errors, e.g. {errors[-1][:200]}")


async def reference_run(args: argparse.Namespace, tmp: Path, pin: bool) -> Result:
    cookies = tmp / "reference.cookies"
    cookies.write_text("\n".join(f"c=r{n}" for n in range(args.clients + args.senders)))
    port = free_port()
    log = tmp / "reference.log"
    server = None
    with log.open("wb") as log_file:
        try:
            server = await spawn(
                [sys.executable, __file__, "--reference-server", str(port)],
                SERVER_CPU if pin else None,
                stdout=subprocess.PIPE,
                stderr=log_file,
            )
            await read_line(server, 30, "the reference server")
            return await run_load(args, "reference", server, port, "booth:1", cookies, pin)
        except BenchError as exc:
            raise BenchError(f"{exc}\nreference server log:\n{tail(log)}") from None
        finally:
            await stop(server)


def report(args: argparse.Namespace, results: list[Result]) -> int:
    print()
    header = (
        f"{'server':<12} {'delivered':>10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
        f"{'CPU µs/delivery':>16} {'frame B':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.name:<12} {r.delivered:>10.2%} {r.report['p50_ms']:>8.1f} "
            f"{r.report['p99_ms']:>8.1f} {r.report['max_ms']:>8.1f} {r.cpu_us:>16.2f} "
            f"{r.report['frame_bytes']:>8.0f}"
        )
    print()
    failed = False
    for r in results:
        rep = r.report
        window = rep["window_s"] or math.nan
        print(
            f"{r.name}: {window:.1f}s window; server {rep['cpu_s'] / window:.0%} of CPU "
            f"{SERVER_CPU}, other processes {rep['others_s'] / window:.0%} of it; load process "
            f"{rep['client_cpu_s'] / window:.0%} of a core; senders at most "
            f"{rep['late_ms']:.0f} ms late"
        )
        if rep["send_errors"]:
            print(f"  warning: chat.send refused or unanswered (code: count) {rep['send_errors']}")
        if rep["closed_by_server"]:
            print(f"  warning: sockets closed (code: count) {rep['closed_by_server']}")
        if rep["cpu_s"] > 0 and 1 / CLOCK_TICKS / rep["cpu_s"] > 0.02:
            print("  note: CPU time is short against the 10 ms clock tick; run longer")
        if rep["others_s"] > 0.1 * window:
            print("  warning: other processes shared the server's core; latency is noisy")
        if rep["client_cpu_s"] > 0.7 * window:
            print("  warning: the load process was near saturation; latency includes it")
        if r.received == 0 or rep["cpu_s"] <= 0:
            print(f"error: {r.name} delivered nothing or used no measurable CPU", file=sys.stderr)
            failed = True
    print()
    if failed:
        return 1
    by_name = {r.name: r for r in results}
    project, reference = by_name["project"], by_name["reference"]
    if (pg := by_name.get("project-pg")) is not None:
        print(
            f"chat_fanout_pg cpu_ratio={pg.cpu_us / reference.cpu_us:.2f} "
            f"p99_ms={pg.report['p99_ms']:.1f} delivered={pg.delivered:.4f} "
            f"cpu_us={pg.cpu_us:.2f}"
        )
    print(
        f"chat_fanout cpu_ratio={project.cpu_us / reference.cpu_us:.2f} "
        f"p99_ms={project.report['p99_ms']:.1f} delivered={project.delivered:.4f}"
    )
    return 0


async def bench(args: argparse.Namespace, tmp: Path, pin: bool) -> list[Result]:
    results = [await project_run(args, "project", tmp, args.sqlite_url, None, pin)]
    results.append(await reference_run(args, tmp, pin))
    if args.pg_url:
        results.append(await project_run(args, "project-pg", tmp, args.pg_url, REDIS_URL, pin))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=CLIENTS, help=f"readers ({CLIENTS})")
    parser.add_argument("--senders", type=int, default=SENDERS, help=f"({SENDERS})")
    parser.add_argument("--rate", type=float, default=RATE, help=f"messages/s in all ({RATE:g})")
    parser.add_argument("--seconds", type=float, default=SECONDS, help=f"window ({SECONDS:g})")
    parser.add_argument("--warmup", type=float, default=WARMUP, help=f"({WARMUP:g})")
    parser.add_argument("--pg", action="store_true", help="also a node on PostgreSQL + Redis")
    # Internal: the roles of the child processes.
    parser.add_argument("--reference-server", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--load-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--room", help=argparse.SUPPRESS)
    parser.add_argument("--server-pid", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--cookies", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reference_server:
        with contextlib.suppress(KeyboardInterrupt):
            return run_loop(reference_server(args.reference_server))
        return 0
    if args.load_port:
        raise_nofile()
        args.cookie_lines = Path(args.cookies).read_text().split("\n")
        return run_loop(load(args))
    if min(args.clients, args.senders, args.rate, args.seconds) <= 0 or args.warmup < 0:
        parser.error("--clients, --senders, --rate and --seconds must be positive")
    per_window = 10 * args.rate / args.senders
    if per_window > 8:
        parser.error(
            f"{per_window:g} messages per sender per 10 s: too close to the chat rate limit "
            "(10 per 10 s); use more --senders"
        )

    raise_nofile()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pin = can_pin()
    if pin:
        os.sched_setaffinity(0, {CLIENT_CPU})
    print(
        f"chat fan-out: {args.clients} readers in one booth room, {args.senders} senders x "
        f"{args.rate / args.senders:g} messages/s, {args.warmup:g}s warm-up + {args.seconds:g}s; "
        + (
            f"servers on CPU {SERVER_CPU}, load on CPU {CLIENT_CPU}"
            + ("" if TASKSET else " (taskset missing: sched_setaffinity)")
            if pin
            else "NOT pinned (fewer than 2 CPUs available): numbers include contention"
        ),
        flush=True,
    )
    from app.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="jobfair-bench-"))
    args.sqlite_url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    args.pg_url = None
    try:
        upgrade(args.sqlite_url)  # Alembic runs its own event loop: before ours starts
        if args.pg:
            asyncio.run(redis_check(REDIS_URL, "none", clean=False))
            args.pg_url = asyncio.run(create_database(PG_URL))
            upgrade(args.pg_url)
        results: list[Result] = run_loop(bench(args, tmp, pin))  # type: ignore[arg-type]
        return report(args, results)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if args.pg_url:
            asyncio.run(drop_database(PG_URL, args.pg_url))
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
