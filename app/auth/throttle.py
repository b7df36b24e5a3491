"""Login throttling per account and per client address, kept in the broker's store.

Counting failures in the shared store makes the limit hold however many nodes a
password-guesser spreads requests over.
"""

from __future__ import annotations

import hashlib
import math

from app.broker import Broker
from app.errors import TooManyRequests

WINDOW_S = 15 * 60
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30


def _keys(email: str, address: str) -> tuple[str, str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return f"throttle:login:acct:{digest}", f"throttle:login:ip:{address}"


async def check_login_allowed(broker: Broker, *, email: str, address: str) -> None:
    """Raise TooManyRequests while either counter is at its limit."""
    for key, limit in zip(
        _keys(email, address), (MAX_FAILURES_PER_ACCOUNT, MAX_FAILURES_PER_ADDRESS), strict=True
    ):
        raw = await broker.get(key)
        if raw is not None and int(raw) >= limit:
            remaining = await broker.ttl(key) or WINDOW_S
            raise TooManyRequests(
                "Too many failed log-in attempts. Try again in %(minutes)s minutes.",
                retry_after=math.ceil(remaining),
                minutes=max(1, math.ceil(remaining / 60)),
            )


async def record_login_failure(broker: Broker, *, email: str, address: str) -> None:
    for key in _keys(email, address):
        await broker.incr(key, ttl=WINDOW_S)


async def record_login_success(broker: Broker, *, email: str, address: str) -> None:
    account_key, _ = _keys(email, address)
    await broker.delete(account_key)
