"""Reading free-text and button answers: keywords per language from data/texts/<lang>.yml."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from bot.texts import SOURCE_LANGUAGE, load, resolve_language


def normalise(text: str) -> str:
    """Lower case, without accents, single spaces: 'Óchtend  laat' -> 'ochtend laat'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("’", "'").split())


def _position(text: str, keyword: str) -> int | None:
    """Where `keyword` occurs in `text` as whole words, or None."""
    match = re.search(rf"(?<!\w){re.escape(normalise(keyword))}(?!\w)", text)
    return match.start() if match else None


def keywords(language: str | None) -> list[dict[str, Any]]:
    """The keyword tables to try: the conversation's language first, then Dutch."""
    code = resolve_language(language)
    tables = [load(code).get("keywords", {})]
    if code != SOURCE_LANGUAGE:
        tables.append(load(SOURCE_LANGUAGE).get("keywords", {}))
    return tables


def has_keyword(text: str, language: str | None, group: str) -> bool:
    """Whether `text` holds one of the words in the flat keyword list `group` (e.g. 'yes')."""
    norm = normalise(text)
    return any(
        _position(norm, word) is not None for table in keywords(language) for word in table[group]
    )


def _matches(text: str, language: str | None, group: str) -> list[tuple[int, str]]:
    norm = normalise(text)
    found: dict[str, int] = {}
    for table in keywords(language):
        for key, words in table[group].items():
            for word in words:
                position = _position(norm, word)
                if position is not None and position < found.get(key, len(norm) + 1):
                    found[key] = position
    return sorted((position, key) for key, position in found.items())


def match_one(text: str, language: str | None, group: str) -> str | None:
    """The first option of a keyword group (e.g. 'frequency') named in `text`."""
    matches = _matches(text, language, group)
    return matches[0][1] if matches else None


def match_all(text: str, language: str | None, group: str) -> list[str]:
    """Every option of a keyword group named in `text`, in order of appearance."""
    return [key for _, key in _matches(text, language, group)]


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
