"""Reading free-text and button answers: keywords per language from data/texts/<lang>.yml."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from bot.texts import SOURCE_LANGUAGE, load, resolve_language

APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "‛": "'", "`": "'", "´": "'"})


def normalise(text: str) -> str:
    """Lower case, without accents, single spaces: 'Óchtend  laat' -> 'ochtend laat'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(APOSTROPHES))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def _position(text: str, keyword: str) -> int | None:
    """Where `keyword` occurs in `text` as whole words, or None."""
    match = re.search(rf"(?<!\w){re.escape(normalise(keyword))}(?!\w)", text)
    return match.start() if match else None


def _codes(language: str | None) -> list[str]:
    """The conversation's language first, then Dutch (people mix in Dutch words)."""
    code = resolve_language(language)
    return [code] if code == SOURCE_LANGUAGE else [code, SOURCE_LANGUAGE]


def keywords(language: str | None) -> list[dict[str, Any]]:
    """The keyword tables to try, in order."""
    return [load(code).get("keywords", {}) for code in _codes(language)]


def _options(language: str | None, group: str) -> dict[str, list[str]]:
    """Words per option of a group; an option's own label (the button title) counts too."""
    options: dict[str, list[str]] = {}
    for code in _codes(language):
        texts = load(code)
        labels = texts.get("labels", {})
        label_group = labels.get(group) or labels.get("choices", {})
        for key, words in texts.get("keywords", {}).get(group, {}).items():
            options.setdefault(key, []).extend(words)
            if key in label_group:
                options[key].append(label_group[key])
    return options


def has_keyword(text: str, language: str | None, group: str) -> bool:
    """Whether `text` holds one of the words in the flat keyword list `group` (e.g. 'yes')."""
    norm = normalise(text)
    return any(
        _position(norm, word) is not None for table in keywords(language) for word in table[group]
    )


def is_only(text: str, language: str | None, *groups: str) -> bool:
    """Whether `text` is nothing but one entry of the flat keyword lists `groups` ("Nee.",
    "nothing"), punctuation aside."""
    norm = " ".join(re.sub(r"[^\w\s']", " ", normalise(text)).split())
    return bool(norm) and any(
        norm == normalise(word)
        for table in keywords(language)
        for group in groups
        for word in table.get(group, [])
    )


def _matches(text: str, language: str | None, group: str) -> list[tuple[int, int, str]]:
    """(start, end, option) of the longest phrase of each option found in `text`.

    A longer phrase hides the shorter ones inside it: in "een keer per week" the option
    'weekly' wins over 'once' ("een keer").
    """
    norm = normalise(text)
    best: dict[str, tuple[int, int]] = {}
    for key, words in _options(language, group).items():
        for word in words:
            phrase = normalise(word)
            position = _position(norm, word)
            if position is None or not phrase:
                continue
            span = (position, position + len(phrase))
            current = best.get(key)
            if current is None or span[1] - span[0] > current[1] - current[0]:
                best[key] = span
    spans = sorted(
        ((start, end, key) for key, (start, end) in best.items()),
        key=lambda item: (item[0] - item[1], item[0]),
    )
    kept: list[tuple[int, int, str]] = []
    for start, end, key in spans:
        if not any(start >= s and end <= e for s, e, _ in kept):
            kept.append((start, end, key))
    return sorted(kept)


def match_one(text: str, language: str | None, group: str) -> str | None:
    """The option of a keyword group (e.g. 'frequency') named first in `text`."""
    matches = _matches(text, language, group)
    return matches[0][2] if matches else None


def match_all(text: str, language: str | None, group: str) -> list[str]:
    """Every option of a keyword group named in `text`, in order of appearance."""
    return [key for _, _, key in _matches(text, language, group)]


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
