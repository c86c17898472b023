"""Reading and checking the body of POST /api/chat."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bot.web.language import clean_hint
from bot.web.normalise import normalise_text

SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,128}")


class BadInput(Exception):
    """The body cannot be used; `key` names the web text for the reply, `status` the HTTP code."""

    def __init__(self, key: str, status: int, error: str, hint: str | None = None) -> None:
        super().__init__(error)
        self.key = key
        self.status = status
        self.error = error
        self.hint = hint


@dataclass(frozen=True)
class ChatInput:
    """A checked chat message: session id, cleaned text and the browser's language hint."""

    session_id: str
    text: str
    hint: str | None


def _parse_object(raw: bytes) -> dict[str, object]:
    try:
        body = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadInput("unreadable", 400, "bad_request") from None
    if not isinstance(body, dict):
        raise BadInput("unreadable", 400, "bad_request")
    return body


def parse_chat_input(raw: bytes, max_chars: int) -> ChatInput:
    """The checked message in a raw body, or BadInput saying why not.

    The text is cleaned (see normalise_text) before its length is counted; empty text is
    allowed here and answered by the caller.
    """
    body = _parse_object(raw)
    hint = clean_hint(body.get("lang"))
    session_id = body.get("session_id")
    if not isinstance(session_id, str) or not SESSION_ID.fullmatch(session_id):
        raise BadInput("unreadable", 400, "bad_request", hint)
    text = body.get("text")
    if not isinstance(text, str):
        raise BadInput("unreadable", 400, "bad_request", hint)
    text = normalise_text(text).strip()
    if len(text) > max_chars:
        raise BadInput("too_long", 413, "too_long", hint)
    return ChatInput(session_id=session_id, text=text, hint=hint)
