"""The chat page, its static files, /api/texts and the `python -m bot.web` entry point."""

from __future__ import annotations

import asyncio
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

import bot.web.__main__ as web_main
from bot.texts import available_languages, load, section, web_text
from bot.web import WebConfig, create_app, keys
from bot.web.once import ReplyCache, handled_once, message_key
from bot.web.pages import render_chat_page, render_demo_page
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
    # the widget (issue 6)
    "language_menu",
    "launcher",
    "close",
    "quick_exit_hint",
    "you_said",
    "bot_said",
    "card_button",
    "card_title",
    "card_help",
    "card_unsafe",
    "card_interpreter",
    "card_interpreter_nl",
    "card_note",
    "card_close",
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
@pytest.mark.parametrize("path", ["", "demo"])
async def test_page_is_csp_safe(client, path):
    _, page = await get_page(client, path)

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


@pytest.mark.parametrize("render", [render_chat_page, render_demo_page])
def test_page_escapes_every_text(monkeypatch, render):
    texts = {key: f'<b onmouseover="x">{key} & co</b>' for key in WEB_KEYS}
    monkeypatch.setattr("bot.web.pages.section", lambda language, name: texts)

    html = render("nl", 'https://example.org/?a="><i>')
    page = Page(html)

    assert not page.find("b")
    assert not page.find("i")
    assert "&lt;b onmouseover=&quot;x&quot;&gt;chat_label &amp; co&lt;/b&gt;" in html
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
        ("/static/demo.css", {"text/css"}),
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
    for required in ("message_id", '"Escape"', '"/info_papers"', '"0625765052"', "textContent"):
        assert required in script
    assert "/api/texts?lang=" in script
    assert "navigator.language" in script


def test_stylesheet_has_a_visible_focus_style():
    css = (STATIC / "chat.css").read_text(encoding="utf-8")
    focus = re.search(r":focus-visible\s*{([^}]*)}", css)
    assert focus and "outline: 3px solid" in focus.group(1)
    assert "outline: none" not in css


# --- the widget in the page, and the demo page -------------------------------------------------


@pytest.mark.asyncio
async def test_chat_page_holds_the_widget_in_full_page_mode(client):
    _, page = await get_page(client)

    assert page.find("body")[0]["data-mode"] == "page"
    tag, widget = page.by_id("zicht")
    assert (tag, widget["aria-labelledby"]) == ("section", "chat-label")
    _, language = page.by_id("language-button")
    assert language["aria-controls"] == "language-list"
    assert language["aria-expanded"] == "false"
    assert page.by_id("language-list")[0] == "ul"
    tag, card = page.by_id("card")
    assert tag == "section" and "hidden" in card
    assert page.by_id("card-title")[1]["tabindex"] == "-1"
    assert page.texts["card-title"] == web_text("nl", "card_title")
    assert page.by_id("chat-log")[1]["tabindex"] == "0"
    assert page.by_id("typing")[1]["role"] == "status"
    assert page.texts["quick-exit-hint"] == web_text("nl", "quick_exit_hint")
    assert "hidden" in page.by_id("pictograms")[1]
    pictograms = page.find("svg", **{"aria-hidden": "true", "focusable": "false"})
    assert {svg.get("data-pict") for svg in pictograms} >= {
        "report",
        "help",
        "info",
        "code",
        "card",
    }
    ids = [attrs["id"] for _, attrs in page.elements if attrs.get("id")]
    assert len(ids) == len(set(ids))


@pytest.mark.asyncio
async def test_demo_page_is_a_municipal_page_with_a_launcher(client):
    response, page = await get_page(client, "demo")

    assert response.content_type == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert page.find("html")[0]["lang"] == "nl"
    assert page.find("body")[0]["data-mode"] == "launcher"
    assert page.find("h1")
    assert page.find("main") and page.find("header") and page.find("footer")
    tag, launcher = page.by_id("launcher")
    assert (tag, launcher["type"]) == ("button", "button")
    assert (launcher["aria-controls"], launcher["aria-expanded"]) == ("zicht", "false")
    assert page.texts["launcher-label"] == web_text("nl", "launcher")
    tag, widget = page.by_id("zicht")
    assert (widget["role"], widget["aria-labelledby"]) == ("dialog", "chat-label")
    assert "hidden" in widget
    assert page.by_id("widget-close")[1]["aria-labelledby"] == "widget-close-label"
    assert page.texts["widget-close-label"] == web_text("nl", "close")
    _, quick_exit = page.by_id("quick-exit")
    assert quick_exit["href"] == "https://www.weeronline.nl/"
    assert page.find("script", src="/static/chat.js")
    assert page.find("link", rel="stylesheet", href="/static/demo.css")
    assert page.find("a", href="tel:112")


@pytest.mark.asyncio
async def test_demo_page_widget_follows_the_language_hint(client):
    _, page = await get_page(client, "demo?lang=en")

    assert page.find("html")[0]["lang"] == "nl"  # the municipal page itself is Dutch
    assert page.find("aside")[0]["lang"] == "en"
    assert page.texts["launcher-label"] == web_text("en", "launcher")
    assert page.texts["quick-exit"] == web_text("en", "quick_exit")


# --- /api/texts ---------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_texts_name_every_language_in_itself(client):
    body = await (await client.get("/api/texts?lang=en")).json()

    menu = body["languages"]
    assert [item["code"] for item in menu] == available_languages()
    assert menu[0] == {"code": "nl", "name": "Nederlands", "dir": "ltr"}
    assert {"code": "en", "name": "English", "dir": "ltr"} in menu
    for item in menu:
        assert item["name"] == load(item["code"])["name"]


@pytest.mark.asyncio
@pytest.mark.parametrize("language", ["nl", "en"])
async def test_texts_carry_the_dutch_lines_of_the_card(client, language):
    body = await (await client.get(f"/api/texts?lang={language}")).json()

    assert body["dutch_card"] == {
        "card_help": web_text("nl", "card_help"),
        "card_unsafe": web_text("nl", "card_unsafe"),
    }
    assert body["texts"]["card_interpreter_nl"] == web_text(language, "card_interpreter_nl")


def test_the_card_interpreter_line_names_the_language_in_dutch():
    # card_interpreter_nl stays Dutch in every file: it is the Dutch half of the card.
    for language in available_languages():
        line = str(section(language, "web")["card_interpreter_nl"])
        assert line.startswith("Ik heb een tolk nodig"), language


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


# --- a chat message is handled once (bot.web.once) ----------------------------------------------

SESSION = "sessionABCdef_0123-xyz"


def chat_body(message_id: str | None, session_id: str = SESSION, text: str = "hallo") -> bytes:
    body: dict[str, Any] = {"session_id": session_id, "text": text}
    if message_id is not None:
        body["message_id"] = message_id
    return json.dumps(body).encode()


@pytest_asyncio.fixture
async def once_client(aiohttp_client) -> Any:
    """An app whose chat handler counts its calls; status 503 when the text says so."""
    calls: list[dict[str, Any]] = []

    async def handler(request: web.Request) -> web.Response:
        body = await request.json()
        calls.append(body)
        await asyncio.sleep(0.05)
        status = 503 if body["text"] == "fail" else 200
        return web.json_response({"messages": [{"text": f"reply {len(calls)}"}]}, status=status)

    app = web.Application()
    app[keys.CONFIG] = WebConfig()
    app.router.add_post("/api/chat", handled_once(handler, ReplyCache(ttl=60, max_entries=100)))
    test_client = await aiohttp_client(app)
    test_client.calls = calls
    return test_client


async def post(client: Any, raw: bytes) -> tuple[int, dict[str, Any]]:
    response = await client.post(
        "/api/chat", data=raw, headers={"Content-Type": "application/json"}
    )
    return response.status, await response.json()


@pytest.mark.asyncio
async def test_a_retried_message_gets_the_first_reply_and_reaches_the_bot_once(once_client):
    first = await post(once_client, chat_body("msg-0001"))
    again = await post(once_client, chat_body("msg-0001"))

    assert first == again == (200, {"messages": [{"text": "reply 1"}]})
    assert len(once_client.calls) == 1


@pytest.mark.asyncio
async def test_a_duplicate_in_flight_waits_for_the_first(once_client):
    replies = await asyncio.gather(*(post(once_client, chat_body("msg-0002")) for _ in range(3)))

    assert len(once_client.calls) == 1
    assert all(reply == replies[0] for reply in replies)


@pytest.mark.asyncio
async def test_other_messages_and_sessions_are_not_mixed_up(once_client):
    await post(once_client, chat_body("msg-0003"))
    await post(once_client, chat_body("msg-0004"))
    await post(once_client, chat_body("msg-0003", session_id="another-session_9876543210"))

    assert len(once_client.calls) == 3


@pytest.mark.asyncio
@pytest.mark.parametrize("message_id", [None, "short", "x" * 65, "bad id!!"])
async def test_without_a_valid_message_id_every_request_goes_through(once_client, message_id):
    await post(once_client, chat_body(message_id))
    await post(once_client, chat_body(message_id))

    assert len(once_client.calls) == 2


@pytest.mark.asyncio
async def test_a_failed_turn_is_not_kept_so_the_retry_is_sent(once_client):
    status, _ = await post(once_client, chat_body("msg-0005", text="fail"))
    assert status == 503
    await post(once_client, chat_body("msg-0005", text="fail"))

    assert len(once_client.calls) == 2


def test_the_reply_cache_forgets_after_its_time_and_beyond_its_size(monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr("bot.web.once.time.monotonic", lambda: clock[0])
    cache = ReplyCache(ttl=10, max_entries=2)
    kept = __import__("bot.web.once", fromlist=["Kept"]).Kept(200, b"{}", "application/json", None)

    for key in ("a", "b", "c"):
        cache.put(key, kept)
    assert len(cache) == 2 and cache.get("a") is None and cache.get("c") == kept
    clock[0] += 11
    assert cache.get("c") is None and len(cache) == 0


def test_the_message_key_hides_the_session_id():
    key = message_key(chat_body("msg-0006"))

    assert key is not None and SESSION not in key and len(key) == 64
    assert message_key(b"not json") is None
    assert message_key(b"[1, 2]") is None
    assert message_key(chat_body("msg-0006", session_id="short")) is None
