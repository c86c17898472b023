"""Validation of the report form: reads buttons and free text, checks places, builds the summary."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import identity
from actions.funnel import record_funnel
from actions.interpretation import has_keyword, is_only, match_all, match_one, unique
from actions.opening import signs_before_the_form
from actions.summary import OPTIONAL_SLOTS, SKIPPED, build_summary
from actions.tracker_values import (
    DANGER_CONFIDENCE,
    entity,
    free_answer,
    language_of,
    latest_intent,
    latest_text,
)
from bot.reports.places import extract_place_from_address, resolve_place
from bot.reports.records import MAX_LENGTHS, SIGN_IDS
from bot.texts import SOURCE_LANGUAGE, label

# The place when only a postcode or the municipality itself was named.
MUNICIPALITY = "Sittard-Geleen"
# Only a clear help request interrupts an answer; a description that merely sounds like one
# ("nobody ever leaves the house") is kept as the answer.
HELP_CONFIDENCE = 0.85
CHOICE_SLOTS = ("time_of_day", "frequency", "since_when")
EDITABLE_SLOTS = ("signs", "location_address", "location_place", *CHOICE_SLOTS, *OPTIONAL_SLOTS)
Result = dict[str, Any]


class ValidateReportForm(FormValidationAction):
    """Validates every answer of `report_form`; nothing is stored until the person confirms."""

    def name(self) -> str:
        return "validate_report_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        slots = list(domain_slots)
        if "other" not in (tracker.get_slot("signs") or []):
            slots.remove("signs_other")
        if tracker.get_slot("confirm") != "edit":
            slots.remove("edit_field")
        if not identity.wanted(tracker) and identity.CHOICE in slots:
            slots.remove(identity.CHOICE)
        return slots

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        requested = tracker.get_slot("requested_slot")
        if requested in FREE_TEXT_SLOTS and answer_read_as_stop(tracker):
            # What the mapping left out (intent "cancel") is the answer: validated as one.
            events.append(SlotSet(requested, latest_text(tracker)))
        elif opening := signs_before_the_form(tracker):
            # The message that started the report named signs (actions/opening.py): validated
            # like an answer to the signs question, which is then not asked.
            events.append(SlotSet("signs", opening))
        return events

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        requested = tracker.get_slot("requested_slot")
        kept_language = _language_before_place_answer(tracker, requested)
        if requested not in (None, "danger_now") and _danger_in(tracker):
            dispatcher.utter_message(response="utter_danger")
            if _danger_intent(tracker):
                # "hij slaat haar nu" is a cry for 112, not an answer: ask the question again.
                return ask_again(requested)
        if requested is not None and _asks_for_help(tracker, requested):
            # "I need help" in the middle of a report: the help path first, then the same question.
            dispatcher.utter_message(response="utter_help")
            return ask_again(requested)
        if (
            requested is not None
            and _typed_cancel(tracker)
            and not (requested in FREE_TEXT_SLOTS and answer_read_as_stop(tracker))
        ):
            # A typed "stop", or text that only reads like one ("'; DROP TABLE reports;--"), does
            # not throw the answers away at once: ask, with a Stop button, then the same question.
            dispatcher.utter_message(response="utter_cancel_check")
            return ask_again(requested)
        if requested in (*identity.CHECKED_SLOTS, "signs", "signs_done"):
            await identity.get_ready(tracker)
        events = await super().run(dispatcher, tracker, domain)
        if requested == "danger_now" and any(
            e.get("event") == "slot" and e.get("name") == "danger_now" and e.get("value")
            for e in events
        ):
            await record_funnel("started")  # the first question answered (actions/funnel.py)
        if kept_language is not None:
            events.insert(0, SlotSet("language", kept_language))
            tracker.slots["language"] = kept_language
        slots = {**tracker.slots}
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        before_confirm = [name for name in required if name not in ("confirm", "edit_field")]
        # Only after an answer: an empty turn (e.g. /cancel) must stay empty, or Rasa would not
        # reject the form and the cancel rule would never run.
        answered = any(
            e.get("event") == "slot" and e.get("name") != "requested_slot" for e in events
        )
        if answered and all(slots.get(name) is not None for name in before_confirm):
            events.append(SlotSet("summary", build_summary(slots, language_of(tracker))))
        return events

    def validate_danger_now(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        language = language_of(tracker)
        choice = entity(tracker, "choice")
        text = latest_text(tracker)
        intent, confidence = latest_intent(tracker)
        danger = choice == "yes" or (intent == "danger" and confidence >= DANGER_CONFIDENCE)
        if not choice and text:
            danger = danger or (
                has_keyword(text, language, "yes_words") and not _said_no(text, language)
            )
        if danger:
            dispatcher.utter_message(response="utter_danger")
            return {"danger_now": "yes"}
        if choice == "no" or (text and _said_no(text, language)):
            return {"danger_now": "no"}
        dispatcher.utter_message(response="utter_not_understood_choice")
        return {"danger_now": None}

    def validate_signs(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return self._add_signs(dispatcher, tracker, previous=[])

    def validate_signs_done(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        language = language_of(tracker)
        text = latest_text(tracker)
        if entity(tracker, "choice") == "done" or (
            not entity(tracker, "sign") and text and has_keyword(text, language, "done")
        ):
            return {"signs_done": "done"}
        result = self._add_signs(dispatcher, tracker, previous=tracker.get_slot("signs") or [])
        return {**result, "signs_done": None}

    def validate_signs_other(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        answer = free_answer(value, "signs_other")
        if answer is None:
            dispatcher.utter_message(response="utter_not_understood_choice")
        return identity.held("signs_other", {"signs_other": answer}, tracker)

    def validate_location_address(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        answer = free_answer(value, "location_address")
        if answer is None:
            dispatcher.utter_message(response="utter_not_understood_choice")
            return {"location_address": None}
        if is_only(answer, language_of(tracker), "skip") and not _describe_asked(tracker):
            # "weet niet": once, a kind hint that a street or a landmark helps too; said again,
            # it is kept as the answer (the place question still follows).
            dispatcher.utter_message(response="utter_location_describe")
            return {"location_address": None}
        match = extract_place_from_address(answer)
        if match.status == "outside":
            dispatcher.utter_message(response="utter_location_outside")
            return {"location_address": None}
        result: Result = {"location_address": answer}
        if match.status == "inside" and (match.place or match.postcode):
            result |= {
                "location_place": match.place or MUNICIPALITY,
                "location_postcode": match.postcode,
            }
        return result

    def validate_location_place(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        text = entity(tracker, "choice") or free_answer(value) or ""
        match = resolve_place(text)
        if match.status == "inside":
            return {
                "location_place": match.place or MUNICIPALITY,
                "location_postcode": match.postcode,
            }
        response = (
            "utter_location_outside" if match.status == "outside" else "utter_location_unknown"
        )
        dispatcher.utter_message(response=response)
        return {"location_place": None, "location_postcode": None}

    def validate_time_of_day(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return _choice_or_text("time_of_day", value, dispatcher, tracker)

    def validate_frequency(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return _choice_or_text("frequency", value, dispatcher, tracker)

    def validate_since_when(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return _choice_or_text("since_when", value, dispatcher, tracker)

    def validate_vehicles(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return identity.held("vehicles", _optional_text("vehicles", value, tracker), tracker)

    def validate_persons(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return identity.held("persons", _optional_text("persons", value, tracker), tracker)

    def validate_description(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return identity.held("description", _optional_text("description", value, tracker), tracker)

    def validate_identity_choice(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        """Say it differently, drop the identifying part, or keep it (actions/identity.py)."""
        return identity.resolve(dispatcher, tracker)

    def validate_edit_field(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        language = language_of(tracker)
        field = entity(tracker, "field") or match_one(latest_text(tracker), language, "fields")
        if field not in EDITABLE_SLOTS:
            dispatcher.utter_message(response="utter_not_understood_choice")
            return {"edit_field": None}
        reset: Result = {field: None, "edit_field": None, "confirm": None}
        if field == "signs":
            reset |= {"signs_done": None, "signs_other": None}
        if field == "location_place":
            reset |= {"location_postcode": None}
        return reset

    def validate_confirm(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        language = language_of(tracker)
        choice = entity(tracker, "choice")
        text = latest_text(tracker)
        intent, _ = latest_intent(tracker)
        if choice == "edit" or (not choice and text and has_keyword(text, language, "edit")):
            return {"confirm": "edit"}
        refused = intent == "deny" or (bool(text) and _said_no(text, language))
        if choice == "send" or (
            not refused and (intent == "affirm" or (text and has_keyword(text, language, "send")))
        ):
            return {"confirm": "send"}
        dispatcher.utter_message(response="utter_not_understood_choice")
        return {"confirm": None}

    def _add_signs(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, previous: list[str]
    ) -> Result:
        """Signs from a button, or every sign named in free text; unknown text is 'other'."""
        language = language_of(tracker)
        chosen = entity(tracker, "sign")
        text = latest_text(tracker)
        result: Result = {}
        if chosen in SIGN_IDS:
            new = [chosen]
        elif (
            text
            and not match_all(text, language, "signs")
            and (free_answer(text) is None or is_only(text, language, "no_words", "skip"))
        ):
            # "nee", "nothing", "😡😡": not a description of something else; asked again.
            dispatcher.utter_message(response="utter_not_understood_choice")
            return {"signs": previous or None}
        elif text:
            new = match_all(text, language, "signs") or ["other"]
            if new == ["other"] or "other" in previous:
                earlier = tracker.get_slot("signs_other") if previous else None
                combined = f"{earlier}; {text}" if earlier else text
                result["signs_other"] = combined[: MAX_LENGTHS["signs_other"]]
                result = identity.held("signs_other", result, tracker)
        else:
            dispatcher.utter_message(response="utter_not_understood_choice")
            return {"signs": previous or None}
        signs = unique([*previous, *new])
        for sign in new:
            if sign not in previous:
                dispatcher.utter_message(
                    response="utter_sign_added", sign=label(language, "signs", sign)
                )
        return {**result, "signs": signs}


def _describe_asked(tracker: Tracker) -> bool:
    """Whether the answer before this one already got utter_location_describe."""
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                return False
        elif (
            event.get("event") == "bot"
            and users == 1
            and (event.get("metadata") or {}).get("utter_action") == "utter_location_describe"
        ):
            return True
    return False


def _said_no(text: str, language: str) -> bool:
    return has_keyword(text, language, "no_words")


PLACE_SLOTS = ("location_address", "location_place")


def _language_before_place_answer(tracker: Tracker, requested: str | None) -> str | None:
    """The conversation's language before an address or place answer changed it, if it did.

    Street and place names are Dutch ("Rijksweg Zuid 12"): they say nothing about the language
    the person speaks, so such an answer must not switch the conversation to Dutch.
    """
    if requested not in PLACE_SLOTS or not latest_text(tracker):
        return None  # a chosen language (a payload) always counts
    events = tracker.events
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    starts = [i for i, event in enumerate(events) if event.get("event") == "session_started"]
    if not users:
        return None
    before = SOURCE_LANGUAGE
    for event in events[max(starts, default=0) : users[-1]]:
        if event.get("event") == "slot" and event.get("name") == "language" and event.get("value"):
            before = str(event["value"])
    return before if before != tracker.get_slot("language") else None


DESCRIPTION_SLOTS = ("signs_other", "vehicles", "persons", "description")
# Questions answered in free text (see answer_read_as_stop); shorter text read as "stop" is checked.
FREE_TEXT_SLOTS = (*DESCRIPTION_SLOTS, "location_address")
ANSWER_MIN_WORDS = 4


def _asks_for_help(tracker: Tracker, requested: str) -> bool:
    """The help button always; typed text only outside the free descriptions, where a
    description of the situation ("nobody ever leaves the house") can sound like a cry for help.
    """
    if tracker.latest_message.get("text", "").startswith("/need_help"):
        return True
    return requested not in DESCRIPTION_SLOTS and _clear_intent(
        tracker, "need_help", HELP_CONFIDENCE
    )


def ask_again(slot: str) -> list[EventType]:
    """Events that leave `slot` empty and have the form ask its question once more."""
    return [SlotSet(slot, None), SlotSet("requested_slot", slot)]


def _typed_cancel(tracker: Tracker) -> bool:
    """Typed text that NLU reads as "cancel" (the Stop button's /cancel payload is not typed)."""
    return bool(latest_text(tracker)) and latest_intent(tracker)[0] == "cancel"


def answer_read_as_stop(tracker: Tracker) -> bool:
    """Typed text of ANSWER_MIN_WORDS or more that NLU reads as "cancel". Where free text is
    asked, it is the answer ("stop met die bezoeken, het is elke nacht", "'; DROP TABLE
    reports;--"): the slot mappings leave "cancel" out, so it would be lost otherwise."""
    return _typed_cancel(tracker) and len(latest_text(tracker).split()) >= ANSWER_MIN_WORDS


def _clear_intent(tracker: Tracker, name: str, threshold: float) -> bool:
    intent, confidence = latest_intent(tracker)
    return intent == name and confidence >= threshold


def _danger_intent(tracker: Tracker) -> bool:
    return _clear_intent(tracker, "danger", DANGER_CONFIDENCE)


def _danger_in(tracker: Tracker) -> bool:
    """Acute danger named in the latest message: 112 comes first, the form continues."""
    text = latest_text(tracker)
    return _danger_intent(tracker) or (
        bool(text) and has_keyword(text, language_of(tracker), "danger")
    )


def _choice_or_text(
    slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
) -> Result:
    """A button choice, a choice recognised in free text, or else the free text as typed."""
    choice = entity(tracker, "choice")
    if choice:
        return {slot: choice}
    answer = free_answer(value, slot)
    if answer is None:
        dispatcher.utter_message(response="utter_not_understood_choice")
        return {slot: None}
    choice = match_one(answer, language_of(tracker), slot)
    return {slot: choice} if choice else identity.held(slot, {slot: answer}, tracker)


def _optional_text(slot: str, value: Any, tracker: Tracker) -> Result:
    """Optional free text: the skip button, a 'no/skip' answer or a description."""
    if entity(tracker, "choice") == SKIPPED:
        return {slot: SKIPPED}
    answer = free_answer(value, slot)
    if answer is None or _is_skip(answer, language_of(tracker)):
        return {slot: SKIPPED}
    return {slot: answer}


def _is_skip(answer: str, language: str) -> bool:
    return len(answer.split()) <= 3 and has_keyword(answer, language, "skip")
