"""Phone numbers in texts as tel: links (the same pattern as in static/chat.js)."""

from __future__ import annotations

import html
import re

# 112, or a Dutch number: 0 plus digits in groups split by single spaces or hyphens.
PHONE_NUMBER = re.compile(r"(?<![\w+-])(?:112|0\d{1,3}(?:[ -]?\d{2,4}){1,4})(?![\w-])")


def _is_phone_number(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    return digits == "112" or 8 <= len(digits) <= 11


def linked_html(text: str) -> str:
    """The text as escaped HTML, with every phone number a tel: link."""
    parts: list[str] = []
    position = 0
    for match in PHONE_NUMBER.finditer(text):
        if not _is_phone_number(match.group()):
            continue
        digits = re.sub(r"\D", "", match.group())
        parts.append(html.escape(text[position : match.start()]))
        parts.append(f'<a href="tel:{digits}">{html.escape(match.group())}</a>')
        position = match.end()
    parts.append(html.escape(text[position:]))
    return "".join(parts)
