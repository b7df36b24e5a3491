"""The web layer on a live server: authorization matrix, CSRF, throttling, headers, language."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from starlette.routing import Mount, Route, WebSocketRoute

from app.auth import service
from app.auth.models import Organization, Role, User, Verification
from app.db import Database, utcnow
from app.fair.models import Posting, PostingVersion, VersionStatus
from app.main import create_app
from app.moderation.models import ItemKind, ItemReason, ReviewItem
from app.paths import TEMPLATES
from tests.conftest import add_org, add_user
from tests.support import PASSWORD, csrf_of, live_server, login, settings_for

ANON = "anonymous"
EVERYONE = {ANON, *Role}
SIGNED_IN = set(Role)
STAFF = {Role.MODERATOR, Role.ADMIN}

# Who may use each route. Adding a route without deciding who may use it fails the test below.
MATRIX: dict[tuple[str, str], set[str]] = {
    ("GET", "/"): EVERYONE,
    ("GET", "/healthz"): EVERYONE,
    ("GET", "/readyz"): EVERYONE,
    ("GET", "/media/{key}"): EVERYONE,
    ("GET", "/register"): EVERYONE,
    ("POST", "/register"): EVERYONE,
    ("GET", "/login"): EVERYONE,
    ("POST", "/login"): EVERYONE,
    ("POST", "/logout"): EVERYONE,
    ("GET", "/lang/{code}"): EVERYONE,
    ("GET", "/invite/{token}"): EVERYONE,
    ("POST", "/invite/{token}"): EVERYONE,
    ("GET", "/account"): SIGNED_IN,
    ("POST", "/account/password"): SIGNED_IN,
    ("GET", "/org/new"): {Role.EMPLOYER},
    ("POST", "/org/new"): {Role.EMPLOYER},
    ("GET", "/org"): {Role.EMPLOYER},
    ("POST", "/org/invites"): {Role.EMPLOYER},
    ("GET", "/jobs"): EVERYONE,
    ("GET", "/jobs/{posting_id}"): EVERYONE,
    ("POST", "/jobs/{posting_id}/report"): {Role.SEEKER},
    ("GET", "/postings"): {Role.EMPLOYER},
    ("GET", "/postings/new"): {Role.EMPLOYER},
    ("POST", "/postings/new"): {Role.EMPLOYER},
    ("GET", "/postings/{posting_id}"): {Role.EMPLOYER},
    ("GET", "/postings/{posting_id}/edit"): {Role.EMPLOYER},
    ("POST", "/postings/{posting_id}/edit"): {Role.EMPLOYER},
    ("POST", "/postings/{posting_id}/submit"): {Role.EMPLOYER},
    ("POST", "/postings/{posting_id}/withdraw"): {Role.EMPLOYER},
    ("POST", "/postings/{posting_id}/appeal"): {Role.EMPLOYER},
    ("GET", "/moderation"): STAFF,
    ("GET", "/moderation/next"): STAFF,
    ("POST", "/moderation/claim"): STAFF,
    ("GET", "/moderation/items/{item_id}"): STAFF,
    ("POST", "/moderation/items/{item_id}/decide"): STAFF,
    ("POST", "/moderation/items/{item_id}/renew"): STAFF,
    ("POST", "/moderation/items/{item_id}/release"): STAFF,
    ("GET", "/admin/users"): {Role.ADMIN},
    ("POST", "/admin/users/{user_id}/active"): {Role.ADMIN},
    # Organizer fair admin, exhibitor booths, booth console, conversations (organize_pages, booth_pages, conversation_pages).
    ("GET", "/organize"): {Role.ORGANIZER, Role.ADMIN},
    ("GET", "/organize/new"): {Role.ORGANIZER, Role.ADMIN},
    ("POST", "/organize/new"): {Role.ORGANIZER, Role.ADMIN},
    ("GET", "/organize/{fair_id}"): {Role.ORGANIZER, Role.ADMIN},
    ("GET", "/organize/{fair_id}/edit"): {Role.ORGANIZER, Role.ADMIN},
    ("POST", "/organize/{fair_id}/edit"): {Role.ORGANIZER, Role.ADMIN},
    ("POST", "/organize/{fair_id}/publish"): {Role.ORGANIZER, Role.ADMIN},
    ("POST", "/organize/{fair_id}/cancel"): {Role.ORGANIZER, Role.ADMIN},
    ("POST", "/organize/{fair_id}/banner"): {Role.ORGANIZER, Role.ADMIN},
    ("POST", "/organize/{fair_id}/invite"): {Role.ORGANIZER, Role.ADMIN},
    ("POST", "/organize/{fair_id}/booths/{booth_id}/decide"): {Role.ORGANIZER, Role.ADMIN},
    ("POST", "/organize/{fair_id}/booths/{booth_id}/free"): {Role.ORGANIZER, Role.ADMIN},
    ("GET", "/booths"): {Role.EMPLOYER},
    ("POST", "/booths/apply"): {Role.EMPLOYER},
    ("POST", "/booths/answer"): {Role.EMPLOYER},
    ("POST", "/booths/withdraw"): {Role.EMPLOYER},
    ("GET", "/booths/{booth_id}/edit"): {Role.EMPLOYER},
    ("POST", "/booths/{booth_id}/edit"): {Role.EMPLOYER},
    ("POST", "/booths/{booth_id}/logo"): {Role.EMPLOYER},
    ("GET", "/booths/{booth_id}/console"): {Role.EMPLOYER},
    ("GET", "/booths/{booth_id}/console/line"): {Role.EMPLOYER},
    ("POST", "/booths/{booth_id}/line/close"): {Role.EMPLOYER},
    ("POST", "/booths/{booth_id}/line/open"): {Role.EMPLOYER},
    ("GET", "/conversations"): {Role.SEEKER, Role.EMPLOYER},
    ("GET", "/conversations/{conversation_id}"): {Role.SEEKER, Role.EMPLOYER},
    ("POST", "/conversations/{conversation_id}/end"): {Role.SEEKER, Role.EMPLOYER},
    ("POST", "/conversations/{conversation_id}/handover"): {Role.SEEKER, Role.EMPLOYER},
    ("GET", "/seekers/{seeker_id}/resume"): {Role.EMPLOYER},
    # End of the organizer, booth and conversation routes.
    # Chat history as JSON (app/fair/chat_pages.py); "{room}" itself is no room: 404.
    ("GET", "/chat/{room}/history"): SIGNED_IN,
    # Public and job-seeker fair pages (app/fair/pages.py).
    ("GET", "/fairs"): EVERYONE,
    ("GET", "/fairs/{fair_id}"): EVERYONE,
    ("POST", "/fairs/{fair_id}/register"): {Role.SEEKER},
    ("GET", "/fairs/{fair_id}/lobby"): EVERYONE,
    ("GET", "/fairs/{fair_id}/booths/{booth_id}"): EVERYONE,
    ("GET", "/fairs/{fair_id}/jobs/{posting_id}"): EVERYONE,
    ("POST", "/fairs/{fair_id}/jobs/{posting_id}/apply"): {Role.SEEKER},
    ("POST", "/bookmarks"): {Role.SEEKER},
    ("POST", "/shares"): {Role.SEEKER},
    ("POST", "/shares/{org_id}/revoke"): {Role.SEEKER},
    ("GET", "/me"): {Role.SEEKER},
    ("GET", "/profile"): {Role.SEEKER},
    ("POST", "/profile"): {Role.SEEKER},
    ("GET", "/profile/resume"): {Role.SEEKER},
    ("POST", "/profile/resume"): {Role.SEEKER},
    ("POST", "/profile/resume/delete"): {Role.SEEKER},
    ("GET", "/applications/{application_id}"): {Role.SEEKER, Role.EMPLOYER},
    ("POST", "/applications/{application_id}/withdraw"): {Role.SEEKER},
    ("POST", "/applications/{application_id}/conversation"): {Role.SEEKER, Role.EMPLOYER},
    ("POST", "/applications/{application_id}/status"): {Role.EMPLOYER},
    ("POST", "/applications/{application_id}/due"): {Role.EMPLOYER},
    # End of seeker fair pages.
}


@dataclass
class Site:
    url: str
    db: Database
    users: dict[str, User]
    clients: dict[str, httpx.AsyncClient]
    invite_token: str
    posting_id: int
    item_id: int


async def add_live_posting(db: Database, org: Organization, author: User) -> tuple[int, int]:
    """A verified employer's live posting and an open review item, straight into the tables."""
    async with db.sessions() as session:
        stored = await session.get(Organization, org.id)
        assert stored is not None
        stored.verification = Verification.VERIFIED
        posting = Posting(org_id=org.id or 0, created_by=author.id or 0)
        session.add_all([stored, posting])
        await session.flush()
        session.add(
            PostingVersion(
                posting_id=posting.id or 0,
                number=1,
                status=VersionStatus.LIVE,
                author_id=author.id or 0,
                title="仓库管理员",
                city="北京",
                salary_min=5000,
                salary_max=7000,
                headcount=2,
                description="负责仓库日常出入库管理。",
                decided_at=utcnow(),
            )
        )
        item = ReviewItem(
            kind=ItemKind.ORGANIZATION, reason=ItemReason.REGISTERED, org_id=org.id or 0
        )
        session.add(item)
        await session.commit()
        return posting.id or 0, item.id or 0


@pytest_asyncio.fixture
async def site(sqlite_url: str, password_hash: str) -> AsyncIterator[Site]:
    db = Database(sqlite_url)
    users = {
        role.value: await add_user(db, password_hash, role, email=f"{role}@example.com")
        for role in Role
    }
    org = await add_org(db, users[Role.EMPLOYER])
    posting_id, item_id = await add_live_posting(db, org, users[Role.EMPLOYER])
    target = await add_user(db, password_hash, Role.SEEKER, email="target@example.com")
    users["target"] = target
    async with db.sessions() as session:
        from app.auth.identity import load_identity

        admin = await load_identity(
            session, {"uid": users[Role.EMPLOYER].id, "epoch": 0, "sid": "x"}
        )
        _, token = await service.invite_colleague(session, identity=admin, email="new@example.com")
        await session.commit()
    async with live_server(settings_for(sqlite_url)) as url:
        clients: dict[str, httpx.AsyncClient] = {}
        try:
            for name in (ANON, *Role):
                clients[name] = httpx.AsyncClient(base_url=url, follow_redirects=False)
                if name != ANON:
                    response = await login(clients[name], f"{name}@example.com")
                    assert response.status_code == 303, response.text
            yield Site(url, db, users, clients, token, posting_id, item_id)
        finally:
            for client in clients.values():
                await client.aclose()
            await db.dispose()


def app_routes() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in create_app(settings_for("sqlite+aiosqlite:///:memory:")).routes:
        if isinstance(route, (Mount, WebSocketRoute)):
            continue
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method != "HEAD":
                found.add((method, route.path))
    return found


def test_every_route_is_in_the_matrix() -> None:
    assert app_routes() == set(MATRIX)


def denied(response: httpx.Response) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code in (302, 303) and response.headers["location"].startswith("/login")


async def test_authorization_matrix(site: Site) -> None:
    path_values = {
        "{code}": "en",
        "{token}": site.invite_token,
        "{user_id}": str(site.users["target"].id),
        "{posting_id}": str(site.posting_id),
        "{item_id}": str(site.item_id),
    }
    problems = []
    # Log-out last: it ends the very sessions the other checks use.
    for (method, template), allowed in sorted(
        MATRIX.items(), key=lambda kv: kv[0] == ("POST", "/logout")
    ):
        path = template
        for key, value in path_values.items():
            path = path.replace(key, value)
        for who, client in site.clients.items():
            if method == "POST" and path in ("/logout", "/account/password"):
                data = {"csrf_token": await csrf_of(client, "/")}
                if path == "/account/password":
                    data |= {"current_password": "wrong-password", "new_password": "x"}
            elif method == "POST":
                data = {"csrf_token": await csrf_of(client, "/"), "email": "", "password": ""}
            response = (
                await client.get(path) if method == "GET" else await client.post(path, data=data)
            )
            if denied(response) == (who in allowed):
                problems.append(f"{method} {path} as {who}: {response.status_code}")
    assert problems == [], "\n".join(problems)


async def test_csrf_is_required_on_every_state_change(site: Site) -> None:
    client = site.clients[ANON]
    form = {
        "email": "csrf@example.com",
        "password": PASSWORD,
        "display_name": "X",
        "role": "seeker",
    }
    missing_token = await client.post("/register", data=form)
    wrong_token = await client.post("/register", data=form | {"csrf_token": "forged"})
    other_session = await site.clients[Role.SEEKER.value].get("/")
    foreign = re.search(r'name="csrf-token" content="([^"]+)"', other_session.text)
    assert foreign
    cross_session = await client.post("/register", data=form | {"csrf_token": foreign.group(1)})
    json_request = await client.post("/register", data=form, headers={"Accept": "application/json"})
    for response in (missing_token, wrong_token, cross_session):
        assert response.status_code == 403
        assert "csrf" in response.text.lower() or "expired" in response.text
    assert json_request.status_code == 403
    assert json_request.json()["error"] == "csrf_failed"
    async with site.db.sessions() as session:
        from app.auth import repository

        assert await repository.user_by_email(session, "csrf@example.com") is None
    # The header (for JavaScript) and a multipart field both count.
    token = await csrf_of(client, "/register")
    ok_header = await client.post("/register", data=form, headers={"X-CSRF-Token": token})
    assert ok_header.status_code == 303
    fresh = httpx.AsyncClient(base_url=site.url)
    try:
        token = await csrf_of(fresh, "/register")
        multipart = await fresh.post(
            "/register",
            data=form | {"email": "multi@example.com", "csrf_token": token},
            files={"ignored": ("a.txt", b"x", "text/plain")},
        )
        assert multipart.status_code == 303
    finally:
        await fresh.aclose()


@pytest.mark.parametrize("path", ["/login", "/register"])
async def test_forms_carry_the_sessions_csrf_token(site: Site, path: str) -> None:
    page = (await site.clients[ANON].get(path)).text
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    field = re.search(r'<input type="hidden" name="csrf_token" value="([^"]*)"', page)
    assert meta
    assert field
    assert field.group(1) == meta.group(1) != ""


async def test_signed_in_forms_carry_the_token(site: Site) -> None:
    for who, path in ((Role.SEEKER.value, "/account"), (Role.EMPLOYER.value, "/org")):
        page = (await site.clients[who].get(path)).text
        tokens = set(re.findall(r'name="csrf_token" value="([^"]*)"', page))
        assert len(tokens) == 1
        assert "" not in tokens


async def test_login_is_throttled_over_http(site: Site) -> None:
    client = httpx.AsyncClient(base_url=site.url)
    try:
        for _ in range(5):
            response = await login(client, "seeker@example.com", "wrong-password")
            assert response.status_code == 422
        locked = await login(client, "seeker@example.com", PASSWORD)
        assert locked.status_code == 429
        assert int(locked.headers["retry-after"]) > 0
    finally:
        await client.aclose()


async def test_login_logout_and_session_cookie(site: Site) -> None:
    client = httpx.AsyncClient(base_url=site.url)
    try:
        response = await login(client, "seeker@example.com")
        assert response.status_code == 303
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # plain http here
        assert (await client.get("/account")).status_code == 200
        token = await csrf_of(client, "/account")
        assert (await client.post("/logout", data={"csrf_token": token})).status_code == 303
        assert (await client.get("/account")).headers["location"].startswith("/login")
    finally:
        await client.aclose()


async def test_cookie_is_secure_behind_https_proxy(site: Site) -> None:
    # uvicorn trusts X-Forwarded-Proto from 127.0.0.1, as from the reverse proxy.
    async with httpx.AsyncClient(
        base_url=site.url, headers={"X-Forwarded-Proto": "https"}
    ) as client:
        response = await client.get("/login")
        assert "Secure" in response.headers["set-cookie"]


async def test_security_headers(site: Site) -> None:
    response = await site.clients[ANON].get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_templates_have_no_inline_script_or_style() -> None:
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\son[a-z]+=", text), path
        assert not re.search(r"\sstyle=", text), path


async def test_health_and_readiness(site: Site) -> None:
    assert (await site.clients[ANON].get("/healthz")).json() == {"status": "ok"}
    ready = await site.clients[ANON].get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "broker": "ok"}


async def test_not_found_is_a_friendly_page(site: Site) -> None:
    response = await site.clients[ANON].get("/no/such/page")
    assert response.status_code == 404
    assert 'data-error="not_found"' in response.text


async def test_language_from_header_and_switch(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url) as client:
        english = await client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
        assert 'lang="en"' in english.text
        assert "Log in" in english.text
        chinese = await client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        assert 'lang="zh-CN"' in chinese.text
        assert "登录" in chinese.text
        switched = await client.get("/lang/en?next=/login", headers={"Accept-Language": "zh-CN"})
        assert switched.status_code == 303
        assert switched.headers["location"] == "/login"
        remembered = await client.get("/login", headers={"Accept-Language": "zh-CN"})
        assert 'lang="en"' in remembered.text
        evil = await client.get("/lang/en?next=//evil.example/")
        assert evil.headers["location"] == "/"


async def test_register_page_shows_errors_next_to_fields(site: Site) -> None:
    async with httpx.AsyncClient(base_url=site.url, headers={"Accept-Language": "en"}) as client:
        token = await csrf_of(client, "/register")
        response = await client.post(
            "/register",
            data={
                "csrf_token": token,
                "email": "bad",
                "password": PASSWORD,
                "display_name": "A",
                "role": "seeker",
            },
        )
        assert response.status_code == 422
        assert 'id="e-email"' in response.text
        assert 'aria-invalid="true"' in response.text
        assert 'value="bad"' in response.text


async def test_organization_pages(site: Site) -> None:
    client = site.clients[Role.EMPLOYER.value]
    page = await client.get("/org")
    assert page.status_code == 200
    token = await csrf_of(client, "/org")
    created = await client.post(
        "/org/invites", data={"csrf_token": token, "email": "colleague@example.com"}
    )
    assert created.status_code == 200
    link = re.search(r'data-testid="invite-link"|value="(http[^"]+/invite/[^"]+)"', created.text)
    assert link
    match = re.search(r'value="(http[^"]+/invite/([^"]+))"', created.text)
    assert match
    async with httpx.AsyncClient(base_url=site.url) as colleague:
        page = await colleague.get(f"/invite/{match.group(2)}")
        assert page.status_code == 200
        token = await csrf_of(colleague, f"/invite/{match.group(2)}")
        joined = await colleague.post(
            f"/invite/{match.group(2)}",
            data={"csrf_token": token, "display_name": "同事", "password": PASSWORD},
        )
        assert joined.status_code == 303
        org_page = await colleague.get("/org")
        assert "同事" in org_page.text


async def test_bad_uscc_is_explained_on_the_form(sqlite_url: str, password_hash: str) -> None:
    db = Database(sqlite_url)
    await add_user(db, password_hash, Role.EMPLOYER, email="new-employer@example.com")
    await db.dispose()
    async with (
        live_server(settings_for(sqlite_url)) as url,
        httpx.AsyncClient(base_url=url, headers={"Accept-Language": "en"}) as client,
    ):
        await login(client, "new-employer@example.com")
        token = await csrf_of(client, "/org/new")
        response = await client.post(
            "/org/new",
            data={
                "csrf_token": token,
                "name": "测试公司",
                "uscc": "91110108551385082A",
                "address": "",
            },
        )
        assert response.status_code == 422
        assert "check character" in response.text
        assert 'id="e-uscc"' in response.text


def test_static_assets_exist() -> None:
    static = Path(TEMPLATES).parent / "static"
    assert (static / "js" / "app.js").exists()
    assert (static / "css" / "app.css").exists()
