"""Plain, immutable records that cross the store's boundary (no ORM object ever leaves it)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, fields

SIGN_IDS: tuple[str, ...] = (
    "odd_hours",
    "many_vehicles",
    "short_visits",
    "hidden_residents",
    "violence",
    "other",
)
STATUSES: tuple[str, ...] = ("new", "in_progress", "forwarded", "closed")

# Maximum lengths in characters. The migration repeats these numbers on purpose (a migration must
# not change when this module changes); a new limit needs a new migration.
MAX_LENGTHS: dict[str, int] = {
    "language": 16,
    "signs_other": 2000,
    "location_address": 500,
    "location_place": 100,
    "location_postcode": 6,
    "time_of_day": 500,
    "frequency": 500,
    "since_when": 500,
    "vehicles": 2000,
    "persons": 2000,
    "description": 2000,
}
REQUIRED_TEXTS: tuple[str, ...] = (
    "language",
    "location_address",
    "location_place",
    "time_of_day",
    "frequency",
    "since_when",
)
OPTIONAL_TEXTS: tuple[str, ...] = (
    "signs_other",
    "location_postcode",
    "vehicles",
    "persons",
    "description",
)

_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")
_POSTCODE = re.compile(r"[1-9][0-9]{3}(?:[A-Z]{2})?")


@dataclass(frozen=True)
class ReportDraft:
    """What a resident reported, before it is stored."""

    language: str  # ISO code, e.g. "nl"
    signs: tuple[str, ...]  # sign ids, a subset of SIGN_IDS, no duplicates
    signs_other: str | None  # free text when the resident chose "other" ("something else")
    location_address: str  # street + number, or a description
    location_place: str  # canonical place, e.g. "Geleen"
    location_postcode: str | None  # "6131" or "6131AB" (no space, upper case)
    time_of_day: str
    frequency: str
    since_when: str
    vehicles: str | None
    persons: str | None
    description: str | None
    danger_reported: bool


@dataclass(frozen=True)
class StoredReport:
    """A stored report: every ReportDraft field plus id, status and the coarse submission date."""

    id: int
    status: str
    created_on: datetime.date  # a date only, never a time of day
    language: str
    signs: tuple[str, ...]  # in SIGN_IDS order
    signs_other: str | None
    location_address: str
    location_place: str
    location_postcode: str | None
    time_of_day: str
    frequency: str
    since_when: str
    vehicles: str | None
    persons: str | None
    description: str | None
    danger_reported: bool

    def draft(self) -> ReportDraft:
        """The draft part of this report."""
        return ReportDraft(**{f.name: getattr(self, f.name) for f in fields(ReportDraft)})


def validate_draft(draft: ReportDraft) -> None:
    """Raise ValueError if the draft cannot be stored as it is.

    Rules: required texts are non-blank strings; optional texts are None or non-blank strings;
    no text exceeds MAX_LENGTHS or contains a NUL character; signs is a non-empty tuple of distinct
    SIGN_IDS; signs_other is given exactly when "other" is among the signs; the postcode is
    normalised ("6131" or "6131AB"); danger_reported is a bool.
    """
    if not isinstance(draft, ReportDraft):
        raise ValueError("expected a ReportDraft")
    for name in REQUIRED_TEXTS:
        _check_text(name, getattr(draft, name), required=True)
    for name in OPTIONAL_TEXTS:
        _check_text(name, getattr(draft, name), required=False)
    if not _LANGUAGE.fullmatch(draft.language):
        raise ValueError("language must be an ISO code such as 'nl' or 'pt-BR'")
    if draft.location_postcode is not None and not _POSTCODE.fullmatch(draft.location_postcode):
        raise ValueError("location_postcode must look like '6131' or '6131AB'")
    if not isinstance(draft.signs, tuple) or not draft.signs:
        raise ValueError("signs must be a non-empty tuple of sign ids")
    unknown = [s for s in draft.signs if s not in SIGN_IDS]
    if unknown:
        raise ValueError(f"unknown sign ids: {unknown!r}")
    if len(set(draft.signs)) != len(draft.signs):
        raise ValueError("signs contains duplicates")
    if ("other" in draft.signs) != (draft.signs_other is not None):
        raise ValueError("signs_other is required with the sign 'other', and only then")
    if not isinstance(draft.danger_reported, bool):
        raise ValueError("danger_reported must be a bool")


def _check_text(name: str, value: object, *, required: bool) -> None:
    if value is None:
        if required:
            raise ValueError(f"{name} is required")
        return
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string")
    if not value.strip():
        raise ValueError(f"{name} must not be blank (use None for 'not given')")
    if len(value) > MAX_LENGTHS[name]:
        raise ValueError(f"{name} is longer than {MAX_LENGTHS[name]} characters")
    if "\x00" in value:
        raise ValueError(f"{name} contains a NUL character")
