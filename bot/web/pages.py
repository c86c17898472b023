"""GET / (the chat page), GET /demo (a municipal page with the widget) and GET /api/texts."""

from __future__ import annotations

import functools
import html
from pathlib import Path
from string import Template
from typing import Any

from aiohttp import web

from bot.texts import SOURCE_LANGUAGE, available_languages, load, section
from bot.web import keys
from bot.web.language import clean_hint, page_language, text_direction
from bot.web.phone_numbers import linked_html

TEMPLATES_DIR = Path(__file__).parent / "templates"
LINKED_KEYS = frozenset({"page_intro", "danger_banner", "unavailable"})
# The Dutch half of the "show this card" screen: the widget shows it beside the person's language.
CARD_KEYS = ("card_help", "card_unsafe")
NO_STORE = {"Cache-Control": "no-store"}


@functools.cache
def _template(name: str) -> Template:
    return Template((TEMPLATES_DIR / name).read_text(encoding="utf-8"))


def _values(language: str, quick_exit_url: str) -> dict[str, str]:
    """Every web text of a language, escaped (phone numbers as links), plus page values."""
    texts = section(language, "web")
    values = {
        key: linked_html(str(value)) if key in LINKED_KEYS else html.escape(str(value))
        for key, value in texts.items()
    }
    values.update(
        lang=html.escape(language),
        dir=text_direction(language),
        quick_exit_url=html.escape(quick_exit_url),
    )
    values["widget"] = _template("widget.html").substitute(values)
    return values


def render_chat_page(language: str, quick_exit_url: str) -> str:
    """The chat page (full-page mode) in one language; every value is escaped."""
    return _template("chat.html").substitute(_values(language, quick_exit_url))


def render_demo_page(language: str, quick_exit_url: str) -> str:
    """A plain municipal page with a launcher button that opens the widget."""
    return _template("demo.html").substitute(_values(language, quick_exit_url))


def language_menu() -> list[dict[str, str]]:
    """Every language with a texts file, named in itself (the `name` of its file)."""
    return [
        {"code": code, "name": str(load(code).get("name") or code), "dir": text_direction(code)}
        for code in available_languages()
    ]


def _html(page: str) -> web.Response:
    return web.Response(text=page, content_type="text/html", charset="utf-8", headers=NO_STORE)


async def chat_page(request: web.Request) -> web.Response:
    """The chat page, in the language of ?lang= or Dutch."""
    language = page_language(clean_hint(request.query.get("lang")))
    return _html(render_chat_page(language, request.app[keys.CONFIG].quick_exit_url))


async def demo_page(request: web.Request) -> web.Response:
    """The demo municipal page; the widget's language follows ?lang=, the browser or the menu."""
    language = page_language(clean_hint(request.query.get("lang")))
    return _html(render_demo_page(language, request.app[keys.CONFIG].quick_exit_url))


async def texts(request: web.Request) -> web.Response:
    """The web strings in the language of ?lang= (Dutch for anything unsupported).

    Also the language menu (each language named in itself) and the Dutch lines of the card.
    """
    language = page_language(clean_hint(request.query.get("lang")))
    dutch = section(SOURCE_LANGUAGE, "web")
    body: dict[str, Any] = {
        "lang": language,
        "dir": text_direction(language),
        "texts": section(language, "web"),
        "languages": language_menu(),
        "dutch_card": {key: dutch[key] for key in CARD_KEYS if key in dutch},
    }
    return web.json_response(body)
