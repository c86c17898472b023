"""The conversation survives a reload in the tab (sessionStorage only), not a new tab or window."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    Browsing,
    bot_count,
    browser_storage,
    first_line,
    log_texts,
    stored,
    wait_reply,
    wait_started,
    web,
)

pytestmark = pytest.mark.browser


def greeted(page) -> None:
    wait_started(page)
    page.wait_for_selector("#chat-log .message-bot button.reply")


def test_reload_keeps_the_conversation_and_a_new_tab_does_not(browsing: Browsing) -> None:
    context = browsing.context()
    page = context.new_page()
    page.goto(browsing.base_url + "/")
    greeted(page)
    # The very first message tells about the quick exit.
    first = page.locator("#chat-log .message-bot").first.inner_text()
    assert first_line("nl", "utter_greet") in first and web("nl", "quick_exit") in first
    before = bot_count(page)
    page.locator("button.reply:has([data-pict=info])").click()
    wait_reply(page, before)
    conversation = log_texts(page)
    session = stored(page)["session"]

    chat_requests: list[str] = []
    page.on("request", lambda r: chat_requests.append(r.url) if "/api/chat" in r.url else None)
    page.reload()
    wait_started(page)
    page.wait_for_load_state("networkidle")
    assert log_texts(page) == conversation
    assert chat_requests == []  # restored from the tab, not asked again
    assert stored(page)["session"] == session
    # Only sessionStorage is used: nothing in localStorage, IndexedDB or cookies.
    assert browser_storage(page) == {
        "session": ["zicht"],
        "local": [],
        "indexeddb": [],
        "cookie": "",
    }
    assert context.cookies() == []
    # The restored conversation goes on where it was.
    before = bot_count(page)
    page.locator("#chat-log .message-bot").last.locator("button.reply").first.click()
    wait_reply(page, before)

    # A new tab in the same window: a new, empty conversation.
    other_tab = context.new_page()
    other_tab.goto(browsing.base_url + "/")
    greeted(other_tab)
    assert bot_count(other_tab) == 1
    assert stored(other_tab)["session"] != session

    # A new window (new browser context): idem.
    new_window = browsing.page("/")
    greeted(new_window)
    assert bot_count(new_window) == 1
    assert stored(new_window)["session"] != session


def test_the_demo_widget_stays_open_after_a_reload(browsing: Browsing) -> None:
    page = browsing.page("/demo")
    wait_started(page)
    assert page.is_hidden("#zicht")
    page.click("#launcher")
    greeted(page)
    conversation = log_texts(page)
    page.reload()
    wait_started(page)
    assert page.is_visible("#zicht")
    assert log_texts(page) == conversation
