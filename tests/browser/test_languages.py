"""The widget's language: the menu (each language named in itself), the hint, the bot's menu."""

from __future__ import annotations

import json

import pytest

from bot.texts import available_languages, load
from tests.browser.helpers import Browsing, bot_count, wait_reply, wait_started, web

pytestmark = pytest.mark.browser


def choose(code: str) -> str:
    """The payload of a button of the bot's own language menu (bot.texts.build_domain)."""
    return f'/choose_language{{"language": "{code}"}}'


def test_the_menu_names_every_language_in_itself_and_greets_in_the_choice(
    browsing: Browsing,
) -> None:
    page = browsing.page("/", locale="en-GB")
    wait_started(page)
    page.wait_for_selector("#chat-log .message-bot button.reply")
    assert page.evaluate("() => document.documentElement.lang") == "en"  # the browser's hint

    page.click("#language-button")
    options = page.locator("#language-list button")
    assert options.all_inner_texts() == [load(code)["name"] for code in available_languages()]
    assert [options.nth(i).get_attribute("lang") for i in range(options.count())] == (
        available_languages()
    )
    assert page.locator("#language-list button[aria-current=true]").get_attribute("lang") == "en"

    sent: list[dict[str, str]] = []
    page.on(
        "request",
        lambda r: sent.append(json.loads(r.post_data or "{}")) if "/api/chat" in r.url else None,
    )
    before = bot_count(page)
    page.click("#language-list button[lang=nl]")
    wait_reply(page, before)
    assert sent[-1]["text"] == "/greet" and sent[-1]["lang"] == "nl"
    assert page.inner_text("#chat-send") == web("nl", "send")
    assert page.is_hidden("#language-list")


def test_a_choice_in_the_bots_own_language_menu_switches_the_widget_too(
    browsing: Browsing,
) -> None:
    target = "pl" if "pl" in available_languages() else "en"
    page = browsing.context().new_page()
    sent: list[dict[str, str]] = []

    def bot(route) -> None:
        body = json.loads(route.request.post_data or "{}")
        sent.append(body)
        if body["text"] == "taal":
            buttons = [
                {"title": load(code)["name"], "payload": choose(code)}
                for code in available_languages()
            ]
            reply = {"messages": [{"text": "Kies je taal.", "buttons": buttons}]}
        else:
            reply = {"messages": [{"text": f"ok: {body['text']}", "buttons": []}]}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(reply))

    page.route("**/api/chat", bot)
    page.goto(browsing.base_url + "/")
    wait_started(page)
    before = bot_count(page)
    page.fill("#chat-input", "taal")
    page.keyboard.press("Enter")
    wait_reply(page, before)
    choice = page.locator(f"#chat-log button.reply[lang={target}]")
    assert choice.inner_text() == load(target)["name"]

    before = bot_count(page)
    choice.click()
    wait_reply(page, before)
    assert sent[-1]["text"] == choose(target)
    assert sent[-1]["lang"] == target
    page.wait_for_function(f"() => document.documentElement.lang === '{target}'")
    assert page.inner_text("#input-label") == web(target, "input_label")
    assert page.inner_text("#language-current") == load(target)["name"]
