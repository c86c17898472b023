"""JSON answers of the chat API that carry one of the web app's own texts."""

from __future__ import annotations

from aiohttp import web

from bot.texts import web_text


def text_reply(
    language: str, key: str, *, status: int = 200, error: str | None = None
) -> web.Response:
    """A reply shaped like a bot turn, holding the web text `key`; `error` names a failure."""
    body: dict[str, object] = {"messages": [{"text": web_text(language, key), "buttons": []}]}
    if error is not None:
        body = {"error": error, **body}
    return web.json_response(body, status=status)
