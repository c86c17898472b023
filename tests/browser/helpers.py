"""What the browser tests share: launching contexts, waiting for the bot, keys, axe, screenshots."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.texts import load, section

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
TEXTS = ROOT / "data" / "texts"
BOT = "#chat-log .message-bot:not(.message-error)"
HELP_NUMBER = "06 25 76 50 52"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


@dataclass
class Browsing:
    """Browser contexts of one test, each recording every request its pages make."""

    base_url: str
    browser: Any
    contexts: list[Any] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)

    def context(
        self, viewport: dict[str, int] = DESKTOP, locale: str = "nl-NL", **options: Any
    ) -> Any:
        context = self.browser.new_context(viewport=viewport, locale=locale, **options)
        context.on("request", lambda request: self.requests.append(request.url))
        self.contexts.append(context)
        return context

    def page(self, path: str = "/", **options: Any) -> Any:
        """A page in a new context (a new tab of a new browser window), at `path`."""
        page = self.context(**options).new_page()
        page.goto(self.base_url + path)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


# --- texts -------------------------------------------------------------------------------------


def web(language: str, key: str) -> str:
    return str(section(language, "web")[key])


def response_text(language: str, name: str) -> str:
    return str(load(language)["responses"][name][0]["text"])


def title(language: str, response: str, payload: str) -> str:
    """The title of the button with `payload` in a response, in one language."""
    for button in load(language)["responses"][response][0]["buttons"]:
        if button["payload"] == payload:
            return str(button["title"])
    raise KeyError(payload)


def first_line(language: str, response: str) -> str:
    return response_text(language, response).splitlines()[0]


@functools.cache
def has_language(language: str) -> bool:
    return (TEXTS / f"{language}.yml").exists()


# --- the conversation in the page --------------------------------------------------------------


def bot_count(page: Any) -> int:
    return int(page.locator(BOT).count())


def wait_reply(page: Any, before: int, timeout: float = 30_000) -> None:
    """Wait until the bot has answered: more bot messages than `before`, nothing in flight."""
    page.wait_for_function(
        """([selector, before]) => document.querySelectorAll(selector).length > before
            && document.getElementById("typing").hidden""",
        arg=[BOT, before],
        timeout=timeout,
    )


def wait_started(page: Any) -> None:
    page.wait_for_function("() => !document.getElementById('chat-input').disabled")


def last_bot_text(page: Any) -> str:
    return str(page.locator(BOT).last.inner_text())


def bot_texts(page: Any) -> list[str]:
    return [str(text) for text in page.locator(BOT).all_inner_texts()]


def log_texts(page: Any) -> list[str]:
    return [str(text) for text in page.locator("#chat-log .message").all_inner_texts()]


def stored(page: Any) -> dict[str, Any]:
    return json.loads(page.evaluate("sessionStorage.getItem('zicht') || '{}'"))


# --- keyboard ----------------------------------------------------------------------------------


def focused_text(page: Any) -> str:
    return str(page.evaluate("() => (document.activeElement.innerText || '').trim()"))


def tab_to(
    page: Any,
    name: str | None = None,
    *,
    selector: str | None = None,
    backwards: bool = False,
    limit: int = 80,
) -> None:
    """Press Tab (or Shift+Tab) until the focused element has the text `name` or matches."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if selector is not None and page.evaluate(
            "s => document.activeElement.matches(s)", selector
        ):
            return
        if name is not None and focused_text(page) == name:
            return
    raise AssertionError(f"Tab never reached {name or selector!r}")


def focus_is_visible(page: Any) -> bool:
    """The focused element shows the focus ring of chat.css (outline or halo)."""
    return bool(
        page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2)
                    || s.boxShadow !== 'none'; }"""
        )
    )


# --- storage, axe, screenshots -----------------------------------------------------------------


def browser_storage(page: Any) -> dict[str, Any]:
    """What this origin keeps in the tab and the browser: storage, IndexedDB, cookies."""
    return dict(
        page.evaluate(
            """async () => ({
                session: Object.keys(sessionStorage),
                local: Object.keys(localStorage),
                indexeddb: (await indexedDB.databases()).map(d => d.name),
                cookie: document.cookie,
            })"""
        )
    )


@functools.cache
def axe_source() -> str:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run scripts/install-browser-deps")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core (from node_modules, evaluated in the page; never from a CDN): its violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return list(
        page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .map(v => ({id: v.id, impact: v.impact, help: v.help,
                            nodes: v.nodes.map(n => n.target.join(' '))}))"""
        )
    )


def screenshot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path))
    return path
