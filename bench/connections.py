"""Idle connections on one node: memory per socket, and one chat message reaching them all.

What it measures: N (default 10,000) authenticated WebSocket connections, one per
registered seeker, open on one ``jobfair serve`` process on the embedded defaults
(SQLite, in-process broker), each joined with ``chat.join`` to one booth chat room and
otherwise idle (the heartbeat ``ping`` every 20 s, as socket.js sends it). Then one more
seeker sends a chat message (three, 2 s apart) and the bench checks that every
connection receives each one.

Reported: the server's resident memory (``VmRSS`` from ``/proc/<pid>/status``) before the
connections (after one warm-up message, so lazily loaded code is not counted) and after
all joined, as KiB per connection; and the time from sending a message to the last of
the N sockets receiving it (median of the three messages; p50 of the arrivals too).

Processes: the server on CPU 0; the load process (this file with ``--load``: the sockets
and the sender, a light hand-rolled WebSocket client from bench/lobby.py) on CPU 1. Both
raise their open-file limit to the hard limit; the server is started with
``JOBFAIR_WS_MAX_CONNECTIONS`` above N.

Run: ``.venv/bin/python bench/connections.py [--count N]``; see bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
from gateway_fanout import (
    CLIENT_CPU,
    SERVER_CPU,
    TASKSET,
    BenchError,
    can_pin,
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
from lobby import Sessions, Socket, build_fair, heartbeat, in_batches, server_env

COUNT = 10_000
MESSAGES = 3
SEQ_PREFIX = b'{"type":"event","seq":'  # app.fair.chat.SEQ_PREFIX
RECEIVE_TIMEOUT_S = 30.0


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise BenchError(f"no VmRSS for {pid}")


class Listener(Socket):
    """Keeps the arrival time of each chat message, read without decoding the frame."""

    arrivals: dict[int, list[int]] = {}
    wanted = 0
    done: dict[int, asyncio.Event] = {}

    def _frame(self, payload: bytes, now: int) -> None:
        if payload.startswith(SEQ_PREFIX):
            seq = int(payload[len(SEQ_PREFIX) : payload.index(b",", len(SEQ_PREFIX))])
            got = Listener.arrivals.setdefault(seq, [])
            got.append(now)
            if len(got) >= Listener.wanted and seq in Listener.done:
                Listener.done[seq].set()
            return
        super()._frame(payload, now)


async def load(args: argparse.Namespace) -> int:
    port, room, pid = args.load_port, args.room, args.server_pid
    cookies: list[str] = args.cookie_lines
    sender_cookie, cookies = cookies[0], cookies[1 : args.count + 1]
    report: dict[str, Any] = {}
    sender = await Socket.open(port, sender_cookie)
    # Warm-up: the code paths of a join and a send run once before the first RSS reading.
    await sender.request({"type": "chat.join", "room": room})
    await sender.request({"type": "chat.send", "room": room, "body": "大家好", "key": "warm"})
    await asyncio.sleep(1)
    report["rss_before_kib"] = rss_kib(pid)

    started = time.monotonic()
    sockets: list[Socket] = []
    failed = 0
    for start in range(0, len(cookies), 50):
        batch = cookies[start : start + 50]
        opened = await asyncio.gather(
            *(Listener.open(port, c) for c in batch), return_exceptions=True
        )
        for sock in opened:
            if isinstance(sock, BaseException):
                failed += 1
            else:
                sockets.append(sock)
        if failed > 100:
            break
    report["opened"] = len(sockets)
    report["open_failed"] = failed
    report["open_s"] = time.monotonic() - started
    print(f"opened {len(sockets)} in {report['open_s']:.1f}s", file=sys.stderr, flush=True)
    beat = asyncio.ensure_future(heartbeat([*sockets, sender]))
    started = time.monotonic()
    joined = await in_batches(
        sockets, lambda s: s.request({"type": "chat.join", "room": room}), limit=50
    )
    report["joined"] = sum(1 for reply in joined if reply.get("type") == "chat.backlog")
    report["join_s"] = time.monotonic() - started
    await asyncio.sleep(2)  # let the server settle before reading its memory
    report["rss_after_kib"] = rss_kib(pid)

    Listener.wanted = len(sockets)
    reach_ms: list[float] = []
    p50_ms: list[float] = []
    received: list[int] = []
    for n in range(MESSAGES):
        sent = time.perf_counter_ns()
        ack = await sender.request(
            {"type": "chat.send", "room": room, "body": f"第{n + 1}条广播", "key": f"b{n}"}
        )
        seq = int(ack["seq"])
        event = Listener.done.setdefault(seq, asyncio.Event())
        if len(Listener.arrivals.get(seq, ())) >= Listener.wanted:
            event.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), RECEIVE_TIMEOUT_S)
        times = sorted(Listener.arrivals.get(seq, []))
        received.append(len(times))
        reach_ms.append((times[-1] - sent) / 1e6 if times else math.nan)
        p50_ms.append((percentile(times, 0.5) - sent) / 1e6 if times else math.nan)
        await asyncio.sleep(2)
    beat.cancel()
    report |= {
        "received": received,
        "reach_ms": reach_ms,
        "p50_ms": p50_ms,
        "closed_by_server": sum(1 for s in sockets if s.close_code is not None),
    }
    print(orjson.dumps(report).decode(), flush=True)
    for sock in [*sockets, sender]:
        sock.close()
    await asyncio.sleep(0.5)
    return 0


async def bench(args: argparse.Namespace, tmp: Path, db_url: str, pin: bool) -> dict[str, Any]:
    from app.auth.passwords import hash_password

    started = time.monotonic()
    world = await build_fair(
        db_url,
        booths=1,
        seekers=args.count + 1,
        password_hash=await hash_password(secrets.token_urlsafe(16)),
    )
    print(
        f"  set-up: {len(world.seekers)} registered seekers in {time.monotonic() - started:.1f}s",
        flush=True,
    )
    secret_key = secrets.token_urlsafe(36)
    sessions = Sessions(secret_key)
    cookies = tmp / "cookies"
    cookies.touch(mode=0o600)
    cookies.write_text("\n".join(sessions.cookie(uid)[0] for uid in world.seekers))
    room = f"booth:{world.booths[0]}"
    port = free_port()
    log = tmp / "server.log"
    server = load_process = None
    with log.open("wb") as log_file:
        try:
            server = await spawn(
                [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1"]
                + ["--port", str(port)],
                SERVER_CPU if pin else None,
                env=server_env(
                    tmp, db_url, secret_key, JOBFAIR_WS_MAX_CONNECTIONS=str(args.count + 1000)
                ),
                cwd=tmp,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
            await wait_ready(f"http://127.0.0.1:{port}", server, log)
            cmd = [sys.executable, __file__, "--load-port", str(port), "--room", room]
            cmd += ["--server-pid", str(server.pid), "--cookies", str(cookies)]
            cmd += ["--count", str(args.count)]
            load_process = await spawn(cmd, CLIENT_CPU if pin else None, stdout=subprocess.PIPE)
            line = await read_line(load_process, 1800, "the load report")
            result: dict[str, Any] = orjson.loads(line)
            return result
        except BenchError as exc:
            raise BenchError(f"{exc}\nserver log:\n{tail(log)}") from None
        finally:
            await stop(load_process)
            await stop(server)


def report(args: argparse.Namespace, r: dict[str, Any]) -> int:
    opened = r["opened"]
    per_conn = (r["rss_after_kib"] - r["rss_before_kib"]) / opened if opened else math.nan
    print()
    print(
        f"connections: {opened} of {args.count} opened in {r['open_s']:.1f}s "
        f"({r['open_failed']} failed), {r['joined']} joined the room in {r['join_s']:.1f}s"
    )
    print(
        f"server RSS: {r['rss_before_kib'] / 1024:.1f} MiB before, "
        f"{r['rss_after_kib'] / 1024:.1f} MiB after: {per_conn:.1f} KiB per connection"
    )
    for n, (got, reach, p50) in enumerate(
        zip(r["received"], r["reach_ms"], r["p50_ms"], strict=True), 1
    ):
        reach, p50 = (math.nan if x is None else x for x in (reach, p50))  # JSON null: NaN
        print(f"message {n}: {got} of {opened} received; p50 {p50:.1f} ms, all in {reach:.1f} ms")
    if r["closed_by_server"]:
        print(f"  warning: {r['closed_by_server']} sockets were closed by the server")
    print()
    if min(r["received"]) < opened:
        print("error: not every connection received every message", file=sys.stderr)
        return 1
    broadcast = sorted(r["reach_ms"])[len(r["reach_ms"]) // 2]
    print(f"connections count={opened} kib_per_conn={per_conn:.1f} broadcast_ms={broadcast:.1f}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=COUNT, help=f"connections ({COUNT})")
    parser.add_argument("--load-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--room", help=argparse.SUPPRESS)
    parser.add_argument("--server-pid", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--cookies", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    raise_nofile()
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if args.load_port:
        args.cookie_lines = Path(args.cookies).read_text().split("\n")
        return run_loop(load(args))
    if args.count < 1:
        parser.error("--count must be positive")
    if soft < args.count + 200:
        print(f"error: open-file limit {soft} is below {args.count + 200}", file=sys.stderr)
        return 1

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pin = can_pin()
    if pin:
        os.sched_setaffinity(0, {CLIENT_CPU})
    print(
        f"connections: {args.count} idle sockets in one booth room, open-file limit {soft}; "
        + (
            f"server on CPU {SERVER_CPU}, load on CPU {CLIENT_CPU}"
            + ("" if TASKSET else " (taskset missing: sched_setaffinity)")
            if pin
            else "NOT pinned (fewer than 2 CPUs available)"
        ),
        flush=True,
    )
    from app.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="jobfair-bench-"))
    try:
        db_url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        upgrade(db_url)
        result: dict[str, Any] = run_loop(bench(args, tmp, db_url, pin))  # type: ignore[arg-type]
        return report(args, result)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
