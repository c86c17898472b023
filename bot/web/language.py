"""The language hint of a browser (e.g. 'en-GB'), as the web app uses it."""

from __future__ import annotations

from bot.texts import available_languages, resolve_language

MAX_HINT_CHARS = 35
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ps", "ur", "yi"})


def clean_hint(value: object) -> str | None:
    """The hint if it is a short string, else None (anything else is ignored)."""
    if isinstance(value, str) and 0 < len(value) <= MAX_HINT_CHARS:
        return value
    return None


def supported_language(hint: str | None) -> str | None:
    """The supported language the hint names, or None when it names none (no Dutch fallback)."""
    if not hint:
        return None
    code = hint.strip().lower().replace("_", "-").split("-")[0]
    return code if code in available_languages() else None


def page_language(hint: str | None) -> str:
    """The language for the web app's own texts: the hint's language, or Dutch."""
    return resolve_language(hint)


def text_direction(language: str) -> str:
    """'rtl' for right-to-left scripts, else 'ltr'."""
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"
