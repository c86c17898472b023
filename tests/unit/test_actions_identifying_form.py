"""The report form holds back typed answers that may identify the person reporting
(actions/identity.py): ask first, store nothing flagged before the choice.

Real rasa-sdk trackers and the real ValidateReportForm, as in test_actions_report_form.
"""

import pytest
from action_helpers import (
    answers_before,
    buttons,
    click,
    domain,
    responses,
    said,
    validate_answer,
)

from actions.summary import build_summary
from bot.texts import available_languages, load

BEFORE_DESCRIPTION = answers_before("description")
FLAGGED = "Ik ben Jan Jansen, bel me op 06-12345678. Er komen elke nacht mannen."


def before(slot):
    return answers_before(slot, BEFORE_DESCRIPTION)


def validate(slot, message, language="nl", slots=None):
    return validate_answer(
        slot, message, answers=BEFORE_DESCRIPTION, language=language, slots=slots
    )


def choose(message, pending_slot="description", text=FLAGGED, language="nl"):
    """The person answers the identity question for a held answer of `pending_slot`."""
    pending = {"identity_pending": {"slot": pending_slot, "text": text}, "identity_found": "x"}
    return validate("identity_choice", message, language, slots={**before(pending_slot), **pending})


def test_a_flagged_description_is_held_and_the_question_asked():
    slots, dispatcher = validate("description", said(FLAGGED))
    assert slots["description"] is None  # nothing flagged is stored before the choice
    assert slots["identity_pending"] == {"slot": "description", "text": FLAGGED}
    assert slots["identity_found"] == "Ik ben Jan Jansen … bel me op 06-12345678"
    assert slots["requested_slot"] == "identity_choice"
    assert "summary" not in slots
    assert responses(dispatcher) == []


def test_the_question_has_the_three_buttons_in_every_language():
    for language in available_languages():
        assert [b["payload"] for b in buttons("utter_ask_identity_choice", language)] == [
            '/inform{"choice": "rephrase"}',
            '/inform{"choice": "drop"}',
            '/inform{"choice": "keep"}',
        ], language


def test_an_ordinary_description_is_stored_at_once():
    slots, _ = validate("description", said("Er komen elke nacht mannen."))
    assert slots["description"] == "Er komen elke nacht mannen."
    assert "identity_pending" not in slots
    assert slots["requested_slot"] == "confirm"


@pytest.mark.parametrize(
    ("slot", "text"),
    [
        ("persons", "Mijn buurvrouw ziet elke avond mannen"),
        ("vehicles", "Een zwarte BMW, bel me op 0612345678"),
        ("time_of_day", "als ik thuiskom, ik woon ernaast"),
    ],
)
def test_other_typed_answers_are_held_too(slot, text):
    slots, _ = validate(slot, said(text))
    assert slots[slot] is None
    assert slots["identity_pending"] == {"slot": slot, "text": text}
    assert slots["requested_slot"] == "identity_choice"


def test_the_address_is_never_checked():
    slots, _ = validate("location_address", said("Rijksweg Zuid 12, naast mij"))
    assert slots["location_address"] == "Rijksweg Zuid 12, naast mij"
    assert "identity_pending" not in slots


def test_other_text_typed_at_the_signs_question_is_held():
    slots, _ = validate("signs", said("ik ben de buurvrouw en de hond blaft de hele tijd"))
    assert slots["signs"] == ["other"]
    assert slots["signs_other"] is None
    assert slots["identity_pending"]["slot"] == "signs_other"
    assert slots["requested_slot"] == "identity_choice"


@pytest.mark.parametrize("message", [click("utter_ask_identity_choice", "drop"), said("weglaten")])
def test_drop_stores_the_answer_without_the_name_and_the_phone(message):
    slots, dispatcher = choose(message)
    assert slots["description"] == "Er komen elke nacht mannen."
    assert slots["identity_pending"] is None
    assert slots["identity_found"] is None
    assert slots["requested_slot"] == "confirm"
    assert "Jansen" not in slots["summary"] and "12345678" not in slots["summary"]
    assert "Er komen elke nacht mannen." in slots["summary"]
    assert responses(dispatcher) == []


def test_drop_with_nothing_left_skips_an_optional_answer():
    slots, _ = choose(click("utter_ask_identity_choice", "drop"), text="Ik ben Jan Jansen")
    assert slots["description"] == "skip"
    assert slots["requested_slot"] == "confirm"


def test_drop_with_nothing_left_asks_a_required_answer_again():
    pending = "ik woon ernaast"
    slots, _ = choose(click("utter_ask_identity_choice", "drop"), "time_of_day", pending)
    assert slots["time_of_day"] is None
    assert slots["requested_slot"] == "time_of_day"


@pytest.mark.parametrize("message", [click("utter_ask_identity_choice", "keep"), said("zo laten")])
def test_keep_stores_the_answer_as_typed(message):
    slots, _ = choose(message)
    assert slots["description"] == FLAGGED
    assert slots["identity_pending"] is None
    assert slots["requested_slot"] == "confirm"
    assert FLAGGED in slots["summary"]


@pytest.mark.parametrize(
    "message", [click("utter_ask_identity_choice", "rephrase"), said("anders zeggen")]
)
def test_rephrase_asks_the_same_question_again(message):
    slots, _ = choose(message)
    assert slots["description"] is None
    assert slots["identity_pending"] is None
    assert slots["requested_slot"] == "description"


@pytest.mark.parametrize(
    ("language", "text", "typed", "expected"),
    [
        (
            "en",
            "My name is Tom Baker. Men come every night.",
            "leave it out",
            "Men come every night.",
        ),
        (
            "pl",
            "Nazywam się Anna Kowalska. W nocy przychodzą mężczyźni.",
            "usuń",
            "W nocy przychodzą mężczyźni.",
        ),
        ("de", "Ich heiße Jürgen. Nachts kommen Männer.", "weglassen", "Nachts kommen Männer."),
    ],
)
def test_typed_choices_in_other_languages(language, text, typed, expected):
    slots, _ = validate("description", said(text), language)
    assert slots["identity_pending"] == {"slot": "description", "text": text}
    slots, _ = choose(said(typed), text=text, language=language)
    assert slots["description"] == expected


def test_an_unclear_choice_asks_again_and_keeps_holding():
    slots, dispatcher = choose(said("banaan"))
    assert responses(dispatcher) == ["utter_not_understood_choice"]
    assert "identity_pending" not in slots  # still pending
    assert "description" not in slots
    assert slots["requested_slot"] == "identity_choice"


def test_the_question_quotes_the_found_part_from_its_slot():
    built = domain()
    assert "identity_found" in built["slots"]
    for language in available_languages():
        text = load(language)["responses"]["utter_ask_identity_choice"][0]["text"]
        assert "{identity_found}" in text, language


def test_the_summary_shows_the_final_text():
    summary = build_summary({**BEFORE_DESCRIPTION, "description": "Er komen mannen."}, "nl")
    assert "Er komen mannen." in summary
