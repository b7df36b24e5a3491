"""Navigation per role: one table, so templates do not decide who sees what."""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.models import Role


@dataclass(frozen=True, slots=True)
class NavItem:
    key: str
    label: str  # English source string, translated when rendered
    href: str
    roles: frozenset[Role | None]


_ALL = frozenset(Role)
NAV = (
    NavItem("home", "Home", "/", frozenset({None, *_ALL})),
    NavItem("fairs", "Job fairs", "/fairs", frozenset({None, *_ALL})),
    NavItem("jobs", "Jobs", "/jobs", frozenset({None, Role.SEEKER})),
    NavItem("me", "My job search", "/me", frozenset({Role.SEEKER})),
    NavItem("profile", "My profile", "/profile", frozenset({Role.SEEKER})),
    NavItem("booths", "Booths", "/booths", frozenset({Role.EMPLOYER})),
    NavItem(
        "conversations", "Conversations", "/conversations", frozenset({Role.SEEKER, Role.EMPLOYER})
    ),
    NavItem("organize", "Organize fairs", "/organize", frozenset({Role.ORGANIZER, Role.ADMIN})),
    NavItem("postings", "Postings", "/postings", frozenset({Role.EMPLOYER})),
    NavItem("org", "My organization", "/org", frozenset({Role.EMPLOYER})),
    NavItem("moderation", "Review queue", "/moderation", frozenset({Role.MODERATOR, Role.ADMIN})),
    NavItem("users", "Users", "/admin/users", frozenset({Role.ADMIN})),
    NavItem("account", "Account", "/account", _ALL),
    NavItem("login", "Log in", "/login", frozenset({None})),
    NavItem("register", "Register", "/register", frozenset({None})),
)


def nav_for(role: Role | None) -> list[NavItem]:
    return [item for item in NAV if role in item.roles]
