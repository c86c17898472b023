"""The audit log for admins: /staff/audit?pagina=N, newest first, 50 per page."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.staff import keys
from bot.staff.access import requires
from bot.staff.pages import render

ACTION_LABELS: dict[str, str] = {
    "login": "Ingelogd",
    "login_failed": "Inloggen mislukt",
    "login_throttled": "Inloggen geblokkeerd (te veel pogingen)",
    "logout": "Uitgelogd",
    "enrolled": "Account geactiveerd",
    "user_added": "Account gemaakt",
    "user_disabled": "Account uitgeschakeld",
    "user_enabled": "Account aangezet",
    "user_reset": "Account opnieuw ingesteld",
}


def _page_number(request: web.Request) -> int:
    raw = request.query.get("pagina", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


@requires("admin")
async def audit_page(request: web.Request) -> web.StreamResponse:
    number = _page_number(request)
    events, pages = await asyncio.to_thread(request.app[keys.AUDIT].page, number)
    context = {"events": events, "page": number, "pages": pages, "labels": ACTION_LABELS}
    return render(request, "audit.html", context)


def setup(app: web.Application) -> None:
    app.router.add_get("/staff/audit", audit_page, name="staff_audit")
