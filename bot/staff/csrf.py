"""Cross-site request forgery defences (ASVS 4.2.2, 13.2.3): Origin and a form token.

Every request that changes something (not GET or HEAD) must carry

- an ``Origin`` header equal to an allowed origin: ZICHT_STAFF_ORIGINS, or else the origin of
  the request's own Host (scheme from X-Forwarded-Proto only behind the loopback forwarder);
  a missing, ``null`` or foreign Origin is refused;
- a form field ``csrf_token`` equal to the token of the session (signed-in pages), or, on the
  sign-in and enrolment forms that come before any session, equal to the pre-session cookie
  ``__Host-zicht_staff_pre`` (double submit; the cookie is SameSite=Strict and HttpOnly).

Comparisons are constant-time. The session cookie itself is SameSite=Strict as well.
"""

from __future__ import annotations

from aiohttp import web

from bot.staff import keys
from bot.staff.peer import scheme
from bot.staff.tokens import new_token, same

FIELD = "csrf_token"
PRE_COOKIE = "__Host-zicht_staff_pre"
SAFE_METHODS = frozenset({"GET", "HEAD"})


def set_cookie(response: web.StreamResponse, name: str, value: str) -> None:
    """A host-only, Secure, HttpOnly, SameSite=Strict session cookie (no Max-Age: it goes
    when the browser closes; the server ends it sooner)."""
    response.set_cookie(name, value, path="/", secure=True, httponly=True, samesite="Strict")


def clear_cookie(response: web.StreamResponse, name: str) -> None:
    response.del_cookie(name, path="/", secure=True, httponly=True, samesite="Strict")


def allowed_origins(request: web.Request) -> frozenset[str]:
    configured = request.app[keys.CONFIG].origins
    if configured:
        return frozenset(configured)
    host = request.headers.get("Host", "").strip().lower()
    return frozenset({f"{scheme(request)}://{host}"}) if host else frozenset()


def origin_ok(request: web.Request) -> bool:
    """Whether the Origin header names an allowed origin."""
    origin = request.headers.get("Origin", "").strip().lower().rstrip("/")
    return bool(origin) and origin != "null" and origin in allowed_origins(request)


async def form_token(request: web.Request) -> str | None:
    """The csrf_token field of a form post (the form is parsed once and cached by aiohttp)."""
    if request.content_type not in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        return None
    value = (await request.post()).get(FIELD)
    return value if isinstance(value, str) else None


async def check_session_post(request: web.Request, session_token: str) -> None:
    """403 unless Origin is allowed and the form carries the session's CSRF token."""
    if not origin_ok(request) or not same(await form_token(request), session_token):
        raise web.HTTPForbidden()


def pre_session_token(request: web.Request) -> str:
    """The pre-session token of this browser (existing cookie), or a new one to set."""
    existing = request.cookies.get(PRE_COOKIE, "")
    return existing if 40 <= len(existing) <= 64 else new_token()


async def check_pre_session_post(request: web.Request) -> None:
    """403 unless Origin is allowed and the form token equals the pre-session cookie."""
    cookie = request.cookies.get(PRE_COOKIE)
    if not origin_ok(request) or not same(await form_token(request), cookie):
        raise web.HTTPForbidden()
