"""Test helpers for the staff dashboard: a fake clock, an app on a migrated database, and
signed-in browsers of any role.

Use them through the fixture ``staff`` (tests/unit/staff and tests/integration/staff define it;
the integration one runs on SQLite and PostgreSQL):

    async def test_something(staff):
        handler = await staff.login("handler")          # a new enrolled account, signed in
        response = await handler.get("/staff/reports")   # sends the session cookie
        response = await handler.post("/staff/reports/1/status", {"status": "closed"})
        # post() adds csrf_token and a same-origin Origin header; csrf=False / origin=None
        # leave them out, origin="https://evil.example" sends another one.
        staff.clock.advance(minutes=31)                  # the injectable clock of the app

Give the app a Casework by overriding the fixture ``staff_casework`` (default None) in your
test module or conftest. Redirects are not followed unless you pass allow_redirects=True.
Over http the aiohttp client drops Secure cookies: StaffBrowser sends the Cookie header itself.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import itertools
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.reports.config import StoreConfig
from bot.reports.store import ReportStore
from bot.staff import keys, totp
from bot.staff.app import create_staff_app
from bot.staff.config import StaffConfig
from bot.staff.csrf import PRE_COOKIE
from bot.staff.models import StaffSession
from bot.staff.passwords import hash_password
from bot.staff.sessions import COOKIE_NAME

START = datetime.datetime(2026, 3, 2, 9, 0, 0, tzinfo=datetime.UTC)
PASSWORD = "een lange zin als wachtwoord 🌷 met spaties"
_names = itertools.count(1)


class FakeClock:
    """A clock that moves only when told to (the `clock` of create_staff_app)."""

    def __init__(self, start: datetime.datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **delta: float) -> datetime.datetime:
        """Move on by timedelta keywords (seconds=..., minutes=..., hours=...)."""
        self.now += datetime.timedelta(**delta)
        return self.now


@dataclass(frozen=True)
class StaffAccount:
    """An enrolled account and what it signs in with."""

    name: str
    role: str
    password: str
    secret: str


@dataclass
class StaffBrowser:
    """A browser: its session cookie (None: not signed in) and the session's CSRF token."""

    client: TestClient
    token: str | None = None
    csrf_token: str = ""
    account: StaffAccount | None = None
    extra_cookies: dict[str, str] = field(default_factory=dict)
    own_origin: str | None = None  # None: the origin of the test server

    @property
    def origin(self) -> str:
        return self.own_origin or str(self.client.make_url("/")).rstrip("/")

    def cookie_header(self) -> dict[str, str]:
        cookies = dict(self.extra_cookies)
        if self.token:
            cookies[COOKIE_NAME] = self.token
        if not cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}

    async def get(self, path: str, **kwargs: Any) -> ClientResponse:
        headers = {**self.cookie_header(), **kwargs.pop("headers", {})}
        kwargs.setdefault("allow_redirects", False)
        return await self.client.get(path, headers=headers, **kwargs)

    async def post(
        self,
        path: str,
        data: dict[str, Any] | None = None,
        *,
        csrf: bool = True,
        origin: str | bool | None = True,
        **kwargs: Any,
    ) -> ClientResponse:
        """A form post with the session's CSRF token and this app's Origin (by default)."""
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf_token)
        headers = {**self.cookie_header(), **kwargs.pop("headers", {})}
        if origin is True:
            headers["Origin"] = self.origin
        elif isinstance(origin, str):
            headers["Origin"] = origin
        kwargs.setdefault("allow_redirects", False)
        return await self.client.post(path, data=form, headers=headers, **kwargs)


class StaffEnv:
    """The staff app under test: its client, clock, config and account helpers."""

    def __init__(self, app: web.Application, client: TestClient, clock: FakeClock) -> None:
        self.app = app
        self.client = client
        self.clock = clock

    @property
    def accounts(self) -> Any:
        return self.app[keys.ACCOUNTS]

    def add_account(
        self, role: str = "viewer", name: str | None = None, password: str = PASSWORD
    ) -> StaffAccount:
        """A new account, enrolled as if through its link a minute ago."""
        name = name or f"{role}{next(_names)}"
        token = self.accounts.add(name, role)
        enrolment = self.accounts.enrolment(token)
        step = totp.step_of(self.clock()) - 2
        assert self.accounts.complete_enrolment(token, hash_password(password), step)
        return StaffAccount(name, role, password, enrolment.totp_secret)

    def anonymous(self) -> StaffBrowser:
        origins = self.app[keys.CONFIG].origins
        return StaffBrowser(self.client, own_origin=origins[0] if origins else None)

    async def pre_session(self, browser: StaffBrowser, path: str = "/staff/login") -> str:
        """GET a sign-in or enrolment form; keep and return its pre-session CSRF token."""
        response = await browser.get(path)
        assert response.status == 200, response.status
        token = response.cookies[PRE_COOKIE].value
        # like a browser: the form field carries the token, and it equals the cookie
        field_value = re.search(r'name="csrf_token" value="([^"]*)"', await response.text())
        assert field_value and field_value.group(1) == token, "form token != cookie"
        browser.extra_cookies[PRE_COOKIE] = token
        browser.csrf_token = token
        return token

    async def sign_in(
        self, account: StaffAccount, browser: StaffBrowser | None = None, code: str | None = None
    ) -> tuple[StaffBrowser, ClientResponse]:
        """Post the sign-in form; on success the browser holds the new session."""
        browser = browser or self.anonymous()
        await self.pre_session(browser)
        response = await browser.post(
            "/staff/login",
            {
                "name": account.name,
                "password": account.password,
                "code": code if code is not None else totp.code_at(account.secret, self.clock()),
            },
        )
        if response.status == 303 and COOKIE_NAME in response.cookies:
            browser.extra_cookies.pop(PRE_COOKIE, None)
            browser.token = response.cookies[COOKIE_NAME].value
            browser.csrf_token = self.session_csrf(browser.token)
            browser.account = account
        return browser, response

    def session_csrf(self, token: str) -> str:
        key = hashlib.sha256(token.encode()).hexdigest()
        with self.app[keys.ENGINE].connect() as connection:
            found = connection.scalar(
                select(StaffSession.csrf_token).where(StaffSession.token_hash == key)
            )
        assert found, "no session row for the cookie"
        return found

    async def login(self, role: str = "viewer", name: str | None = None) -> StaffBrowser:
        """A new enrolled account of `role`, signed in: a browser ready for requests."""
        browser, response = await self.sign_in(self.add_account(role, name))
        assert response.status == 303, response.status
        return browser


def fast_password_hashing(monkeypatch: Any) -> None:
    """Cheap argon2id parameters for tests (the defaults take most of a second per hash)."""
    from argon2 import PasswordHasher

    from bot.staff import passwords

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", cheap)
    monkeypatch.setattr(passwords, "_DUMMY_HASH", cheap.hash("dummy"))


def staff_config(database_url: str) -> StaffConfig:
    """A configuration for tests: the database, no keyring, the default origins."""
    store = StoreConfig(database_url=database_url, code_key=secrets.token_bytes(32))
    return StaffConfig(
        store=store, base_url="https://zicht.example", totp_key=secrets.token_bytes(32)
    )


def migrate(config: StaffConfig) -> None:
    """Bring the test database to the newest schema (reports and staff tables)."""
    with ReportStore(config.store) as store:
        store.migrate()


async def make_staff_env(
    aiohttp_client: Any, database_url: str, casework: object | None = None, **settings: Any
) -> StaffEnv:
    """The staff app on a migrated database with a fake clock, and its test client.
    `settings` replace fields of the StaffConfig (e.g. origins=("https://x.example",))."""
    config = dataclasses.replace(staff_config(database_url), **settings)
    migrate(config)
    clock = FakeClock()
    app = create_staff_app(config, casework, clock=clock)
    client = await aiohttp_client(app)
    return StaffEnv(app, client, clock)
