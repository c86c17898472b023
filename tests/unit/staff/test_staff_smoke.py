"""Smoke test of the helper: a signed-in user of each role reaches the app."""

import pytest


@pytest.mark.parametrize("role", ["viewer", "handler", "admin"])
async def test_login_helper_gives_a_session(staff, role):
    browser = await staff.login(role)
    assert browser.token and browser.csrf_token
    response = await browser.get("/staff/")
    assert response.status == 303
    assert response.headers["Location"] == "/staff/reports"
