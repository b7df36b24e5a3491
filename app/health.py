"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.context import app_context

CHECK_TIMEOUT_S = 2.0


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    app = app_context(request)
    checks: dict[str, str] = {}
    for name, check in (("database", app.db.ping), ("broker", app.broker.ping)):
        try:
            await asyncio.wait_for(check(), CHECK_TIMEOUT_S)
            checks[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            checks[name] = f"error: {type(exc).__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status_code=200 if ready else 503
    )


routes = [Route("/healthz", healthz, name="healthz"), Route("/readyz", readyz, name="readyz")]
