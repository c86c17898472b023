"""ValidateReportForm (validate_report_form): one test per behaviour of the report form.

Each test builds the tracker Rasa would send after the person answered the slot the form asked
(see action_helpers), runs the action and checks the SlotSet events and the responses.
"""

import asyncio
import json

import pytest
from action_helpers import ANSWERS as COMPLETE_ANSWERS
from action_helpers import (
    answer,
    buttons,
    click,
    clicked,
    domain,
    form_slots,
    response_kwargs,
    responses,
    run,
    said,
    slot_sets,
    slot_values,
    tracker,
    validate_answer,
)
from action_helpers import answers_before as shared_answers_before
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.report_form import ValidateReportForm
from bot.reports.records import MAX_LENGTHS
from bot.texts import label

# The shared complete answers (action_helpers.ANSWERS), with a typed description of persons.
ANSWERS = {**COMPLETE_ANSWERS, "persons": "Een man belt steeds aan"}
LONG_TEXT = "Er staat vaak een witte bus voor de deur. " * 60  # > 2000: longer than any cap


def answers_before(slot):
    """The answers the form already has when it asks `slot`."""
    return shared_answers_before(slot, ANSWERS)


def validate(slot, message, language="nl", slots=None):
    """The person answers `slot` with `message`; the events (as a dict) and the responses."""
    return validate_answer(slot, message, answers=ANSWERS, language=language, slots=slots)


def required(slots):
    dispatcher = CollectingDispatcher()
    form = ValidateReportForm()
    built = domain()
    current = tracker(said("x"), slots=slots, requested_slot="confirm")
    return asyncio.run(form.required_slots(form.domain_slots(built), dispatcher, current, built))


def choice_of(payload):
    """The entity value a button payload carries, e.g. 'night' for /inform{"choice": "night"}."""
    return next(iter(json.loads(payload[payload.index("{") :]).values()))


def test_the_action_name_matches_the_domain():
    assert ValidateReportForm().name() == "validate_report_form"
    assert "validate_report_form" in domain()["actions"]


# --- danger_now ---------------------------------------------------------------------------------


def test_danger_now_yes_button_sends_the_danger_response():
    slots, dispatcher = validate("danger_now", click("utter_ask_danger_now", "yes"))
    assert slots["danger_now"] == "yes"
    assert responses(dispatcher) == ["utter_danger"]
    assert slots["requested_slot"] == "signs"


def test_danger_now_no_button():
    slots, dispatcher = validate("danger_now", click("utter_ask_danger_now", "no"))
    assert slots["danger_now"] == "no"
    assert responses(dispatcher) == []
    assert slots["requested_slot"] == "signs"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("ja", "nl", "yes"),
        ("Ja, nu!", "nl", "yes"),
        ("nee", "nl", "no"),
        ("nee, niet nu", "nl", "no"),
        ("yes", "en", "yes"),
        ("no", "en", "no"),
        ("not right now", "en", "no"),
        ("ja", "en", "yes"),  # Dutch also works in English
        ("nee", "en", "no"),
    ],
)
def test_danger_now_free_text(text, language, expected):
    slots, dispatcher = validate("danger_now", said(text), language)
    assert slots["danger_now"] == expected
    assert responses(dispatcher) == (["utter_danger"] if expected == "yes" else [])


def test_danger_now_danger_intent_counts_as_yes():
    slots, dispatcher = validate("danger_now", said("iemand wordt geslagen", "danger", 0.9))
    assert slots["danger_now"] == "yes"
    assert responses(dispatcher) == ["utter_danger"]  # once, not again from run()


@pytest.mark.parametrize(("text", "language"), [("misschien", "nl"), ("I saw something", "en")])
def test_danger_now_unclear_text_asks_again(text, language):
    slots, dispatcher = validate("danger_now", said(text), language)
    assert slots["danger_now"] is None
    assert responses(dispatcher) == ["utter_not_understood_choice"]
    assert slots["requested_slot"] == "danger_now"


# --- signs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "shown"),
    [("nl", "Tekenen van geweld of angst"), ("en", "Signs of violence or fear")],
)
def test_signs_button_adds_that_sign_with_its_translated_label(language, shown):
    slots, dispatcher = validate("signs", click("utter_ask_signs", "violence", language), language)
    assert slots["signs"] == ["violence"]
    assert responses(dispatcher) == ["utter_sign_added"]
    assert response_kwargs(dispatcher, "utter_sign_added") == [{"sign": shown}]
    assert slots["requested_slot"] == "signs_done"


def test_signs_free_text_naming_several_signs():
    text = "er komen steeds auto's en ze gaan na tien minuten weer weg"
    slots, dispatcher = validate("signs", said(text))
    assert slots["signs"] == ["many_vehicles", "short_visits"]
    assert "signs_other" not in slots
    assert [kwargs["sign"] for kwargs in response_kwargs(dispatcher, "utter_sign_added")] == [
        label("nl", "signs", "many_vehicles"),
        label("nl", "signs", "short_visits"),
    ]


def test_signs_free_text_in_english():
    text = "lots of cars, they leave after ten minutes"
    slots, dispatcher = validate("signs", said(text), "en")
    assert slots["signs"] == ["many_vehicles", "short_visits"]
    assert [kwargs["sign"] for kwargs in response_kwargs(dispatcher, "utter_sign_added")] == [
        "Strange cars keep coming to the same house",
        "Visitors leave again quickly",
    ]


def test_signs_free_text_naming_no_sign_is_other_with_the_text():
    slots, dispatcher = validate("signs", said("de hond blaft de hele tijd"))
    assert slots["signs"] == ["other"]
    assert slots["signs_other"] == "de hond blaft de hele tijd"
    assert response_kwargs(dispatcher, "utter_sign_added") == [{"sign": "Iets anders"}]
    assert slots["requested_slot"] == "signs_done"


@pytest.mark.parametrize(
    "text, language",
    [
        ("nee", "nl"),
        ("Nee.", "nl"),
        ("niets", "nl"),
        ("nothing", "en"),
        ("nie", "pl"),
        ("😡😡", "uk"),
    ],
)
def test_signs_a_bare_no_is_not_a_description_of_something_else(text, language):
    slots, dispatcher = validate("signs", said(text), language=language)
    assert slots["signs"] is None
    assert "signs_other" not in slots
    assert responses(dispatcher) == ["utter_not_understood_choice"]


def test_signs_other_button_asks_for_a_description_after_signs_done():
    slots, _ = validate("signs", click("utter_ask_signs", "other"))
    assert slots["signs"] == ["other"]
    assert "signs_other" not in slots
    slots, _ = validate(
        "signs_done", click("utter_ask_signs_done", "done"), slots={"signs": ["other"]}
    )
    assert slots["requested_slot"] == "signs_other"


def test_signs_other_free_text_is_capped_to_what_the_store_keeps():
    slots, _ = validate("signs", said(LONG_TEXT))
    assert slots["signs_other"] == LONG_TEXT.strip()[: MAX_LENGTHS["signs_other"]]


SIGN_TITLE_CASES = [
    pytest.param(
        language,
        item["title"],
        choice_of(item["payload"]),
        id=f"{language}-{choice_of(item['payload'])}",
    )
    for language in ("nl", "en")
    for item in buttons("utter_ask_signs", language)
    if choice_of(item["payload"]) != "other"
]


@pytest.mark.parametrize(("language", "title", "sign"), SIGN_TITLE_CASES)
def test_typing_a_sign_button_title_names_that_sign(language, title, sign):
    slots, _ = validate("signs", said(title), language)
    assert slots["signs"] == [sign]


# --- signs_done ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "language"),
    [
        (click("utter_ask_signs_done", "done"), "nl"),
        (click("utter_ask_signs_done", "done", "en"), "en"),
        (said("nee, dat is alles"), "nl"),
        (said("no, that's all"), "en"),
    ],
)
def test_signs_done(message, language):
    slots, dispatcher = validate("signs_done", message, language, slots={"signs": ["odd_hours"]})
    assert slots["signs_done"] == "done"
    assert "signs" not in slots
    assert responses(dispatcher) == []
    assert slots["requested_slot"] == "location_address"


def test_signs_done_another_sign_button_adds_it_and_asks_again():
    slots, dispatcher = validate(
        "signs_done", click("utter_ask_signs_done", "violence"), slots={"signs": ["odd_hours"]}
    )
    assert slots["signs"] == ["odd_hours", "violence"]
    assert slots["signs_done"] is None
    assert response_kwargs(dispatcher, "utter_sign_added") == [
        {"sign": "Tekenen van geweld of angst"}
    ]
    assert slots["requested_slot"] == "signs_done"


def test_signs_done_free_text_adds_the_signs_it_names():
    slots, _ = validate("signs_done", said("ook veel auto's"), slots={"signs": ["odd_hours"]})
    assert slots["signs"] == ["odd_hours", "many_vehicles"]
    assert slots["signs_done"] is None


def test_signs_done_a_duplicate_sign_is_not_added_twice():
    slots, dispatcher = validate(
        "signs_done", click("utter_ask_signs_done", "odd_hours"), slots={"signs": ["odd_hours"]}
    )
    assert slots["signs"] == ["odd_hours"]
    assert slots["signs_done"] is None
    assert "utter_sign_added" not in responses(dispatcher)


def test_signs_done_text_after_the_other_button_describes_other():
    slots, _ = validate("signs_done", said("er hangt een rare lucht"), slots={"signs": ["other"]})
    assert slots["signs"] == ["other"]
    assert slots["signs_other"] == "er hangt een rare lucht"


def test_signs_done_a_second_other_text_keeps_the_first_description():
    slots, _ = validate(
        "signs_done",
        said("en er hangt een rare lucht"),
        slots={"signs": ["other"], "signs_other": "de hond blaft de hele nacht"},
    )
    assert "de hond blaft de hele nacht" in (slots.get("signs_other") or "")


# --- required_slots -----------------------------------------------------------------------------


def test_required_slots_skip_signs_other_edit_field_and_identity_choice_by_default():
    names = required({**ANSWERS, "confirm": None})
    assert "signs_other" not in names
    assert "edit_field" not in names
    assert "identity_choice" not in names  # only while an answer waits (actions/identity.py)
    skipped = ("signs_other", "edit_field", "identity_choice")
    assert names == [n for n in form_slots() if n not in skipped]


def test_required_slots_ask_signs_other_only_when_other_is_among_the_signs():
    assert "signs_other" in required({**ANSWERS, "signs": ["odd_hours", "other"]})
    assert "signs_other" not in required({**ANSWERS, "signs": ["odd_hours", "violence"]})


def test_required_slots_ask_edit_field_only_when_confirm_is_edit():
    assert "edit_field" in required({**ANSWERS, "confirm": "edit"})
    assert "edit_field" not in required({**ANSWERS, "confirm": "send"})


# --- location_address ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, language",
    [("weet ik niet", "nl"), ("geen idee", "nl"), ("I don't know", "en"), ("не знаю", "uk")],
)
def test_location_address_a_bare_dont_know_gets_a_hint_once(text, language):
    slots, dispatcher = validate("location_address", said(text), language=language)
    assert slots["location_address"] is None
    assert responses(dispatcher) == ["utter_location_describe"]


def test_location_address_dont_know_said_again_is_kept():
    earlier = [
        {"event": "user", "text": "weet niet", "parse_data": said("weet niet")},
        {
            "event": "bot",
            "text": "Geen probleem.",
            "metadata": {"utter_action": "utter_location_describe"},
        },
        {
            "event": "bot",
            "text": "Om welk adres gaat het?",
            "metadata": {"utter_action": "utter_ask_location_address"},
        },
        {"event": "action", "name": "action_listen"},
    ]
    current = answer(
        "location_address", said("weet niet"), slots=answers_before("location_address")
    )
    current.events[:0] = earlier
    events, dispatcher = run(ValidateReportForm(), current)
    assert slot_values(events)["location_address"] == "weet niet"
    assert "utter_location_describe" not in responses(dispatcher)


def test_location_address_plain_street_is_kept_and_the_place_asked():
    slots, dispatcher = validate("location_address", said("Rijksweg Zuid 12"))
    assert slots["location_address"] == "Rijksweg Zuid 12"
    assert "location_place" not in slots
    assert responses(dispatcher) == []
    assert slots["requested_slot"] == "location_place"


def test_location_address_with_a_postcode_inside_sets_place_and_postcode():
    slots, dispatcher = validate("location_address", said("Rijksweg Zuid 12, 6161 AB Geleen"))
    assert slots["location_address"] == "Rijksweg Zuid 12, 6161 AB Geleen"
    assert slots["location_place"] == "Geleen"
    assert slots["location_postcode"] == "6161AB"
    assert responses(dispatcher) == []
    assert slots["requested_slot"] == "time_of_day"


@pytest.mark.parametrize("text", ["Vrijthof 1, 6211 LD Maastricht", "Kerkstraat 5, Heerlen"])
def test_location_address_outside_the_municipality_is_refused(text):
    slots, dispatcher = validate("location_address", said(text))
    assert slots["location_address"] is None
    assert responses(dispatcher) == ["utter_location_outside"]
    assert slots["requested_slot"] == "location_address"


def test_location_address_street_named_after_a_place_is_not_a_place():
    slots, _ = validate("location_address", said("Geleenstraat 4"))
    assert slots["location_address"] == "Geleenstraat 4"
    assert "location_place" not in slots


# --- location_place -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "place", "postcode"),
    [
        (click("utter_ask_location_place", "Geleen"), "Geleen", None),
        (click("utter_ask_location_place", "Born"), "Born", None),
        (said("sitard"), "Sittard", None),
        (said("in Munstergeleen"), "Munstergeleen", None),
        (said("6131"), "Sittard-Geleen", "6131"),
        (said("6131 ab"), "Sittard-Geleen", "6131AB"),
    ],
)
def test_location_place_inside(message, place, postcode):
    slots, dispatcher = validate("location_place", message)
    assert slots["location_place"] == place
    assert slots["location_postcode"] == postcode
    assert responses(dispatcher) == []
    assert slots["requested_slot"] == "time_of_day"


@pytest.mark.parametrize("text", ["Maastricht", "6211 LD"])
def test_location_place_outside(text):
    slots, dispatcher = validate("location_place", said(text))
    assert slots["location_place"] is None
    assert responses(dispatcher) == ["utter_location_outside"]
    assert slots["requested_slot"] == "location_place"


def test_location_place_unknown():
    slots, dispatcher = validate("location_place", said("Atlantis"))
    assert slots["location_place"] is None
    assert responses(dispatcher) == ["utter_location_unknown"]
    assert slots["requested_slot"] == "location_place"


def test_location_place_the_municipality_itself_is_accepted():
    slots, dispatcher = validate("location_place", said("Sittard-Geleen"))
    assert responses(dispatcher) == []
    assert slots["location_place"] == "Sittard-Geleen"


# --- time_of_day / frequency / since_when -------------------------------------------------------


@pytest.mark.parametrize(
    ("slot", "choice"),
    [("time_of_day", "night"), ("frequency", "several_weekly"), ("since_when", "unknown")],
)
def test_choice_button_stores_the_choice_id(slot, choice):
    slots, dispatcher = validate(slot, click(f"utter_ask_{slot}", choice))
    assert slots[slot] == choice
    assert responses(dispatcher) == []


@pytest.mark.parametrize(
    ("slot", "text", "language", "expected"),
    [
        ("time_of_day", "'s avonds", "nl", "evening"),
        ("time_of_day", "meestal 's nachts", "nl", "night"),
        ("time_of_day", "in the morning", "en", "morning"),
        ("frequency", "every day", "en", "daily"),
        ("frequency", "dagelijks", "nl", "daily"),
        ("since_when", "more than half a year", "en", "over_6_months"),
        ("since_when", "al een paar maanden", "nl", "months_1_6"),
    ],
)
def test_choice_free_text_is_recognised(slot, text, language, expected):
    slots, _ = validate(slot, said(text), language)
    assert slots[slot] == expected


@pytest.mark.parametrize(
    ("slot", "text"),
    [
        ("time_of_day", "op zaterdag"),
        ("frequency", "als de buurman weg is"),
        ("since_when", "Pasen"),
    ],
)
def test_choice_free_text_not_recognised_is_kept_as_typed(slot, text):
    slots, dispatcher = validate(slot, said(text))
    assert slots[slot] == text
    assert responses(dispatcher) == []


# Typing the title of a button instead of clicking it must give that button's choice
# (e.g. "Eén keer per week" is weekly, not "één keer").
TITLE_CASES = [
    pytest.param(
        slot,
        language,
        item["title"],
        choice_of(item["payload"]),
        id=f"{slot}-{language}-{choice_of(item['payload'])}",
    )
    for slot in ("time_of_day", "frequency", "since_when")
    for language in ("nl", "en")
    for item in buttons(f"utter_ask_{slot}", language)
]


@pytest.mark.parametrize(("slot", "language", "title", "choice"), TITLE_CASES)
def test_typing_a_button_title_gives_its_choice(slot, language, title, choice):
    slots, _ = validate(slot, said(title), language)
    assert slots[slot] == choice


# --- vehicles / persons / description -----------------------------------------------------------


@pytest.mark.parametrize("slot", ["vehicles", "persons", "description"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_optional_skip_button(slot, language):
    slots, dispatcher = validate(slot, click(f"utter_ask_{slot}", "skip", language), language)
    assert slots[slot] == "skip"
    assert responses(dispatcher) == []


@pytest.mark.parametrize("slot", ["vehicles", "persons", "description"])
@pytest.mark.parametrize(
    ("text", "language"),
    [("nee", "nl"), ("Niets", "nl"), ("overslaan", "nl"), ("no", "en"), ("skip", "en")],
)
def test_optional_no_answer_is_skip(slot, text, language):
    slots, _ = validate(slot, said(text), language)
    assert slots[slot] == "skip"


@pytest.mark.parametrize("slot", ["vehicles", "persons", "description"])
def test_optional_text_is_kept(slot):
    slots, _ = validate(slot, said("Een grijze Opel Corsa met Duits kenteken"))
    assert slots[slot] == "Een grijze Opel Corsa met Duits kenteken"


@pytest.mark.parametrize("slot", ["vehicles", "persons", "description"])
def test_optional_text_is_capped_to_what_the_store_keeps(slot):
    slots, _ = validate(slot, said(LONG_TEXT))
    assert slots[slot] == LONG_TEXT.strip()[: MAX_LENGTHS[slot]]


def test_optional_short_text_with_a_dash_is_kept():
    slots, _ = validate("vehicles", said("BMW - zwart"))
    assert slots["vehicles"] == "BMW - zwart"


def test_the_last_optional_answer_moves_on_to_confirm():
    slots, _ = validate("description", said("Er brandt altijd licht"))
    assert slots["requested_slot"] == "confirm"


# --- edit_field ---------------------------------------------------------------------------------

AT_CONFIRM = {**ANSWERS, "confirm": "edit"}


@pytest.mark.parametrize(
    "field",
    [
        "location_address",
        "time_of_day",
        "frequency",
        "since_when",
        "vehicles",
        "persons",
        "description",
    ],
)
def test_edit_field_button_resets_that_field_and_asks_it_again(field):
    slots, dispatcher = validate(
        "edit_field", click("utter_ask_edit_field", field), slots=AT_CONFIRM
    )
    assert slots[field] is None
    assert slots["edit_field"] is None
    assert slots["confirm"] is None
    assert slots["requested_slot"] == field
    assert responses(dispatcher) == []


def test_edit_field_signs_also_resets_signs_done_and_signs_other():
    start = {**AT_CONFIRM, "signs": ["odd_hours", "other"], "signs_other": "rare lucht"}
    slots, _ = validate("edit_field", click("utter_ask_edit_field", "signs"), slots=start)
    assert slots["signs"] is None
    assert slots["signs_done"] is None
    assert slots["signs_other"] is None
    assert slots["confirm"] is None
    assert slots["requested_slot"] == "signs"


def test_edit_field_place_also_resets_the_postcode():
    start = {**AT_CONFIRM, "location_postcode": "6161AB"}
    slots, _ = validate("edit_field", click("utter_ask_edit_field", "location_place"), slots=start)
    assert slots["location_place"] is None
    assert slots["location_postcode"] is None
    assert slots["requested_slot"] == "location_place"


@pytest.mark.parametrize(
    ("text", "language", "field"),
    [("het adres", "nl", "location_address"), ("how often", "en", "frequency")],
)
def test_edit_field_free_text(text, language, field):
    slots, _ = validate("edit_field", said(text), language, slots=AT_CONFIRM)
    assert slots[field] is None
    assert slots["requested_slot"] == field


@pytest.mark.parametrize("message", [said("banaan"), click("utter_ask_danger_now", "yes")])
def test_edit_field_unknown_is_not_understood(message):
    slots, dispatcher = validate("edit_field", message, slots=AT_CONFIRM)
    assert slots["edit_field"] is None
    assert "utter_not_understood_choice" in responses(dispatcher)
    assert slots["requested_slot"] == "edit_field"
    assert all(slots.get(name, value) == value for name, value in ANSWERS.items())


# --- confirm ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "language"),
    [
        (click("utter_ask_confirm", "send"), "nl"),
        (click("utter_ask_confirm", "send", "en"), "en"),
        (said("ja", "affirm"), "nl"),
        (said("yes please", "affirm"), "en"),
        (said("Ja, verstuur maar"), "nl"),
        (said("prima"), "nl"),
    ],
)
def test_confirm_send(message, language):
    slots, dispatcher = validate("confirm", message, language)
    assert slots["confirm"] == "send"
    assert responses(dispatcher) == []
    assert slots["requested_slot"] is None  # the form is done: the submit rule runs


@pytest.mark.parametrize(
    ("message", "language"),
    [
        (click("utter_ask_confirm", "edit"), "nl"),
        (said("ik wil iets aanpassen"), "nl"),
        (said("the address is wrong"), "en"),
    ],
)
def test_confirm_edit_asks_which_field(message, language):
    slots, dispatcher = validate("confirm", message, language)
    assert slots["confirm"] == "edit"
    assert responses(dispatcher) == []
    assert slots["requested_slot"] == "edit_field"


@pytest.mark.parametrize(("text", "intent"), [("hmm", "inform"), ("nee", "deny")])
def test_confirm_unclear_is_not_understood(text, intent):
    slots, dispatcher = validate("confirm", said(text, intent))
    assert slots["confirm"] is None
    assert responses(dispatcher) == ["utter_not_understood_choice"]
    assert slots["requested_slot"] == "confirm"


@pytest.mark.parametrize(
    ("text", "language"),
    [("nee, niet versturen", "nl"), ("do not send it", "en"), ("don't send", "en")],
)
def test_confirm_a_refusal_never_sends(text, language):
    slots, _ = validate("confirm", said(text, "deny"), language)
    assert slots["confirm"] != "send"


# --- run(): danger during the form and the summary ----------------------------------------------


@pytest.mark.parametrize(
    ("message", "language"),
    [
        (said("hij slaat haar nu", "danger", 0.9), "nl"),
        (said("help, iemand roept om hulp", "inform", 0.3), "nl"),  # keywords
        (said("someone is screaming for help", "inform", 0.3), "en"),
        (said("ze gillen", "inform", 0.3), "en"),  # Dutch keywords in English
    ],
)
def test_danger_during_the_form_comes_first(message, language):
    slots, dispatcher = validate("location_place", message, language)
    assert responses(dispatcher)[0] == "utter_danger"
    assert responses(dispatcher).count("utter_danger") == 1
    # A clear danger intent is no answer (the question comes again); danger words inside an
    # answer leave the answer to be validated as usual.
    danger_intent = message["intent"]["name"] == "danger"
    assert responses(dispatcher)[1:] == ([] if danger_intent else ["utter_location_unknown"])
    assert slots["requested_slot"] == "location_place"  # the form continues


def test_a_weak_danger_intent_without_danger_words_is_no_danger():
    _, dispatcher = validate("location_address", said("Kerkstraat 5", "danger", 0.4))
    assert "utter_danger" not in responses(dispatcher)


def test_a_danger_message_is_not_taken_as_the_answer():
    slots, dispatcher = validate("location_address", said("hij slaat haar nu", "danger", 0.95))
    assert responses(dispatcher)[0] == "utter_danger"
    assert slots.get("location_address") is None
    assert slots["requested_slot"] == "location_address"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "nl",
            [
                "Bezoek op vreemde tijden",
                "Rijksweg Zuid 12, Geleen",
                "avond",
                "elke dag",
                "1 tot 6 maanden",
                "Een man belt steeds aan",
            ],
        ),
        (
            "en",
            [
                "Visitors at odd hours",
                "Rijksweg Zuid 12, Geleen",
                "evening",
                "every day",
                "1 to 6 months",
                "Een man belt steeds aan",
            ],
        ),
    ],
)
def test_summary_is_set_once_every_answer_before_confirm_is_there(language, expected):
    events, _ = run(
        ValidateReportForm(),
        answer(
            "description",
            click("utter_ask_description", "skip", language),
            language=language,
            slots=answers_before("description"),
        ),
    )
    summaries = [value for name, value in slot_sets(events) if name == "summary"]
    assert len(summaries) == 1
    summary = summaries[0]
    for text in expected:
        assert text in summary
    assert label(language, "fields", "description") in summary
    assert "/inform" not in summary
    assert slot_values(events)["requested_slot"] == "confirm"


def test_summary_shows_other_and_its_description():
    slots, _ = validate(
        "description",
        said("Er brandt altijd licht"),
        slots={"signs": ["odd_hours", "other"], "signs_other": "een rare lucht"},
    )
    assert "een rare lucht" in slots["summary"]
    assert "Iets anders" in slots["summary"]
    assert "Er brandt altijd licht" in slots["summary"]


@pytest.mark.parametrize("slot", ["signs_done", "location_place", "since_when", "persons"])
def test_no_summary_while_answers_are_missing(slot):
    events, _ = run(ValidateReportForm(), answer(slot, said("x"), slots=answers_before(slot)))
    assert "summary" not in dict(slot_sets(events))


def _place_turn(requested: str, text: str, language_events: list[str], now: str) -> Tracker:
    events: list[dict] = [{"event": "session_started"}]
    events += [{"event": "slot", "name": "language", "value": code} for code in language_events]
    events += [
        {"event": "user", "text": text, "parse_data": {}},
        {"event": "slot", "name": "language", "value": now},
        {"event": "slot", "name": requested, "value": text},
    ]
    return Tracker(
        "sender",
        {"language": now, "requested_slot": requested, requested: text},
        {"text": text, "intent": {"name": "inform", "confidence": 0.9}, "entities": []},
        events,
        False,
        None,
        {"name": "report_form"},
        "action_listen",
    )


@pytest.mark.parametrize("requested", ["location_address", "location_place"])
def test_a_dutch_street_name_does_not_switch_the_language(requested):
    tracker = _place_turn(requested, "Rijksweg Zuid 12, Geleen", ["pl"], now="nl")
    events = asyncio.run(ValidateReportForm().run(CollectingDispatcher(), tracker, domain()))
    assert {"event": "slot", "name": "language", "value": "pl"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events if e["event"] == "slot"
    ]


def test_other_answers_may_switch_the_language():
    tracker = _place_turn("time_of_day", "mostly late at night", ["nl"], now="en")
    events = asyncio.run(ValidateReportForm().run(CollectingDispatcher(), tracker, domain()))
    assert not [e for e in events if e.get("name") == "language"]


# --- a typed "stop" is checked first --------------------------------------------------------------


@pytest.mark.parametrize("requested", ["danger_now", "signs_done", "time_of_day", "confirm"])
@pytest.mark.parametrize("text", ["stop", "ik wil stoppen", "'; DROP TABLE reports;--"])
def test_typed_cancel_asks_first_and_keeps_the_answers(requested, text):
    """Text read as "cancel" does not end the report: a check with a Stop button, then the
    same question again; nothing answered so far is touched."""
    known = answers_before(requested)
    current = tracker(said(text, "cancel", 0.95), slots=known, requested_slot=requested)
    events, dispatcher = run(ValidateReportForm(), current)
    assert responses(dispatcher) == ["utter_cancel_check"]
    assert slot_sets(events) == [(requested, None), ("requested_slot", requested)]
    assert [b["payload"] for b in buttons("utter_cancel_check")] == ["/cancel"]


@pytest.mark.parametrize("requested", ["location_address", "vehicles", "persons", "description"])
@pytest.mark.parametrize(
    "text", ["'; DROP TABLE reports;--", "stop er na een kwartier en rijdt dan weer weg"]
)
def test_free_text_that_reads_like_a_stop_is_the_answer(requested, text):
    """Where free text is asked, four words or more read as "cancel" are the answer: the slot
    mapping leaves "cancel" out, so the text is taken here and validated like any answer."""
    known = answers_before(requested)
    current = tracker(said(text, "cancel", 0.95), slots=known, requested_slot=requested)
    events, dispatcher = run(ValidateReportForm(), current)
    assert "utter_cancel_check" not in responses(dispatcher)
    if requested == "location_address":  # no place in it: the place question comes next
        assert (requested, text) in slot_sets(events)
    else:
        assert dict(slot_sets(events))[requested] == text


@pytest.mark.parametrize("text", ["stop", "ik wil stoppen"])
def test_a_short_stop_at_a_free_text_question_is_checked(text):
    known = answers_before("description")
    current = tracker(said(text, "cancel", 0.95), slots=known, requested_slot="description")
    events, dispatcher = run(ValidateReportForm(), current)
    assert responses(dispatcher) == ["utter_cancel_check"]
    assert slot_sets(events) == [("description", None), ("requested_slot", "description")]


def test_the_stop_button_is_not_asked_about():
    """The /cancel payload extracts nothing and validates nothing, so Rasa rejects the form and
    the cancel rule runs (data/rules/report.yml)."""
    current = tracker(clicked("/cancel"), slots=answers_before("signs"), requested_slot="signs")
    events, dispatcher = run(ValidateReportForm(), current)
    assert "utter_cancel_check" not in responses(dispatcher)
    assert [name for name, _ in slot_sets(events) if name != "requested_slot"] == []
