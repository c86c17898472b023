"""Casework (staff side) and the follow-up API (public side) on SQLite and PostgreSQL."""

import dataclasses
import datetime

import pytest
from nacl.public import PrivateKey
from sqlalchemy import select, update

from bot.reports.casework import Casework, NoFollowUpKey
from bot.reports.config import StoreConfig
from bot.reports.crypto import Keyring, Sealer
from bot.reports.models import Report, ReportMessage
from bot.reports.records import CaseFilter, ReportDraft
from bot.reports.store import LookupThrottled, ReportReader, ReportStore

DRAFT = ReportDraft(
    language="nl",
    signs=("odd_hours", "many_vehicles"),
    signs_other=None,
    location_address="Rijksweg Zuid 12a",
    location_place="Geleen",
    location_postcode="6161AB",
    time_of_day="night",
    frequency="daily",
    since_when="months_1_6",
    vehicles="Witte bestelbus",
    persons=None,
    description="Steeds andere mannen die kort blijven.",
    danger_reported=False,
)
WRONG_CODE = "11111-22222-33333-44444-55555"


@pytest.fixture
def casework(store: ReportReader) -> Casework:
    return Casework(store)


@pytest.fixture
def public(store: ReportReader, store_config: StoreConfig):
    """The public side (public key only) on the migrated database of `store`."""
    public_store = ReportStore(store_config)
    yield public_store
    public_store.dispose()


def submit(store: ReportStore, **changes) -> tuple[str, int]:
    code = store.submit(dataclasses.replace(DRAFT, **changes))
    found = store.find_sealed(code)
    assert found is not None
    return code, found.id


def set_week(store: ReportStore, report_id: int, week: datetime.date) -> None:
    with store.engine.begin() as connection:
        connection.execute(update(Report).where(Report.id == report_id).values(created_week=week))


# --- the resident's side: status and the shared thread ---------------------------------------


def test_follow_up_shows_status_and_only_shared_messages(store, casework, public):
    code, report_id = submit(public)
    assert public.follow_up(code).status == "received"
    casework.set_status(report_id, "in_progress")
    casework.add_message(report_id, "note", "Intern: adres bekend bij AVIM", author="anna")
    casework.add_message(report_id, "to_resident", "Welke kleur had de auto?", author="anna")
    seen = public.follow_up(code.replace("-", " "))
    assert seen.status == "in_progress"
    assert [(m.kind, m.text, m.author) for m in seen.messages] == [
        ("to_resident", "Welke kleur had de auto?", "anna")
    ]
    casework.set_status(report_id, "forwarded", partner="avim")
    assert public.follow_up(code).status == "in_progress"
    casework.set_status(report_id, "closed", reason="handled")
    assert public.follow_up(code).status == "closed"


def test_resident_additions_reach_staff_and_the_thread(casework, public):
    code, report_id = submit(public)
    assert public.add_resident_message(f"mijn code is {code}", "Er staat nu ook een rode auto 🚗")
    staff_view = casework.case(report_id).messages
    assert [(m.kind, m.author, m.text) for m in staff_view] == [
        ("from_resident", None, "Er staat nu ook een rode auto 🚗")
    ]
    # The resident's side keeps only the week, never the day.
    assert staff_view[0].created_on.weekday() == 0
    assert public.follow_up(code).messages[0].text == "Er staat nu ook een rode auto 🚗"


def test_the_same_addition_sent_again_in_a_week_is_kept_once(casework, public):
    """A resident told that adding failed (a late database) may send it again."""
    code, report_id = submit(public)
    assert public.add_resident_message(code, "Een witte bestelbus, elke avond")
    assert public.add_resident_message(code, "Een witte bestelbus, elke avond")
    assert public.add_resident_message(code, "Een witte bestelbus, elke ochtend")
    texts = [m.text for m in casework.case(report_id).messages if m.kind == "from_resident"]
    assert texts == ["Een witte bestelbus, elke avond", "Een witte bestelbus, elke ochtend"]


def test_wrong_or_malformed_codes_find_nothing(public):
    submit(public)
    assert public.follow_up(WRONG_CODE) is None
    assert public.follow_up("hallo") is None
    assert public.follow_up("") is None
    assert public.add_resident_message(WRONG_CODE, "extra") is False


@pytest.mark.parametrize("message", ["", "   ", "x" * 2001, "nul\x00byte"])
def test_bad_resident_messages_are_refused(public, message):
    code, _ = submit(public)
    with pytest.raises(ValueError):
        public.add_resident_message(code, message)


def test_failed_lookups_spend_one_budget_for_everyone(store_config):
    limited = ReportStore(dataclasses.replace(store_config, lookup_failures_per_hour=3))
    try:
        limited.migrate()
        code = limited.submit(DRAFT)
        for _ in range(3):
            assert limited.follow_up(WRONG_CODE) is None
        with pytest.raises(LookupThrottled):
            limited.follow_up(code)  # even the right code waits: guessing is paused
        with pytest.raises(LookupThrottled):
            limited.add_resident_message(code, "extra")
        assert limited.follow_up("geen code") is None  # malformed input costs nothing
    finally:
        limited.dispose()


def test_successful_lookups_do_not_spend_the_budget(store_config):
    limited = ReportStore(dataclasses.replace(store_config, lookup_failures_per_hour=2))
    try:
        limited.migrate()
        code = limited.submit(DRAFT)
        for _ in range(10):
            assert limited.follow_up(code) is not None
    finally:
        limited.dispose()


def test_messages_are_sealed_in_the_database(store, casework, public):
    code, report_id = submit(public)
    casework.add_message(report_id, "note", "GEHEIM-NOTITIE-CANARY", author="anna")
    casework.add_message(report_id, "to_resident", "GEHEIM-VRAAG-CANARY", author="anna")
    public.add_resident_message(code, "GEHEIM-AANVULLING-CANARY")
    with store.engine.connect() as connection:
        rows = connection.execute(select(ReportMessage.sealed, ReportMessage.shared)).all()
    blob = b"".join(bytes(part or b"") for row in rows for part in row)
    for canary in (b"GEHEIM-NOTITIE", b"GEHEIM-VRAAG", b"GEHEIM-AANVULLING"):
        assert canary not in blob
    assert [r.shared is None for r in rows] == [True, False, False]  # notes are never shared


def test_staff_cannot_message_residents_of_reports_without_a_followup_key(store, casework, public):
    _, report_id = submit(public)
    with store.engine.begin() as connection:
        connection.execute(update(Report).values(followup_key=None))
    assert not casework.can_message_resident(report_id)
    with pytest.raises(NoFollowUpKey):
        casework.add_message(report_id, "to_resident", "Vraag", author="anna")
    casework.add_message(report_id, "note", "Notities kunnen nog wel", author="anna")


def test_staff_cannot_write_as_the_resident(casework, public):
    _, report_id = submit(public)
    with pytest.raises(ValueError):
        casework.add_message(report_id, "from_resident", "nep", author="anna")


# --- workflow -------------------------------------------------------------------------------


def test_workflow_follows_the_transitions(casework, public):
    _, report_id = submit(public)
    with pytest.raises(ValueError, match="cannot go"):
        casework.set_status(report_id, "forwarded", partner="avim")
    assert casework.set_status(report_id, "in_progress").status == "in_progress"
    with pytest.raises(ValueError, match="partner"):
        casework.set_status(report_id, "forwarded")
    with pytest.raises(ValueError, match="partner"):
        casework.set_status(report_id, "forwarded", partner="interpol")
    forwarded = casework.set_status(report_id, "forwarded", partner="riec_limburg")
    assert (forwarded.status, forwarded.partner) == ("forwarded", "riec_limburg")
    with pytest.raises(ValueError, match="reason"):
        casework.set_status(report_id, "closed")
    closed = casework.set_status(report_id, "closed", reason="handled")
    assert (closed.status, closed.close_reason, closed.partner) == (
        "closed",
        "handled",
        "riec_limburg",
    )
    reopened = casework.set_status(report_id, "in_progress")
    assert reopened.close_reason is None
    with pytest.raises(ValueError, match="no report"):
        casework.set_status(report_id + 100, "in_progress")


def test_assign_and_unassign(casework, public):
    _, report_id = submit(public)
    assert casework.assign(report_id, "bert").assigned_to == "bert"
    assert casework.assign(report_id, None).assigned_to is None
    with pytest.raises(ValueError):
        casework.assign(report_id + 100, "bert")


# --- grouping and filters --------------------------------------------------------------------


def test_reports_on_one_address_and_street_are_grouped(casework, public):
    _, first = submit(public, location_address="Rijksweg Zuid 12a")
    _, second = submit(public, location_address="rijksweg-zuid 12 A, Geleen", signs=("odd_hours",))
    _, third = submit(public, location_address="Rijksweg Zd. 12A", location_postcode=None)
    _, neighbour = submit(public, location_address="Rijksweg Zuid 14")
    _, elsewhere = submit(public, location_address="Rijksweg Zuid 12a", location_place="Sittard")
    _, vague = submit(public, location_address="het huis naast de kerk")
    counts = {c.id: (c.address_count, c.street_count) for c in casework.cases()}
    assert counts[first] == counts[second] == counts[third] == (3, 4)
    assert counts[neighbour] == (1, 4)
    assert counts[elsewhere] == (1, 1)
    assert counts[vague] == (1, 1)
    detail = casework.case(first)
    assert set(detail.same_address) == {second, third}
    assert set(detail.same_street) == {neighbour}
    assert casework.recurring_signs([first, *detail.same_address]) == {
        "odd_hours": 3,
        "many_vehicles": 2,
    }
    by_count = casework.cases(CaseFilter(sort="address_count"))
    assert {c.id for c in by_count[:3]} == {first, second, third}


def test_filters(casework, public):
    _, a = submit(public, language="pl")
    _, b = submit(public, location_place="Sittard", location_postcode="6131", signs=("violence",))
    _, c = submit(public)
    set_week(public, c, datetime.date(2026, 1, 5))
    casework.set_status(a, "in_progress")

    def ids(**kwargs):
        return {case.id for case in casework.cases(CaseFilter(**kwargs))}

    assert ids() == {a, b, c}
    assert ids(status="in_progress") == {a}
    assert ids(sign="violence") == {b}
    assert ids(place="sittard") == {b}
    assert ids(postcode="6161") == {a, c}
    assert ids(postcode="6161 ab") == {a, c}
    assert ids(language="pl") == {a}
    assert ids(week_to=datetime.date(2026, 1, 5)) == {c}
    assert ids(week_from=datetime.date(2026, 1, 6)) == {a, b}
    assert casework.cases(CaseFilter(sort="oldest"))[0].id == c
    assert [x.id for x in casework.cases()][-1] == c


# --- funnel and retention ------------------------------------------------------------------


def test_funnel_counts_per_week(casework, public):
    for event in ("started", "started", "started", "completed", "cancelled"):
        public.record_funnel(event)
    with pytest.raises(ValueError):
        public.record_funnel("opened")
    [(week, counts)] = casework.funnel().items()
    assert week.weekday() == 0
    assert counts == {"started": 3, "completed": 1, "cancelled": 1}


def test_purge_removes_everything_past_the_period_and_keeps_the_rest(store, casework, public):
    today = datetime.date(2026, 11, 29)
    old_code, old = submit(public)
    _, edge = submit(public)
    _, recent = submit(public)
    set_week(public, old, datetime.date(2025, 11, 24))  # 370 days before today
    set_week(public, edge, datetime.date(2025, 12, 1))  # 363 days: inside 365
    set_week(public, recent, datetime.date(2026, 11, 23))
    casework.add_message(old, "note", "weg", author="anna")
    public.add_resident_message(old_code, "ook weg")
    casework.add_message(edge, "note", "blijft", author="anna")
    assert casework.purge(today=today) == 1
    assert {c.id for c in casework.cases()} == {edge, recent}
    with store.engine.connect() as connection:
        report_ids = set(connection.scalars(select(ReportMessage.report_id)))
    assert report_ids == {edge}
    assert public.follow_up(old_code) is None
    casework.set_retention_days(30)
    assert casework.retention_days() == 30
    assert casework.purge(today=today) == 1
    assert {c.id for c in casework.cases()} == {recent}


@pytest.mark.parametrize("days", [0, 29, 3651, -1])
def test_retention_period_limits(casework, days):
    with pytest.raises(ValueError):
        casework.set_retention_days(days)
    assert casework.retention_days() == 365


# --- key rotation keeps the thread readable ----------------------------------------------------


def test_reseal_after_rotation_keeps_messages_and_followup(store_config, private_key, public):
    code, report_id = submit(public)
    old_reader = ReportReader(store_config, Keyring([private_key]))
    Casework(old_reader).add_message(report_id, "note", "oude notitie", author="anna")
    public.add_resident_message(code, "oude aanvulling")
    new_key = PrivateKey.generate()
    both = Keyring([private_key, new_key])
    rotated_config = dataclasses.replace(store_config, public_key=bytes(new_key.public_key))
    rotated = ReportReader(rotated_config, both)
    try:
        assert rotated.reseal(Sealer(new_key.public_key)) == 1
        only_new = Casework(ReportReader(rotated_config, Keyring([new_key])))
        assert [m.text for m in only_new.case(report_id).messages] == [
            "oude notitie",
            "oude aanvulling",
        ]
        only_new.add_message(report_id, "to_resident", "nieuwe vraag", author="anna")
        assert [m.text for m in public.follow_up(code).messages] == [
            "oude aanvulling",
            "nieuwe vraag",
        ]
    finally:
        old_reader.dispose()
        rotated.dispose()
