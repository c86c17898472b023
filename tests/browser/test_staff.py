"""The staff dashboard in Debian's Chromium, through the public web app's /staff.

An admin is created with the real CLI (`zicht staff add`), enrols through the printed link in
Chromium (password, the secret from the page into a TOTP code) and is signed in from then on.
Then: the session cookie is a Secure, HttpOnly, SameSite=Strict `__Host-` cookie; axe-core finds
nothing on every staff page; and a report filed through the real chat with an XSS corpus in its
free texts (plus a follow-up addition) is shown escaped: nothing of it runs or becomes markup.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest

from bot.reports import ReportReader
from bot.run import ROOT, System
from bot.texts import load
from tests.browser.helpers import DESKTOP, PHONE, axe_violations, screenshot
from tests.e2e.conftest import Chat, choice, file_report

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://\S+/staff/enrol/\S+")
PASSWORD = "een lange zin om de beheerpagina in chromium te testen"
# Each payload, if it were not escaped, would set window.__xss or open a dialog.
XSS = {
    "vehicles": '<script>window.__xss = "script"</script> witte bus',
    "persons": "<img src=x onerror=\"window.__xss = 'img'\"> man met pet",
    "description": (
        '" onmouseover="window.__xss=\'attr\'" x="  <svg onload="window.__xss=\'svg\'"></svg> '
        "<a href=\"javascript:window.__xss='link'\">klik</a> {{7*7}} ${7*7} {% raw %}"
    ),
}
ADDITION = "Er stond ook een rode auto <img src=y onerror=\"window.__xss='add'\"> bij het huis."


def zicht_cli(system: System, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=ROOT,
        env=system._staff_environment(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def file_xss_report(system: System) -> str:
    """A report through the real chat whose typed answers carry the XSS corpus."""
    typed = tuple(XSS[field] for field in ("vehicles", "persons", "description"))
    return file_report(Chat(system.web_url, lang="nl"), typed)


@pytest.fixture(scope="module")
def admin(chromium: Any, zicht: System) -> Iterator[Any]:
    """A browser context signed in as a new admin, enrolled through the CLI's link."""
    output = zicht_cli(zicht, "staff", "add", "browsertest", "--role", "admin")
    match = LINK.search(output)
    assert match, output
    context = chromium.new_context(viewport=DESKTOP, locale="nl-NL")
    page = context.new_page()
    page.goto(match.group(0))
    assert page.locator("figure.qr-code svg").count() == 1  # the QR code is made locally
    assert axe_violations(page) == []
    secret = page.locator("code.secret").inner_text().replace(" ", "")
    page.fill("#password", PASSWORD)
    page.fill("#password2", PASSWORD)
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/reports"))
    page.close()
    yield context
    context.close()


@pytest.fixture(scope="module")
def xss_report(zicht: System, store: ReportReader) -> int:
    code = file_xss_report(zicht)
    follow = Chat(zicht.web_url, lang="nl")
    follow.send("/greet")
    follow.send("/have_code")
    follow.send(code)
    follow.send(choice("add"))
    reply = follow.send(ADDITION)
    added = load("nl")["responses"]["utter_followup_added"][0]["text"]
    assert added in reply.text, reply.text
    report = store.find_by_code(code)
    assert report is not None
    return report.id


def test_the_session_cookie_is_a_secure_host_cookie(admin: Any) -> None:
    [cookie] = [c for c in admin.cookies() if c["name"] == "__Host-zicht_staff"]
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/" and not cookie["domain"].startswith(".")


def test_the_login_page_passes_axe(chromium: Any, zicht: System) -> None:
    context = chromium.new_context(viewport=DESKTOP, locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(zicht.web_url + "/staff/reports")
        assert "/staff/login" in page.url  # no session: to the sign-in page
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/staff/reports",
        "/staff/reports/{id}",
        "/staff/reports/{id}/export",
        "/staff/reports/{id}/export?partner=avim",
        "/staff/stats",
        "/staff/users",
        "/staff/audit",
        "/staff/retention",
    ],
)
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360px", "1280px"])
def test_staff_pages_pass_axe(admin: Any, zicht: System, xss_report: int, path: str, viewport):
    page = admin.new_page()
    try:
        page.set_viewport_size(viewport)
        response = page.goto(zicht.web_url + path.format(id=xss_report))
        assert response is not None and response.status == 200, path
        assert axe_violations(page) == [], path
        name = re.sub(r"[^a-z0-9]+", "-", path.format(id="n").strip("/"))
        screenshot(page, f"staff-{name}")
    finally:
        page.close()


def test_xss_from_the_chat_is_shown_escaped_and_never_runs(
    admin: Any, zicht: System, xss_report: int
) -> None:
    page = admin.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(f"{zicht.web_url}/staff/reports/{xss_report}")
        text = page.locator("main").inner_text()
        for payload in (*XSS.values(), ADDITION):
            assert payload in text, payload  # shown as the resident typed it ...
        assert "49" not in text  # ... and no template syntax was evaluated
        injected = page.evaluate(
            """() => ({
                xss: window.__xss || null,
                scripts: [...document.querySelectorAll('main script')].length,
                images: [...document.querySelectorAll('main img[src="x"], main img[src="y"]')]
                    .length,
                svgs: [...document.querySelectorAll('main svg[onload]')].length,
                frames: [...document.querySelectorAll('main iframe')].length,
                links: [...document.querySelectorAll('main a[href^="javascript:"]')].length,
                handlers: [...document.querySelectorAll('main [onmouseover]')].length,
            })"""
        )
        assert injected == {
            "xss": None,
            "scripts": 0,
            "images": 0,
            "svgs": 0,
            "frames": 0,
            "links": 0,
            "handlers": 0,
        }
        assert dialogs == []
        page.goto(f"{zicht.web_url}/staff/reports")
        assert page.evaluate("() => window.__xss || null") is None
    finally:
        page.close()
