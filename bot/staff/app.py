"""The application factory of the staff dashboard (``python -m bot.staff``).

    app = create_staff_app(StaffConfig.from_env(), casework)

Routes of this package: sign-in, sign-out, enrolment, accounts, audit log, static files and the
redirect of /staff to /staff/reports. The report pages come from bot.staff.report_routes
(``setup(app)``). Every route must be ``@public`` or ``@requires(role)`` (bot.staff.access).
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy import inspect

from bot.reports.store import make_engine
from bot.staff import audit_page, enrol, keys, login, report_routes, static_files, users
from bot.staff.access import requires
from bot.staff.accounts import Accounts
from bot.staff.audit_log import AuditLog
from bot.staff.clock import Clock, utc_now
from bot.staff.config import StaffConfig
from bot.staff.middleware import authenticate, error_pages, headers_on_prepare, security_headers
from bot.staff.pages import see_other, setup_templates
from bot.staff.sessions import Sessions
from bot.staff.totp_secrets import TotpSecrets

MAX_BODY_BYTES = 256 * 1024


@requires("viewer")
async def home(_request: web.Request) -> web.StreamResponse:
    raise see_other("/staff/reports")


async def _engine_lifetime(app: web.Application) -> AsyncIterator[None]:
    yield
    app[keys.ENGINE].dispose()


async def _seal_clear_secrets(app: web.Application) -> None:
    """TOTP secrets stored before they were sealed are sealed at start (once the tables exist)."""
    engine = app[keys.ENGINE]
    if await asyncio.to_thread(lambda: inspect(engine).has_table("staff_users")):
        await asyncio.to_thread(app[keys.ACCOUNTS].seal_clear_secrets)


def create_staff_app(
    config: StaffConfig, casework: object | None, *, clock: Clock = utc_now
) -> web.Application:
    """The staff app for one configuration; `casework` is a bot.reports.casework.Casework
    (or None without the reports layer); `clock` is for tests."""
    # request["staff"] and request["csrf_token"] are the documented string keys of this app.
    warnings.filterwarnings(
        "ignore", category=web.NotAppKeyWarning, module=r"bot\.staff|aiohttp_jinja2"
    )
    app = web.Application(
        client_max_size=MAX_BODY_BYTES,
        middlewares=[security_headers, error_pages, authenticate],
    )
    engine = make_engine(config.database_url)
    app[keys.CONFIG] = config
    app[keys.ENGINE] = engine
    app[keys.CLOCK] = clock
    app[keys.ACCOUNTS] = Accounts(engine, clock, secrets=TotpSecrets(config.totp_key))
    app[keys.SESSIONS] = Sessions(engine, clock)
    app[keys.AUDIT] = AuditLog(engine, clock)
    app[keys.CASEWORK] = casework
    app.on_response_prepare.append(headers_on_prepare)
    app.cleanup_ctx.append(_engine_lifetime)
    app.on_startup.append(_seal_clear_secrets)
    setup_templates(app)
    app.router.add_get("/staff", home)
    app.router.add_get("/staff/", home)
    for module in (login, enrol, users, audit_page, static_files, report_routes):
        module.setup(app)
    return app
