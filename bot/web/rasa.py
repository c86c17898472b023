"""Rasa's REST channel, seen from the web app: which instance, what is sent, what comes back."""

from __future__ import annotations

import hashlib
import logging
from typing import Any, TypedDict

import aiohttp

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/rest/webhook"


class Button(TypedDict):
    title: str
    payload: str


class BotMessage(TypedDict):
    text: str
    buttons: list[Button]


class RasaUnavailable(Exception):
    """Rasa could not be reached, timed out or answered with something unusable."""


def pick_instance(session_id: str, urls: tuple[str, ...]) -> str:
    """The Rasa instance of a session: a stable hash, so a conversation stays on one instance."""
    digest = hashlib.sha256(session_id.encode("utf-8")).digest()
    return urls[int.from_bytes(digest[:8], "big") % len(urls)]


def _button(raw: object) -> Button | None:
    if not isinstance(raw, dict):
        return None
    title, payload = raw.get("title"), raw.get("payload")
    if not isinstance(title, str) or not isinstance(payload, str):
        return None
    return {"title": title, "payload": payload}


def bot_messages(raw: object) -> list[BotMessage]:
    """The text and buttons of Rasa's reply; images, custom payloads and ids are left out."""
    if not isinstance(raw, list):
        raise RasaUnavailable("reply is not a list")
    messages: list[BotMessage] = []
    for item in raw:
        if not isinstance(item, dict):
            continue
        text = item.get("text") if isinstance(item.get("text"), str) else ""
        raw_buttons = item.get("buttons") if isinstance(item.get("buttons"), list) else []
        buttons = [button for button in map(_button, raw_buttons) if button is not None]
        if text or buttons:
            messages.append({"text": text, "buttons": buttons})
    return messages


async def send_message(
    http: aiohttp.ClientSession,
    url: str,
    *,
    sender: str,
    message: str,
    language: str | None,
    timeout: float,
) -> list[BotMessage]:
    """Send one message to Rasa and return its reply.

    The body holds exactly the sender (the random session id), the message and the language
    hint; no header or any other detail of the visitor's request goes upstream.
    """
    body: dict[str, Any] = {"sender": sender, "message": message, "metadata": {"lang": language}}
    try:
        async with http.post(
            url + WEBHOOK_PATH, json=body, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            if response.status != 200:
                raise RasaUnavailable(f"status {response.status}")
            return bot_messages(await response.json(content_type=None))
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        log.warning("Rasa instance unavailable (%s)", type(exc).__name__)
        raise RasaUnavailable(type(exc).__name__) from None
    except RasaUnavailable as exc:
        log.warning("Rasa instance unavailable (%s)", exc)
        raise
