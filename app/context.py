"""The application's long-lived services, built in the lifespan and shared by handlers."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import HTTPConnection

from app.broker import Broker
from app.db import Database
from app.gateway.channels import Channels
from app.gateway.dispatch import Dispatcher
from app.gateway.hub import Hub
from app.gateway.lifecycle import Lifecycle
from app.settings import Settings


@dataclass(slots=True)
class AppContext:
    settings: Settings
    db: Database
    broker: Broker
    hub: Hub
    dispatcher: Dispatcher
    channels: Channels
    lifecycle: Lifecycle
    connections: int = 0


def app_context(conn: HTTPConnection) -> AppContext:
    """The context the lifespan put in the request's state."""
    ctx: AppContext = conn.scope["state"]["app"]
    return ctx
