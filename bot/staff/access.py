"""Who may do what: the signed-in user, roles, and the marks every route must carry.

Every handler of the staff app is either ``@public`` (sign-in, enrolment, static files) or
``@requires(role)``; the auth middleware refuses a handler with neither, and a test walks the
router to keep it so. Roles rise: viewer (reads) < handler (also changes status, writes notes,
exports) < admin (also manages accounts, the audit log and retention).

    @requires("handler")
    async def change_status(request: web.Request) -> web.Response:
        staff = current_user(request)   # StaffUser(id, name, role)
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.staff.models import ROLES

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ROLE_RANK: dict[str, int] = {role: rank for rank, role in enumerate(ROLES)}
ROLE_ATTRIBUTE = "__zicht_role__"
PUBLIC_ATTRIBUTE = "__zicht_public__"
STAFF = "staff"  # request["staff"]: the StaffUser, or missing
CSRF = "csrf_token"  # request["csrf_token"]: the session's CSRF token


@dataclass(frozen=True)
class StaffUser:
    """The signed-in user of a request (``request["staff"]``)."""

    id: int
    name: str
    role: str

    def can(self, role: str) -> bool:
        """Whether this user has `role` or a higher one."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def public(handler: Handler) -> Handler:
    """Mark a handler as reachable without signing in."""
    setattr(handler, PUBLIC_ATTRIBUTE, True)
    return handler


def requires(role: str) -> Callable[[Handler], Handler]:
    """Mark a handler as needing a signed-in user of `role` or higher; lower roles get 403."""
    if role not in ROLE_RANK:
        raise ValueError(f"unknown role {role!r}")

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            user = request.get(STAFF)
            if not isinstance(user, StaffUser) or not user.can(role):
                raise web.HTTPForbidden()
            return await handler(request)

        setattr(guarded, ROLE_ATTRIBUTE, role)
        return guarded

    return decorate


def is_public(handler: Any) -> bool:
    return getattr(handler, PUBLIC_ATTRIBUTE, False) is True


def required_role(handler: Any) -> str | None:
    role = getattr(handler, ROLE_ATTRIBUTE, None)
    return role if role in ROLE_RANK else None


def current_user(request: web.Request) -> StaffUser:
    """The signed-in user; only call it in a ``@requires`` handler."""
    return request[STAFF]
