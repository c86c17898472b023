"""Anonymous follow-up: a resident comes back with the reference code of a report.

The conversation: "I have a code" (or the code itself, or the menu button) -> the code is asked if
it was not in that message -> the status and the messages the resident may read -> add
something, or done.

The code in the tracker: after a successful lookup the normalised 25 digits stay in the
`followup_code` slot only while the follow-up runs, because adding information needs the code
again (the store derives the report's follow-up key from it). Every way out of the follow-up
(done, stop, cancel, an early end) empties the slot, and a new session never carries it over.
The code is never logged here: errors are logged by exception type only, and nothing the
resident typed is logged at all.

Wrong codes: at most MAX_CODE_TRIES per conversation (the `followup_tries` slot), then a kind
refusal with the phone numbers. The store also keeps a global lookup budget and raises
LookupThrottled when it is spent.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.interpretation import has_keyword
from actions.report_form import _danger_in as danger_in
from actions.report_form import answer_read_as_stop, ask_again
from actions.store import report_store
from actions.tracker_values import entity, free_answer, language_of, latest_intent, latest_text
from bot.reports.codes import normalise_code
from bot.reports.durable import call_within
from bot.reports.records import MESSAGE_MAX_LENGTH, FollowUp, Message
from bot.reports.store import LookupThrottled
from bot.texts import label

logger = logging.getLogger(__name__)

FORM = "followup_form"
MAX_CODE_TRIES = 5
LOOKUP_DEADLINE_SECONDS = 5.0
ADD_DEADLINE_SECONDS = 5.0
HELP_CONFIDENCE = 0.85
# A message with this many digits is an attempt at a code (counted), not a remark.
CODE_ATTEMPT_DIGITS = 5
# The form asks these itself (utter_ask_<slot>); named here for the response manifest.
QUESTIONS = ("utter_ask_followup_code", "utter_ask_followup_add", "utter_ask_followup_text")
STATUS_RESPONSES = {
    "received": "utter_followup_status_received",
    "in_progress": "utter_followup_status_in_progress",
    "closed": "utter_followup_status_closed",
}
FOLLOWUP_SLOTS = ("followup_code", "followup_add", "followup_text", "followup_end")
_DIGIT = re.compile(r"\d")
Result = dict[str, Any]


# --- reading the tracker ------------------------------------------------------------------------


def tries_of(tracker: Tracker) -> int:
    return int(tracker.get_slot("followup_tries") or 0)


def _digits(text: str) -> int:
    return len(_DIGIT.findall(text))


def _asks_for_help(tracker: Tracker, typed_counts: bool) -> bool:
    """The help button always; typed text only where no free description is asked."""
    if (tracker.latest_message.get("text") or "").startswith("/need_help"):
        return True
    intent, confidence = latest_intent(tracker)
    return typed_counts and intent == "need_help" and confidence >= HELP_CONFIDENCE


def _wants_to_stop(tracker: Tracker, text: str) -> bool:
    intent, _ = latest_intent(tracker)
    language = language_of(tracker)
    return intent in ("deny", "cancel", "goodbye") or (
        bool(text) and len(text.split()) <= 4 and has_keyword(text, language, "no_words")
    )


# --- showing a report's follow-up ---------------------------------------------------------------


def _day(day: datetime.date) -> str:
    return f"{day.day}-{day.month}-{day.year}"


def message_line(message: Message, language: str) -> str:
    """One message of the thread: date, who, text. A resident's date is their week's Monday."""
    if message.kind == "from_resident":
        when = label(language, "followup", "week_of").replace("{date}", _day(message.created_on))
        who = label(language, "followup", "you")
    else:
        when = _day(message.created_on)
        who = label(language, "followup", "municipality")
    return f"- {when}, {who}: {message.text}"


def show_follow_up(dispatcher: CollectingDispatcher, follow_up: FollowUp, language: str) -> None:
    """The status in words and the messages the resident may read, oldest first."""
    dispatcher.utter_message(
        response=STATUS_RESPONSES.get(follow_up.status, "utter_followup_status_received")
    )
    lines = [
        message_line(m, language)
        for m in follow_up.messages
        if m.kind in ("to_resident", "from_resident")
    ]
    if lines:
        dispatcher.utter_message(response="utter_followup_messages", messages="\n".join(lines))
    else:
        dispatcher.utter_message(response="utter_followup_no_messages")


async def look_up(
    dispatcher: CollectingDispatcher, tracker: Tracker, text: str, *, tries: int
) -> Result:
    """Look up the code in `text` and tell the resident what was found. Slot values to set.

    `followup_code` gets the code's digits only when a report was found; `followup_end` is set
    when the follow-up cannot go on (too many wrong codes, the lookup budget spent, an error).
    """
    if tries >= MAX_CODE_TRIES:
        dispatcher.utter_message(response="utter_followup_too_many")
        return {"followup_code": None, "followup_end": "too_many"}
    code = normalise_code(text)
    follow_up: FollowUp | None = None
    if code is not None:
        try:
            # A frozen database must not hold the turn: a lookup is safe to abandon.
            lookup = functools.partial(report_store().follow_up, code)
            follow_up = await asyncio.to_thread(call_within, LOOKUP_DEADLINE_SECONDS, lookup)
        except LookupThrottled:
            logger.warning("a follow-up lookup was throttled")
            dispatcher.utter_message(response="utter_followup_throttled")
            return {"followup_code": None, "followup_end": "throttled"}
        except Exception as error:  # the resident must hear it, whatever failed
            logger.error("a follow-up lookup failed: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_followup_failed")
            return {"followup_code": None, "followup_end": "failed"}
    if follow_up is None:
        tries += 1
        if tries >= MAX_CODE_TRIES:
            dispatcher.utter_message(response="utter_followup_too_many")
            return {
                "followup_code": None,
                "followup_tries": float(tries),
                "followup_end": "too_many",
            }
        dispatcher.utter_message(response="utter_followup_wrong_code")
        return {"followup_code": None, "followup_tries": float(tries)}
    show_follow_up(dispatcher, follow_up, language_of(tracker))
    return {"followup_code": code}


async def add_message(dispatcher: CollectingDispatcher, code: str | None, text: str) -> str:
    """Append the resident's text to the report; "sent" or "failed"."""
    if code is None:
        dispatcher.utter_message(response="utter_followup_add_failed")
        return "failed"
    try:
        # A silent database must not hold the turn either: told it failed, the resident may send
        # it again, and the store keeps the same text once a week (a late first insert included).
        adding = functools.partial(
            report_store().add_resident_message, code, text[:MESSAGE_MAX_LENGTH]
        )
        added = await asyncio.to_thread(call_within, ADD_DEADLINE_SECONDS, adding)
    except LookupThrottled:
        logger.warning("adding to a report was throttled")
        dispatcher.utter_message(response="utter_followup_throttled")
        return "failed"
    except Exception as error:
        logger.error("adding to a report failed: %s", type(error).__name__)
        added = False
    if not added:
        dispatcher.utter_message(response="utter_followup_add_failed")
        return "failed"
    dispatcher.utter_message(response="utter_followup_added")
    return "sent"


def clear_follow_up() -> list[EventType]:
    """Forget the code and the answers of this follow-up (the count of wrong codes stays)."""
    return [SlotSet(name, None) for name in FOLLOWUP_SLOTS]


# --- actions --------------------------------------------------------------------------------------


class ActionFollowupStart(Action):
    """Reads the message that started the follow-up: it may already hold the code.

    Sets `followup_refused` (a featurised slot the rules read): true when no lookup is possible in
    this conversation now, so that the form does not start and ask for a code in vain.
    """

    def name(self) -> str:
        return "action_followup_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = clear_follow_up()
        text = latest_text(tracker)
        tries = tries_of(tracker)
        if tries < MAX_CODE_TRIES and normalise_code(text) is None:
            # No code yet (the button, "I have a code"): the form asks for it.
            return [*events, SlotSet("followup_refused", False)]
        result = await look_up(dispatcher, tracker, text, tries=tries)
        refused = result.get("followup_end") is not None
        events += [SlotSet(name, value) for name, value in result.items()]
        if refused:
            events += clear_follow_up()
        return [*events, SlotSet("followup_refused", refused)]


class ValidateFollowupForm(FormValidationAction):
    """The code, then whether to add something, then what to add."""

    def name(self) -> str:
        return "validate_followup_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("followup_end"):
            return []
        slots = list(domain_slots)
        if tracker.get_slot("followup_add") != "add":
            slots.remove("followup_text")
        return slots

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        if requested is not None and requested in FOLLOWUP_SLOTS:
            text = latest_text(tracker)
            if not _DIGIT.search(text) and danger_in(tracker):
                dispatcher.utter_message(response="utter_danger")
                return ask_again(requested)
            if _asks_for_help(tracker, typed_counts=requested != "followup_text"):
                dispatcher.utter_message(response="utter_help")
                return ask_again(requested)
            if requested in ("followup_add", "followup_text") and answer_read_as_stop(tracker):
                # What they want to add, not a stop; a short "stop" still stops the follow-up.
                code = tracker.get_slot("followup_code")
                marker = await add_message(dispatcher, code, text)
                return [SlotSet("followup_add", "add"), SlotSet("followup_text", marker)]
        return await super().run(dispatcher, tracker, domain)

    async def validate_followup_code(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        if tracker.get_slot("requested_slot") != "followup_code":
            # Set by action_followup_start, which has looked it up already.
            return {"followup_code": value}
        text = free_answer(value) or ""
        if _digits(text) < CODE_ATTEMPT_DIGITS:
            if _wants_to_stop(tracker, text):
                dispatcher.utter_message(response="utter_followup_stopped")
                return {"followup_code": None, "followup_end": "stopped"}
            dispatcher.utter_message(response="utter_followup_no_code")
            return {"followup_code": None}
        return await look_up(dispatcher, tracker, text, tries=tries_of(tracker))

    async def validate_followup_add(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        language = language_of(tracker)
        choice = entity(tracker, "choice")
        text = free_answer(value) or ""
        intent, _ = latest_intent(tracker)
        short = len(text.split()) <= 4
        if choice == "done" or (
            not choice
            and (_wants_to_stop(tracker, text) or (short and has_keyword(text, language, "done")))
        ):
            return {"followup_add": "done"}
        if choice == "add" or (
            not choice
            and (
                intent == "affirm"
                or (short and has_keyword(text, language, "add"))
                or (len(text.split()) <= 2 and has_keyword(text, language, "yes_words"))
            )
        ):
            return {"followup_add": "add"}
        if len(text.split()) >= 3:
            # They wrote what they want to add straight away.
            code = tracker.get_slot("followup_code")
            marker = await add_message(dispatcher, code, text)
            return {"followup_add": "add", "followup_text": marker}
        dispatcher.utter_message(response="utter_not_understood_choice")
        return {"followup_add": None}

    async def validate_followup_text(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        if entity(tracker, "choice") == "skip":
            return {"followup_text": "skipped"}
        text = free_answer(value)
        if text is None:
            dispatcher.utter_message(response="utter_not_understood_choice")
            return {"followup_text": None}
        marker = await add_message(dispatcher, tracker.get_slot("followup_code"), text)
        return {"followup_text": marker}


class ActionFollowupDone(Action):
    """The follow-up form ended: forget the code; after a normal end, offer the menu."""

    def name(self) -> str:
        return "action_followup_done"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tracker.get_slot("followup_end"):
            dispatcher.utter_message(response="utter_followup_done")
        return [*clear_follow_up(), SlotSet("requested_slot", None)]


class ActionFollowupStop(Action):
    """The resident stops the follow-up (cancel): forget the code, offer the menu."""

    def name(self) -> str:
        return "action_followup_stop"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_followup_stopped")
        return [ActiveLoop(None), *clear_follow_up(), SlotSet("requested_slot", None)]
