"""Normalised addresses, to group independent reports on the same address or street.

Residents type addresses freely: "Rijksweg Zuid 12a", "rijksweg-zuid 12 A, Geleen",
"Rijksweg Zd. 12A". The key folds case and diacritics, turns punctuation into spaces, drops a
postcode and the place name, writes common abbreviations out, and splits the house number (with
its letter or addition) from the street. Two reports share an address when place, street and
number are equal; they share a street when place and street are equal. The place is the
canonical place the resident confirmed (always present), so a missing postcode does not split a
group.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.reports.places import INSIDE_PLACES, OUTSIDE_PLACES

_POSTCODE = re.compile(r"\b[1-9][0-9]{3}\s?[a-z]{2}\b|\b[1-9][0-9]{3}\b")
# A house number: digits, then an optional letter or addition ("12a", "12 a", "12-2").
_NUMBER = re.compile(r"\b(\d{1,5})(?:\s*-?\s*([a-z]|\d{1,3})\b)?")
_NOT_WORD = re.compile(r"[^\w]+")
_ABBREVIATIONS: dict[str, str] = {
    "str": "straat",
    "ln": "laan",
    "pln": "plein",
    "wg": "weg",
    "zd": "zuid",
    "nrd": "noord",
    "oost": "oost",
    "w": "west",
    "st": "sint",
}
_PLACE_WORDS: frozenset[str] = frozenset(
    word
    for name in INSIDE_PLACES + OUTSIDE_PLACES + ("Sittard-Geleen",)
    for word in re.split(r"[\s\-]+", name.casefold())
)
_FILLER: frozenset[str] = frozenset({"nr", "nummer", "no", "huisnummer", "bij", "naast", "te"})


@dataclass(frozen=True)
class AddressKey:
    place: str  # canonical place, case-folded
    street: str  # normalised street name ("" when none was recognised)
    number: str  # "12a", "12-2"; "" when no house number was given

    @property
    def street_key(self) -> tuple[str, str] | None:
        """The key of the street, or None without a street and number (a description, such as
        "the house next to the church", names no street)."""
        return (self.place, self.street) if self.street and self.number else None

    @property
    def address_key(self) -> tuple[str, str, str] | None:
        """The key of the address, or None without both a street and a number."""
        return (self.place, self.street, self.number) if self.street and self.number else None


def fold(text: str) -> str:
    """Lower case without diacritics, punctuation as single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def address_key(address: str, place: str) -> AddressKey:
    """The normalised key of a free-text address in a (canonical) place."""
    text = fold(_POSTCODE.sub(" ", address.casefold()))
    number = ""
    match = _NUMBER.search(text)
    street_part = text
    if match:
        number = match.group(1).lstrip("0") or "0"
        addition = match.group(2)
        if addition:
            number += addition if addition.isalpha() else f"-{addition}"
        street_part = text[: match.start()]
    words = [_ABBREVIATIONS.get(word, word) for word in street_part.split()]
    words = [w for w in words if w not in _PLACE_WORDS and w not in _FILLER]
    return AddressKey(place=fold(place), street=" ".join(words), number=number)
