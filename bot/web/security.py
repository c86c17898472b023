"""Security headers on every response, and no details of unexpected errors.

The headers are set twice over: by the outermost middleware (answers, raised HTTP errors, 404 and
405 of the router, the 500 of `hide_errors`) and again just before any response of the app is
sent (`on_response_prepare`), which also catches responses that bypass the middleware chain.
Only aiohttp's own answer to a request it cannot parse (a bare 400 before any routing) carries
none; it has no body worth caching or framing.

Every answer is `Cache-Control: no-store`: pages, API answers, errors and static files alike, so
that a shared or inspected device keeps no copy of anything from Zicht in its browser cache.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.web import keys

log = logging.getLogger(__name__)

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


def content_security_policy(frame_ancestors: str) -> str:
    """The page may load only its own files; nothing may frame it except the allow-list."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        f"frame-ancestors {frame_ancestors}"
    )


def set_security_headers(headers: MutableMapping[str, str], frame_ancestors: str) -> None:
    """The security headers both web apps send on every answer (bot.web and bot.staff)."""
    headers["Content-Security-Policy"] = content_security_policy(frame_ancestors)
    headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    headers["X-Content-Type-Options"] = "nosniff"
    # Also for /staff: its pages relax it to same-origin in a <meta name="referrer"> so that
    # their form posts carry a real Origin header (bot/staff/middleware.py).
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Server"] = "Zicht"
    headers["Cache-Control"] = "no-store"
    headers.pop("Last-Modified", None)
    headers.pop("ETag", None)


def _apply(headers: MutableMapping[str, str], request: web.Request) -> None:
    config = request.app[keys.CONFIG]
    # The staff dashboard may never be framed, whatever the widget's allow-list says.
    staff = request.path == "/staff" or request.path.startswith("/staff/")
    set_security_headers(headers, "'none'" if staff else config.frame_ancestors)


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Add the security headers to every answer, errors and 404s included."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _apply(exc.headers, request)
        raise
    _apply(response.headers, request)
    return response


async def headers_on_prepare(request: web.Request, response: web.StreamResponse) -> None:
    """The same headers on whatever response is about to be sent (signal on_response_prepare)."""
    _apply(response.headers, request)


@web.middleware
async def hide_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer unexpected exceptions with a bare 500; log the exception type, nothing else."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as exc:
        log.error("unexpected error in a request handler (%s)", type(exc).__name__)
        return web.json_response({"error": "internal"}, status=500)
