"""Screenshots of the main states at 360 px and 1280 px, under test-artifacts/screenshots/."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    Browsing,
    bot_count,
    screenshot,
    wait_reply,
    wait_started,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "viewport", [pytest.param(PHONE, id="360px"), pytest.param(DESKTOP, id="1280px")]
)
def test_screenshots_of_the_main_states(browsing: Browsing, viewport) -> None:
    width = viewport["width"]
    page = browsing.page("/", viewport=viewport, reduced_motion="reduce")
    wait_started(page)
    page.wait_for_selector("#chat-log .message-bot button.reply")
    screenshot(page, "chat-greeting")

    page.click("#language-button")
    screenshot(page, "chat-language-menu")
    page.keyboard.press("Escape")

    before = bot_count(page)
    page.locator("button.reply:has([data-pict=report])").click()
    wait_reply(page, before)
    before = bot_count(page)
    page.locator("#chat-log .message-bot").last.locator("button.reply").nth(1).click()
    wait_reply(page, before)
    screenshot(page, "chat-report")

    page.route("**/api/chat", lambda route: route.abort("internetdisconnected"))
    page.fill("#chat-input", "Rijksweg Zuid 12")
    page.keyboard.press("Enter")
    page.wait_for_selector(".message-error")
    screenshot(page, "chat-network-error")
    page.unroute("**/api/chat")
    before = bot_count(page)
    page.click(".message-error button.retry")
    wait_reply(page, before)

    before = bot_count(page)
    page.fill("#chat-input", "/need_help")
    page.keyboard.press("Enter")
    wait_reply(page, before)
    screenshot(page, "chat-help")
    page.locator("button.card-button").last.click()
    screenshot(page, "card-nl")

    demo = browsing.page("/demo", viewport=viewport, reduced_motion="reduce")
    wait_started(demo)
    screenshot(demo, "demo-closed")
    demo.click("#launcher")
    demo.wait_for_selector("#chat-log .message-bot button.reply")
    screenshot(demo, "demo-open")

    names = ("chat-greeting", "chat-language-menu", "chat-report", "chat-help", "card-nl")
    for name in (*names, "chat-network-error", "demo-closed", "demo-open"):
        assert (SCREENSHOTS / f"{name}-{width}.png").stat().st_size > 1000
