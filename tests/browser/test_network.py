"""A network failure mid-conversation: a clear message, a retry, and no message handled twice."""

from __future__ import annotations

import json

import pytest

from tests.browser.helpers import (
    Browsing,
    bot_count,
    bot_texts,
    first_line,
    last_bot_text,
    log_texts,
    response_text,
    wait_reply,
    wait_started,
    web,
)

pytestmark = pytest.mark.browser
ADDRESS = "Rijksweg Zuid 12"


def to_the_address_question(page) -> None:
    wait_started(page)
    page.wait_for_selector("#chat-log .message-bot button.reply")
    for locate in (
        lambda p: p.locator("button.reply:has([data-pict=report])"),
        lambda p: p.locator("#chat-log .message-bot").last.locator("button.reply").nth(1),  # no
        lambda p: p.locator("#chat-log .message-bot").last.locator("button.reply").first,  # sign
        lambda p: p.locator("#chat-log .message-bot").last.locator("button.reply").first,  # done
    ):
        before = bot_count(page)
        locate(page).click()
        wait_reply(page, before)
    assert response_text("nl", "utter_ask_location_address") in last_bot_text(page)


@pytest.mark.parametrize("lost", ["request", "answer"])
def test_a_network_failure_recovers_without_a_duplicate(browsing: Browsing, lost: str) -> None:
    """`request`: the message never reached the server. `answer`: the server handled it (Rasa
    took the address) but the answer never reached the browser; the retry must not make Rasa
    take the address a second time (it would then be the answer to the next question)."""
    page = browsing.page("/")
    to_the_address_question(page)

    seen: list[dict[str, str]] = []

    def fail_once(route) -> None:
        body = json.loads(route.request.post_data or "{}")
        seen.append(body)
        if len(seen) > 1:
            route.continue_()
        elif lost == "request":
            route.abort("internetdisconnected")
        else:
            route.fetch()  # the server gets it and answers ...
            route.abort("connectionreset")  # ... but the browser never sees the answer

    page.route("**/api/chat", fail_once)
    before = bot_count(page)
    page.fill("#chat-input", ADDRESS)
    page.keyboard.press("Enter")
    error = page.wait_for_selector(".message-error")
    assert web("nl", "network_error") in error.inner_text()
    assert bot_count(page) == before
    assert page.is_enabled("#chat-send")  # not stuck

    retry = page.locator(".message-error button.retry")
    assert retry.inner_text() == web("nl", "retry")
    retry.click()
    wait_reply(page, before)
    assert page.locator(".message-error").count() == 0

    # The retry resent the same message (same id), once; the bot asks the next question.
    assert len(seen) == 2 and seen[0]["message_id"] == seen[1]["message_id"]
    assert seen[0]["text"] == seen[1]["text"] == ADDRESS
    assert first_line("nl", "utter_ask_location_place") in last_bot_text(page)
    assert sum(text.split("\n")[-1] == ADDRESS for text in log_texts(page)) == 1
    asked = first_line("nl", "utter_ask_location_place")
    assert sum(asked in text for text in bot_texts(page)) == 1

    # Had Rasa seen the address twice, "Geleen" would not be the answer it expects now.
    page.unroute("**/api/chat")
    before = bot_count(page)
    page.fill("#chat-input", "Geleen")
    page.keyboard.press("Enter")
    wait_reply(page, before)
    assert first_line("nl", "utter_ask_time_of_day") in last_bot_text(page)
