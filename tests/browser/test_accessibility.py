"""WCAG 2.1 AA: axe-core finds nothing; keyboard and focus; 320 px, 200 % zoom, reduced motion."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    Browsing,
    axe_violations,
    bot_count,
    focus_is_visible,
    tab_to,
    wait_reply,
    wait_started,
)

pytestmark = pytest.mark.browser
VIEWPORTS = [pytest.param(PHONE, id="360px"), pytest.param(DESKTOP, id="1280px")]


def greeted(page) -> None:
    wait_started(page)
    page.wait_for_selector("#chat-log .message-bot button.reply")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_axe_finds_nothing_on_the_chat_page(browsing: Browsing, viewport) -> None:
    page = browsing.page("/", viewport=viewport)
    greeted(page)
    assert axe_violations(page) == []
    page.click("#language-button")
    assert page.is_visible("#language-list")
    assert axe_violations(page) == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_axe_finds_nothing_on_the_demo_page_and_the_open_widget(
    browsing: Browsing, viewport
) -> None:
    page = browsing.page("/demo", viewport=viewport)
    wait_started(page)
    assert axe_violations(page) == []
    page.click("#launcher")
    greeted(page)
    assert axe_violations(page) == []


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_axe_finds_nothing_on_the_card(browsing: Browsing, viewport) -> None:
    page = browsing.page("/", viewport=viewport)
    greeted(page)
    before = bot_count(page)
    page.locator("button.reply:has([data-pict=help])").click()
    wait_reply(page, before)
    page.locator("button.card-button").last.click()
    assert page.is_visible("#card")
    assert axe_violations(page) == []


def test_the_widget_opens_and_closes_with_the_keyboard_and_focus_follows(
    browsing: Browsing,
) -> None:
    page = browsing.page("/demo")
    wait_started(page)
    launcher = page.locator("#launcher")
    assert launcher.get_attribute("aria-expanded") == "false"
    tab_to(page, selector="#launcher")
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    assert page.is_visible("#zicht") and launcher.get_attribute("aria-expanded") == "true"
    assert page.evaluate("() => document.activeElement.id") == "chat-input"
    greeted(page)
    # Escape once closes the widget and focus returns to the launcher.
    page.keyboard.press("Escape")
    assert page.is_hidden("#zicht")
    assert page.evaluate("() => document.activeElement.id") == "launcher"
    page.wait_for_timeout(1600)  # a later Escape is not a double Escape
    page.keyboard.press("Enter")
    assert page.is_visible("#zicht")
    tab_to(page, selector="#widget-close", backwards=True)
    assert page.get_attribute("#widget-close", "aria-labelledby") == "widget-close-label"
    page.keyboard.press("Enter")
    assert page.is_hidden("#zicht")
    assert page.evaluate("() => document.activeElement.id") == "launcher"


def test_every_control_has_a_name_and_new_messages_are_announced(browsing: Browsing) -> None:
    page = browsing.page("/")
    greeted(page)
    log = page.locator("#chat-log")
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"
    assert page.locator("#chat-log .message-bot").count() == 1  # the greeting is in the region
    assert page.locator("#typing").get_attribute("role") == "status"
    unnamed = page.evaluate(
        """() => [...document.querySelectorAll('button, input, a[href]')]
            .filter(e => e.offsetParent !== null)
            .filter(e => !(e.innerText || '').trim() && !e.labels?.length
                         && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))
            .map(e => e.outerHTML)"""
    )
    assert unnamed == []


@pytest.mark.parametrize(
    ("viewport", "scale"),
    [
        pytest.param({"width": 320, "height": 640}, 1, id="320px"),
        pytest.param({"width": 640, "height": 400}, 2, id="1280px-at-200%"),
    ],
)
@pytest.mark.parametrize("path", ["/", "/demo"])
def test_small_screens_and_200_percent_zoom_need_no_sideways_scrolling(
    browsing: Browsing, viewport, scale: int, path: str
) -> None:
    page = browsing.page(path, viewport=viewport, device_scale_factor=scale)
    wait_started(page)
    if path == "/demo":
        page.click("#launcher")
    greeted(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    for selector in ("#quick-exit", "#chat-input", "#chat-send", "#language-button"):
        page.locator(selector).scroll_into_view_if_needed()
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], selector
    # The quick exit is not covered by anything.
    hit = page.evaluate(
        """() => { const r = document.getElementById('quick-exit').getBoundingClientRect();
            const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return e && e.closest('#quick-exit') !== null; }"""
    )
    assert hit


@pytest.mark.parametrize(("motion", "animated"), [("reduce", False), ("no-preference", True)])
def test_the_typing_dots_move_only_without_reduced_motion(
    browsing: Browsing, motion: str, animated: bool
) -> None:
    page = browsing.page("/", reduced_motion=motion)
    greeted(page)
    name = page.evaluate(
        "() => getComputedStyle(document.querySelector('.dots span')).animationName"
    )
    assert (name != "none") is animated


@pytest.mark.parametrize("path", ["/", "/demo"])
def test_text_at_200_percent_stays_readable_and_reachable(browsing: Browsing, path: str) -> None:
    """WCAG 1.4.4: text resized to 200 % (the browser's text-size setting, not page zoom) loses
    no content or function: nothing needs sideways scrolling and every control stays on screen."""
    page = browsing.page(path, viewport=DESKTOP)
    wait_started(page)
    if path == "/demo":
        page.click("#launcher")
    greeted(page)
    before = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
    after = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert after >= 1.9 * before, "the page's text does not follow the text-size setting"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= DESKTOP["width"]
    for selector in ("#quick-exit", "#chat-input", "#chat-send", "#language-button"):
        page.locator(selector).scroll_into_view_if_needed()
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= DESKTOP["width"], selector
    # The bot's texts are not clipped: each message shows all of its text.
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('#chat-log .message')]
            .filter(m => m.scrollWidth > m.clientWidth + 1).length"""
    )
    assert clipped == 0
