"""A victim who reads another language asks for help and shows the card (own language + Dutch)."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    HELP_NUMBER,
    Browsing,
    axe_violations,
    bot_count,
    first_line,
    focused_text,
    has_language,
    last_bot_text,
    screenshot,
    stored,
    tab_to,
    wait_reply,
    wait_started,
    web,
)

pytestmark = pytest.mark.browser

VICTIM_LANGUAGES = [
    pytest.param(
        "pl",
        marks=pytest.mark.skipif(
            not has_language("pl"),
            reason="Polish has not landed yet (no data/texts/pl.yml); English stands in for it",
        ),
    ),
    "en",
]


def open_in(browsing: Browsing, language: str):
    """Polish comes in through the browser language; English is chosen in the language menu."""
    if language == "pl":
        page = browsing.page("/", locale="pl-PL")
        wait_started(page)
        page.wait_for_selector("#chat-log .message-bot button.reply")
        return page
    page = browsing.page("/", locale="nl-NL")
    wait_started(page)
    page.wait_for_selector("#chat-log .message-bot button.reply")
    before = bot_count(page)
    tab_to(page, selector="#language-button")
    page.keyboard.press("Enter")
    assert page.get_attribute("#language-button", "aria-expanded") == "true"
    for _ in range(20):
        if focused_text(page) == "English":
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.lang") == "en"
    page.keyboard.press("Enter")
    wait_reply(page, before)
    # The bot greets again, now in the chosen language, and mentions the quick exit.
    assert first_line("en", "utter_greet") in last_bot_text(page)
    assert web("en", "quick_exit") in last_bot_text(page)
    return page


@pytest.mark.parametrize("language", VICTIM_LANGUAGES)
def test_a_victim_asks_for_help_and_gets_the_card(browsing: Browsing, language: str) -> None:
    page = open_in(browsing, language)
    assert page.evaluate("() => document.documentElement.lang") == language
    assert page.inner_text("#input-label") == web(language, "input_label")
    assert page.inner_text("#quick-exit") == web(language, "quick_exit")
    assert page.inner_text("#language-current") == {"pl": "Polski", "en": "English"}[language]

    before = bot_count(page)
    page.locator("#chat-log .message-bot").last.locator(
        "button.reply:has([data-pict=help])"
    ).click()
    wait_reply(page, before)
    assert HELP_NUMBER in last_bot_text(page)
    card_button = page.locator("#chat-log .message-bot").last.locator("button.card-button")
    assert card_button.inner_text() == web(language, "card_button")

    card_button.focus()
    page.keyboard.press("Enter")
    assert page.is_visible("#card") and page.is_hidden("#conversation")
    assert page.evaluate("() => document.activeElement.id") == "card-title"
    assert page.is_visible("#quick-exit")
    own = page.locator(f"#card-sides .card-side[lang={language}]")
    dutch = page.locator("#card-sides .card-side[lang=nl]")
    for key in ("card_help", "card_unsafe", "card_interpreter"):
        assert web(language, key) in own.inner_text()
    for line in (
        web("nl", "card_help"),
        web("nl", "card_unsafe"),
        web(language, "card_interpreter_nl"),
    ):
        assert line in dutch.inner_text()
    assert "Nederlands" in dutch.text_content()
    assert axe_violations(page) == []
    screenshot(page, f"card-{language}")

    # Nothing of the card is stored, and Escape brings the conversation back.
    kept = str(stored(page))
    assert web(language, "card_interpreter") not in kept
    assert web(language, "card_interpreter_nl") not in kept
    page.keyboard.press("Escape")
    assert page.is_hidden("#card") and page.is_visible("#conversation")
    assert page.evaluate("() => document.activeElement.classList.contains('card-button')")
