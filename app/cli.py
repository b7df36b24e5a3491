"""The ``jobfair`` command: serve, migrate, createuser, demo."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Sequence

from app.settings import ConfigError, Settings


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        # One clear line naming the variable, never a traceback.
        print(f"jobfair: invalid configuration: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    import uvicorn

    from app.main import create_app

    logging.basicConfig(
        level=settings.log_level.upper() if settings.log_level != "trace" else "DEBUG"
    )
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
        # The cheapest of uvicorn's WebSocket backends, and the one whose transport the
        # gateway writes to directly (app/gateway/wire.py).
        ws="websockets-sansio",
        # Per-message compression costs ~64 KiB per socket; our frames are small.
        ws_per_message_deflate=False,
        # Hard cap; frames between JOBFAIR_WS_MAX_FRAME_BYTES and this get an error frame.
        ws_max_size=max(settings.ws_max_frame_bytes * 4, 64 * 1024),
        server_header=False,
        lifespan="on",
    )


def migrate(settings: Settings) -> None:
    from app.migrate import upgrade

    print(f"Migrating {_redact(settings.database_url)} ...", flush=True)
    upgrade(settings.database_url)
    print("Database is up to date.")


def createuser(settings: Settings, args: argparse.Namespace) -> int:
    from app.auth.models import Role
    from app.auth.service import create_user
    from app.db import Database
    from app.errors import AppError
    from app.i18n import gettext, set_locale

    set_locale("en")
    password = args.password or _ask_password()

    async def run() -> None:
        db = Database(settings.database_url)
        try:
            async with db.sessions() as session:
                user = await create_user(
                    session,
                    email=args.email,
                    password=password,
                    display_name=args.name,
                    role=Role(args.role),
                )
                await session.commit()
                print(f"Created {user.role} {user.email} (id {user.id}).")
        finally:
            await db.dispose()

    try:
        asyncio.run(run())
    except AppError as exc:
        print(f"jobfair: {gettext(exc.message, **exc.params)}", file=sys.stderr)
        return 1
    return 0


def _ask_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        print("jobfair: the passwords differ.", file=sys.stderr)
        raise SystemExit(1)
    return first


def _redact(url: str) -> str:
    if "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    return f"{scheme}://***@{rest.split('@', 1)[1]}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jobfair", description="Online job fair platform.")
    commands = parser.add_subparsers(dest="command", required=True)
    p_serve = commands.add_parser("serve", help="run the web server")
    p_serve.add_argument("--host")
    p_serve.add_argument("--port", type=int)
    commands.add_parser("migrate", help="apply database migrations")
    p_user = commands.add_parser("createuser", help="create a moderator, organizer or admin")
    p_user.add_argument("--email", required=True)
    p_user.add_argument("--name", required=True)
    p_user.add_argument(
        "--role", required=True, choices=["admin", "moderator", "organizer", "employer", "seeker"]
    )
    p_user.add_argument(
        "--password", help="read from the terminal (or one line of stdin) if omitted"
    )
    p_demo = commands.add_parser("demo", help="migrate, load demo data, print logins and serve")
    p_demo.add_argument("--no-serve", action="store_true", help="load the data and exit")
    p_demo.add_argument("--host")
    p_demo.add_argument("--port", type=int)
    from app.moderation.screen_cli import add_screen_parser, screen_command

    add_screen_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "screen":
        # Screening needs no database or configuration: it is a pure function over text.
        return screen_command(args)

    settings = _settings()
    if args.command == "serve":
        serve(settings, host=args.host, port=args.port)
    elif args.command == "migrate":
        migrate(settings)
    elif args.command == "createuser":
        return createuser(settings, args)
    elif args.command == "demo":
        from app.demo import load_demo

        migrate(settings)
        asyncio.run(load_demo(settings))
        if not args.no_serve:
            serve(settings, host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
