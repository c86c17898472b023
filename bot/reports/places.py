"""Is a location in the municipality of Sittard-Geleen?

Source of the area (postcodes and place names): /work/shared/FACTS.md, section "The area"
(postcodes: German Wikipedia infobox, 2024; places: limburger.nl, vakantieinlimburg.nl).
The outside places below are a short list of well-known places near (or far from) the
municipality that residents are likely to name; they are only used to say "outside".

resolve_place() reads what a resident typed: a postcode decides first ("6131 AB", "6131ab",
"6131"); otherwise a place name, found case- and accent-insensitively and with small typos
("sitard", "Muntergeleen", "geleen centrum"). Place names are matched as whole words, so a street
named after a place ("Geleenstraat 4") does not count, and in an address line the place after the
last comma wins ("Geleenstraat 4, Heerlen" is outside).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

PlaceStatus = Literal["inside", "outside", "unknown"]

POSTCODE_RANGES: tuple[tuple[int, int], ...] = (
    (6121, 6125),
    (6127, 6127),
    (6131, 6137),
    (6141, 6143),
    (6151, 6151),
    (6153, 6153),
    (6161, 6167),
)
PLACES: tuple[str, ...] = (
    "Sittard",
    "Geleen",
    "Born",
    "Buchten",
    "Holtum",
    "Papenhoven",
    "Graetheide",
    "Windraak",
    "Limbricht",
    "Einighausen",
    "Guttecoven",
    "Munstergeleen",
    "Obbicht",
    "Grevenbicht",
)
# district -> the place it belongs to
DISTRICTS: dict[str, str] = {
    "Broeksittard": "Sittard",
    "Lindenheuvel": "Geleen",
    "Lutterade": "Geleen",
    "Krawinkel": "Geleen",
    "Kluis": "Geleen",
    "Oud-Geleen": "Geleen",
    "Haesselderveld": "Geleen",
}
INSIDE_PLACES: tuple[str, ...] = PLACES + tuple(DISTRICTS)
OUTSIDE_PLACES: tuple[str, ...] = (
    "Maastricht",
    "Heerlen",
    "Roermond",
    "Venlo",
    "Amsterdam",
    "Rotterdam",
    "Den Haag",
    "Utrecht",
    "Eindhoven",
    "Kerkrade",
    "Brunssum",
    "Landgraaf",
    "Stein",
    "Elsloo",
    "Urmond",
    "Beek",
    "Echt",
    "Susteren",
    "Echt-Susteren",
    "Nieuwstadt",
    "Schinnen",
)
MUNICIPALITY = "Sittard-Geleen"

# Place names that are also everyday words ("echt" = really, "beek" = brook, "kluis" = safe,
# "born", German "Stein" = stone). They count only where the text reads like a place: alone in
# their part of the text, after a preposition such as "in", before "centrum", or capitalised
# inside a sentence. They are never matched with typos.
_WORD_LIKE = frozenset({"born", "kluis", "echt", "beek", "stein"})
_PREPOSITIONS = frozenset(
    {
        "in",
        "te",
        "bij",
        "uit",
        "naar",
        "nabij",
        "omgeving",
        "richting",
        "near",
        "at",
        "from",
        "around",
        "im",
        "bei",
        "aus",
        "nach",
        "um",
        "w",
        "we",
        "z",
        "ze",
        "kolo",
        "obok",
        "dans",
        "pres",
        "em",
        "cerca",
    }
)
_QUALIFIERS = frozenset(
    {
        "centrum",
        "noord",
        "zuid",
        "oost",
        "west",
        "center",
        "centre",
        "city",
        "dorp",
        "stad",
        "zentrum",
    }
)
_ARTICLES = frozenset(
    {
        "de",
        "het",
        "een",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "the",
        "a",
        "an",
    }
)
# Everyday words within typo distance of a place name.
_NOT_TYPOS = frozenset(
    {"gelegen", "geleden", "gelezen", "geleend", "gelden", "gemeen", "gelesen", "bochten", "sitter"}
)
_FUZZY_CUTOFF = 0.8
_FUZZY_MIN_LENGTH = 5
_FUZZY_MAX_LENGTH_DIFFERENCE = 2
_MAX_NGRAM = 3

_POSTCODE = re.compile(r"(?<!\w)([1-9][0-9]{3})(?:[ \t]?([A-Za-z]{2}))?(?!\w)")
_WORD = re.compile(r"[^\W\d_]+")
_SEGMENT_BREAK = re.compile(r"[,;\n|]")


@dataclass(frozen=True)
class PlaceMatch:
    status: PlaceStatus
    place: str | None  # canonical name: a place, a district, or a known outside place
    postcode: str | None  # normalised: "6131" or "6131AB"


@dataclass(frozen=True)
class _Candidate:
    name: str
    inside: bool
    exact: bool
    word_like: bool
    segment: int
    position: int


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _key(name: str) -> str:
    return "".join(_WORD.findall(_fold(name)))


_INSIDE_KEYS: dict[str, str] = {_key(n): n for n in INSIDE_PLACES}
_OUTSIDE_KEYS: dict[str, str] = {_key(n): n for n in OUTSIDE_PLACES}
_MUNICIPALITY_KEY = _key(MUNICIPALITY)
_FUZZY_KEYS: tuple[str, ...] = tuple(
    k for k in (*_INSIDE_KEYS, *_OUTSIDE_KEYS) if len(k) >= _FUZZY_MIN_LENGTH + 1
)


def is_inside_postcode(postcode: str | int) -> bool:
    """True when the postcode's four digits are in one of the municipality's ranges."""
    digits = int(str(postcode).strip()[:4])
    return any(low <= digits <= high for low, high in POSTCODE_RANGES)


def resolve_place(text: str) -> PlaceMatch:
    """Whether a typed location lies inside Sittard-Geleen, with the place and postcode found."""
    if not isinstance(text, str) or not text.strip():
        return PlaceMatch("unknown", None, None)
    postcode, masked = _find_postcode(text)
    candidates, municipality = _find_places(masked)
    if postcode is not None:
        inside = is_inside_postcode(postcode)
        same_side = [c for c in candidates if c.inside == inside]
        place = _best(same_side).name if same_side else None
        return PlaceMatch("inside" if inside else "outside", place, postcode)
    if candidates:
        best = _best(candidates)
        return PlaceMatch("inside" if best.inside else "outside", best.name, None)
    if municipality:
        return PlaceMatch("inside", None, None)
    return PlaceMatch("unknown", None, None)


def extract_place_from_address(text: str) -> PlaceMatch:
    """resolve_place() for a whole address line such as "Rijksweg Zuid 12, 6131 AB Geleen".

    The same rules serve both: a postcode decides; otherwise the place in the last
    comma-separated part wins, and a place name inside a street name never counts.
    """
    return resolve_place(text)


def _find_postcode(text: str) -> tuple[str | None, str]:
    """The first postcode (one with letters preferred) and the text with all postcodes blanked."""
    matches = list(_POSTCODE.finditer(text))
    if not matches:
        return None, text
    chosen = next((m for m in matches if m.group(2)), matches[0])
    postcode = chosen.group(1) + (chosen.group(2) or "").upper()
    masked = text
    for m in matches:
        masked = masked[: m.start()] + " " * (m.end() - m.start()) + masked[m.end() :]
    return postcode, masked


def _find_places(text: str) -> tuple[list[_Candidate], bool]:
    candidates: list[_Candidate] = []
    municipality = False
    for segment_index, (start, segment) in enumerate(_segments(text)):
        words = list(_WORD.finditer(segment))
        keys = [_fold(w.group()) for w in words]
        used = [False] * len(words)
        for i in range(len(words)):
            if used[i]:
                continue
            for n in range(min(_MAX_NGRAM, len(words) - i), 0, -1):
                key = "".join(keys[i : i + n])
                if key == _MUNICIPALITY_KEY:
                    municipality = True
                elif key in _INSIDE_KEYS or key in _OUTSIDE_KEYS:
                    if key in _WORD_LIKE and not _reads_as_place(text, words, i, start):
                        continue
                    candidates.append(
                        _Candidate(
                            name=_INSIDE_KEYS.get(key) or _OUTSIDE_KEYS[key],
                            inside=key in _INSIDE_KEYS,
                            exact=True,
                            word_like=key in _WORD_LIKE,
                            segment=segment_index,
                            position=start + words[i].start(),
                        )
                    )
                else:
                    continue
                used[i : i + n] = [True] * n
                break
        candidates.extend(_fuzzy(words, keys, used, segment_index, start))
    return _drop_parents(candidates), municipality


def _fuzzy(
    words: list[re.Match[str]], keys: list[str], used: list[bool], segment: int, start: int
) -> list[_Candidate]:
    found: list[_Candidate] = []
    i = 0
    while i < len(keys):
        if used[i]:
            i += 1
            continue
        tries = [(keys[i], 1)]
        if i + 1 < len(keys) and not used[i + 1]:
            tries.append((keys[i] + keys[i + 1], 2))  # "munster gelen"
        step = 1
        for attempt, width in tries:
            name = _close_name(attempt)
            if name is not None:
                found.append(
                    _Candidate(
                        name=name,
                        inside=name in INSIDE_PLACES,
                        exact=False,
                        word_like=False,
                        segment=segment,
                        position=start + words[i].start(),
                    )
                )
                step = width
                break
        i += step
    return found


def _close_name(key: str) -> str | None:
    if len(key) < _FUZZY_MIN_LENGTH or key in _NOT_TYPOS:
        return None
    best_ratio, best_key = 0.0, None
    for candidate in _FUZZY_KEYS:
        if candidate[0] != key[0] or abs(len(candidate) - len(key)) > _FUZZY_MAX_LENGTH_DIFFERENCE:
            continue
        ratio = SequenceMatcher(None, key, candidate).ratio()
        if ratio > best_ratio:
            best_ratio, best_key = ratio, candidate
    if best_key is None or best_ratio < _FUZZY_CUTOFF:
        return None
    return _INSIDE_KEYS.get(best_key) or _OUTSIDE_KEYS[best_key]


def _reads_as_place(text: str, words: list[re.Match[str]], i: int, start: int) -> bool:
    """Whether a word-like place name (e.g. "echt", "born") is used as a place here."""
    if len(words) == 1:
        return True
    before = _fold(words[i - 1].group()) if i > 0 else None
    after = _fold(words[i + 1].group()) if i + 1 < len(words) else None
    if before in _PREPOSITIONS or after in _QUALIFIERS:
        return True
    word = words[i].group()
    preceding = text[: start + words[i].start()].rstrip()
    sentence_start = not preceding or preceding[-1] in ".!?:"
    return word[0].isupper() and not sentence_start and before not in _ARTICLES


def _drop_parents(candidates: list[_Candidate]) -> list[_Candidate]:
    """ "Lindenheuvel, Geleen" names the district: keep it rather than its parent place."""
    parents = {DISTRICTS[c.name] for c in candidates if c.name in DISTRICTS}
    return [c for c in candidates if c.name not in parents]


def _best(candidates: list[_Candidate]) -> _Candidate:
    # exact spelling first, then real place names over word-like ones, then the last
    # comma-separated part (the town of an address), then inside, then the last mention
    return max(
        candidates,
        key=lambda c: (c.exact, not c.word_like, c.segment, c.inside, c.position),
    )


def _segments(text: str) -> list[tuple[int, str]]:
    parts: list[tuple[int, str]] = []
    start = 0
    for m in _SEGMENT_BREAK.finditer(text):
        parts.append((start, text[start : m.start()]))
        start = m.end()
    parts.append((start, text[start:]))
    return [(s, p) for s, p in parts if _WORD.search(p)]
