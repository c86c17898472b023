"""'You may be identifying yourself': typed answers that could say who the person reporting is
are held back until the person chooses to say it differently, drop that part, or keep it.

The answer waits in `identity_pending` ({"slot": ..., "text": ...}) and the form asks
`identity_choice` (first in the form's required slots while something is pending); the answer's
own slot stays empty until the choice. bot.privacy does the finding.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.interpretation import match_one
from actions.summary import OPTIONAL_SLOTS, SKIPPED
from actions.tracker_values import entity, language_of, latest_text
from bot.privacy import Finding, find_identifying, has_content, start_warm_up, warm_up, without
from bot.reports.records import MAX_LENGTHS
from bot.texts import SOURCE_LANGUAGE

PENDING = "identity_pending"
FOUND = "identity_found"
CHOICE = "identity_choice"
# The typed answers that can carry it (never the address or place: that is the reported house).
CHECKED_SLOTS = (
    "signs_other",
    "time_of_day",
    "frequency",
    "since_when",
    "vehicles",
    "persons",
    "description",
)
CHOICES = ("rephrase", "drop", "keep")
SEPARATOR = " … "
Result = dict[str, Any]

# The action server imports the actions once at start: build the spaCy pipelines in the
# background then, so that the first answers in French (seconds of spaCy import) do not wait.
start_warm_up()


def _languages(language: str) -> list[str]:
    """The conversation's language, and Dutch: people mix in Dutch words."""
    return [language] if language == SOURCE_LANGUAGE else [language, SOURCE_LANGUAGE]


def findings(text: str, language: str) -> list[Finding]:
    """What could identify the writer, in the conversation's language or in Dutch."""
    found: list[Finding] = []
    for code in _languages(language):
        found += [f for f in find_identifying(text, code) if f not in found]
    return sorted(found, key=lambda f: (f.start, f.end))


async def get_ready(tracker: Tracker) -> None:
    """Build the spaCy pipelines this conversation needs off the event loop (normally the
    action server's warm-up has built them already)."""
    await asyncio.to_thread(warm_up, _languages(language_of(tracker)))


def hold(slot: str, text: str, tracker: Tracker) -> Result | None:
    """The slot events that hold `text` back when it could identify the writer; else None."""
    found = findings(text, language_of(tracker))
    if not found:
        return None
    return {
        slot: None,
        PENDING: {"slot": slot, "text": text},
        FOUND: SEPARATOR.join(" ".join(f.text.split()) for f in found),
    }


def held(slot: str, result: Result, tracker: Tracker) -> Result:
    """`result` of validating `slot`, or the held version when its typed text identifies."""
    value = result.get(slot)
    if not isinstance(value, str) or value == SKIPPED:
        return result
    holding = hold(slot, value, tracker)
    return result if holding is None else {**result, **holding}


def wanted(tracker: Tracker) -> bool:
    """Whether the form must ask `identity_choice` now."""
    return bool(tracker.get_slot(PENDING))


def _choice(tracker: Tracker) -> str | None:
    chosen = entity(tracker, "choice")
    if chosen in CHOICES:
        return chosen
    text = latest_text(tracker)
    return match_one(text, language_of(tracker), "identity") if text else None


def _dropped(slot: str, text: str, tracker: Tracker) -> str | None:
    """The answer without the identifying parts; skipped or asked again when nothing is left."""
    language = language_of(tracker)
    rest = without(text, findings(text, language))
    if rest and has_content(rest, language):
        return rest[: MAX_LENGTHS.get(slot, len(rest))]
    return SKIPPED if slot in OPTIONAL_SLOTS else None


def resolve(dispatcher: CollectingDispatcher, tracker: Tracker) -> Result:
    """The person's choice for the pending answer: the slot events that carry it out."""
    pending = tracker.get_slot(PENDING)
    done: Result = {PENDING: None, FOUND: None, CHOICE: None}
    if not isinstance(pending, dict) or pending.get("slot") not in CHECKED_SLOTS:
        return done
    choice = _choice(tracker)
    if choice is None:
        dispatcher.utter_message(response="utter_not_understood_choice")
        return {CHOICE: None}
    slot, text = str(pending["slot"]), str(pending.get("text") or "")
    if choice == "keep":
        return {**done, slot: text}
    if choice == "drop":
        return {**done, slot: _dropped(slot, text, tracker)}
    return {**done, slot: None}  # rephrase: the same question again
