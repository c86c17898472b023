"""The message that starts a report: the signs it names count (actions/opening.py).

Two ways in: NLU reads the opening as a wish to report (`report_signs`, the form activates and
`validate_report_form` runs on that message before any question), or as an answer while no
question is open (`inform`, `action_inform_outside_form`).
"""

import pytest
from action_helpers import (
    clicked,
    domain,
    response_kwargs,
    responses,
    run,
    said,
    slot_values,
    tracker,
)

from actions.opening import ActionInformOutsideForm
from actions.report_form import ValidateReportForm
from bot.texts import available_languages, label, load


def activate(message, language="nl", slots=None):
    """The report form activates on `message`: Rasa has marked the loop active and runs the
    validation before it asks anything (no requested slot yet)."""
    opening = tracker(message, slots=slots, language=language)
    events, dispatcher = run(ValidateReportForm(), opening)
    return slot_values(events), dispatcher


def test_an_opening_that_names_signs_fills_them_and_says_so():
    values, dispatcher = activate(
        said("Bij de buren komen steeds auto's, vooral 's nachts", intent="report_signs")
    )
    assert values["signs"] == ["many_vehicles", "odd_hours"]
    assert responses(dispatcher) == ["utter_sign_added", "utter_sign_added"]
    shown = [kwargs["sign"] for kwargs in response_kwargs(dispatcher, "utter_sign_added")]
    assert shown == [label("nl", "signs", "many_vehicles"), label("nl", "signs", "odd_hours")]
    assert "signs_other" not in values  # the opening text itself is not kept


@pytest.mark.parametrize("language", available_languages())
def test_an_opening_naming_a_sign_counts_in_every_language(language):
    keyword = load(language)["keywords"]["signs"]["many_vehicles"][0]
    values, dispatcher = activate(said(keyword, intent="report_signs"), language=language)
    assert values["signs"] == ["many_vehicles"]
    shown = [kwargs["sign"] for kwargs in response_kwargs(dispatcher, "utter_sign_added")]
    assert shown == [label(language, "signs", "many_vehicles")]


@pytest.mark.parametrize(
    "message",
    [
        clicked("/report_signs"),  # the menu button: nothing typed
        said("Ik wil iets melden", intent="report_signs"),  # no sign named
        said("", intent="report_signs"),
    ],
)
def test_an_opening_without_signs_leaves_the_question_to_the_form(message):
    values, dispatcher = activate(message)
    assert "signs" not in values
    assert responses(dispatcher) == []


def test_signs_already_given_are_not_replaced_by_the_opening():
    values, _ = activate(
        said("Er staan auto's", intent="report_signs"), slots={"signs": ["violence"]}
    )
    assert "signs" not in values


def test_an_answer_to_a_question_is_not_read_as_an_opening():
    """While the form asks something else, a sign word in the answer does not fill the signs."""
    asked = tracker(
        said("nee, maar er staan wel steeds auto's"),
        requested_slot="danger_now",
        extracted={"danger_now": "nee, maar er staan wel steeds auto's"},
    )
    events, _ = run(ValidateReportForm(), asked)
    assert "signs" not in slot_values(events)


def test_a_description_outside_a_question_starts_the_report():
    message = said("in the house next door there are always different cars at night")
    events, dispatcher = run(
        ActionInformOutsideForm(), tracker(message, language="en", active_loop=None)
    )
    assert responses(dispatcher) == ["utter_report_start"]
    assert events == [{"event": "followup", "name": "report_form", "timestamp": None}]


@pytest.mark.parametrize(
    "message",
    [
        said("nee"),
        said("Rijksweg Zuid 12"),
        clicked('/inform{"choice": "no"}'),
        clicked('/inform{"sign": "violence"}'),
    ],
)
def test_anything_else_outside_a_question_gets_the_menu(message):
    events, dispatcher = run(ActionInformOutsideForm(), tracker(message, active_loop=None))
    assert responses(dispatcher) == ["utter_menu"]
    assert events == []


def test_the_action_is_in_the_domain():
    assert ActionInformOutsideForm().name() in domain()["actions"]
