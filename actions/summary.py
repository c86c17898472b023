"""The summary shown before a report is sent, in the person's language."""

from __future__ import annotations

from typing import Any

from bot.texts import label

SKIPPED = "skip"
# The answers a person may skip (they then hold SKIPPED).
OPTIONAL_SLOTS = ("vehicles", "persons", "description")


def _value(language: str, value: Any) -> str:
    """A stored choice id shown by its label; free text as typed."""
    if value in (None, SKIPPED):
        return "-"
    text = str(value)
    shown = label(language, "choices", text)
    return shown if shown != text else text


def build_summary(slots: dict[str, Any], language: str) -> str:
    signs = [label(language, "signs", sign) for sign in slots.get("signs") or []]
    if slots.get("signs_other"):
        signs.append(str(slots["signs_other"]))
    place = ", ".join(
        part
        for part in (
            slots.get("location_address"),
            slots.get("location_postcode"),
            slots.get("location_place"),
        )
        if part
    )
    rows = [
        ("signs", "; ".join(signs)),
        ("location", place),
        ("time_of_day", _value(language, slots.get("time_of_day"))),
        ("frequency", _value(language, slots.get("frequency"))),
        ("since_when", _value(language, slots.get("since_when"))),
        ("vehicles", _value(language, slots.get("vehicles"))),
        ("persons", _value(language, slots.get("persons"))),
        ("description", _value(language, slots.get("description"))),
    ]
    return "\n".join(f"- {label(language, 'fields', key)}: {value}" for key, value in rows)
