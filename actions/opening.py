"""What a resident says before the report starts: the signs named there count as answers.

"At the house next door different cars come every night" starts the report with those signs
noted ("Genoteerd: …") instead of asking for them again, whether NLU read the message as a wish to
report (`report_signs`) or as an answer given while no question was open (`inform`). Only the
signs are kept, as their ids; the opening text itself is not. The resident sees each noted sign at
once, can add more at the next question, and confirms or corrects them in the summary.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.interpretation import match_all
from actions.tracker_values import language_of, latest_text

REPORT_FORM = "report_form"


def opening_signs(tracker: Tracker) -> list[str]:
    """The signs the latest typed message names (none for a button payload)."""
    text = latest_text(tracker)
    return match_all(text, language_of(tracker), "signs") if text else []


def signs_before_the_form(tracker: Tracker) -> list[str]:
    """At the form's activation (no question asked yet, no signs yet): the opening's signs.

    Rasa runs the form's validation once as it activates the form, on the message that started
    it; the loop is already marked active then, but no slot has been requested yet.
    """
    if tracker.get_slot("requested_slot") is not None or tracker.get_slot("signs"):
        return []
    return opening_signs(tracker)


class ActionInformOutsideForm(Action):
    """An answer-like message while no question is open: a description of signs starts the
    report with them noted; anything else (a stray "nee", an address on its own) gets the menu."""

    def name(self) -> str:
        return "action_inform_outside_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if opening_signs(tracker):
            dispatcher.utter_message(response="utter_report_start")
            return [FollowupAction(REPORT_FORM)]
        dispatcher.utter_message(response="utter_menu")
        return []
