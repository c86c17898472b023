"""``audit(request, action, ...)``: record what a staff member did (for every module).

    await audit(request, "report_viewed", report_id=case_id)
    await audit(request, "status_changed", report_id=case_id, detail="new -> in_progress")

The actor is the signed-in user (or `actor=` for sign-in events, None when unknown); the IP
address comes from bot.staff.peer and the user agent from the request. `detail` is cut to 500
characters: never put a password, a code, a token or report contents in it.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.staff import keys
from bot.staff.access import STAFF, StaffUser
from bot.staff.peer import peer_address

# Actions of the accounts side (other modules add their own, e.g. "report_viewed").
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOGIN_THROTTLED = "login_throttled"
LOGOUT = "logout"
ENROLLED = "enrolled"
USER_ADDED = "user_added"
USER_DISABLED = "user_disabled"
USER_ENABLED = "user_enabled"
USER_RESET = "user_reset"


async def audit(
    request: web.Request,
    action: str,
    report_id: int | None = None,
    detail: str = "",
    *,
    actor: str | None = None,
) -> None:
    """Write one audit event for this request (in a worker thread)."""
    user = request.get(STAFF)
    if actor is None and isinstance(user, StaffUser):
        actor = user.name
    await asyncio.to_thread(
        request.app[keys.AUDIT].write,
        action,
        actor=actor,
        report_id=report_id,
        detail=detail,
        ip=peer_address(request),
        user_agent=request.headers.get("User-Agent"),
    )
