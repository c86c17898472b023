"""Dutch labels of the staff pages: ids of the reports layer turned into words.

Sign and choice labels come from data/texts/nl.yml (the words the resident saw on the buttons),
so the staff read what the resident chose. The workflow labels (statuses, partners, close
reasons, message kinds) exist only here.
"""

from __future__ import annotations

import datetime

from bot.reports.records import CHOICES, SIGN_IDS
from bot.texts import SOURCE_LANGUAGE, label

STATUS_LABELS: dict[str, str] = {
    "new": "Nieuw",
    "in_progress": "In behandeling",
    "forwarded": "Doorgezet",
    "closed": "Afgesloten",
}
PARTNER_LABELS: dict[str, str] = {
    "avim": "Politie (AVIM)",
    "project_1863": "Project 1863",
    "riec_limburg": "RIEC Limburg",
    "om": "Openbaar Ministerie (OM)",
    "belastingdienst": "Belastingdienst",
    "kmar": "Koninklijke Marechaussee (KMar)",
    "leger_des_heils": "Leger des Heils",
}
CLOSE_REASON_LABELS: dict[str, str] = {
    "handled": "Doorgezet en afgehandeld",
    "no_grounds": "Geen aanwijzingen gevonden",
    "duplicate": "Dubbele melding",
    "insufficient": "Te weinig informatie",
    "other": "Andere reden",
}
MESSAGE_KIND_LABELS: dict[str, str] = {
    "note": "Interne notitie",
    "to_resident": "Aan melder",
    "from_resident": "Van melder",
}
LANGUAGE_LABELS: dict[str, str] = {
    "nl": "Nederlands",
    "en": "Engels",
    "de": "Duits",
    "fr": "Frans",
    "es": "Spaans",
    "pt": "Portugees",
    "pl": "Pools",
    "ro": "Roemeens",
    "bg": "Bulgaars",
    "hu": "Hongaars",
    "uk": "Oekraïens",
    "ru": "Russisch",
}
SORT_LABELS: dict[str, str] = {
    "newest": "Nieuwste eerst",
    "oldest": "Oudste eerst",
    "address_count": "Meeste meldingen op hetzelfde adres",
}
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def sign_label(sign: str) -> str:
    """The Dutch button text of a sign, e.g. "Bezoek op vreemde tijden"."""
    return label(SOURCE_LANGUAGE, "signs", sign)


def signs_label(signs: tuple[str, ...] | list[str]) -> str:
    """Several signs, comma separated, in SIGN_IDS order."""
    return ", ".join(sign_label(s) for s in SIGN_IDS if s in signs)


def answer_label(slot: str, value: str | None) -> str:
    """A "when" answer: the Dutch button text for a choice id, the typed text otherwise."""
    if value is None:
        return ""
    if value in CHOICES.get(slot, ()):
        return label(SOURCE_LANGUAGE, "choices", value)
    return value


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def partner_label(partner: str | None) -> str:
    return PARTNER_LABELS.get(partner, partner) if partner else ""


def close_reason_label(reason: str | None) -> str:
    return CLOSE_REASON_LABELS.get(reason, reason) if reason else ""


def language_label(language: str) -> str:
    return LANGUAGE_LABELS.get(language.split("-")[0], language)


def message_kind_label(kind: str) -> str:
    return MESSAGE_KIND_LABELS.get(kind, kind)


def date_label(day: datetime.date) -> str:
    """A day in short Dutch, e.g. "3 nov 2026"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def week_label(monday: datetime.date) -> str:
    """The submission week as staff see it, e.g. "week van 3 nov 2026"."""
    return f"week van {date_label(monday)}"


def yes_no(value: bool) -> str:
    return "ja" if value else "nee"
