"""Sign-in and sign-out: /staff/login (name, password and code on one form), /staff/logout.

A sign-in needs the right password and a TOTP code that was not used before. Every attempt
counts against the account name in ``throttle_events`` (multi-process safe): the sixth attempt
within 60 seconds is refused, whether the account exists or not, and other accounts are not
affected. The answer to a failure never says which part was wrong.
"""

from __future__ import annotations

import asyncio
import hashlib

from aiohttp import web

from bot.reports.throttle import record_and_count
from bot.staff import keys, totp
from bot.staff.access import CSRF, STAFF, public, requires
from bot.staff.accounts import Credentials, normalise_name
from bot.staff.audit import LOGIN, LOGIN_FAILED, LOGIN_THROTTLED, LOGOUT, audit
from bot.staff.csrf import (
    PRE_COOKIE,
    check_pre_session_post,
    clear_cookie,
    pre_session_token,
    set_cookie,
)
from bot.staff.pages import render, see_other
from bot.staff.passwords import hash_password, needs_rehash, verify_password_async
from bot.staff.sessions import COOKIE_NAME

HOME = "/staff/reports"
THROTTLE_SCOPE = "staff_login"
THROTTLE_LIMIT = 5
THROTTLE_WINDOW = 60
FAILED = "Naam, wachtwoord of code klopt niet. Probeer het opnieuw."
THROTTLED = "Te veel pogingen. Wacht een minuut en probeer het dan opnieuw."
MAX_FIELD = 2048


def throttle_subject(name: str) -> str:
    """What the throttle counts: a hash of the name, never the name itself."""
    return hashlib.sha256(f"staff-login:{name}".encode()).hexdigest()


def pre_session_page(
    request: web.Request, template: str, context: dict[str, object], status: int = 200
) -> web.Response:
    """A form page before any session: its CSRF token is the pre-session cookie."""
    token = pre_session_token(request)
    request[CSRF] = token
    # aiohttp_jinja2 runs context processors before the handler: pass the token explicitly.
    response = render(request, template, {**context, "csrf_token": token}, status=status)
    set_cookie(response, PRE_COOKIE, token)
    return response


def start_session(request: web.Request, response: web.StreamResponse, token: str) -> None:
    """Set the new session cookie and drop the pre-session cookie."""
    set_cookie(response, COOKIE_NAME, token)
    clear_cookie(response, PRE_COOKIE)


async def new_session(request: web.Request, user_id: int) -> web.HTTPSeeOther:
    """A fresh session (never an id the browser had before) and the redirect that sets it."""
    sessions = request.app[keys.SESSIONS]
    old = request.cookies.get(COOKIE_NAME)
    if old:
        await asyncio.to_thread(sessions.end, old)
    token, _csrf = await asyncio.to_thread(sessions.create, user_id)
    redirect = see_other(HOME)
    start_session(request, redirect, token)
    return redirect


def _login_page(
    request: web.Request, name: str = "", error: str | None = None, status: int = 200
) -> web.Response:
    return pre_session_page(request, "login.html", {"name": name, "error": error}, status)


@public
async def login_form(request: web.Request) -> web.StreamResponse:
    if request.get(STAFF) is not None:
        raise see_other(HOME)
    return _login_page(request)


def _field(form: object, name: str) -> str:
    value = form.get(name, "")  # type: ignore[attr-defined]
    return value[:MAX_FIELD] if isinstance(value, str) else ""


async def _check(
    request: web.Request, credentials: Credentials | None, password: str, code: str
) -> str:
    """Why the sign-in fails (for the audit log), or "" when it succeeds."""
    stored = credentials.password_hash if credentials else None
    if not await verify_password_async(stored, password):
        return "onbekende naam" if credentials is None else "wachtwoord"
    assert credentials is not None
    if credentials.disabled:
        return "uitgeschakeld"
    if credentials.totp_secret is None:
        return "niet geactiveerd"
    step = totp.matching_step(credentials.totp_secret, code, request.app[keys.CLOCK]())
    accounts = request.app[keys.ACCOUNTS]
    if step is None or not await asyncio.to_thread(accounts.accept_step, credentials.id, step):
        return "code"
    return ""


@public
async def login(request: web.Request) -> web.StreamResponse:
    await check_pre_session_post(request)
    form = await request.post()
    name = normalise_name(_field(form, "name"))[:64]
    password, code = _field(form, "password"), _field(form, "code")
    app = request.app
    accounts = app[keys.ACCOUNTS]
    credentials = await asyncio.to_thread(accounts.credentials, name) if name else None
    actor = credentials.name if credentials else None
    attempts = await asyncio.to_thread(
        record_and_count,
        app[keys.ENGINE],
        THROTTLE_SCOPE,
        throttle_subject(name),
        THROTTLE_WINDOW,
        app[keys.CLOCK](),
    )
    if attempts > THROTTLE_LIMIT:
        await audit(request, LOGIN_THROTTLED, actor=actor)
        response = _login_page(request, name, THROTTLED, status=429)
        response.headers["Retry-After"] = str(THROTTLE_WINDOW)
        return response
    reason = await _check(request, credentials, password, code)
    if reason or credentials is None:
        await audit(request, LOGIN_FAILED, actor=actor, detail=reason)
        return _login_page(request, name, FAILED, status=401)
    if credentials.password_hash and needs_rehash(credentials.password_hash):
        new_hash = await asyncio.to_thread(hash_password, password)
        await asyncio.to_thread(accounts.update_hash, credentials.id, new_hash)
    await audit(request, LOGIN, actor=credentials.name)
    raise await new_session(request, credentials.id)


@requires("viewer")
async def logout(request: web.Request) -> web.StreamResponse:
    await audit(request, LOGOUT)
    token = request.cookies.get(COOKIE_NAME, "")
    await asyncio.to_thread(request.app[keys.SESSIONS].end, token)
    redirect = see_other("/staff/login")
    clear_cookie(redirect, COOKIE_NAME)
    raise redirect


def setup(app: web.Application) -> None:
    app.router.add_get("/staff/login", login_form, name="staff_login")
    app.router.add_post("/staff/login", login)
    app.router.add_post("/staff/logout", logout, name="staff_logout")
