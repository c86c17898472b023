"""Plain, immutable records that cross the store's boundary (no ORM object ever leaves it)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, fields

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

# What a resident writes, sealed before it reaches the database (bot.reports.crypto). Only the
# staff side, with the private key, reads these back.
SEALED_FIELDS: tuple[str, ...] = (
    "signs_other",
    "location_address",
    "location_postcode",
    "time_of_day",
    "frequency",
    "since_when",
    "vehicles",
    "persons",
    "description",
)
# The button choices of the three "when" questions. A choice is also kept in clear (for filtering
# and statistics); a typed answer exists only sealed. The ids are the payloads of the buttons in
# data/texts (a test keeps them equal).
CHOICES: dict[str, tuple[str, ...]] = {
    "time_of_day": ("morning", "afternoon", "evening", "night", "varies"),
    "frequency": ("daily", "several_weekly", "weekly", "less_often", "once"),
    "since_when": ("under_month", "months_1_6", "over_6_months", "unknown"),
}

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


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the ISO week of `day`: the only submission time a report keeps."""
    return day - datetime.timedelta(days=day.weekday())


def postcode_area(postcode: str | None) -> str | None:
    """The 4 digits of a postcode ("6131AB" -> "6131"): the part of it that stays in clear."""
    return postcode[:4] if postcode else None


def choice_of(slot: str, value: str) -> str | None:
    """The button choice id of a "when" answer, or None when the resident typed something."""
    return value if value in CHOICES[slot] else None


@dataclass(frozen=True)
class SealedReport:
    """A stored report as the public side sees it: clear, coarse fields and a sealed rest.

    Anyone with the database sees this much; `sealed` opens only with the private key.
    """

    id: int
    status: str
    created_week: datetime.date  # the Monday of the ISO week of submission (UTC)
    language: str
    signs: tuple[str, ...]  # in SIGN_IDS order
    location_place: str
    postcode_area: str | None  # "6131", never the letters
    time_of_day_choice: str | None  # a CHOICES id, None when typed
    frequency_choice: str | None
    since_when_choice: str | None
    danger_reported: bool
    key_id: str  # the key pair `sealed` was sealed to
    sealed: bytes = field(repr=False)
    code_hash: str = field(repr=False)


@dataclass(frozen=True)
class StoredReport:
    """A stored report, opened: every ReportDraft field plus id, status and the coarse week."""

    id: int
    status: str
    created_week: datetime.date  # the Monday of the ISO week of submission, never a day or time
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


# --- Casework (issue 4): workflow, messages, follow-up, funnel -------------------------------

# The partners a report can be forwarded to (ids; Dutch labels live in the staff templates).
PARTNERS: tuple[str, ...] = (
    "avim",
    "project_1863",
    "riec_limburg",
    "om",
    "belastingdienst",
    "kmar",
    "leger_des_heils",
)
CLOSE_REASONS: tuple[str, ...] = (
    "handled",  # passed on and dealt with
    "no_grounds",  # no signs of prostitution or exploitation found
    "duplicate",  # the same situation as another report
    "insufficient",  # too little information to act on
    "other",
)
# new -> in_progress -> forwarded -> closed; a report can be closed from any open state and
# taken back into handling from forwarded or closed.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("in_progress", "closed"),
    "in_progress": ("forwarded", "closed"),
    "forwarded": ("in_progress", "closed"),
    "closed": ("in_progress",),
}
# note: internal, staff only; to_resident: a question or message the resident sees with the
# reference code; from_resident: what the resident added later through the chat.
MESSAGE_KINDS: tuple[str, ...] = ("note", "to_resident", "from_resident")
MESSAGE_MAX_LENGTH = 2000
FUNNEL_EVENTS: tuple[str, ...] = ("started", "completed", "cancelled")
# What the resident sees of the status.
RESIDENT_STATUS: dict[str, str] = {
    "new": "received",
    "in_progress": "in_progress",
    "forwarded": "in_progress",
    "closed": "closed",
}


@dataclass(frozen=True)
class Message:
    id: int
    report_id: int
    kind: str  # a MESSAGE_KINDS id
    author: str | None  # the staff name; None for the resident
    created_on: datetime.date  # staff: the day; resident: the Monday of the week
    text: str


@dataclass(frozen=True)
class Case:
    """A report as staff handle it: the opened report plus its workflow state.

    ``address_count``/``street_count`` count the reports (this one included) on the same
    normalised address and street; ``same_address``/``same_street`` list the other reports' ids
    (filled by ``Casework.case``; empty in lists). ``messages`` is filled by ``Casework.case``.
    """

    report: StoredReport
    assigned_to: str | None
    partner: str | None
    close_reason: str | None
    address_count: int = 1
    street_count: int = 1
    same_address: tuple[int, ...] = ()
    same_street: tuple[int, ...] = ()
    messages: tuple[Message, ...] = ()

    @property
    def id(self) -> int:
        return self.report.id

    @property
    def status(self) -> str:
        return self.report.status


@dataclass(frozen=True)
class CaseFilter:
    """Filters of the staff list; None means "any". Weeks are compared by their Monday."""

    status: str | None = None
    sign: str | None = None
    place: str | None = None  # canonical place name, e.g. "Geleen"
    postcode: str | None = None  # "6131" or "6131AB" (prefix match on the full postcode)
    week_from: datetime.date | None = None
    week_to: datetime.date | None = None
    language: str | None = None
    sort: str = "newest"  # "newest", "oldest" or "address_count"


@dataclass(frozen=True)
class FollowUp:
    """What a resident with the reference code sees: the status and the shared thread."""

    status: str  # a RESIDENT_STATUS value: received, in_progress, closed
    messages: tuple[Message, ...]  # to_resident and from_resident only, oldest first
