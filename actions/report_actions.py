"""Submitting and cancelling a report. The store does the storing; this only maps slots.

The action server is the public side: its store holds only the public key, so it seals reports
and cannot read them back (bot.reports.store). A conversation may send at most
MAX_REPORTS_PER_CONVERSATION reports; the count is kept in memory only, under a keyed hash of
the sender id, and forgotten after a day.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.funnel import record_funnel
from actions.store import report_store
from actions.summary import SKIPPED
from actions.tracker_values import language_of
from bot.reports import ReportDraft
from bot.texts import web_text

logger = logging.getLogger(__name__)

MAX_REPORTS_PER_CONVERSATION = 3

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
    "identity_pending",
    "identity_found",
    "identity_choice",
    "requested_slot",
)


class ReportCounter:
    """Reports sent per conversation, in memory: bounded in size, forgotten after `ttl` seconds."""

    def __init__(
        self,
        limit: int,
        ttl: float = 86_400.0,
        max_entries: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self._clock = clock
        self.ttl = ttl
        self.max_entries = max_entries
        self._salt = secrets.token_bytes(16)
        self._counts: OrderedDict[bytes, tuple[float, int]] = OrderedDict()
        self._lock = threading.Lock()

    def _key(self, sender_id: str) -> bytes:
        return hashlib.blake2b(sender_id.encode(), key=self._salt, digest_size=16).digest()

    def _expire(self, now: float) -> None:
        while self._counts:
            _, (first, _count) = next(iter(self._counts.items()))
            if now - first < self.ttl and len(self._counts) <= self.max_entries:
                break
            self._counts.popitem(last=False)

    def reached(self, sender_id: str) -> bool:
        with self._lock:
            self._expire(self._clock())
            entry = self._counts.get(self._key(sender_id))
            return entry is not None and entry[1] >= self.limit

    def add(self, sender_id: str) -> None:
        with self._lock:
            now = self._clock()
            key = self._key(sender_id)
            first, count = self._counts.get(key, (now, 0))
            self._counts[key] = (first, count + 1)
            self._expire(now)

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


reports_sent = ReportCounter(MAX_REPORTS_PER_CONVERSATION)


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
        if reports_sent.reached(tracker.sender_id):
            logger.warning("a conversation reached the maximum number of reports")
            dispatcher.utter_message(text=web_text(language_of(tracker), "report_limit"))
            return clear_form()
        try:
            code = await asyncio.to_thread(report_store().submit, draft_from_slots(tracker))
        except Exception as error:  # the person must hear it honestly, whatever failed
            logger.error("storing a report failed: %s", type(error).__name__)
            dispatcher.utter_message(response="utter_report_failed")
            return clear_form()
        reports_sent.add(tracker.sender_id)
        await record_funnel("completed")
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
        if tracker.get_slot("danger_now") is not None:  # only a started report (actions/funnel.py)
            await record_funnel("cancelled")
        return [ActiveLoop(None), *clear_form()]
