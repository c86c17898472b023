"""Debian's Chromium, driven by Playwright, against the whole running system (Rasa included).

Playwright never downloads a browser here: `scripts/install-browser-deps` installs
/usr/bin/chromium and axe-core (node_modules), and the tests launch that Chromium.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from bot.run import System
from tests.browser.helpers import CHROMIUM, LAUNCH_ARGS, Browsing

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the dev extras are not installed
    sync_playwright = None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Debian's Chromium against the system")


def _missing(message: str) -> None:
    """Under CI a missing browser fails the run; on a workstation the tests are skipped."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if sync_playwright is None:
        _missing("playwright is not installed: pip install -e '.[dev]'")
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing: run scripts/install-browser-deps")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def app_url(request: pytest.FixtureRequest) -> str:
    """The running web app: ZICHT_BROWSER_TEST_URL (a system already running, for quick work
    on the widget), else the whole system started for this test session."""
    url = os.environ.get("ZICHT_BROWSER_TEST_URL")
    if url:
        return url.rstrip("/")
    system: System = request.getfixturevalue("zicht")
    return system.web_url


@pytest.fixture
def browsing(chromium: object, app_url: str) -> Iterator[Browsing]:
    """New browser contexts for one test; afterwards every request must have gone to the app."""
    session = Browsing(base_url=app_url, browser=chromium)
    yield session
    session.close()
    app = urlsplit(app_url).netloc
    foreign = [
        url
        for url in session.requests
        if urlsplit(url).scheme not in {"data", "blob", "about"}
        and urlsplit(url).netloc != app
        and not any(url.startswith(allowed) for allowed in session.allowed)
    ]
    assert not foreign, f"requests to other hosts than the app: {foreign}"
