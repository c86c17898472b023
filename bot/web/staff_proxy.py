"""`/staff...` on the public web app: forwarded to the staff dashboard's own process.

The dashboard (bot.staff) is the only process that holds the private keyring. The public web app
serves it under /staff so that there is one public face and one origin, but only forwards bytes:
it never sees a key. Without ZICHT_STAFF_URL the routes do not exist (404).

Forwarded to the dashboard: method, path, query, body and the headers it needs (cookies, Origin,
content type, user agent, Host, the scheme), plus the peer address as X-Zicht-Peer, because
staff events may record an IP address and user agent (the resident side never does; /api/chat
is not forwarded anywhere). Back
come status, body and the headers a browser needs; the public app adds its security headers.
Nothing is logged.
"""

from __future__ import annotations

import logging

import aiohttp
from aiohttp import web
from multidict import CIMultiDict

from bot.web import keys

log = logging.getLogger(__name__)

STAFF_PREFIX = "/staff"
# User-Agent too: staff events record it (only /staff is forwarded; the chat never is).
REQUEST_HEADERS: tuple[str, ...] = ("Cookie", "Origin", "Content-Type", "Accept", "User-Agent")
RESPONSE_HEADERS: tuple[str, ...] = (
    "Set-Cookie",
    "Location",
    "Content-Type",
    "Content-Disposition",
)
TIMEOUT = aiohttp.ClientTimeout(total=60)
UNAVAILABLE = (
    "<!doctype html><html lang=nl><meta charset=utf-8><title>Niet bereikbaar</title>"
    "<h1>Het medewerkersportaal is nu niet bereikbaar</h1><p>Probeer het over een paar minuten "
    "opnieuw.</p></html>"
)


def setup_staff_proxy(app: web.Application) -> None:
    """Register /staff and everything under it, when a staff URL is configured."""
    if app[keys.CONFIG].staff_url is None:
        return
    app.router.add_route("*", STAFF_PREFIX, forward_to_staff, name="staff")
    app.router.add_route("*", STAFF_PREFIX + "/{tail:.*}", forward_to_staff, name="staff_tail")


async def forward_to_staff(request: web.Request) -> web.StreamResponse:
    """Pass one request to the staff app and its answer back."""
    base = request.app[keys.CONFIG].staff_url
    assert base is not None  # routes exist only with a staff URL
    headers = CIMultiDict[str]()
    for name in REQUEST_HEADERS:
        for value in request.headers.getall(name, []):
            headers.add(name, value)
    headers["Host"] = request.host
    headers["X-Forwarded-Proto"] = request.headers.get("X-Forwarded-Proto", request.scheme)
    if request.remote:
        headers["X-Zicht-Peer"] = request.remote
    body = await request.read() if request.can_read_body else None
    try:
        async with request.app[keys.HTTP].request(
            request.method,
            base + request.rel_url.raw_path_qs,
            headers=headers,
            data=body,
            allow_redirects=False,
            timeout=TIMEOUT,
        ) as upstream:
            payload = await upstream.read()
            response = web.Response(status=upstream.status, body=payload)
            for name in RESPONSE_HEADERS:
                for value in upstream.headers.getall(name, []):
                    response.headers.add(name, value)
            return response
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("staff app unreachable (%s)", type(exc).__name__)
        return web.Response(status=502, text=UNAVAILABLE, content_type="text/html")
