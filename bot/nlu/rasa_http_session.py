"""Rasa's calls to the action server over kept-alive connections.

Rasa 3.6 opens a new aiohttp ``ClientSession`` for every request to an endpoint
(``EndpointConfig.request``: ``async with self.session() as session``), so every action call
sets up a new TCP connection and the action server accepts it: several connections a turn in
the report form. ``session()`` now hands out one session per endpoint configuration and event
loop, created by Rasa's own ``session()`` (same headers, authentication and timeout), and
``async with`` no longer closes it, so its connection pool keeps connections to the action
server open between calls. aiohttp drops an idle connection after 15 s, well before the action
server (Sanic: 120 s) would, and a connection the server closed (a restart) is replaced by a
new one; a call that fails still raises what it raised before. ``close_all()`` closes the
kept sessions (at exit, so aiohttp has no unclosed session to complain about).
"""

import asyncio
import atexit
import contextlib
import weakref
from typing import Any, Dict, Tuple

# id(endpoint config) -> (weak reference to it, event loop, session)
_SESSIONS: Dict[int, Tuple[Any, Any, Any]] = {}


class _Borrowed:
    """``async with`` over a shared session: gives the session, leaves it open."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *_: Any) -> None:
        return None


def _close(session: Any) -> None:
    connector = session.connector
    session.detach()
    if connector is not None:
        with contextlib.suppress(Exception):  # its loop may be closed already
            connector.close()


def _discard(key: int, reference: Any = None) -> None:
    """Close the session kept under `key` (only if it belongs to `reference`, when given)."""
    held = _SESSIONS.get(key)
    if held is not None and (reference is None or held[0] is reference):
        del _SESSIONS[key]
        _close(held[2])


def close_all() -> None:
    """Close every kept session and its connections (synchronously: also at exit)."""
    for key in list(_SESSIONS):
        _discard(key)


def patch() -> None:
    """Make EndpointConfig.session hand out a kept session (see module doc)."""
    from rasa.utils.endpoints import EndpointConfig

    original = EndpointConfig.session

    def session(self: Any) -> Any:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not inside a running loop: Rasa's own, closed after use
            return original(self)
        key = id(self)
        held = _SESSIONS.get(key)
        if held is None or held[0]() is not self or held[1] is not loop or held[2].closed:
            _discard(key)
            # when the endpoint config is gone, so is its session
            reference = weakref.ref(self, lambda dead, key=key: _discard(key, dead))
            held = (reference, loop, original(self))
            _SESSIONS[key] = held
        return _Borrowed(held[2])

    session.__wrapped__ = original  # type: ignore[attr-defined]
    EndpointConfig.session = session  # type: ignore[method-assign]
    atexit.register(close_all)
