"""The chat page, its static files, /api/texts and the `python -m bot.web` entry point."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

import bot.web.__main__ as web_main
from bot.texts import section, web_text
from bot.web import WebConfig, create_app
from bot.web.pages import render_chat_page
from bot.web.phone_numbers import linked_html

STATIC = Path(__file__).resolve().parents[2] / "bot" / "web" / "static"
WEB_KEYS = {
    "page_title",
    "page_intro",
    "chat_label",
    "input_label",
    "input_placeholder",
    "send",
    "quick_exit",
    "typing",
    "empty",
    "too_long",
    "unreadable",
    "unavailable",
    "network_error",
    "retry",
    "danger_banner",
}


class Page(HTMLParser):
    """Collects elements, attributes and the bodies of <script> and <style> elements."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.inline: list[tuple[str, str]] = []
        self.texts: dict[str, str] = {}
        self._open: list[str] = []
        self._ids: list[str | None] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag not in {"meta", "link", "input", "br"}:
            self._open.append(tag)
            self._ids.append(dict(attrs).get("id"))

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()
            self._ids.pop()

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] in {"script", "style"} and data.strip():
            self.inline.append((self._open[-1], data))
        for element_id in self._ids:
            if element_id:
                self.texts[element_id] = self.texts.get(element_id, "") + data

    def find(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.elements
            if name == tag and all(attrs.get(key) == value for key, value in wanted.items())
        ]

    def by_id(self, element_id: str) -> tuple[str, dict[str, str | None]]:
        matches = [(tag, attrs) for tag, attrs in self.elements if attrs.get("id") == element_id]
        assert len(matches) == 1, element_id
        return matches[0]


@pytest_asyncio.fixture
async def client(aiohttp_client) -> Any:
    config = WebConfig(rasa_urls=("http://127.0.0.1:9",), action_server_url="http://127.0.0.1:9")
    return await aiohttp_client(create_app(config))


async def get_page(client: Any, query: str = "") -> tuple[Any, Page]:
    response = await client.get("/" + query)
    assert response.status == 200
    return response, Page(await response.text())


# --- the chat page ------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_page_is_html_in_dutch_by_default(client):
    response, page = await get_page(client)

    assert response.content_type == "text/html"
    assert response.charset == "utf-8"
    assert page.find("html")[0]["lang"] == "nl"
    assert page.texts["page-title"] == web_text("nl", "page_title")
    assert page.texts["page-intro"] == web_text("nl", "page_intro")
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.asyncio
async def test_page_has_the_chat_parts(client):
    _, page = await get_page(client)

    tag, log = page.by_id("chat-log")
    assert log["role"] == "log"
    assert log["aria-live"] == "polite"
    assert page.find("form", id="chat-form")
    assert page.find("label", **{"for": "chat-input"})
    assert page.texts["input-label"] == web_text("nl", "input_label")
    tag, field = page.by_id("chat-input")
    assert tag == "input"
    assert field["type"] == "text"
    tag, send = page.by_id("chat-send")
    assert (tag, send["type"]) == ("button", "submit")
    assert page.texts["chat-send"] == web_text("nl", "send")
    assert page.find("script", src="/static/chat.js")
    assert page.find("link", rel="stylesheet", href="/static/chat.css")


@pytest.mark.asyncio
async def test_page_has_the_quick_exit_and_the_112_banner(client):
    _, page = await get_page(client)

    _, quick_exit = page.by_id("quick-exit")
    assert quick_exit["href"] == "https://www.weeronline.nl/"
    assert "noreferrer" in (quick_exit["rel"] or "")
    assert page.texts["quick-exit"] == web_text("nl", "quick_exit") == "Snel weg"
    assert page.find("body")[0]["data-quick-exit-url"] == "https://www.weeronline.nl/"
    assert page.texts["danger-banner"] == web_text("nl", "danger_banner")
    assert page.find("a", href="tel:112")


@pytest.mark.asyncio
async def test_page_is_csp_safe(client):
    _, page = await get_page(client)

    assert page.inline == []
    assert not page.find("style")
    for tag, attrs in page.elements:
        assert "style" not in attrs, tag
        assert not [name for name in attrs if name.startswith("on")], tag
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").lower().startswith("javascript:"), tag
    for script in page.find("script"):
        assert script["src"] and script["src"].startswith("/static/")


@pytest.mark.asyncio
async def test_page_in_english(client):
    _, page = await get_page(client, "?lang=en")

    assert page.find("html")[0]["lang"] == "en"
    assert page.texts["page-title"] == web_text("en", "page_title")
    assert page.texts["page-title"] != web_text("nl", "page_title")
    assert page.texts["quick-exit"] == web_text("en", "quick_exit") == "Quick exit"
    assert page.texts["chat-send"] == web_text("en", "send")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("query", "language"),
    [("?lang=en-GB", "en"), ("?lang=xx", "nl"), ("?lang=" + "e" * 40, "nl"), ("?lang=", "nl")],
)
async def test_page_language_falls_back_to_dutch(client, query, language):
    _, page = await get_page(client, query)
    assert page.find("html")[0]["lang"] == language


@pytest.mark.asyncio
async def test_page_does_not_reflect_the_query(client):
    response = await client.get('/?lang="><script>alert(1)</script>')
    html = await response.text()
    assert "alert(1)" not in html
    assert "<script>" not in html


def test_page_escapes_every_text(monkeypatch):
    texts = {key: f'<b onmouseover="x">{key} & co</b>' for key in WEB_KEYS}
    monkeypatch.setattr("bot.web.pages.section", lambda language, name: texts)

    html = render_chat_page("nl", 'https://example.org/?a="><i>')
    page = Page(html)

    assert not page.find("b")
    assert not page.find("i")
    assert "&lt;b onmouseover=&quot;x&quot;&gt;page_title &amp; co&lt;/b&gt;" in html
    assert page.find("body")[0]["data-quick-exit-url"] == 'https://example.org/?a="><i>'
    assert page.find("body")[0]["data-network-error"] == texts["network_error"]


# --- phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "digits"),
    [
        ("06 25 76 50 52", "0625765052"),
        ("0800-7000", "08007000"),
        ("112", "112"),
        ("033 448 11 86", "0334481186"),
        ("046 477 77 77", "0464777777"),
    ],
)
def test_phone_numbers_become_tel_links(number, digits):
    assert linked_html(f"Bel {number}.") == f'Bel <a href="tel:{digits}">{number}</a>.'


@pytest.mark.parametrize("text", ["in 2024", "code ZS-0123-45", "1120 euro", "postcode 6131"])
def test_other_numbers_stay_text(text):
    assert linked_html(text) == text


# --- static files -------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("path", "types"),
    [
        ("/static/chat.js", {"text/javascript", "application/javascript"}),
        ("/static/chat.css", {"text/css"}),
    ],
)
async def test_static_files_are_served_with_their_type(client, path, types):
    response = await client.get(path)

    assert response.status == 200
    assert response.content_type in types
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert await response.read() == (STATIC / path.rsplit("/", 1)[1]).read_bytes()


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "path", ["/static/", "/static/../app.py", "/static/%2e%2e/app.py", "/static/nope.js"]
)
async def test_static_serves_nothing_else(client, path):
    response = await client.get(path)
    assert response.status in {403, 404}
    assert "def create_app" not in await response.text()
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_widget_script_keeps_to_the_rules():
    script = (STATIC / "chat.js").read_text(encoding="utf-8")

    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert forbidden not in script
    for forbidden in ("localStorage", "document.cookie", "http://", "https://", "//cdn"):
        assert forbidden not in script
    for required in ("crypto.getRandomValues", "sessionStorage", "location.replace", '"/greet"'):
        assert required in script
    assert "/api/texts?lang=" in script
    assert "navigator.language" in script


def test_stylesheet_has_a_visible_focus_style():
    css = (STATIC / "chat.css").read_text(encoding="utf-8")
    focus = re.search(r":focus-visible\s*{([^}]*)}", css)
    assert focus and "outline: 3px solid" in focus.group(1)
    assert "outline: none" not in css


# --- /api/texts ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_texts_in_english(client):
    response = await client.get("/api/texts?lang=en")

    assert response.status == 200
    body = await response.json()
    assert body["lang"] == "en"
    assert body["dir"] == "ltr"
    assert set(body["texts"]) >= WEB_KEYS
    assert body["texts"] == section("en", "web")
    assert body["texts"]["send"] != web_text("nl", "send")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("query", ["?lang=xx-ZZ", "", "?lang=" + "en" * 20, "?lang=<script>"])
@pytest.mark.asyncio
async def test_texts_fall_back_to_dutch(client, query):
    response = await client.get("/api/texts" + query)

    assert response.status == 200
    body = await response.json()
    assert body["lang"] == "nl"
    assert body["texts"] == section("nl", "web")
    assert set(body["texts"]) >= WEB_KEYS


# --- python -m bot.web --------------------------------------------------------------------------


def test_main_runs_without_access_log(monkeypatch, capsys):
    calls: list[dict[str, Any]] = []

    def fake_run_app(app: Any, **kwargs: Any) -> None:
        calls.append(kwargs)
        kwargs["print"]("======== Running on http://0.0.0.0:1 ========")

    monkeypatch.setenv("ZICHT_WEB_HOST", "127.0.0.2")
    monkeypatch.setenv("ZICHT_WEB_PORT", "8099")
    monkeypatch.setenv("ZICHT_RASA_URLS", "http://127.0.0.1:5005, http://127.0.0.1:5006/")
    monkeypatch.setattr(web_main.web, "run_app", fake_run_app)

    web_main.main()

    assert len(calls) == 1
    assert calls[0]["access_log"] is None
    assert (calls[0]["host"], calls[0]["port"]) == ("127.0.0.2", 8099)
    assert capsys.readouterr().out == "Zicht web app: http://127.0.0.2:8099\n"


def test_config_from_the_environment(monkeypatch):
    monkeypatch.setenv("ZICHT_RASA_URLS", "http://127.0.0.1:5005, http://127.0.0.1:5006/")
    monkeypatch.setenv("ZICHT_ACTIONS_URL", "http://127.0.0.1:6055")
    monkeypatch.setenv("ZICHT_QUICK_EXIT_URL", "https://www.nu.nl/")
    monkeypatch.setenv("ZICHT_FRAME_ANCESTORS", "https://www.sittard-geleen.nl")
    monkeypatch.delenv("ZICHT_WEB_PORT", raising=False)

    config = WebConfig.from_env()

    assert config.rasa_urls == ("http://127.0.0.1:5005", "http://127.0.0.1:5006")
    assert config.action_server_url == "http://127.0.0.1:6055"
    assert config.quick_exit_url == "https://www.nu.nl/"
    assert config.frame_ancestors == "https://www.sittard-geleen.nl"
    assert (config.port, config.max_chars, config.rasa_timeout) == (8080, 2000, 15.0)
