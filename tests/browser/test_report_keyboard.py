"""A resident files a complete report with the keyboard only: Tab, Shift+Tab, Enter, typing."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    Browsing,
    bot_count,
    first_line,
    focus_is_visible,
    last_bot_text,
    response_text,
    tab_to,
    title,
    wait_reply,
    wait_started,
)
from tests.e2e.conftest import CODE, choice

pytestmark = pytest.mark.browser
NL = "nl"


def press_button(page, response: str, payload: str, *, backwards: bool = False) -> None:
    """Tab to the button of `payload` in the latest question, press Enter, wait for the bot."""
    before = bot_count(page)
    tab_to(page, title(NL, response, payload), backwards=backwards)
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    wait_reply(page, before)


def type_answer(page, text: str) -> None:
    before = bot_count(page)
    if not page.evaluate("() => document.activeElement.id === 'chat-input'"):
        tab_to(page, selector="#chat-input")
    assert focus_is_visible(page)
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    wait_reply(page, before)


def test_a_resident_files_a_report_with_the_keyboard_only(browsing: Browsing) -> None:
    page = browsing.page("/")
    wait_started(page)
    page.wait_for_selector("#chat-log .message-bot button.reply")

    press_button(page, "utter_greet", "/report_signs")
    assert first_line(NL, "utter_ask_danger_now") in last_bot_text(page)
    # After a button the focus is on the start of the answer, so it is read from the top.
    assert page.evaluate("() => document.activeElement.classList.contains('message-bot')")

    press_button(page, "utter_ask_danger_now", choice("no"))
    assert first_line(NL, "utter_ask_signs") in last_bot_text(page)
    press_button(page, "utter_ask_signs", '/inform{"sign": "odd_hours"}')
    press_button(page, "utter_ask_signs_done", choice("done"))
    assert response_text(NL, "utter_ask_location_address") in last_bot_text(page)

    type_answer(page, "Rijksweg Zuid 12")
    assert first_line(NL, "utter_ask_location_place") in last_bot_text(page)
    type_answer(page, "Geleen")
    assert first_line(NL, "utter_ask_time_of_day") in last_bot_text(page)
    # From the input, Shift+Tab goes back to the buttons of the question just asked.
    press_button(page, "utter_ask_time_of_day", choice("evening"), backwards=True)
    press_button(page, "utter_ask_frequency", choice("daily"))
    press_button(page, "utter_ask_since_when", choice("months_1_6"))
    type_answer(page, "Een zwarte BMW met een Duits kenteken")
    press_button(page, "utter_ask_persons", choice("skip"))
    press_button(page, "utter_ask_description", choice("skip"))
    summary = last_bot_text(page)
    assert "Rijksweg Zuid 12" in summary and "Geleen" in summary

    press_button(page, "utter_ask_confirm", choice("send"))
    code = CODE.search(last_bot_text(page))
    assert code, last_bot_text(page)
    # The whole report was made without a mouse, and the code is on the screen.
    assert page.get_by_text(code.group(0)).is_visible()
