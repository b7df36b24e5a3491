"""Which channels a client may subscribe to: one policy per channel prefix.

Domains register their prefixes (``fair:``, ``booth:``, ``conv:`` ...). Authorization is
decided once, on subscribe; deliveries are never checked again, so a room of a thousand
readers costs no database read per message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.identity import Identity
from app.gateway.protocol import CHANNEL_RE

# (session, identity, the part after "prefix:") -> allowed?
ChannelPolicy = Callable[[AsyncSession, Identity, str], Awaitable[bool]]


class Channels:
    def __init__(self) -> None:
        self.policies: dict[str, ChannelPolicy] = {}

    def register(self, prefix: str, policy: ChannelPolicy) -> None:
        if prefix in self.policies:
            raise ValueError(f"channel prefix {prefix!r} registered twice")
        self.policies[prefix] = policy

    async def allowed(self, session: AsyncSession, identity: Identity, channel: str) -> bool:
        if not CHANNEL_RE.fullmatch(channel):
            return False
        prefix, _, rest = channel.partition(":")
        policy = self.policies.get(prefix)
        return policy is not None and await policy(session, identity, rest)


def _own_id(identity_id: int, rest: str) -> bool:
    return rest.isdigit() and int(rest) == identity_id


async def user_policy(_session: AsyncSession, identity: Identity, rest: str) -> bool:
    """``user:<id>``: personal notices, for that user only."""
    return _own_id(identity.id, rest)


async def org_policy(_session: AsyncSession, identity: Identity, rest: str) -> bool:
    """``org:<id>``: events of an employer organization, for its staff."""
    return identity.org_id is not None and rest.isdigit() and int(rest) == identity.org_id


def core_channels() -> Channels:
    channels = Channels()
    channels.register("user", user_policy)
    channels.register("org", org_policy)
    return channels
