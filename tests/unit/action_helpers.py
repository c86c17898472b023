"""Builders for action tests in the style of Rasa's demo bots: a rasa-sdk Tracker from a dict,
a CollectingDispatcher, and readers of the returned events and dispatched responses.

A form turn is built the way Rasa Open Source hands it to `validate_report_form`: the slot the
form asked for (`requested_slot`) holds the raw message text (the `from_text` mapping), and the
tracker's events end with that SlotSet, after the user's message (`Tracker.slots_to_validate`).
Button clicks are messages whose text is the payload, with intent and entities parsed from it.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import json
import re
from collections.abc import Iterator
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import funnel
from actions.report_actions import report_store, reports_sent
from actions.report_form import ValidateReportForm
from bot.reports import ReportReader, StoreConfig
from bot.reports.keys import create_key_pair, default_key_files, read_keyring
from bot.texts import load
from bot.texts.build_domain import build_domain

SENDER = "test-sender-0001"
FORM = "report_form"
_PAYLOAD = re.compile(r"^/(?P<intent>\w+)(?P<entities>\{.*\})?$")


@functools.cache
def _domain() -> dict[str, Any]:
    return build_domain()


def domain() -> dict[str, Any]:
    """The built domain (domain.yml plus all texts), as the action server receives it."""
    return copy.deepcopy(_domain())


def form_slots() -> list[str]:
    """The report form's required slots, in the order the form asks them."""
    return list(_domain()["forms"][FORM]["required_slots"])


# A complete, validated set of answers up to the summary, in the form's order. Tests that need
# other values override single slots: {**ANSWERS, "persons": "..."}.
ANSWERS: dict[str, Any] = {
    "danger_now": "no",
    "signs": ["odd_hours"],
    "signs_done": "done",
    "location_address": "Rijksweg Zuid 12",
    "location_place": "Geleen",
    "time_of_day": "evening",
    "frequency": "daily",
    "since_when": "months_1_6",
    "vehicles": "skip",
    "persons": "skip",
    "description": "skip",
}


def answers_before(slot: str, answers: dict[str, Any] = ANSWERS) -> dict[str, Any]:
    """The answers the form already has when it asks `slot`."""
    order = form_slots()
    return {name: value for name, value in answers.items() if order.index(name) < order.index(slot)}


# --- messages ---------------------------------------------------------------------------------


def said(text: str, intent: str = "inform", confidence: float = 0.9) -> dict[str, Any]:
    """A typed message, as Rasa's NLU parsed it (no entities)."""
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "intent_ranking": [{"name": intent, "confidence": confidence}],
    }


def clicked(payload: str) -> dict[str, Any]:
    """A button click: the text is the payload; intent and entities come from it."""
    match = _PAYLOAD.match(payload)
    assert match, payload
    values = json.loads(match["entities"] or "{}")
    return {
        "text": payload,
        "intent": {"name": match["intent"], "confidence": 1.0},
        "entities": [
            {"entity": name, "value": value, "start": 0, "end": len(payload)}
            for name, value in values.items()
        ],
        "intent_ranking": [{"name": match["intent"], "confidence": 1.0}],
    }


def buttons(response: str, language: str = "nl") -> list[dict[str, str]]:
    """The buttons of the first variation of a response in one language's texts."""
    return list(load(language)["responses"][response][0].get("buttons", []))


def button(response: str, value: str, language: str = "nl") -> str:
    """The payload of the button of `response` whose entity value is `value` (it must exist)."""
    for item in buttons(response, language):
        match = _PAYLOAD.match(item["payload"])
        if match and value in json.loads(match["entities"] or "{}").values():
            return item["payload"]
    raise AssertionError(f"{response} has no button with the value {value!r} in {language}")


def click(response: str, value: str, language: str = "nl") -> dict[str, Any]:
    """Clicking the button of `response` that carries `value`."""
    return clicked(button(response, value, language))


# --- trackers ---------------------------------------------------------------------------------


def tracker(
    message: dict[str, Any],
    *,
    slots: dict[str, Any] | None = None,
    requested_slot: str | None = None,
    language: str = "nl",
    extracted: dict[str, Any] | None = None,
    active_loop: str | None = FORM,
) -> Tracker:
    """A tracker whose latest message is `message`; `extracted` are this turn's slot candidates."""
    extracted = dict(extracted or {})
    all_slots: dict[str, Any] = {name: None for name in _domain()["slots"]}
    all_slots |= {"language": language, "requested_slot": requested_slot}
    all_slots |= dict(slots or {})
    all_slots |= extracted
    events: list[dict[str, Any]] = [
        {"event": "action", "name": "action_listen"},
        {
            "event": "user",
            "text": message.get("text"),
            "parse_data": message,
            "input_channel": "rest",
        },
        *({"event": "slot", "name": name, "value": value} for name, value in extracted.items()),
    ]
    return Tracker.from_dict(
        {
            "sender_id": SENDER,
            "slots": all_slots,
            "latest_message": message,
            "events": events,
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": active_loop} if active_loop else {},
            "latest_action_name": "action_listen",
        }
    )


def answer(
    slot: str,
    message: dict[str, Any],
    *,
    slots: dict[str, Any] | None = None,
    language: str = "nl",
    active_loop: str = FORM,
) -> Tracker:
    """The form (`active_loop`, the report form by default) asked `slot`; the person sent
    `message`, which its from_text mapping picked up."""
    return tracker(
        message,
        slots=slots,
        requested_slot=slot,
        language=language,
        extracted={slot: message["text"]},
        active_loop=active_loop,
    )


# --- running ----------------------------------------------------------------------------------


def validate_answer(
    slot: str,
    message: dict[str, Any],
    *,
    answers: dict[str, Any] = ANSWERS,
    language: str = "nl",
    slots: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], CollectingDispatcher]:
    """The person answers `slot` of the report form with `message`, the earlier `answers`
    given: the validation's slot values (a dict) and the dispatcher."""
    known = {**answers_before(slot, answers), **(slots or {})}
    events, dispatcher = run(
        ValidateReportForm(), answer(slot, message, slots=known, language=language)
    )
    return slot_values(events), dispatcher


def run(action: Action, tracker_: Tracker) -> tuple[list[dict[str, Any]], CollectingDispatcher]:
    """Run an action the way the action server does; the events and the dispatcher."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, domain()))
    return list(events), dispatcher


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    """The names of the responses dispatched, in order."""
    return [message["response"] for message in dispatcher.messages if message.get("response")]


_STANDARD_KEYS = frozenset(
    {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"}
)


def response_kwargs(dispatcher: CollectingDispatcher, name: str) -> list[dict[str, Any]]:
    """The template variables (e.g. `code`, `sign`) of every dispatch of the response `name`."""
    return [
        {key: value for key, value in message.items() if key not in _STANDARD_KEYS}
        for message in dispatcher.messages
        if message.get("response") == name
    ]


def slot_sets(events: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """Every SlotSet as (name, value), in order."""
    return [(event["name"], event["value"]) for event in events if event.get("event") == "slot"]


def slot_values(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The value each slot ends with after the events (the last SlotSet wins)."""
    return dict(slot_sets(events))


def actions_store(monkeypatch: Any, tmp_path: Any) -> Iterator[ReportReader]:
    """A migrated SQLite store in tmp_path, the one the actions will use (for `yield from`).

    The actions get only the public key (as the action server does); the test reads the reports
    back through a ReportReader holding the private keyring.
    """
    monkeypatch.setenv("ZICHT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'zicht.db'}")
    for name in (
        "ZICHT_CODE_KEY",
        "ZICHT_CODE_KEY_FILE",
        "ZICHT_PUBLIC_KEY",
        "ZICHT_PUBLIC_KEY_FILE",
        "ZICHT_PRIVATE_KEY_FILE",
    ):
        monkeypatch.delenv(name, raising=False)
    files = default_key_files()
    create_key_pair(files)
    report_store.cache_clear()
    reports_sent.clear()
    with ReportReader(StoreConfig.from_env(), read_keyring(files.private)) as reader:
        reader.migrate()
        yield reader
    funnel.flush()  # counts still queued go to this store, not the next test's
    report_store().dispose()
    report_store.cache_clear()
    reports_sent.clear()
