"""The staff app's middleware: security headers, Dutch error pages, and sign-in enforcement.

Order (outermost first): ``security_headers`` → ``error_pages`` → ``authenticate``.

``authenticate`` looks up the session cookie on every request (which re-checks that the account
is enabled and enrolled, and the idle and absolute timeouts), puts ``request["staff"]`` (a
StaffUser) and ``request["csrf_token"]`` on the request, and then:

- a ``@public`` handler runs either way (it checks its own forms: bot.staff.csrf);
- a handler with neither ``@public`` nor ``@requires`` is refused (fail closed);
- without a session: GET/HEAD are sent to /staff/login (303), anything else gets 403;
- with a session, a request that is not GET/HEAD must pass the Origin and CSRF check.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import MutableMapping

import aiohttp_jinja2
from aiohttp import web
from aiohttp.typedefs import Handler

from bot.staff import keys
from bot.staff.access import CSRF, STAFF, StaffUser, is_public, required_role
from bot.staff.csrf import SAFE_METHODS, check_session_post, clear_cookie
from bot.staff.pages import context_of
from bot.staff.sessions import COOKIE_NAME
from bot.web.security import set_security_headers

log = logging.getLogger(__name__)

LOGIN_PATH = "/staff/login"
ERROR_TEXTS: dict[int, tuple[str, str]] = {
    400: ("Dit verzoek klopt niet", "Ga terug en probeer het opnieuw."),
    403: (
        "Geen toegang",
        "Je mag deze pagina niet zien, of het formulier was verlopen. "
        "Ga terug, laad de pagina opnieuw en probeer het nog eens.",
    ),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer)."),
    405: ("Dit kan hier niet", "Deze pagina werkt niet op deze manier."),
    413: ("Te veel tekst", "Maak je tekst korter en probeer het opnieuw."),
    500: (
        "Er ging iets mis",
        "Probeer het later opnieuw. Blijft het misgaan? Meld het aan de beheerder.",
    ),
}


def _apply(headers: MutableMapping[str, str]) -> None:
    # The public app's set (never framed; "no-referrer", which the pages relax to
    # "same-origin" with a <meta name="referrer"> in base.html so that their form posts carry
    # the real Origin the CSRF check needs), plus X-Frame-Options for old browsers.
    set_security_headers(headers, "'none'")
    headers["X-Frame-Options"] = "DENY"


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The security headers on every answer, errors included (CSP: own files only, no
    framing, no inline script; nothing cached)."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _apply(exc.headers)
        raise
    _apply(response.headers)
    return response


async def headers_on_prepare(_request: web.Request, response: web.StreamResponse) -> None:
    """The same headers on any response about to be sent (signal on_response_prepare)."""
    _apply(response.headers)


class PageError(Exception):
    """Raise to answer with the error page and a text of its own (e.g. an expired link)."""

    def __init__(self, status: int, title: str, text: str) -> None:
        super().__init__(title)
        self.status, self.title, self.text = status, title, text


def error_page(
    request: web.Request, status: int, title: str | None = None, text: str | None = None
) -> web.Response:
    """The Dutch error page for `status` (with its standard texts unless given)."""
    default_title, default_text = ERROR_TEXTS.get(
        status, ERROR_TEXTS[500 if status >= 500 else 400]
    )
    title, text = title or default_title, text or default_text
    context = {**context_of(request), "title": title, "text": text, "status": status}
    return aiohttp_jinja2.render_template("error.html", request, context, status=status)


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Errors as Dutch pages; an unexpected exception is logged by type only, never details."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = error_page(request, exc.status)
        for name in ("Allow", "Retry-After", "Set-Cookie"):
            for value in exc.headers.getall(name, ()):
                response.headers.add(name, value)
        return response
    except PageError as exc:
        return error_page(request, exc.status, exc.title, exc.text)
    except Exception as exc:
        log.error("unexpected error in a staff handler (%s)", type(exc).__name__)
        return error_page(request, 500)


async def _signed_in(request: web.Request) -> bool:
    token = request.cookies.get(COOKIE_NAME)
    if not token or len(token) > 128:
        return False
    found = await asyncio.to_thread(request.app[keys.SESSIONS].lookup, token)
    if found is None:
        return False
    request[STAFF] = StaffUser(id=found.user_id, name=found.name, role=found.role)
    request[CSRF] = found.csrf_token
    return True


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Sign-in, role marks, Origin and CSRF for every route (see the module docstring)."""
    match = request.match_info
    signed_in = await _signed_in(request)
    if match.http_exception is not None:  # 404/405 of the router
        return await handler(request)
    route_handler = match.handler
    if is_public(route_handler):
        return await handler(request)
    if required_role(route_handler) is None:
        log.error("a staff route has neither @public nor @requires: refused")
        raise web.HTTPForbidden()
    if not signed_in:
        if request.method in SAFE_METHODS:
            redirect = web.HTTPSeeOther(LOGIN_PATH)
            if COOKIE_NAME in request.cookies:
                clear_cookie(redirect, COOKIE_NAME)
            raise redirect
        raise web.HTTPForbidden()
    if request.method not in SAFE_METHODS:
        await check_session_post(request, request[CSRF])
    return await handler(request)
