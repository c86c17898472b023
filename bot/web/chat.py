"""POST /api/chat: one message from the widget to Rasa and the bot's reply back."""

from __future__ import annotations

from aiohttp import web

from bot.web import keys
from bot.web.chat_input import BadInput, parse_chat_input
from bot.web.language import clean_hint, page_language, supported_language
from bot.web.rasa import RasaUnavailable, pick_instance, send_message
from bot.web.ratelimit import LIMITER, retry_after
from bot.web.replies import text_reply

JSON_TYPES = frozenset({"application/json"})
GREETING_PAYLOAD = "/greet"


def with_language_hint(text: str, language: str | None) -> str:
    """The widget's opening `/greet` carries the browser language into the `language` slot.

    Button payloads skip Rasa's NLU (and so its language detection); without this, the very
    first answer would always be Dutch.
    """
    if text == GREETING_PAYLOAD and language:
        return f'{GREETING_PAYLOAD}{{"language": "{language}"}}'
    return text


def _header_hint(request: web.Request) -> str | None:
    """The first language of Accept-Language, for replies when the body gives no hint."""
    first = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0]
    return clean_hint(first.strip())


async def _read_body(request: web.Request, limit: int) -> bytes:
    if request.content_length is not None and request.content_length > limit:
        raise BadInput("too_long", 413, "too_long")
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise BadInput("too_long", 413, "too_long") from None


async def chat(request: web.Request) -> web.Response:
    """Answer one chat message; every failure is a kind reply, never a traceback."""
    config = request.app[keys.CONFIG]
    try:
        if request.content_type not in JSON_TYPES:
            raise BadInput("unreadable", 400, "bad_request")
        message = parse_chat_input(
            await _read_body(request, config.max_body_bytes), config.max_chars
        )
    except BadInput as bad:
        language = page_language(bad.hint or _header_hint(request))
        return text_reply(language, bad.key, status=bad.status, error=bad.error)

    language = page_language(message.hint)
    if not message.text:
        return text_reply(language, "empty")
    wait = request.app[LIMITER].check(message.session_id)
    if wait > 0.0:
        limited = text_reply(language, "rate_limited", status=429, error="rate_limited")
        limited.headers["Retry-After"] = retry_after(wait)
        return limited
    try:
        messages = await send_message(
            request.app[keys.HTTP],
            pick_instance(message.session_id, config.rasa_urls),
            sender=message.session_id,
            message=with_language_hint(message.text, supported_language(message.hint)),
            language=supported_language(message.hint),
            timeout=config.rasa_timeout,
        )
    except RasaUnavailable:
        return text_reply(language, "unavailable", status=503, error="unavailable")
    if not messages:
        # Rasa answered nothing: an action failed on the way (e.g. the action server stopped
        # mid-turn). Never leave the person with silence: say so, with the phone numbers.
        return text_reply(language, "unavailable", error="no_answer")
    return web.json_response({"messages": messages})
