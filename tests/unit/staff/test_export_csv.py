"""bot.staff.export: partner profiles, field choice and the CSV file (formula cells neutralised)."""

import csv
import datetime
import io

import pytest

from bot.reports.records import PARTNERS, Case, StoredReport
from bot.staff import export

REPORT = StoredReport(
    id=7,
    status="forwarded",
    created_week=datetime.date(2026, 11, 2),
    language="nl",
    signs=("odd_hours", "other"),
    signs_other='=HYPERLINK("http://x";"klik")',
    location_address="Rijksweg Zuid 12",
    location_place="Geleen",
    location_postcode="6131AB",
    time_of_day="evening",
    frequency="+31 6 12345678",
    since_when="months_1_6",
    vehicles="  -2+3 rode bus",
    persons="@SUM(A1)\nnieuwe regel",
    description='Zei "hallo"; daarna\r\nweg',
    danger_reported=True,
)
CASE = Case(report=REPORT, assigned_to="anna", partner="avim", close_reason=None, address_count=3)


def read(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+31", "'+31"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =1+1", "'  =1+1"),
        ("\n=1", "'\n=1"),
        ("\t1", "'\t1"),
        ("\r1", "'\r1"),
        ("gewoon", "gewoon"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralised(cell, expected):
    assert export.neutralise(cell) == expected


def test_csv_round_trips_with_quotes_and_newlines_and_no_live_formula():
    data = export.to_csv([CASE], export.FIELD_IDS)
    header, row = read(data)
    assert header == [export.FIELD_LABELS[f] for f in export.FIELD_IDS]
    values = dict(zip(export.FIELD_IDS, row, strict=True))
    assert values["signs_other"] == "'" + REPORT.signs_other
    assert values["frequency"] == "'+31 6 12345678"
    assert values["vehicles"] == "'  -2+3 rode bus"
    assert values["persons"] == "'@SUM(A1)\nnieuwe regel"
    assert values["description"] == 'Zei "hallo"; daarna\r\nweg'
    assert values["time_of_day"] == "avond"
    assert values["since_when"] == "1 tot 6 maanden"
    assert values["week"] == "week van 2 nov 2026"
    assert values["danger_reported"] == "ja"
    assert values["address_count"] == "3"
    for cell in row:
        assert not cell.lstrip().startswith(("=", "+", "-", "@")) or cell.startswith("'")


def test_only_chosen_fields_are_in_the_csv():
    fields = export.chosen_fields(["location_place", "id", "nonsense", "id"])
    assert fields == ("id", "location_place")
    header, row = read(export.to_csv([CASE], fields))
    assert header == ["Nummer", "Plaats"]
    assert row == ["7", "Geleen"]
    assert "Rijksweg" not in export.to_csv([CASE], fields).decode("utf-8-sig")


def test_every_partner_has_a_profile_of_known_fields():
    assert set(export.PROFILES) == set(PARTNERS)
    for fields in export.PROFILES.values():
        assert fields
        assert set(fields) <= set(export.FIELD_IDS)


def test_profiles_preselect_sensible_sets():
    assert export.profile("avim") == export.FIELD_IDS
    salvation = export.profile("leger_des_heils")
    assert "location_address" not in salvation
    assert "location_postcode" not in salvation
    assert "vehicles" not in salvation
    assert "location_place" in salvation
    tax = export.profile("belastingdienst")
    for field in ("location_address", "location_place", "signs", "frequency", "since_when"):
        assert field in tax
    assert "persons" not in tax
    assert export.profile(None) == ()
    assert export.profile("unknown") == ()
