"""The anonymous follow-up (actions/followup.py) and the report funnel, with rasa-sdk trackers
against a real SQLite store in a temporary folder (tests/unit/action_helpers.py)."""

from __future__ import annotations

import logging

import pytest
from action_helpers import (
    ANSWERS,
    actions_store,
    answer,
    click,
    clicked,
    domain,
    response_kwargs,
    responses,
    run,
    said,
    slot_values,
    tracker,
)

from actions import funnel
from actions.followup import (
    FOLLOWUP_SLOTS,
    MAX_CODE_TRIES,
    ActionFollowupDone,
    ActionFollowupStart,
    ActionFollowupStop,
    ValidateFollowupForm,
)
from actions.report_actions import ActionCancelReport, ActionSubmitReport
from actions.store import report_store
from bot.reports import ReportDraft
from bot.reports.casework import Casework
from bot.reports.codes import normalise_code

FORM = "followup_form"
DRAFT = ReportDraft(
    language="nl",
    signs=("odd_hours",),
    signs_other=None,
    location_address="Rijksweg Zuid 12",
    location_place="Geleen",
    location_postcode=None,
    time_of_day="evening",
    frequency="daily",
    since_when="months_1_6",
    vehicles=None,
    persons=None,
    description=None,
    danger_reported=False,
)


@pytest.fixture
def store(monkeypatch, tmp_path):
    yield from actions_store(monkeypatch, tmp_path)


@pytest.fixture
def small_budget(monkeypatch):
    """Only two failed lookups per hour for the whole installation."""
    monkeypatch.setenv("ZICHT_LOOKUP_FAILURES_PER_HOUR", "2")


def submit() -> str:
    """A report filed through the public store; its code as the resident got it."""
    return report_store().submit(DRAFT)


def wrong(code: str) -> str:
    """A well-formed code that differs from `code` in its first digit."""
    return ("1" if code[0] != "1" else "2") + code[1:]


def asked(slot: str, message: dict, *, slots: dict | None = None, language: str = "nl"):
    """The follow-up form asked `slot`; the person sent `message` (its from_text mapping)."""
    return answer(slot, message, slots=slots, language=language, active_loop=FORM)


def validate(tracker_):
    return run(ValidateFollowupForm(), tracker_)


def test_the_actions_and_the_form_are_in_the_domain():
    actions = domain()["actions"]
    for name in (
        "action_followup_start",
        "validate_followup_form",
        "action_followup_done",
        "action_followup_stop",
    ):
        assert name in actions
    assert domain()["forms"][FORM]["required_slots"] == [
        "followup_code",
        "followup_add",
        "followup_text",
    ]
    assert "have_code" in domain()["intents"]


# --- starting ---------------------------------------------------------------------------------


def test_start_without_a_code_lets_the_form_ask_for_it(store):
    events, dispatcher = run(
        ActionFollowupStart(), tracker(said("ik heb een code", "have_code"), active_loop=None)
    )
    assert responses(dispatcher) == []
    values = slot_values(events)
    assert values["followup_refused"] is False
    assert values["followup_code"] is None


def test_start_with_the_menu_button_lets_the_form_ask(store):
    events, dispatcher = run(
        ActionFollowupStart(), tracker(clicked("/have_code"), active_loop=None)
    )
    assert responses(dispatcher) == []
    assert slot_values(events)["followup_refused"] is False


def test_a_code_in_the_first_message_is_looked_up_at_once(store):
    code = submit()
    message = said(f"hoi, mijn code is {code.replace('-', ' ')}", "have_code")
    events, dispatcher = run(ActionFollowupStart(), tracker(message, active_loop=None))
    assert responses(dispatcher) == [
        "utter_followup_status_received",
        "utter_followup_no_messages",
    ]
    values = slot_values(events)
    assert values["followup_refused"] is False
    assert values["followup_code"] == normalise_code(code)


def test_a_wrong_code_in_the_first_message_counts_and_the_form_asks_again(store):
    code = submit()
    events, dispatcher = run(
        ActionFollowupStart(), tracker(said(wrong(code), "have_code"), active_loop=None)
    )
    assert responses(dispatcher) == ["utter_followup_wrong_code"]
    values = slot_values(events)
    assert values["followup_refused"] is False
    assert values["followup_code"] is None
    assert values["followup_tries"] == 1


def test_start_after_too_many_wrong_codes_refuses_kindly(store):
    code = submit()
    message = said(code, "have_code")  # even the right code: the conversation used its tries
    events, dispatcher = run(
        ActionFollowupStart(),
        tracker(message, slots={"followup_tries": float(MAX_CODE_TRIES)}, active_loop=None),
    )
    assert responses(dispatcher) == ["utter_followup_too_many"]
    values = slot_values(events)
    assert values["followup_refused"] is True
    assert values["followup_code"] is None


# --- the code ---------------------------------------------------------------------------------


def test_the_right_code_shows_the_status_received(store):
    code = submit()
    events, dispatcher = validate(asked("followup_code", said(code, "have_code")))
    assert responses(dispatcher) == [
        "utter_followup_status_received",
        "utter_followup_no_messages",
    ]
    values = slot_values(events)
    assert values["followup_code"] == normalise_code(code)
    assert values["requested_slot"] == "followup_add"


def test_status_and_staff_messages_are_shown_with_their_date(store):
    code = submit()
    casework = Casework(store)
    report = store.find_by_code(code)
    casework.set_status(report.id, "in_progress")
    sent = casework.add_message(report.id, "to_resident", "Kunt u zeggen welke auto's?", author="x")
    casework.add_message(report.id, "note", "intern: niet voor de melder", author="x")
    typed = f"{code[:11]} {code[12:].replace('-', '')}"  # spaces and dashes mixed
    events, dispatcher = validate(asked("followup_code", said(typed, "inform")))
    assert responses(dispatcher) == [
        "utter_followup_status_in_progress",
        "utter_followup_messages",
    ]
    [kwargs] = response_kwargs(dispatcher, "utter_followup_messages")
    day = sent.created_on
    expected = f"- {day.day}-{day.month}-{day.year}, Gemeente: Kunt u zeggen welke auto's?"
    assert kwargs["messages"] == expected
    assert "intern" not in kwargs["messages"]  # a note is never shown
    assert slot_values(events)["followup_code"] == normalise_code(code)


def test_closed_report_in_english(store):
    code = submit()
    report = store.find_by_code(code)
    Casework(store).set_status(report.id, "closed", reason="handled")
    _, dispatcher = validate(asked("followup_code", said(code), language="en"))
    assert responses(dispatcher)[0] == "utter_followup_status_closed"


def test_a_wrong_code_reveals_nothing_and_counts(store):
    code = submit()
    events, dispatcher = validate(asked("followup_code", said(wrong(code))))
    assert responses(dispatcher) == ["utter_followup_wrong_code"]
    values = slot_values(events)
    assert values["followup_code"] is None
    assert values["followup_tries"] == 1
    assert values["requested_slot"] == "followup_code"  # asked again


def test_text_without_a_code_is_not_a_try(store):
    events, dispatcher = validate(asked("followup_code", said("waar vind ik die code")))
    assert responses(dispatcher) == ["utter_followup_no_code"]
    values = slot_values(events)
    assert "followup_tries" not in values
    assert values["requested_slot"] == "followup_code"


def test_no_at_the_code_question_ends_the_follow_up(store):
    events, dispatcher = validate(asked("followup_code", said("nee", "deny")))
    assert responses(dispatcher) == ["utter_followup_stopped"]
    values = slot_values(events)
    assert values["followup_end"] == "stopped"
    assert values.get("requested_slot") is None  # nothing left to ask: the form ends


def test_the_fifth_wrong_code_ends_the_follow_up_with_the_phone_numbers(store):
    code = submit()
    slots: dict = {}
    for attempt in range(1, MAX_CODE_TRIES + 1):
        events, dispatcher = validate(asked("followup_code", said(wrong(code)), slots=slots))
        values = slot_values(events)
        assert values["followup_tries"] == attempt
        slots = {"followup_tries": values["followup_tries"]}
        if attempt < MAX_CODE_TRIES:
            assert responses(dispatcher) == ["utter_followup_wrong_code"]
    assert responses(dispatcher) == ["utter_followup_too_many"]
    assert values["followup_end"] == "too_many"
    assert values["requested_slot"] is None  # the form ends
    # The refusal still gives the help numbers, in every language.
    for language in ("nl", "en", "pl"):
        text = next(
            v["text"]
            for v in domain()["responses"]["utter_followup_too_many"]
            if (v.get("condition") or [{}])[0].get("value", "nl") == language
        )
        assert "06 25 76 50 52" in text and "112" in text


def test_throttled_lookups_say_try_later(store, small_budget):
    code = submit()
    slots: dict = {}
    for _ in range(2):  # spend the installation's budget
        events, _ = validate(asked("followup_code", said(wrong(code)), slots=slots))
        slots = {"followup_tries": slot_values(events)["followup_tries"]}
    events, dispatcher = validate(asked("followup_code", said(code), slots=slots))
    assert responses(dispatcher) == ["utter_followup_throttled"]
    values = slot_values(events)
    assert values["followup_code"] is None  # not even the right code gets through now
    assert values["followup_end"] == "throttled"
    assert values.get("requested_slot") is None  # nothing left to ask: the form ends


def test_throttled_at_the_start_refuses(store, small_budget):
    code = submit()
    for _ in range(2):
        assert report_store().follow_up(wrong(code)) is None
    events, dispatcher = run(
        ActionFollowupStart(), tracker(said(code, "have_code"), active_loop=None)
    )
    assert responses(dispatcher) == ["utter_followup_throttled"]
    assert slot_values(events)["followup_refused"] is True


def test_help_at_the_code_question_gives_the_help_and_asks_again(store):
    events, dispatcher = validate(asked("followup_code", clicked("/need_help")))
    assert responses(dispatcher) == ["utter_help"]
    assert slot_values(events) == {"followup_code": None, "requested_slot": "followup_code"}


# --- adding information -----------------------------------------------------------------------


def messages_of(store, code: str) -> list:
    report = store.find_by_code(code)
    return list(Casework(store).case(report.id).messages)


def test_add_button_asks_for_the_text(store):
    code = normalise_code(submit())
    events, dispatcher = validate(
        asked(
            "followup_add",
            click("utter_ask_followup_add", "add"),
            slots={"followup_code": code},
        )
    )
    assert responses(dispatcher) == []
    values = slot_values(events)
    assert values["followup_add"] == "add"
    # All three slots are required now, so Rasa's form asks the next empty one: the text.
    assert values.get("requested_slot", "followup_text") == "followup_text"


def test_added_text_is_appended_to_the_report(store):
    code = submit()
    digits = normalise_code(code)
    text = "Het was een blauwe Volkswagen Golf met een Belgisch kenteken."
    events, dispatcher = validate(
        asked(
            "followup_text",
            said(text),
            slots={"followup_code": digits, "followup_add": "add"},
        )
    )
    assert responses(dispatcher) == ["utter_followup_added"]
    values = slot_values(events)
    assert values["followup_text"] == "sent"  # a marker; the text itself is not kept
    assert values.get("requested_slot") is None  # nothing left to ask: the form ends
    [message] = messages_of(store, code)
    assert message.kind == "from_resident"
    assert message.text == text
    assert message.author is None
    # The resident sees it again with the code.
    shown = report_store().follow_up(code)
    assert [m.text for m in shown.messages] == [text]


def test_a_longer_answer_to_add_or_not_is_added_straight_away(store):
    code = submit()
    text = "ja, de auto's waren zwart en kwamen elke avond"
    events, dispatcher = validate(
        asked("followup_add", said(text), slots={"followup_code": normalise_code(code)})
    )
    assert responses(dispatcher) == ["utter_followup_added"]
    values = slot_values(events)
    assert values["followup_add"] == "add"
    assert values["followup_text"] == "sent"
    assert values.get("requested_slot") is None  # nothing left to ask: the form ends
    assert [m.text for m in messages_of(store, code)] == [text]


@pytest.mark.parametrize("requested", ["followup_add", "followup_text"])
@pytest.mark.parametrize(
    "text", ["'; DROP TABLE reports;--", "stop met die bezoeken, het is elke nacht weer raak"]
)
def test_a_message_read_as_stop_is_added_not_lost(store, requested, text):
    """Rasa's slot mappings leave "cancel" out, so without this the stop rule would end the
    follow-up and throw the text away."""
    code = submit()
    known = {"followup_code": normalise_code(code)}
    if requested == "followup_text":
        known["followup_add"] = "add"
    events, dispatcher = validate(
        tracker(said(text, "cancel", 0.97), slots=known, requested_slot=requested, active_loop=FORM)
    )
    assert responses(dispatcher) == ["utter_followup_added"]
    values = slot_values(events)
    assert values["followup_add"] == "add" and values["followup_text"] == "sent"
    assert [m.text for m in messages_of(store, code)] == [text]


@pytest.mark.parametrize("message", [said("stop maar", "cancel", 0.97), clicked("/cancel")])
def test_a_short_stop_or_the_stop_button_still_stops(store, message):
    """Nothing is validated, so Rasa rejects the form and the stop rule runs
    (data/rules/followup.yml); nothing is added."""
    code = submit()
    events, dispatcher = validate(
        tracker(
            message,
            slots={"followup_code": normalise_code(code), "followup_add": "add"},
            requested_slot="followup_text",
            active_loop=FORM,
        )
    )
    assert responses(dispatcher) == []
    assert "followup_text" not in slot_values(events)
    assert messages_of(store, code) == []


def test_done_button_ends_without_adding(store):
    code = submit()
    events, dispatcher = validate(
        asked(
            "followup_add",
            click("utter_ask_followup_add", "done"),
            slots={"followup_code": normalise_code(code)},
        )
    )
    assert responses(dispatcher) == []
    values = slot_values(events)
    assert values["followup_add"] == "done"
    assert values.get("requested_slot") is None  # nothing left to ask: the form ends
    assert messages_of(store, code) == []


def test_skip_at_the_text_adds_nothing(store):
    code = submit()
    events, _ = validate(
        asked(
            "followup_text",
            click("utter_ask_followup_text", "skip"),
            slots={"followup_code": normalise_code(code), "followup_add": "add"},
        )
    )
    assert slot_values(events)["followup_text"] == "skipped"
    assert messages_of(store, code) == []


def test_adding_to_a_report_that_is_gone_says_so(store):
    code = submit()
    events, dispatcher = validate(
        asked(
            "followup_text",
            said("nog iets"),
            slots={"followup_code": normalise_code(wrong(code)), "followup_add": "add"},
        )
    )
    assert responses(dispatcher) == ["utter_followup_add_failed"]
    assert slot_values(events)["followup_text"] == "failed"


# --- the end: the code is forgotten -----------------------------------------------------------


def test_done_forgets_the_code_and_offers_the_menu(store):
    slots = {"followup_code": "1" * 25, "followup_add": "add", "followup_text": "sent"}
    events, dispatcher = run(
        ActionFollowupDone(), tracker(said("klaar"), slots=slots, active_loop=None)
    )
    assert responses(dispatcher) == ["utter_followup_done"]
    values = slot_values(events)
    assert all(values[name] is None for name in FOLLOWUP_SLOTS)
    assert "followup_tries" not in values  # the count of wrong codes stays for the conversation


def test_an_early_end_was_explained_already(store):
    events, dispatcher = run(
        ActionFollowupDone(),
        tracker(said("x"), slots={"followup_end": "too_many"}, active_loop=None),
    )
    assert responses(dispatcher) == []
    assert slot_values(events)["followup_end"] is None


def test_stop_forgets_the_code(store):
    events, dispatcher = run(
        ActionFollowupStop(),
        tracker(
            clicked("/cancel"), slots={"followup_code": "1" * 25}, requested_slot="followup_add"
        ),
    )
    assert responses(dispatcher) == ["utter_followup_stopped"]
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events if e["event"] == "active_loop"
    ]
    values = slot_values(events)
    assert values["followup_code"] is None and values["requested_slot"] is None


def test_the_code_is_never_logged(store, caplog, small_budget):
    code = submit()
    caplog.set_level(logging.DEBUG)
    validate(asked("followup_code", said(wrong(code))))
    validate(asked("followup_code", said(wrong(code))))
    validate(asked("followup_code", said(code)))  # throttled now
    digits = normalise_code(code)
    for record in caplog.records:
        message = record.getMessage()
        assert digits not in message.replace("-", "").replace(" ", "")
        assert normalise_code(wrong(code)) not in message.replace("-", "").replace(" ", "")


# --- the funnel -------------------------------------------------------------------------------


def funnel_counts(store) -> dict[str, int]:
    totals: dict[str, int] = {}
    for counts in Casework(store).funnel().values():
        for event, count in counts.items():
            totals[event] = totals.get(event, 0) + count
    return totals


def test_the_funnel_counts_started_completed_and_cancelled(store):
    from actions.report_form import ValidateReportForm

    run(ValidateReportForm(), answer("danger_now", click("utter_ask_danger_now", "no")))
    run(ValidateReportForm(), answer("danger_now", click("utter_ask_danger_now", "yes")))
    # Not understood: nothing started.
    run(ValidateReportForm(), answer("danger_now", said("hmm")))
    confirmed = {**ANSWERS, "confirm": "send"}
    run(ActionSubmitReport(), tracker(said("ja"), slots=confirmed, active_loop=None))
    run(ActionCancelReport(), tracker(clicked("/cancel"), slots={"danger_now": "yes"}))
    # Cancelled before the first answer: not a started report, so not counted.
    run(ActionCancelReport(), tracker(clicked("/cancel"), requested_slot="danger_now"))
    funnel.flush()
    assert funnel_counts(store) == {"started": 2, "completed": 1, "cancelled": 1}


def test_a_failing_funnel_never_breaks_the_conversation(store, monkeypatch, caplog):
    def broken(event):
        raise RuntimeError("database gone")

    monkeypatch.setattr(report_store(), "record_funnel", broken)
    cancel = tracker(clicked("/cancel"), slots={"danger_now": "no"})
    _, dispatcher = run(ActionCancelReport(), cancel)
    assert responses(dispatcher) == ["utter_cancelled"]
    funnel.flush()
    assert any("RuntimeError" in r.getMessage() for r in caplog.records)
    assert not any("database gone" in r.getMessage() for r in caplog.records)
