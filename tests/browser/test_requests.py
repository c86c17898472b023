"""Every request the pages make goes to the app itself: no CDN, no fonts, no analytics."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import Browsing, bot_count, wait_reply, wait_started

pytestmark = pytest.mark.browser


def test_every_request_goes_to_the_app(browsing: Browsing) -> None:
    page = browsing.page("/")
    wait_started(page)
    page.wait_for_selector("#chat-log .message-bot button.reply")
    before = bot_count(page)
    page.locator("button.reply:has([data-pict=help])").click()
    wait_reply(page, before)
    page.locator("button.card-button").last.click()
    page.keyboard.press("Escape")
    page.click("#language-button")
    before = bot_count(page)
    page.locator("#language-list button[lang=en]").click()
    wait_reply(page, before)
    page.goto(browsing.base_url + "/demo")
    wait_started(page)
    page.click("#launcher")
    page.wait_for_load_state("networkidle")

    app = urlsplit(browsing.base_url).netloc
    paths = {urlsplit(url).path for url in browsing.requests}
    assert {"/", "/demo", "/static/chat.js", "/static/chat.css", "/api/texts", "/api/chat"} <= paths
    assert {urlsplit(url).netloc for url in browsing.requests} == {app}
