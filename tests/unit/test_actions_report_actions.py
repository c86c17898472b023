"""ActionSubmitReport and ActionCancelReport against a real SQLite store in a temporary folder."""

import re

import pytest
from action_helpers import (
    actions_store,
    answer,
    domain,
    response_kwargs,
    responses,
    run,
    said,
    slot_sets,
    slot_values,
    tracker,
)

from actions.report_actions import (
    ActionCancelReport,
    ActionSubmitReport,
    report_store,
)
from actions.report_form import ValidateReportForm
from bot.reports.records import MAX_LENGTHS

CODE = re.compile(r"\d{5}(-\d{5}){4}")

# Every slot the form fills, as the form leaves them when the person pressed "send".
CONFIRMED = {
    "danger_now": "yes",
    "signs": ["many_vehicles", "other"],
    "signs_done": "done",
    "signs_other": "Er hangt een rare lucht",
    "location_address": "Rijksweg Zuid 12",
    "location_place": "Geleen",
    "location_postcode": "6161AB",
    "time_of_day": "evening",
    "frequency": "op zaterdag",
    "since_when": "months_1_6",
    "vehicles": "Een grijze Opel Corsa",
    "persons": "skip",
    "description": "skip",
    "edit_field": None,
    "confirm": "send",
    "summary": "- Signalen: ...",
}


def form_slot_names():
    """Everything the report leaves in the tracker: each domain slot but language and the
    follow-up's own slots (actions/followup.py)."""
    slots = {name for name in domain()["slots"] if not name.startswith("followup_")}
    return {*slots, "requested_slot"} - {"language"}


def after_the_form(slots, language="en"):
    """The tracker when the submit rule runs: the form has just finished."""
    return tracker(said("Yes, send"), slots=slots, language=language, active_loop=None)


@pytest.fixture
def store(monkeypatch, tmp_path):
    """A migrated SQLite store for the actions, read back with the private keyring."""
    yield from actions_store(monkeypatch, tmp_path)


@pytest.fixture
def broken_store(monkeypatch, tmp_path, request):
    monkeypatch.setenv("ZICHT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", request.param.format(tmp=tmp_path))
    monkeypatch.delenv("ZICHT_CODE_KEY", raising=False)
    monkeypatch.delenv("ZICHT_CODE_KEY_FILE", raising=False)
    report_store.cache_clear()
    yield
    report_store().dispose()
    report_store.cache_clear()


def assert_form_cleared(events):
    sets = slot_sets(events)
    assert {name for name, _ in sets} == form_slot_names()
    assert all(value is None for _, value in sets)
    assert "language" not in {name for name, _ in sets}


# --- ActionSubmitReport -------------------------------------------------------------------------


def test_submit_action_name_is_in_the_domain():
    assert ActionSubmitReport().name() == "action_submit_report"
    assert "action_submit_report" in domain()["actions"]


def test_submit_stores_the_report_and_gives_the_code(store):
    events, dispatcher = run(ActionSubmitReport(), after_the_form(CONFIRMED))
    assert responses(dispatcher) == ["utter_report_saved"]
    [kwargs] = response_kwargs(dispatcher, "utter_report_saved")
    assert CODE.fullmatch(kwargs["code"])

    report = store.find_by_code(kwargs["code"])
    assert report is not None
    assert report.language == "en"
    assert set(report.signs) == {"many_vehicles", "other"}
    assert report.signs_other == "Er hangt een rare lucht"
    assert report.location_address == "Rijksweg Zuid 12"
    assert report.location_place == "Geleen"
    assert report.location_postcode == "6161AB"
    assert report.time_of_day == "evening"
    assert report.frequency == "op zaterdag"
    assert report.since_when == "months_1_6"
    assert report.vehicles == "Een grijze Opel Corsa"
    assert report.persons is None  # skipped
    assert report.description is None  # skipped
    assert report.danger_reported is True
    assert report.status == "new"
    assert len(store.list_reports()) == 1
    assert_form_cleared(events)


def test_submit_without_other_and_without_danger(store):
    slots = {
        **CONFIRMED,
        "signs": ["odd_hours"],
        "signs_other": None,
        "danger_now": "no",
        "location_postcode": None,
    }
    _, dispatcher = run(ActionSubmitReport(), after_the_form(slots, language="nl"))
    [kwargs] = response_kwargs(dispatcher, "utter_report_saved")
    report = store.find_by_code(kwargs["code"])
    assert report.language == "nl"
    assert report.signs == ("odd_hours",)
    assert report.signs_other is None
    assert report.location_postcode is None
    assert report.danger_reported is False


def test_every_submit_gets_its_own_code(store):
    codes = set()
    for _ in range(3):
        _, dispatcher = run(ActionSubmitReport(), after_the_form(CONFIRMED))
        codes.add(response_kwargs(dispatcher, "utter_report_saved")[0]["code"])
    assert len(codes) == 3
    assert len(store.list_reports()) == 3


@pytest.mark.parametrize("confirm", [None, "edit", "nee"])
def test_submit_stores_nothing_unless_confirmed(store, confirm):
    events, dispatcher = run(
        ActionSubmitReport(), after_the_form({**CONFIRMED, "confirm": confirm})
    )
    assert responses(dispatcher) == []
    assert store.list_reports() == []
    assert_form_cleared(events)


@pytest.mark.parametrize(
    "broken_store",
    [
        "sqlite:///{tmp}/no/such/folder/zicht.db",
        "postgresql://zicht@127.0.0.1:9/zicht?connect_timeout=2",
    ],
    ids=["sqlite-missing-folder", "postgres-closed-port"],
    indirect=True,
)
def test_submit_with_an_unusable_database_says_so(broken_store, caplog):
    events, dispatcher = run(ActionSubmitReport(), after_the_form(CONFIRMED))
    assert responses(dispatcher) == ["utter_report_failed"]
    assert_form_cleared(events)
    # the log names the kind of failure only, never what the person reported
    assert "Rijksweg" not in caplog.text


def test_submit_when_the_schema_is_missing_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("ZICHT_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    report_store.cache_clear()
    try:
        events, dispatcher = run(ActionSubmitReport(), after_the_form(CONFIRMED))
    finally:
        report_store().dispose()
        report_store.cache_clear()
    assert responses(dispatcher) == ["utter_report_failed"]
    assert_form_cleared(events)


# --- answers the form accepts must be storable ---------------------------------------------------


def validated(slot, text, language="nl", slots=None):
    """The value validate_report_form keeps for a typed answer to `slot`."""
    current = answer(slot, said(text), slots=slots, language=language)
    events, _ = run(ValidateReportForm(), current)
    return slot_values(events)[slot]


@pytest.mark.parametrize("slot", ["location_address", "time_of_day", "frequency", "since_when"])
def test_a_long_answer_the_form_accepted_can_be_stored(store, slot):
    text = "Achter het huis, bij de garages aan het pad langs het spoor. " * 12
    assert len(text) > MAX_LENGTHS[slot]
    value = validated(slot, text)
    assert value  # the form accepted it
    _, dispatcher = run(ActionSubmitReport(), after_the_form({**CONFIRMED, slot: value}))
    assert responses(dispatcher) == ["utter_report_saved"]


def test_other_described_as_skip_can_be_stored(store):
    value = validated("signs_other", "skip", "en", slots={"signs": ["other"], "signs_done": "done"})
    assert value == "skip"  # the form accepted it as the description
    slots = {**CONFIRMED, "signs": ["other"], "signs_other": value}
    _, dispatcher = run(ActionSubmitReport(), after_the_form(slots))
    assert responses(dispatcher) == ["utter_report_saved"]


# --- ActionCancelReport -------------------------------------------------------------------------


def test_cancel_action_name_is_in_the_domain():
    assert ActionCancelReport().name() == "action_cancel_report"
    assert "action_cancel_report" in domain()["actions"]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_cancel_stops_the_form_forgets_the_answers_and_stores_nothing(store, language):
    current = tracker(
        said("stop", "cancel"),
        slots={**CONFIRMED, "confirm": None},
        requested_slot="confirm",
        language=language,
    )
    events, dispatcher = run(ActionCancelReport(), current)
    assert responses(dispatcher) == ["utter_cancelled"]
    assert events[0] == {"event": "active_loop", "timestamp": None, "name": None}
    assert_form_cleared([event for event in events if event["event"] == "slot"])
    assert store.list_reports() == []
