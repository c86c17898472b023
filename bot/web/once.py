"""A chat message is handled once: a retry with the same `message_id` gets the first reply.

The widget gives every message a random `message_id` and resends the same id when the network
failed. If the first request did reach the server (only its answer was lost), Rasa must not see
the message a second time: here the reply is kept for a short while, in memory only, under a
hash of session id and message id. A duplicate that arrives while the first is still being
answered waits for that answer. Failed turns (anything but 200) are not kept, so a retry after
"Rasa unavailable" really is sent again. Requests without a message id pass straight through.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from bot.web import keys
from bot.web.chat_input import SESSION_ID

MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Kept:
    """A finished reply: status, body and content type."""

    status: int
    body: bytes
    content_type: str
    charset: str | None

    def response(self) -> web.Response:
        return web.Response(
            status=self.status, body=self.body, content_type=self.content_type, charset=self.charset
        )


class ReplyCache:
    """Replies by (session, message) key for `ttl` seconds, at most `max_entries` of them."""

    def __init__(self, ttl: float = 300.0, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._done: OrderedDict[str, tuple[float, Kept]] = OrderedDict()
        self._running: dict[str, asyncio.Future[Kept]] = {}

    def _expire(self, now: float) -> None:
        while self._done:
            key, (expires, _) = next(iter(self._done.items()))
            if expires > now and len(self._done) <= self.max_entries:
                break
            del self._done[key]

    def get(self, key: str) -> Kept | None:
        self._expire(time.monotonic())
        entry = self._done.get(key)
        return entry[1] if entry else None

    def put(self, key: str, kept: Kept) -> None:
        self._done[key] = (time.monotonic() + self.ttl, kept)
        self._done.move_to_end(key)
        self._expire(time.monotonic())

    def __len__(self) -> int:
        return len(self._done)


def message_key(raw: bytes) -> str | None:
    """A hash of session id and message id in a chat body, or None when either is missing."""
    try:
        body = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(body, dict):
        return None
    session_id, message_id = body.get("session_id"), body.get("message_id")
    if not isinstance(session_id, str) or not SESSION_ID.fullmatch(session_id):
        return None
    if not isinstance(message_id, str) or not MESSAGE_ID.fullmatch(message_id):
        return None
    return hashlib.sha256(f"{session_id}\n{message_id}".encode()).hexdigest()


def _keep(response: web.StreamResponse) -> Kept:
    if isinstance(response, web.Response) and isinstance(response.body, bytes):
        return Kept(response.status, response.body, response.content_type, response.charset)
    raise TypeError("the chat handler must answer with a complete web.Response")


def handled_once(handler: Handler, cache: ReplyCache | None = None) -> Handler:
    """`handler` wrapped so that each (session id, message id) reaches it at most once."""
    replies = cache if cache is not None else ReplyCache()

    async def once(request: web.Request) -> web.StreamResponse:
        limit = request.app[keys.CONFIG].max_body_bytes
        length = request.content_length
        if request.content_type != "application/json" or length is None or length > limit:
            return await handler(request)
        key = message_key(await request.read())
        if key is None:
            return await handler(request)
        kept = replies.get(key)
        if kept is not None:
            return kept.response()
        running = replies._running.get(key)
        if running is not None:
            return (await asyncio.shield(running)).response()
        future: asyncio.Future[Kept] = asyncio.get_running_loop().create_future()
        replies._running[key] = future
        try:
            kept = _keep(await handler(request))
        except BaseException:
            future.cancel()  # a duplicate waiting for it fails too; the client may retry
            raise
        finally:
            replies._running.pop(key, None)
        future.set_result(kept)
        if kept.status == 200:
            replies.put(key, kept)
        return kept.response()

    return once
