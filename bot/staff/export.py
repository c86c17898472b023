"""What an export to a partner holds: the fields, the partner profiles and the CSV file.

CSV format (for Excel in Dutch, where the comma is the decimal separator): UTF-8 with a byte
order mark, ``;`` between cells, ``"`` quoting where needed, CRLF line ends, one header row with
the Dutch field names. A cell that a spreadsheet could take for a formula (its first character,
after any leading whitespace, is ``=``, ``+``, ``-`` or ``@``, or it starts with a tab or carriage
return) is neutralised with a leading ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence

from bot.reports.records import PARTNERS, Case
from bot.staff import labels

CSV_DELIMITER = ";"
CSV_BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@")
CONTROL_STARTS = ("\t", "\r")

# (id, Dutch name, value of a case as text), in the order of the export.
_FIELDS: tuple[tuple[str, str, Callable[[Case], str]], ...] = (
    ("id", "Nummer", lambda c: str(c.id)),
    ("week", "Week van melding", lambda c: labels.week_label(c.report.created_week)),
    ("status", "Status", lambda c: labels.status_label(c.status)),
    ("signs", "Signalen", lambda c: labels.signs_label(c.report.signs)),
    ("signs_other", "Ander signaal", lambda c: c.report.signs_other or ""),
    ("danger_reported", "Gevaar gemeld", lambda c: labels.yes_no(c.report.danger_reported)),
    ("location_address", "Adres", lambda c: c.report.location_address),
    ("location_postcode", "Postcode", lambda c: c.report.location_postcode or ""),
    ("location_place", "Plaats", lambda c: c.report.location_place),
    (
        "time_of_day",
        "Tijdstip",
        lambda c: labels.answer_label("time_of_day", c.report.time_of_day),
    ),
    ("frequency", "Hoe vaak", lambda c: labels.answer_label("frequency", c.report.frequency)),
    (
        "since_when",
        "Sinds wanneer",
        lambda c: labels.answer_label("since_when", c.report.since_when),
    ),
    ("vehicles", "Voertuigen", lambda c: c.report.vehicles or ""),
    ("persons", "Personen", lambda c: c.report.persons or ""),
    ("description", "Overige informatie", lambda c: c.report.description or ""),
    ("address_count", "Meldingen op dit adres", lambda c: str(c.address_count)),
    ("language", "Taal van de melder", lambda c: labels.language_label(c.report.language)),
)
FIELD_IDS: tuple[str, ...] = tuple(field_id for field_id, _, _ in _FIELDS)
FIELD_LABELS: dict[str, str] = {field_id: name for field_id, name, _ in _FIELDS}
_VALUES: dict[str, Callable[[Case], str]] = {field_id: value for field_id, _, value in _FIELDS}

_NO_ADDRESS = ("location_address", "location_postcode")
# The fields preselected for each partner; staff can still tick or untick any field.
PROFILES: dict[str, tuple[str, ...]] = {
    # Police, prosecution and the information centre get the whole report.
    "avim": FIELD_IDS,
    "om": FIELD_IDS,
    "riec_limburg": FIELD_IDS,
    # Care coordination of trafficking victims: the situation, not the vehicles.
    "project_1863": tuple(f for f in FIELD_IDS if f not in ("vehicles", "language")),
    # Border police (trafficking): the situation, where, and the vehicles.
    "kmar": tuple(f for f in FIELD_IDS if f not in ("language",)),
    # Tax checks: where, what and since when; nothing about the people.
    "belastingdienst": (
        "id",
        "week",
        "signs",
        "location_address",
        "location_postcode",
        "location_place",
        "frequency",
        "since_when",
        "address_count",
    ),
    # Outreach care: the situation and the people, never the address or vehicles.
    "leger_des_heils": tuple(
        f
        for f in FIELD_IDS
        if f not in (*_NO_ADDRESS, "vehicles", "address_count", "language", "status")
    ),
}


def profile(partner: str | None) -> tuple[str, ...]:
    """The preselected fields for a partner (none for an unknown or missing partner)."""
    return PROFILES.get(partner or "", ())


def chosen_fields(requested: Iterable[str]) -> tuple[str, ...]:
    """The requested field ids that exist, in export order, each once."""
    wanted = set(requested)
    return tuple(f for f in FIELD_IDS if f in wanted)


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    if cell.startswith(CONTROL_STARTS) or cell.lstrip().startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def value(case: Case, field_id: str) -> str:
    """One field of a case as Dutch text, e.g. value(case, "time_of_day") == "avond"."""
    return _VALUES[field_id](case)


def header(fields: Sequence[str]) -> list[str]:
    return [FIELD_LABELS[f] for f in fields]


def rows(cases: Iterable[Case], fields: Sequence[str]) -> list[list[str]]:
    """The chosen fields of each case as Dutch text (not yet neutralised)."""
    return [[_VALUES[f](case) for f in fields] for case in cases]


def to_csv(cases: Iterable[Case], fields: Sequence[str]) -> bytes:
    """The CSV file (see the module docstring) of the chosen fields of the cases."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([neutralise(cell) for cell in header(fields)])
    for row in rows(cases, fields):
        writer.writerow([neutralise(cell) for cell in row])
    return (CSV_BOM + buffer.getvalue()).encode("utf-8")


def is_partner(partner: str) -> bool:
    return partner in PARTNERS
