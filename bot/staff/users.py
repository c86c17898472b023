"""Account management for admins: /staff/users (list, create, disable, enable, reset).

A new or reset account gets a one-time enrolment link, shown once on the page that answers the
form. An admin cannot disable or reset their own account (so that nobody locks out the last
admin by mistake); `zicht staff` on the server can.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from bot.staff import keys
from bot.staff.access import current_user, requires
from bot.staff.accounts import AccountError, check_name
from bot.staff.audit import USER_ADDED, USER_DISABLED, USER_ENABLED, USER_RESET, audit
from bot.staff.models import ROLES
from bot.staff.pages import render

ROLE_LABELS: dict[str, str] = {
    "viewer": "Meekijker (alleen lezen)",
    "handler": "Behandelaar",
    "admin": "Beheerder",
}
NAME_RULE = "3 tot 64 tekens: kleine letters, cijfers, punt, streepje of liggend streepje."
NAME_TAKEN = "Deze naam bestaat al."
NOT_YOURSELF = "Je kunt je eigen account hier niet uitschakelen of opnieuw instellen."
DONE: dict[str, str] = {
    "disable": "Account {name} is uitgeschakeld. Alle sessies zijn beëindigd.",
    "enable": "Account {name} is weer aangezet.",
}


async def _page(request: web.Request, status: int = 200, **extra: Any) -> web.Response:
    accounts = await asyncio.to_thread(request.app[keys.ACCOUNTS].list)
    context: dict[str, Any] = {
        "accounts": accounts,
        "roles": [(role, ROLE_LABELS[role]) for role in ROLES],
        "role_labels": ROLE_LABELS,
        "errors": {},
        "form": {"name": "", "role": "viewer"},
        "link": None,
        "link_name": None,
        "message": None,
        **extra,
    }
    return render(request, "users.html", context, status=status)


@requires("admin")
async def users_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@requires("admin")
async def create_user(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    raw_name = str(form.get("name", ""))[:200]
    role = str(form.get("role", ""))
    filled = {"name": raw_name, "role": role if role in ROLES else "viewer"}
    try:
        name = check_name(raw_name)
    except AccountError:
        return await _page(request, 400, errors={"name": NAME_RULE}, form=filled)
    if role not in ROLES:
        return await _page(request, 400, errors={"role": "Kies een rol."}, form=filled)
    try:
        token = await asyncio.to_thread(request.app[keys.ACCOUNTS].add, name, role)
    except AccountError:
        return await _page(request, 400, errors={"name": NAME_TAKEN}, form=filled)
    await audit(request, USER_ADDED, detail=f"{name} ({role})")
    link = request.app[keys.CONFIG].enrol_link(token)
    return await _page(request, link=link, link_name=name)


async def _change(request: web.Request, action: str) -> web.StreamResponse:
    name = request.match_info["name"]
    if name == current_user(request).name and action != "enable":
        return await _page(request, 400, message=NOT_YOURSELF)
    accounts = request.app[keys.ACCOUNTS]
    operation = {"disable": accounts.disable, "enable": accounts.enable, "reset": accounts.reset}
    try:
        result = await asyncio.to_thread(operation[action], name)
    except AccountError as exc:
        raise web.HTTPNotFound() from exc
    event = {"disable": USER_DISABLED, "enable": USER_ENABLED, "reset": USER_RESET}[action]
    await audit(request, event, detail=name)
    if action == "reset":
        link = request.app[keys.CONFIG].enrol_link(str(result))
        return await _page(request, link=link, link_name=name)
    return await _page(request, message=DONE[action].format(name=name))


@requires("admin")
async def disable_user(request: web.Request) -> web.StreamResponse:
    return await _change(request, "disable")


@requires("admin")
async def enable_user(request: web.Request) -> web.StreamResponse:
    return await _change(request, "enable")


@requires("admin")
async def reset_user(request: web.Request) -> web.StreamResponse:
    return await _change(request, "reset")


def setup(app: web.Application) -> None:
    app.router.add_get("/staff/users", users_page, name="staff_users")
    app.router.add_post("/staff/users", create_user)
    app.router.add_post("/staff/users/{name}/disable", disable_user)
    app.router.add_post("/staff/users/{name}/enable", enable_user)
    app.router.add_post("/staff/users/{name}/reset", reset_user)
