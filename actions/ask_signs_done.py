"""The question after the first sign ("Did you see anything else?"), without the signs already
noted: its buttons offer only what can still be added, and "No, that is all"."""

from __future__ import annotations

import json
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_values import language_of
from bot.texts import load

RESPONSE = "utter_ask_signs_done"
_ENTITIES = re.compile(r"^/\w+(\{.*\})$")


def sign_of(payload: str) -> str | None:
    """The sign a button payload carries ('/inform{"sign": "odd_hours"}' -> 'odd_hours')."""
    match = _ENTITIES.match(payload)
    if not match:
        return None
    try:
        value = json.loads(match[1]).get("sign")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def question(language: str, noted: list[str]) -> dict[str, Any]:
    """The question's text and the buttons of the signs not yet noted, in `language`."""
    response = load(language)["responses"][RESPONSE][0]
    buttons = [b for b in response.get("buttons", []) if sign_of(b["payload"]) not in noted]
    return {"text": response["text"], "buttons": buttons}


class ActionAskSignsDone(Action):
    def name(self) -> str:
        return "action_ask_signs_done"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(**question(language_of(tracker), tracker.get_slot("signs") or []))
        return []
