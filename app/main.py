"""The application factory and its lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import Mount, WebSocketRoute
from starlette.staticfiles import StaticFiles

from app import health, media
from app.auth import routes as auth_routes
from app.auth.csrf import CsrfMiddleware
from app.auth.session import SessionMiddleware
from app.broker import create_broker
from app.context import AppContext
from app.db import Database
from app.errors import AppError
from app.fair import booth_pages, chat_pages, conversation_pages, organize_pages
from app.fair import pages as fair_pages
from app.fair import routes as fair_routes
from app.fair.frames import register_fair_gateway
from app.fair.live import FairLive
from app.gateway.channels import core_channels
from app.gateway.dispatch import Dispatcher
from app.gateway.endpoint import ServerSendMiddleware, websocket_endpoint
from app.gateway.handlers import register_core_frames
from app.gateway.hub import Hub
from app.gateway.lifecycle import Lifecycle
from app.gateway.protocol import CloseCode
from app.i18n import LocaleMiddleware
from app.moderation import routes as moderation_routes
from app.paths import STATIC
from app.security import SecurityHeadersMiddleware
from app.settings import Settings
from app.web import app_error_handler, http_error_handler, scope_error_app, server_error_handler

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the ASGI app; resources are opened by the lifespan, not here."""
    settings = settings or Settings.from_env()
    dispatcher = Dispatcher()
    register_core_frames(dispatcher)
    channels = core_channels()
    lifecycle = Lifecycle()
    register_fair_gateway(dispatcher, channels, lifecycle)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, Any]]:
        db = Database(settings.database_url)
        hub = Hub()
        broker = create_broker(
            settings.redis_url, hub.on_message, namespace=settings.redis_namespace
        )
        await broker.start()
        hub.start(broker)
        ctx = AppContext(
            settings=settings,
            db=db,
            broker=broker,
            hub=hub,
            dispatcher=dispatcher,
            channels=channels,
            lifecycle=lifecycle,
        )
        live = FairLive(ctx)
        live.start()
        try:
            yield {"app": ctx}
        finally:
            await live.stop()
            hub.close_all(CloseCode.GOING_AWAY, "server restarting")
            await hub.stop()
            await broker.close()
            await db.dispose()

    routes = [
        *health.routes,
        *auth_routes.routes,
        *fair_routes.routes,
        *fair_pages.routes,
        *organize_pages.routes,
        *booth_pages.routes,
        *conversation_pages.routes,
        *chat_pages.routes,
        *media.routes,
        *moderation_routes.routes,
        WebSocketRoute("/ws", websocket_endpoint, name="ws"),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [
        Middleware(ServerSendMiddleware),
        Middleware(SecurityHeadersMiddleware, hsts=settings.production),
        Middleware(
            SessionMiddleware, secret_key=settings.secret_key, max_age=settings.session_max_age_s
        ),
        Middleware(LocaleMiddleware),
        Middleware(
            CsrfMiddleware,
            max_body_bytes=settings.upload_max_bytes + 64 * 1024,
            on_error=scope_error_app,
        ),
    ]
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            AppError: app_error_handler,
            HTTPException: http_error_handler,
            Exception: server_error_handler,
        },
    )
