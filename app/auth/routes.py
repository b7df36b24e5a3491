"""Account pages: register, log in/out, account, organization, invitations, user admin."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.auth import service
from app.auth.csrf import csrf_token
from app.auth.identity import Identity, require_role
from app.auth.models import SELF_SERVICE_ROLES, Role
from app.context import app_context
from app.db import unit_of_work
from app.errors import FORM_ERRORS, Invalid
from app.i18n import LANG_COOKIE, LOCALES
from app.web import form, identity_of, redirect, render, render_invalid, safe_next, text_field


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def start_session(request: Request, data: dict[str, object]) -> None:
    """A fresh session (and CSRF token) on log-in, so a planted cookie is worth nothing."""
    request.session.clear()
    for key, value in data.items():
        request.session[key] = value
    csrf_token(request.session)


async def home(request: Request) -> Response:
    await identity_of(request)
    return render(request, "home.html")


async def register_page(request: Request) -> Response:
    if await identity_of(request):
        return redirect("/")
    values = {"role": request.query_params.get("role", Role.SEEKER)}
    return render(request, "auth/register.html", {"values": values, "roles": SELF_SERVICE_ROLES})


async def register(request: Request) -> Response:
    await identity_of(request)
    data = await form(request)
    values = {k: text_field(data, k, max_length=300) for k in ("email", "display_name", "role")}
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        try:
            user = await service.register(
                uow.session, password=text_field(data, "password", max_length=300), **values
            )
        except FORM_ERRORS as exc:
            context = {"values": values, "roles": SELF_SERVICE_ROLES}
            return render_invalid(request, "auth/register.html", context, exc)
        await uow.commit()
    start_session(request, service.new_session_data(user))
    return redirect("/org/new" if user.role == Role.EMPLOYER else "/")


async def login_page(request: Request) -> Response:
    if await identity_of(request):
        return redirect("/")
    return render(
        request,
        "auth/login.html",
        {"values": {}, "next": safe_next(request.query_params.get("next"))},
    )


async def login(request: Request) -> Response:
    await identity_of(request)
    data = await form(request)
    email = text_field(data, "email", max_length=300)
    target = safe_next(text_field(data, "next"))
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        try:
            user = await service.authenticate(
                uow.session,
                app.broker,
                email=email,
                password=text_field(data, "password", max_length=300),
                address=client_address(request),
            )
        except FORM_ERRORS as exc:
            context = {"values": {"email": email}, "next": target}
            return render_invalid(request, "auth/login.html", context, exc)
        await uow.commit()
    start_session(request, service.new_session_data(user))
    return redirect(target)


async def logout(request: Request) -> Response:
    identity = await identity_of(request)
    if identity is not None:
        app = app_context(request)
        async with unit_of_work(app.db, app.broker) as uow:
            service.end_session(uow.session, identity)
            await uow.commit()
    request.session.clear()
    return redirect("/")


async def account(request: Request) -> Response:
    identity = await identity_of(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        org = await service.account_overview(uow.session, identity=identity)
    changed = request.query_params.get("changed") == "1"
    return render(request, "auth/account.html", {"org": org, "changed": changed})


async def change_password(request: Request) -> Response:
    identity = await identity_of(request)
    data = await form(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        try:
            user = await service.change_password(
                uow.session,
                identity=identity,
                current=text_field(data, "current_password", max_length=300),
                new=text_field(data, "new_password", max_length=300),
            )
        except FORM_ERRORS as exc:
            return render_invalid(request, "auth/account.html", {}, exc)
        await uow.commit()
    start_session(request, service.new_session_data(user))
    return redirect("/account?changed=1")


async def set_language(request: Request) -> Response:
    code = request.path_params["code"]
    if code not in LOCALES:
        raise Invalid("Unknown language.")
    response = redirect(safe_next(request.query_params.get("next")))
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


async def org_new_page(request: Request) -> Response:
    identity = require_role(await identity_of(request), Role.EMPLOYER)
    if identity.membership is not None:
        return redirect("/org")
    return render(request, "auth/org_new.html", {"values": {}})


async def org_create(request: Request) -> Response:
    identity = await identity_of(request)
    data = await form(request)
    values = {
        k: text_field(data, k, max_length=2500)
        for k in ("name", "uscc", "address", "licence_details", "phone", "website", "description")
    }
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        try:
            await service.create_organization(uow.session, identity=identity, **values)
        except FORM_ERRORS as exc:
            return render(
                request, "auth/org_new.html", {"values": values, "error": exc}, status=exc.status
            )
        await uow.commit()
    return redirect("/org")


async def _org_context(request: Request, identity: Identity | None) -> dict[str, object]:
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        overview = await service.org_overview(uow.session, identity=identity)
    return {"org": overview.org, "members": overview.members, "invites": overview.invites}


async def org_page(request: Request) -> Response:
    identity = await identity_of(request)
    if identity is not None and identity.role == Role.EMPLOYER and identity.org_id is None:
        return redirect("/org/new")
    return render(request, "auth/org.html", await _org_context(request, identity))


async def org_invite(request: Request) -> Response:
    identity = await identity_of(request)
    data = await form(request)
    email = text_field(data, "email", max_length=300)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        try:
            _, token = await service.invite_colleague(uow.session, identity=identity, email=email)
        except FORM_ERRORS as exc:
            context = await _org_context(request, identity)
            context["values"] = {"email": email}
            return render_invalid(request, "auth/org.html", context, exc)
        await uow.commit()
    context = await _org_context(request, identity)
    # No mail server is assumed: the inviter passes the link on, shown once.
    context["invite_link"] = str(request.url_for("invite_page", token=token))
    return render(request, "auth/org.html", context)


async def invite_page(request: Request) -> Response:
    await identity_of(request)
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        invite, org = await service.open_invite(uow.session, request.path_params["token"])
    return render(request, "auth/invite.html", {"invite": invite, "org": org, "values": {}})


async def invite_accept(request: Request) -> Response:
    await identity_of(request)
    token = request.path_params["token"]
    data = await form(request)
    values = {"display_name": text_field(data, "display_name", max_length=300)}
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        invite, org = await service.open_invite(uow.session, token)
        try:
            user = await service.accept_invite(
                uow.session,
                token=token,
                password=text_field(data, "password", max_length=300),
                **values,
            )
        except FORM_ERRORS as exc:
            context = {"invite": invite, "org": org, "values": values}
            return render_invalid(request, "auth/invite.html", context, exc)
        await uow.commit()
    start_session(request, service.new_session_data(user))
    return redirect("/org")


async def admin_users(request: Request) -> Response:
    identity = await identity_of(request)
    query = request.query_params.get("q", "")
    role = request.query_params.get("role") or None
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        page = 1
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        found = await service.list_users(
            uow.session, identity=identity, query=query, role=role, page=page
        )
    context = {
        "users": found.users,
        "total": found.total,
        "query": query.strip()[:100],
        "role": role,
        "roles": list(Role),
        "page": found.page,
        "pages": found.pages,
    }
    return render(request, "auth/admin_users.html", context)


async def admin_set_active(request: Request) -> Response:
    identity = await identity_of(request)
    data = await form(request)
    try:
        user_id = int(request.path_params["user_id"])
    except ValueError:
        raise Invalid("No such user.") from None
    app = app_context(request)
    async with unit_of_work(app.db, app.broker) as uow:
        await service.set_active(
            uow.session,
            identity=identity,
            user_id=user_id,
            active=text_field(data, "active") == "1",
        )
        await uow.commit()
    return redirect(safe_next(text_field(data, "next"), "/admin/users"))


routes = [
    Route("/", home, name="home"),
    Route("/register", register_page, methods=["GET"], name="register"),
    Route("/register", register, methods=["POST"]),
    Route("/login", login_page, methods=["GET"], name="login"),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/account", account, methods=["GET"], name="account"),
    Route("/account/password", change_password, methods=["POST"], name="change_password"),
    Route("/lang/{code}", set_language, methods=["GET"], name="set_language"),
    Route("/org/new", org_new_page, methods=["GET"], name="org_new"),
    Route("/org/new", org_create, methods=["POST"]),
    Route("/org", org_page, methods=["GET"], name="org"),
    Route("/org/invites", org_invite, methods=["POST"], name="org_invite"),
    Route("/invite/{token}", invite_page, methods=["GET"], name="invite_page"),
    Route("/invite/{token}", invite_accept, methods=["POST"]),
    Route("/admin/users", admin_users, methods=["GET"], name="admin_users"),
    Route(
        "/admin/users/{user_id}/active", admin_set_active, methods=["POST"], name="admin_set_active"
    ),
]
