"""What the report pages take from the staff app: the Casework, the accounts and the user."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.reports.casework import Casework
from bot.staff.access import current_user
from bot.staff.keys import ACCOUNTS, CASEWORK

ASSIGNABLE_ROLES = ("handler", "admin")


def casework_of(request: web.Request) -> Casework:
    """The app's Casework; 503 when the app runs without the reports layer."""
    work = request.app.get(CASEWORK)
    if not isinstance(work, Casework):
        raise web.HTTPServiceUnavailable(text="De meldingen zijn nu niet beschikbaar.")
    return work


def staff_name(request: web.Request) -> str:
    """The name of the signed-in user (the author of notes and messages)."""
    return current_user(request).name


async def handler_names(request: web.Request) -> list[str] | None:
    """The names a report can be assigned to: enabled handlers and admins; None when the app
    has no accounts (then any name is accepted)."""
    accounts = request.app.get(ACCOUNTS)
    if accounts is None:
        return None
    listed = await asyncio.to_thread(accounts.list)
    return [a.name for a in listed if not a.disabled and a.role in ASSIGNABLE_ROLES]
