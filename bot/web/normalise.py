"""Cleaning of incoming chat text: one Unicode form, no invisible control characters."""

from __future__ import annotations

import unicodedata

_KEPT_CONTROLS = frozenset("\n\t")


def normalise_text(text: str) -> str:
    """NFC text without lone surrogates, NUL or control characters (newline and tab stay).

    Line breaks of any style become a newline; emoji, joiners and every script stay intact.
    """
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cs")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch in _KEPT_CONTROLS or unicodedata.category(ch) != "Cc")
