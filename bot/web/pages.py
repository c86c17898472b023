"""GET / (the chat page) and GET /api/texts (the widget's strings)."""

from __future__ import annotations

import functools
import html
from pathlib import Path
from string import Template

from aiohttp import web

from bot.texts import section
from bot.web import keys
from bot.web.language import clean_hint, page_language, text_direction
from bot.web.phone_numbers import linked_html

TEMPLATES_DIR = Path(__file__).parent / "templates"
LINKED_KEYS = frozenset({"page_intro", "danger_banner", "unavailable"})


@functools.cache
def _template(name: str) -> Template:
    return Template((TEMPLATES_DIR / name).read_text(encoding="utf-8"))


def render_chat_page(language: str, quick_exit_url: str) -> str:
    """The chat page in one language; every value is escaped, phone numbers become links."""
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
    return _template("chat.html").substitute(values)


async def chat_page(request: web.Request) -> web.Response:
    """The chat page, in the language of ?lang= or Dutch."""
    language = page_language(clean_hint(request.query.get("lang")))
    page = render_chat_page(language, request.app[keys.CONFIG].quick_exit_url)
    return web.Response(text=page, content_type="text/html", charset="utf-8")


async def texts(request: web.Request) -> web.Response:
    """The web strings in the language of ?lang= (Dutch for anything unsupported)."""
    language = page_language(clean_hint(request.query.get("lang")))
    return web.json_response(
        {"lang": language, "dir": text_direction(language), "texts": section(language, "web")}
    )
