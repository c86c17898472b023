"""Reading and checking what staff send on the report pages: list filters and workflow forms.

Every parser returns the cleaned values and a dict of Dutch errors per field name; it never
raises on bad input. The pages show an error next to its field and keep what was typed.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bot.reports.places import INSIDE_PLACES, resolve_place
from bot.reports.records import (
    CLOSE_REASONS,
    MESSAGE_MAX_LENGTH,
    PARTNERS,
    SIGN_IDS,
    STATUSES,
    TRANSITIONS,
    CaseFilter,
    week_of,
)
from bot.staff.labels import SORT_LABELS, status_label

PAGE_SIZE = 25
FILTER_NAMES: tuple[str, ...] = (
    "status",
    "sign",
    "where",
    "week_from",
    "week_to",
    "language",
    "sort",
)
_POSTCODE = re.compile(r"([1-9][0-9]{3})\s*([A-Za-z]{2})?")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")
STAFF_NAME_MAX_LENGTH = 64
Errors = dict[str, str]


@dataclass(frozen=True)
class ListQuery:
    """The list page's query: the filter for Casework, the page, and the values as typed."""

    filters: CaseFilter
    page: int
    values: dict[str, str]  # every FILTER_NAMES value as typed (to fill the form again)
    errors: Errors = field(default_factory=dict)

    def query_string(self, **changes: str | int) -> str:
        """The query of this list with some values changed (e.g. page=2); empty ones left out."""
        params: dict[str, str | int] = {k: v for k, v in self.values.items() if v}
        params.update(changes)
        return urlencode([(k, v) for k, v in params.items() if v not in ("", None)])


def _one_of(value: str, allowed: tuple[str, ...] | Mapping[str, str]) -> str | None:
    return value if value in allowed else None


def parse_week(text: str) -> datetime.date | None:
    """The Monday of the week of a date typed as YYYY-MM-DD (or DD-MM-YYYY); None if invalid."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return week_of(datetime.datetime.strptime(text, pattern).date())
        except ValueError:
            continue
    return None


def parse_where(text: str) -> tuple[str | None, str | None, str | None]:
    """(place, postcode, error) for a typed place or postcode."""
    text = text.strip()
    if not text:
        return None, None, None
    match = _POSTCODE.fullmatch(text)
    if match:
        return None, match.group(1) + (match.group(2) or "").upper(), None
    folded = text.casefold()
    for place in INSIDE_PLACES:
        if place.casefold() == folded:
            return place, None, None
    found = resolve_place(text)
    if found.status == "inside" and found.place:
        return found.place, None, None
    return (
        None,
        None,
        "Deze plaats kennen we niet. Typ een plaats in Sittard-Geleen of een postcode.",
    )


def parse_list_query(query: Mapping[str, str]) -> ListQuery:
    """The filters, sort and page of GET /staff/reports; unknown values become errors."""
    values = {name: str(query.get(name, "")).strip() for name in FILTER_NAMES}
    errors: Errors = {}
    status = _one_of(values["status"], STATUSES)
    if values["status"] and status is None:
        errors["status"] = "Kies een status uit de lijst."
    sign = _one_of(values["sign"], SIGN_IDS)
    if values["sign"] and sign is None:
        errors["sign"] = "Kies een signaal uit de lijst."
    place, postcode, where_error = parse_where(values["where"])
    if where_error:
        errors["where"] = where_error
    weeks: dict[str, datetime.date | None] = {}
    for name in ("week_from", "week_to"):
        weeks[name] = parse_week(values[name]) if values[name] else None
        if values[name] and weeks[name] is None:
            errors[name] = "Typ een datum als 2026-11-03."
    if weeks["week_from"] and weeks["week_to"] and weeks["week_from"] > weeks["week_to"]:
        errors["week_to"] = "De einddatum ligt voor de begindatum."
    language = values["language"] or None
    if language and not _LANGUAGE.fullmatch(language):
        errors["language"] = "Kies een taal uit de lijst."
        language = None
    sort = values["sort"] or "newest"
    if sort not in SORT_LABELS:
        errors["sort"] = "Kies een sortering uit de lijst."
        sort = "newest"
    try:
        page = max(1, int(query.get("page", "1")))
    except ValueError:
        page = 1
    filters = CaseFilter(
        status=status,
        sign=sign,
        place=place,
        postcode=postcode,
        week_from=weeks["week_from"],
        week_to=weeks["week_to"],
        language=language,
        sort=sort,
    )
    return ListQuery(filters=filters, page=page, values=values, errors=errors)


@dataclass(frozen=True)
class StatusChange:
    status: str
    partner: str | None
    reason: str | None


def parse_status_form(form: Mapping[str, str], current: str) -> tuple[StatusChange | None, Errors]:
    """A status change allowed from `current` (TRANSITIONS), with its partner or close reason."""
    errors: Errors = {}
    status = str(form.get("status", "")).strip()
    partner = str(form.get("partner", "")).strip() or None
    reason = str(form.get("reason", "")).strip() or None
    if status not in STATUSES:
        errors["status"] = "Kies een nieuwe status."
    elif status not in TRANSITIONS.get(current, ()):
        allowed = ", ".join(status_label(s) for s in TRANSITIONS.get(current, ()))
        errors["status"] = f"Vanuit '{status_label(current)}' kan dit niet. Kies: {allowed}."
    if status == "forwarded":
        if partner not in PARTNERS:
            errors["partner"] = "Kies de partner aan wie je de melding doorzet."
    else:
        partner = None
    if status == "closed":
        if reason not in CLOSE_REASONS:
            errors["reason"] = "Kies de reden van afsluiten."
    else:
        reason = None
    if errors:
        return None, errors
    return StatusChange(status=status, partner=partner, reason=reason), errors


def parse_assign_form(
    form: Mapping[str, str], handlers: tuple[str, ...] | None
) -> tuple[str | None, Errors]:
    """The staff name to assign (None: nobody). With a list of handlers, only those names."""
    name = str(form.get("handler", "")).strip()
    if not name:
        return None, {}
    if handlers is not None and name not in handlers:
        return None, {"handler": "Kies een behandelaar uit de lijst."}
    if len(name) > STAFF_NAME_MAX_LENGTH or any(ch < " " for ch in name):
        return None, {"handler": f"Een naam heeft hoogstens {STAFF_NAME_MAX_LENGTH} tekens."}
    return name, {}


MESSAGE_FIELDS: dict[str, str] = {"note": "note_text", "to_resident": "message_text"}


def parse_message_form(form: Mapping[str, str]) -> tuple[str, str | None, Errors]:
    """(kind, text, errors) of a note or a message to the resident."""
    kind = str(form.get("kind", ""))
    if kind not in MESSAGE_FIELDS:
        return kind, None, {"kind": "Onbekend soort bericht."}
    name = MESSAGE_FIELDS[kind]
    text = str(form.get(name, "")).replace("\r\n", "\n").strip()
    if not text:
        return kind, None, {name: "Schrijf eerst een tekst."}
    if len(text) > MESSAGE_MAX_LENGTH:
        return kind, None, {name: f"De tekst is te lang: hoogstens {MESSAGE_MAX_LENGTH} tekens."}
    if "\x00" in text:
        return kind, None, {name: "De tekst bevat een ongeldig teken."}
    return kind, text, {}
