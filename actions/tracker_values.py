"""Small readers of the rasa-sdk tracker shared by the actions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from bot.reports.records import MAX_LENGTHS
from bot.texts import resolve_language

MAX_ANSWER_CHARS = 1000
DANGER_CONFIDENCE = 0.6


def language_of(tracker: Tracker) -> str:
    return resolve_language(tracker.get_slot("language"))


def entity(tracker: Tracker, name: str) -> str | None:
    """The value of an entity in the latest message (button payloads carry them)."""
    for item in tracker.latest_message.get("entities", []) or []:
        if item.get("entity") == name and item.get("value") not in (None, ""):
            return str(item["value"])
    return None


def latest_text(tracker: Tracker) -> str:
    """The person's latest message, unless it was a button payload."""
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text.strip()


def latest_intent(tracker: Tracker) -> tuple[str | None, float]:
    intent: dict[str, Any] = tracker.latest_message.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0)


def free_answer(value: Any, slot: str | None = None) -> str | None:
    """A typed answer, trimmed and capped to what the store keeps for `slot`.

    None for payloads, empty text and text without a single letter or digit (e.g. "-").
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or text.startswith("/") or not any(ch.isalnum() for ch in text):
        return None
    return text[: MAX_LENGTHS.get(slot or "", MAX_ANSWER_CHARS)]
