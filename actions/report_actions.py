"""Submitting and cancelling a report. The store does the storing; this only maps slots."""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.summary import SKIPPED
from actions.tracker_values import language_of
from bot.reports import ReportDraft, ReportStore, StoreConfig

logger = logging.getLogger(__name__)

FORM_SLOTS = (
    "danger_now",
    "signs",
    "signs_done",
    "signs_other",
    "location_address",
    "location_place",
    "location_postcode",
    "time_of_day",
    "frequency",
    "since_when",
    "vehicles",
    "persons",
    "description",
    "edit_field",
    "confirm",
    "summary",
    "requested_slot",
)


@functools.cache
def report_store() -> ReportStore:
    """One store per action-server process, configured from the environment."""
    return ReportStore(StoreConfig.from_env())


def _optional(value: Any) -> str | None:
    return None if value in (None, "", SKIPPED) else str(value)


def draft_from_slots(tracker: Tracker) -> ReportDraft:
    """Only what the person answered and confirmed goes into the report."""
    slot = tracker.get_slot
    return ReportDraft(
        language=language_of(tracker),
        signs=tuple(slot("signs") or ()),
        signs_other=(slot("signs_other") or None) if "other" in (slot("signs") or ()) else None,
        location_address=str(slot("location_address")),
        location_place=str(slot("location_place")),
        location_postcode=_optional(slot("location_postcode")),
        time_of_day=str(slot("time_of_day")),
        frequency=str(slot("frequency")),
        since_when=str(slot("since_when")),
        vehicles=_optional(slot("vehicles")),
        persons=_optional(slot("persons")),
        description=_optional(slot("description")),
        danger_reported=slot("danger_now") == "yes",
    )


def clear_form() -> list[EventType]:
    return [SlotSet(name, None) for name in FORM_SLOTS]


class ActionSubmitReport(Action):
    """Stores the confirmed report and gives the reference code."""

    def name(self) -> str:
        return "action_submit_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("confirm") != "send":
            return clear_form()
        try:
            code = await asyncio.to_thread(report_store().submit, draft_from_slots(tracker))
        except Exception as error:  # the person must hear it honestly, whatever failed
            logger.error("storing a report failed: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_report_failed")
            return clear_form()
        dispatcher.utter_message(response="utter_report_saved", code=code)
        return clear_form()


class ActionCancelReport(Action):
    """Stops the report: nothing is stored and the answers are forgotten."""

    def name(self) -> str:
        return "action_cancel_report"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_cancelled")
        return [ActiveLoop(None), *clear_form()]
