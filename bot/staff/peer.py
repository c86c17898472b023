"""Where a request comes from, as far as the staff app may believe it.

The public web app forwards /staff to this app over loopback and passes the browser's address as
``X-Zicht-Peer`` (and may pass ``X-Forwarded-Proto``). Those headers count only when the direct
peer is loopback; from anywhere else they are ignored.
"""

from __future__ import annotations

import ipaddress

from aiohttp import web

PEER_HEADER = "X-Zicht-Peer"


def is_loopback(address: str | None) -> bool:
    if not address:
        return False
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def peer_address(request: web.Request) -> str | None:
    """The client's IP address: X-Zicht-Peer behind the loopback forwarder, else the peer."""
    if is_loopback(request.remote):
        forwarded = request.headers.get(PEER_HEADER, "").strip()
        if forwarded:
            try:
                return str(ipaddress.ip_address(forwarded.split("%")[0]))
            except ValueError:
                return None
    return request.remote


def scheme(request: web.Request) -> str:
    """http or https; X-Forwarded-Proto is believed only from loopback."""
    if is_loopback(request.remote):
        forwarded = request.headers.get("X-Forwarded-Proto", "").strip().lower()
        if forwarded in {"http", "https"}:
            return forwarded
    return request.scheme
