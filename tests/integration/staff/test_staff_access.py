"""Accounts and access of the staff dashboard, on SQLite and PostgreSQL (issue 4, ASVS L2)."""

from __future__ import annotations

import asyncio
import re
import secrets

from sqlalchemy import func, select, update
from staff_helpers import StaffBrowser, StaffEnv

from bot.staff import keys, totp
from bot.staff.models import AuditEvent, StaffSession, StaffUser
from bot.staff.sessions import COOKIE_NAME
from bot.staff.totp_secrets import TotpSecrets

EVIL = "https://evil.example"


def count(staff: StaffEnv, column) -> int:
    with staff.app[keys.ENGINE].connect() as connection:
        return int(connection.scalar(select(func.count(column))) or 0)


def audit_actions(staff: StaffEnv) -> list[tuple[str | None, str, str | None]]:
    with staff.app[keys.ENGINE].connect() as connection:
        rows = connection.execute(
            select(AuditEvent.actor, AuditEvent.action, AuditEvent.ip).order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


async def signed_in(browser: StaffBrowser) -> bool:
    response = await browser.get("/staff/")
    return response.status == 303 and response.headers["Location"] == "/staff/reports"


# --- sign-in and TOTP ---------------------------------------------------------------------


async def test_sign_in_sets_a_host_only_strict_cookie(staff: StaffEnv):
    account = staff.add_account("viewer")
    browser, response = await staff.sign_in(account)
    assert response.status == 303
    assert response.headers["Location"] == "/staff/reports"
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    assert await signed_in(browser)


async def test_a_totp_code_works_only_once(staff: StaffEnv):
    account = staff.add_account("viewer")
    code = totp.code_at(account.secret, staff.clock())
    first, response = await staff.sign_in(account, code=code)
    assert response.status == 303
    _, replay = await staff.sign_in(account, code=code)
    assert replay.status == 401
    assert "klopt niet" in await replay.text()
    # an older code of the window is refused too once a newer one was used
    staff.clock.advance(seconds=30)
    older = totp.code_at(account.secret, staff.clock().replace(second=0))
    _, response = await staff.sign_in(account, code=older)
    assert response.status == 401
    _, response = await staff.sign_in(account)  # the code of the new step
    assert response.status == 303
    assert await signed_in(first)


async def test_wrong_password_or_code_fails_without_saying_which(staff: StaffEnv):
    account = staff.add_account("viewer")
    wrong_password = type(account)(
        account.name, account.role, "niet het goede wachtwoord", account.secret
    )
    _, by_password = await staff.sign_in(wrong_password)
    _, by_code = await staff.sign_in(account, code="000000")
    _, unknown = await staff.sign_in(type(account)("niemand", "viewer", "x" * 20, account.secret))
    texts = {await r.text() for r in (by_password, by_code, unknown)}
    assert {r.status for r in (by_password, by_code, unknown)} == {401}
    assert len({re.sub(r'value="[^"]*"', "", t) for t in texts}) <= 3
    for text in texts:
        assert "Naam, wachtwoord of code klopt niet" in text
    assert count(staff, StaffSession.token_hash) == 0


async def test_sixth_attempt_within_a_minute_is_refused_per_account(staff: StaffEnv):
    victim = staff.add_account("admin")
    other = staff.add_account("viewer")
    bad = type(victim)(victim.name, victim.role, "verkeerd wachtwoord hier", victim.secret)
    for _ in range(5):
        _, response = await staff.sign_in(bad)
        assert response.status == 401
    staff.clock.advance(seconds=50)
    _, response = await staff.sign_in(victim)  # right password and code: still refused
    assert response.status == 429
    assert "Te veel pogingen" in await response.text()
    _, response = await staff.sign_in(other)
    assert response.status == 303  # other accounts are not affected
    # an unknown name is throttled the same way, revealing nothing
    ghost = type(victim)("bestaat.niet", "viewer", "een wachtwoord van lengte", victim.secret)
    statuses = [(await staff.sign_in(ghost))[1].status for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    staff.clock.advance(seconds=61)
    _, response = await staff.sign_in(victim)
    assert response.status == 303
    actions = [action for _, action, _ in audit_actions(staff)]
    assert actions.count("login_throttled") == 2


async def test_login_gives_a_new_session_id(staff: StaffEnv):
    account = staff.add_account("viewer")
    planted = StaffBrowser(staff.client, token="A" * 43)
    browser, response = await staff.sign_in(account, planted)
    assert response.status == 303
    assert browser.token != "A" * 43


# --- sessions -----------------------------------------------------------------------------


async def test_logout_ends_the_session_and_the_old_cookie_is_refused(staff: StaffEnv):
    browser = await staff.login("viewer")
    old = browser.token
    response = await browser.post("/staff/logout")
    assert response.status == 303
    assert response.headers["Location"] == "/staff/login"
    assert count(staff, StaffSession.token_hash) == 0
    replay = StaffBrowser(staff.client, token=old, csrf_token=browser.csrf_token)
    response = await replay.get("/staff/")
    assert response.status == 303
    assert response.headers["Location"] == "/staff/login"
    assert (await replay.post("/staff/logout")).status == 403


async def test_idle_timeout_is_30_minutes(staff: StaffEnv):
    browser = await staff.login("viewer")
    staff.clock.advance(minutes=29)
    assert await signed_in(browser)
    staff.clock.advance(minutes=29)  # 58 minutes after sign-in, 29 after the last request
    assert await signed_in(browser)
    staff.clock.advance(minutes=30)
    assert not await signed_in(browser)
    assert count(staff, StaffSession.token_hash) == 0


async def test_absolute_timeout_is_8_hours(staff: StaffEnv):
    browser = await staff.login("viewer")
    for _ in range(23):  # 23 x 20 min = 7 h 40 min, never idle
        staff.clock.advance(minutes=20)
        assert await signed_in(browser)
    staff.clock.advance(minutes=19, seconds=59)
    assert await signed_in(browser)
    staff.clock.advance(seconds=1)  # 8 hours after sign-in
    assert not await signed_in(browser)


async def test_disabling_a_user_ends_their_session_at_once(staff: StaffEnv):
    admin = await staff.login("admin")
    viewer = await staff.login("viewer")
    assert await signed_in(viewer)
    response = await admin.post(f"/staff/users/{viewer.account.name}/disable")
    assert response.status == 200
    assert "uitgeschakeld" in await response.text()
    assert not await signed_in(viewer)
    # and sign-in is refused while disabled, even with the right password and a new code
    staff.clock.advance(seconds=30)
    _, response = await staff.sign_in(viewer.account)
    assert response.status == 401


async def test_a_disabled_flag_is_checked_on_every_request(staff: StaffEnv):
    viewer = await staff.login("viewer")
    with staff.app[keys.ENGINE].begin() as connection:  # another process flips the flag only
        connection.execute(
            StaffUser.__table__.update()
            .where(StaffUser.name == viewer.account.name)
            .values(disabled=True)
        )
    assert not await signed_in(viewer)


async def test_parallel_requests_all_succeed(staff: StaffEnv):
    # Each request touches its session; on SQLite a read-then-write transaction failed with
    # "database is locked" under this load (Sessions.lookup writes first).
    browsers = [await staff.login("admin") for _ in range(4)]
    paths = ["/staff/", "/staff/static/staff.css"] * 15
    responses = await asyncio.gather(*(b.get(path) for path in paths for b in browsers))
    assert sorted({r.status for r in responses}) == [200, 303]


# --- CSRF and Origin ----------------------------------------------------------------------


async def test_a_post_from_a_foreign_or_missing_origin_is_refused(staff: StaffEnv):
    admin = await staff.login("admin")
    form = {"name": "nieuwe.collega", "role": "viewer"}
    assert (await admin.post("/staff/users", form, origin=EVIL)).status == 403
    assert (await admin.post("/staff/users", form, origin=None)).status == 403
    assert (await admin.post("/staff/users", form, origin="null")).status == 403
    assert (await admin.post("/staff/logout", origin=EVIL)).status == 403
    assert await signed_in(admin)
    assert staff.accounts.get("nieuwe.collega") is None
    response = await admin.post("/staff/users", form)
    assert response.status == 200
    assert staff.accounts.get("nieuwe.collega") is not None


async def test_a_post_without_the_session_csrf_token_is_refused(staff: StaffEnv):
    admin = await staff.login("admin")
    other = await staff.login("admin")
    form = {"name": "nieuwe.collega", "role": "viewer"}
    assert (await admin.post("/staff/users", form, csrf=False)).status == 403
    assert (await admin.post("/staff/users", {**form, "csrf_token": "fout"})).status == 403
    stolen = {**form, "csrf_token": other.csrf_token}
    assert (await admin.post("/staff/users", stolen)).status == 403
    assert staff.accounts.get("nieuwe.collega") is None


async def test_the_login_form_checks_origin_and_its_own_token(staff: StaffEnv):
    account = staff.add_account("viewer")
    browser = staff.anonymous()
    pre = await staff.pre_session(browser)
    form = {
        "name": account.name,
        "password": account.password,
        "code": totp.code_at(account.secret, staff.clock()),
    }
    assert (await browser.post("/staff/login", form, origin=EVIL)).status == 403
    assert (await browser.post("/staff/login", form, origin=None)).status == 403
    assert (await browser.post("/staff/login", {**form, "csrf_token": "x" * 43})).status == 403
    no_cookie = StaffBrowser(staff.client, csrf_token=pre)
    assert (await no_cookie.post("/staff/login", form)).status == 403
    response = await browser.post("/staff/login", form)
    assert response.status == 303


# --- roles --------------------------------------------------------------------------------


async def test_a_viewer_or_handler_cannot_reach_admin_pages(staff: StaffEnv):
    for role in ("viewer", "handler"):
        browser = await staff.login(role)
        for path in ("/staff/users", "/staff/audit"):
            response = await browser.get(path)
            assert response.status == 403, (role, path)
            assert "Geen toegang" in await response.text()
        response = await browser.post("/staff/users", {"name": "sluiproute", "role": "admin"})
        assert response.status == 403
        response = await browser.post(f"/staff/users/{browser.account.name}/reset")
        assert response.status == 403
    assert staff.accounts.get("sluiproute") is None


async def test_admin_manages_accounts_on_the_web(staff: StaffEnv):
    admin = await staff.login("admin")
    page = await admin.get("/staff/users")
    assert page.status == 200
    response = await admin.post("/staff/users", {"name": "Bea.Jansen", "role": "handler"})
    text = await response.text()
    link = re.search(r"https://zicht\.example/staff/enrol/([A-Za-z0-9_-]{43})", text)
    assert link, text
    assert staff.accounts.get("bea.jansen").role == "handler"
    duplicate = await admin.post("/staff/users", {"name": "bea.jansen", "role": "viewer"})
    assert duplicate.status == 400
    assert 'aria-invalid="true"' in await duplicate.text()
    bad = await admin.post("/staff/users", {"name": "x", "role": "viewer"})
    assert bad.status == 400
    own = await admin.post(f"/staff/users/{admin.account.name}/disable")
    assert own.status == 400
    assert await signed_in(admin)
    reset = await admin.post("/staff/users/bea.jansen/reset")
    new_link = re.search(r"/staff/enrol/([A-Za-z0-9_-]{43})", await reset.text())
    assert new_link and new_link.group(1) != link.group(1)
    assert (await staff.anonymous().get(f"/staff/enrol/{link.group(1)}")).status == 404
    assert (await staff.anonymous().get(f"/staff/enrol/{new_link.group(1)}")).status == 200


# --- enrolment ----------------------------------------------------------------------------


async def enrol(staff: StaffEnv, token: str, password: str, code: str | None = None):
    browser = staff.anonymous()
    await staff.pre_session(browser, f"/staff/enrol/{token}")
    enrolment = staff.accounts.enrolment(token)
    if code is None:
        code = totp.code_at(enrolment.totp_secret, staff.clock())
    response = await browser.post(
        f"/staff/enrol/{token}", {"password": password, "password2": password, "code": code}
    )
    return browser, response


async def test_an_enrolment_link_works_once(staff: StaffEnv):
    token = staff.accounts.add("nieuw.lid", "viewer")
    page = await staff.anonymous().get(f"/staff/enrol/{token}")
    assert page.status == 200
    html = await page.text()
    assert "<svg" in html and "<script" not in html
    assert totp.grouped(staff.accounts.enrolment(token).totp_secret) in html
    browser, response = await enrol(staff, token, "mijn fiets staat altijd bij de molen")
    assert response.status == 303
    assert response.headers["Location"] == "/staff/reports"
    browser.token = response.cookies[COOKIE_NAME].value
    assert await signed_in(browser)
    assert (await staff.anonymous().get(f"/staff/enrol/{token}")).status == 404
    again = staff.anonymous()
    again.extra_cookies["__Host-zicht_staff_pre"] = again.csrf_token = "p" * 43
    response = await again.post(
        f"/staff/enrol/{token}",
        {"password": "een ander lang wachtwoord", "password2": "een ander lang wachtwoord"},
    )
    assert response.status == 404
    assert ("nieuw.lid", "enrolled") in {(a, b) for a, b, _ in audit_actions(staff)}


async def test_an_enrolment_link_expires_after_72_hours(staff: StaffEnv):
    token = staff.accounts.add("laat.lid", "viewer")
    staff.clock.advance(hours=71, minutes=59)
    assert (await staff.anonymous().get(f"/staff/enrol/{token}")).status == 200
    staff.clock.advance(minutes=1)
    response = await staff.anonymous().get(f"/staff/enrol/{token}")
    assert response.status == 404
    assert "Vraag de beheerder om een nieuwe link" in await response.text()
    assert (await staff.anonymous().get("/staff/enrol/" + "z" * 43)).status == 404


async def test_enrolment_refuses_a_weak_password_and_a_wrong_code(staff: StaffEnv):
    token = staff.accounts.add("kees", "viewer")
    _, short = await enrol(staff, token, "kort")
    assert short.status == 400
    text = await short.text()
    assert "minstens 12 tekens" in text
    assert 'aria-describedby="password-hint password-fout"' in text
    _, common = await enrol(staff, token, "iloveyou12345")
    assert "te makkelijk te raden" in await common.text()
    _, named = await enrol(staff, token, "kees zijn eigen wachtwoord")
    assert "naam" in await named.text()
    _, wrong_code = await enrol(staff, token, "een goed en lang wachtwoord", code="123456")
    assert wrong_code.status == 400
    assert "code klopt niet" in await wrong_code.text()
    assert staff.accounts.enrolment(token) is not None  # still open


# --- audit --------------------------------------------------------------------------------


async def test_sign_in_events_are_audited_with_the_forwarded_peer(staff: StaffEnv):
    account = staff.add_account("admin")
    browser = staff.anonymous()
    await staff.pre_session(browser)
    response = await browser.post(
        "/staff/login",
        {"name": account.name, "password": "helemaal verkeerd wachtwoord", "code": "000000"},
        headers={"X-Zicht-Peer": "203.0.113.7", "User-Agent": "TestBrowser/1"},
    )
    assert response.status == 401
    admin, _ = await staff.sign_in(account)
    await admin.get("/staff/audit")
    events = audit_actions(staff)
    assert (account.name, "login_failed", "203.0.113.7") in events
    assert (account.name, "login", "127.0.0.1") in events
    page = await admin.get("/staff/audit")
    text = await page.text()
    assert "Inloggen mislukt" in text and "203.0.113.7" in text
    with staff.app[keys.ENGINE].connect() as connection:
        details = [row[0] for row in connection.execute(select(AuditEvent.detail))]
    assert not any("verkeerd" in detail or account.password in detail for detail in details)
    assert count(staff, AuditEvent.id) >= 2


# --- TOTP secrets sealed at rest ----------------------------------------------------------


def stored_secrets(staff: StaffEnv) -> dict[str, str | None]:
    with staff.app[keys.ENGINE].connect() as connection:
        return dict(connection.execute(select(StaffUser.name, StaffUser.totp_secret)).all())


async def test_the_database_holds_no_totp_secret_in_the_clear(staff: StaffEnv):
    account = staff.add_account("viewer")
    stored = stored_secrets(staff)[account.name]
    assert stored is not None and stored.startswith("box1:")
    assert account.secret not in stored
    _, response = await staff.sign_in(account)
    assert response.status == 303  # the app opens it to check the code


async def test_a_secret_stored_in_the_clear_is_sealed_and_still_works(staff: StaffEnv):
    account = staff.add_account("viewer")
    with staff.app[keys.ENGINE].begin() as connection:  # as stored before sealing
        connection.execute(
            update(StaffUser)
            .where(StaffUser.name == account.name)
            .values(totp_secret=account.secret)
        )
    assert staff.accounts.seal_clear_secrets() == 1
    assert stored_secrets(staff)[account.name].startswith("box1:")
    assert staff.accounts.seal_clear_secrets() == 0
    _, response = await staff.sign_in(account)
    assert response.status == 303


async def test_a_secret_sealed_with_another_key_fails_the_sign_in_quietly(staff: StaffEnv, caplog):
    account = staff.add_account("viewer")
    foreign = TotpSecrets(secrets.token_bytes(32)).seal(account.secret)
    with staff.app[keys.ENGINE].begin() as connection:
        connection.execute(
            update(StaffUser).where(StaffUser.name == account.name).values(totp_secret=foreign)
        )
    _, response = await staff.sign_in(account)
    assert response.status != 303
    assert "does not open" in caplog.text and account.secret not in caplog.text
