"""Shared set-up of the report page tests: a real store on a temporary SQLite database, reports
made with ReportStore.submit, and the report routes in a small app whose "sign-in" is a fixed
user of a chosen role (the real sign-in is tested with the staff app shell).

Other test modules import the fixtures from here (``from test_report_support import ...``).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest
from aiohttp import web
from nacl.public import PrivateKey
from sqlalchemy import update

from bot.reports.casework import Casework
from bot.reports.config import StoreConfig
from bot.reports.crypto import Keyring
from bot.reports.models import Report
from bot.reports.records import ReportDraft
from bot.reports.store import ReportReader
from bot.staff import keys, report_routes
from bot.staff.access import CSRF, STAFF, StaffUser
from bot.staff.pages import setup_templates

CSRF_TOKEN = "test-csrf-token"
TODAY = datetime.date(2026, 11, 29)
ROLE = web.AppKey("test_role", str)

DRAFT = ReportDraft(
    language="nl",
    signs=("odd_hours", "short_visits"),
    signs_other=None,
    location_address="Rijksweg Zuid 12",
    location_place="Geleen",
    location_postcode="6131AB",
    time_of_day="evening",
    frequency="daily",
    since_when="months_1_6",
    vehicles="rode bus",
    persons="steeds andere mannen",
    description=None,
    danger_reported=False,
)


def draft(**changes: Any) -> ReportDraft:
    return dataclasses.replace(DRAFT, **changes)


class RecordingAudit:
    """Stands in for bot.staff.audit_log.AuditLog: keeps every event in a list."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def write(self, action: str, **fields: Any) -> None:
        self.events.append({"action": action, **fields})

    def actions(self) -> list[str]:
        return [event["action"] for event in self.events]


@pytest.fixture
def reader(tmp_path) -> Iterator[ReportReader]:
    private = PrivateKey.generate()
    config = StoreConfig(
        database_url=f"sqlite:///{tmp_path / 'zicht.db'}",
        code_key=b"k" * 32,
        public_key=bytes(private.public_key),
    )
    store = ReportReader(config, Keyring([private]))
    store.migrate()
    try:
        yield store
    finally:
        store.dispose()


@pytest.fixture
def casework(reader: ReportReader) -> Casework:
    return Casework(reader)


def submit(
    reader: ReportReader, week: datetime.date | None = None, status: str | None = None, **changes
) -> int:
    """Store a report through the real submit; optionally move it to another week (the store
    stamps the current one) or status. Returns its id."""
    code = reader.submit(draft(**changes))
    report = reader.find_by_code(code)
    assert report is not None
    values: dict[str, Any] = {}
    if week is not None:
        values["created_week"] = week
    if status is not None:
        values["status"] = status
    if values:
        with reader.engine.begin() as connection:
            connection.execute(update(Report).where(Report.id == report.id).values(**values))
    return report.id


@web.middleware
async def signed_in(request: web.Request, handler: Callable[..., Awaitable[Any]]) -> Any:
    """A fixed user of the app's test role, with a CSRF token (no real session)."""
    request[STAFF] = StaffUser(id=1, name=f"{request.app[ROLE]}-anna", role=request.app[ROLE])
    request[CSRF] = CSRF_TOKEN
    return await handler(request)


def report_app(casework: Casework, role: str) -> web.Application:
    """The report routes with the staff app's templates, signed in as `role`."""
    app = web.Application(middlewares=[signed_in])
    app[ROLE] = role
    app[keys.CASEWORK] = casework
    app[keys.AUDIT] = RecordingAudit()
    app[keys.CLOCK] = lambda: datetime.datetime.combine(TODAY, datetime.time(9), datetime.UTC)
    setup_templates(app)
    report_routes.setup(app)
    return app


@pytest.fixture
def client_as(aiohttp_client, casework):
    """client_as(role) -> a test client of the report routes signed in with that role."""

    async def make(role: str):
        return await aiohttp_client(report_app(casework, role))

    return make


def audit_of(client) -> RecordingAudit:
    return client.server.app[keys.AUDIT]


def test_submit_helper_moves_week_and_status(reader):
    report_id = submit(reader, week=datetime.date(2026, 1, 5), status="in_progress")
    (report,) = reader.list_reports()
    assert report.id == report_id
    assert report.created_week == datetime.date(2026, 1, 5)
    assert report.status == "in_progress"
