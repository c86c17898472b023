"""Retention: purge with a frozen clock, the admin page, the daily schedule and `zicht purge`."""

import asyncio
import datetime

import pytest
import test_report_support as support
from test_report_support import CSRF_TOKEN, TODAY, audit_of, report_app, submit

from bot.staff import retention, retention_cli

# Fixtures of the shared set-up (pytest finds them by these names).
casework = support.casework
client_as = support.client_as
reader = support.reader

OLD = datetime.date(2025, 11, 24)  # Monday; 370 days before TODAY (2026-11-29)
EDGE = datetime.date(2025, 12, 1)  # 363 days before TODAY: still inside 365 days
NEW = datetime.date(2026, 11, 23)


def with_thread(casework, report_id):
    casework.add_message(report_id, "note", "notitie", author="anna")
    casework.add_message(report_id, "to_resident", "vraag", author="anna")


def message_count(reader) -> int:
    from sqlalchemy import text

    with reader.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM report_messages")).scalar_one()


def test_purge_removes_everything_past_the_period_and_keeps_the_rest(reader, casework):
    old = submit(reader, week=OLD)
    edge = submit(reader, week=EDGE)
    new = submit(reader, week=NEW)
    for report_id in (old, edge, new):
        with_thread(casework, report_id)
    assert message_count(reader) == 6
    assert retention.past_period([OLD, EDGE, NEW], TODAY, 365) == 1
    assert casework.purge(today=TODAY) == 1
    assert {c.id for c in casework.cases()} == {edge, new}
    assert message_count(reader) == 4
    assert len(casework.case(edge).messages) == 2
    assert casework.purge(today=TODAY) == 0
    assert casework.purge(today=TODAY, retention_days=30) == 1
    assert {c.id for c in casework.cases()} == {new}
    assert message_count(reader) == 2


@pytest.mark.parametrize(
    ("typed", "days", "error"),
    [
        ("180", 180, None),
        ("30", 30, None),
        ("3650", 3650, None),
        ("29", None, "Kies tussen 30 en 3650 dagen."),
        ("3651", None, "Kies tussen 30 en 3650 dagen."),
        ("een jaar", None, "Typ een aantal dagen als getal, bijvoorbeeld 365."),
        ("", None, "Typ een aantal dagen als getal, bijvoorbeeld 365."),
    ],
)
def test_parse_days(typed, days, error):
    assert retention.parse_days(typed) == (days, error)


async def test_admin_sees_and_sets_the_period(client_as, reader, casework):
    submit(reader, week=OLD)
    client = await client_as("admin")
    page = await (await client.get("/staff/retention")).text()
    assert 'value="365"' in page
    assert "Nu zijn dat er 1." in page
    response = await client.post(
        "/staff/retention", data={"csrf_token": CSRF_TOKEN, "days": "400"}, allow_redirects=False
    )
    assert response.status == 303
    assert casework.retention_days() == 400
    response = await client.post("/staff/retention", data={"csrf_token": CSRF_TOKEN, "days": "5"})
    assert response.status == 400
    page = await response.text()
    assert "Kies tussen 30 en 3650 dagen." in page
    assert 'value="5"' in page
    assert casework.retention_days() == 400
    assert audit_of(client).actions() == ["retention_viewed", "retention_changed"]
    assert audit_of(client).events[1]["detail"] == "365->400 days"


@pytest.mark.parametrize("role", ["viewer", "handler"])
async def test_only_admins_manage_retention(client_as, reader, casework, role):
    submit(reader, week=OLD)
    client = await client_as(role)
    assert (await client.get("/staff/retention")).status == 403
    response = await client.post("/staff/retention", data={"days": "30"})
    assert response.status == 403
    response = await client.post("/staff/retention/purge", data={"confirm": "yes"})
    assert response.status == 403
    assert casework.retention_days() == 365
    assert len(casework.cases()) == 1


async def test_purge_now_uses_the_app_clock_and_is_audited(client_as, reader, casework):
    submit(reader, week=OLD)
    kept = submit(reader, week=NEW)
    client = await client_as("admin")
    response = await client.post("/staff/retention/purge", data={"csrf_token": CSRF_TOKEN})
    assert response.status == 400
    assert "Vink aan dat je de meldingen wilt verwijderen." in await response.text()
    assert len(casework.cases()) == 2
    response = await client.post(
        "/staff/retention/purge",
        data={"csrf_token": CSRF_TOKEN, "confirm": "yes"},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"] == "/staff/retention?verwijderd=1"
    assert [c.id for c in casework.cases()] == [kept]
    event = audit_of(client).events[-1]
    assert event["action"] == "reports_purged"
    assert event["detail"] == "count=1 days=365 by=hand"
    page = await (await client.get("/staff/retention?verwijderd=1")).text()
    assert "Opgeschoond: 1 melding verwijderd." in page


async def test_the_schedule_purges_soon_after_start_and_then_daily(
    aiohttp_client, reader, casework
):
    submit(reader, week=OLD)
    kept = submit(reader, week=NEW)
    app = report_app(casework, "admin")
    retention.setup_retention_schedule(app, first_delay=0.01, interval=3600)
    client = await aiohttp_client(app)
    for _ in range(100):
        if audit_of(client).events:
            break
        await asyncio.sleep(0.02)
    assert [c.id for c in casework.cases()] == [kept]
    (event,) = audit_of(client).events
    assert event["action"] == "reports_purged"
    assert event["actor"] == "systeem"
    assert event["detail"] == "count=1 days=365 by=schedule"
    task = app[retention.PURGE_TASK]
    await client.close()
    assert task.done()


async def test_no_schedule_without_casework(aiohttp_client, casework):
    app = report_app(casework, "admin")
    app[retention.keys.CASEWORK] = None
    retention.setup_retention_schedule(app, first_delay=0)
    await aiohttp_client(app)
    assert retention.PURGE_TASK not in app


def test_cli_dry_run_counts_and_purge_deletes(reader, casework, monkeypatch, capsys):
    submit(reader, week=OLD)
    kept = submit(reader, week=NEW)
    monkeypatch.setattr(retention_cli, "_reader", lambda: _Borrowed(reader))
    written = []
    monkeypatch.setattr(retention_cli, "AuditLog", lambda engine: _Writer(written))
    parser = _parser()
    args = parser.parse_args(["purge", "--dry-run", "--today", TODAY.isoformat()])
    assert args.handler(args) == 0
    assert "1 reports are past the retention period of 365 days" in capsys.readouterr().out
    assert len(casework.cases()) == 2
    assert written == []
    args = parser.parse_args(["purge", "--today", TODAY.isoformat()])
    assert args.handler(args) == 0
    assert "deleted 1 reports" in capsys.readouterr().out
    assert [c.id for c in casework.cases()] == [kept]
    assert written == [("reports_purged", "zicht purge", "count=1 days=365 by=cli")]


def _parser():
    import argparse

    parser = argparse.ArgumentParser()
    retention_cli.register(parser.add_subparsers(dest="command"))
    return parser


class _Borrowed:
    """The test's reader as a context manager that does not close it."""

    def __init__(self, reader):
        self._reader = reader

    def __enter__(self):
        return self._reader

    def __exit__(self, *exc):
        return None


class _Writer:
    def __init__(self, written):
        self._written = written

    def write(self, action, *, actor=None, detail="", **_):
        self._written.append((action, actor, detail))
