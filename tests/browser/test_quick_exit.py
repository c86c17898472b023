"""Quick exit leaves no trace: not in history, sessionStorage, localStorage, IndexedDB, cookies."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    Browsing,
    bot_count,
    browser_storage,
    wait_reply,
    wait_started,
)

pytestmark = pytest.mark.browser
NEUTRAL_PAGE = "<!doctype html><html lang=nl><title>Het weer</title><h1>Het weer</h1></html>"


@pytest.mark.parametrize(("path", "how"), [("/", "button"), ("/", "escape"), ("/demo", "escape")])
def test_quick_exit_leaves_no_trace(browsing: Browsing, path: str, how: str) -> None:
    context = browsing.context()
    page = context.new_page()
    page.goto("about:blank")
    page.goto(browsing.base_url + path)
    neutral = page.get_attribute("body", "data-quick-exit-url")
    assert neutral and neutral.startswith("https://")
    # The neutral site is answered inside the browser: nothing leaves this machine.
    browsing.allowed.append(neutral)
    context.route(
        neutral + "**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=NEUTRAL_PAGE),
    )
    wait_started(page)
    if path == "/demo":
        page.click("#launcher")
    page.wait_for_selector("#chat-log .message-bot button.reply")
    before = bot_count(page)
    page.locator("button.reply:has([data-pict=help])").click()
    wait_reply(page, before)
    assert browser_storage(page)["session"] == ["zicht"]
    assert page.evaluate("history.length") == 2

    if how == "button":
        page.focus("#quick-exit")
        page.keyboard.press("Enter")
    else:
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
    page.wait_for_url(neutral)
    assert page.title() == "Het weer"
    # location.replace: the chat's entry in the history is gone, so Back does not return to it.
    assert page.evaluate("history.length") == 2
    page.go_back()
    assert not page.url.startswith(browsing.base_url), page.url

    # Back on the app's origin in the same tab (a static file: no widget runs there).
    page.goto(browsing.base_url + "/static/chat.css")
    assert browser_storage(page) == {"session": [], "local": [], "indexeddb": [], "cookie": ""}
    assert context.cookies() == []
