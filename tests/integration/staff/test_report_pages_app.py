"""The report pages inside the real staff app: real sign-in, CSRF and Origin checks, roles,
the audit table; on SQLite and PostgreSQL (fixtures of tests/integration)."""

import csv
import datetime
import io

import pytest
from sqlalchemy import select

from bot.reports.casework import Casework
from bot.staff import keys
from bot.staff.models import AuditEvent
from tests.unit.staff.test_report_support import submit

OLD_WEEK = datetime.date(2024, 1, 1)


@pytest.fixture
def staff_casework(store):
    """The staff app reads the same database as the test's store (with the private key)."""
    return Casework(store)


def audit_rows(staff):
    """Every audit event the app wrote, oldest first."""
    table = AuditEvent.__table__
    with staff.app[keys.ENGINE].connect() as connection:
        return connection.execute(select(table).order_by(table.c.id)).all()


def state(casework, report_id):
    case = casework.case(report_id)
    return (case.status, case.partner, case.assigned_to, len(case.messages))


POSTS = [
    ("status", {"status": "in_progress"}),
    ("assign", {"handler": ""}),
    ("messages", {"kind": "note", "note_text": "Notitie"}),
    ("messages", {"kind": "to_resident", "message_text": "Bericht"}),
]


async def test_viewer_reads_but_cannot_change(staff, store, staff_casework):
    report_id = submit(store)
    viewer = await staff.login("viewer")
    assert (await viewer.get("/staff/reports")).status == 200
    assert (await viewer.get(f"/staff/reports/{report_id}")).status == 200
    assert (await viewer.get("/staff/stats")).status == 200
    before = state(staff_casework, report_id)
    for action, form in POSTS:
        response = await viewer.post(f"/staff/reports/{report_id}/{action}", form)
        assert response.status == 403, action
    assert (await viewer.get(f"/staff/reports/{report_id}/export")).status == 403
    assert (await viewer.post("/staff/reports/export", {"id": str(report_id)})).status == 403
    assert (await viewer.get("/staff/retention")).status == 403
    assert (await viewer.post("/staff/retention/purge", {"confirm": "yes"})).status == 403
    assert state(staff_casework, report_id) == before
    actions = [row.action for row in audit_rows(staff)]
    assert "report_viewed" in actions and "status_changed" not in actions


async def test_handler_works_a_report_through(staff, store, staff_casework):
    report_id = submit(store)
    handler = await staff.login("handler", name="hanna")
    staff.add_account("admin", name="adam")
    page = await (await handler.get(f"/staff/reports/{report_id}")).text()
    assert '<option value="hanna">hanna</option>' in page
    assert '<option value="adam">adam</option>' in page
    for action, form in [
        ("status", {"status": "in_progress"}),
        ("status", {"status": "forwarded", "partner": "avim"}),
        ("assign", {"handler": "adam"}),
        ("messages", {"kind": "note", "note_text": "Doorgegeven"}),
    ]:
        response = await handler.post(f"/staff/reports/{report_id}/{action}", form)
        assert response.status == 303, (action, await response.text())
    response = await handler.post(f"/staff/reports/{report_id}/assign", {"handler": "mallory"})
    assert response.status == 400
    assert "Kies een behandelaar uit de lijst." in await response.text()
    case = staff_casework.case(report_id)
    assert (case.status, case.partner, case.assigned_to) == ("forwarded", "avim", "adam")
    assert [(m.kind, m.author) for m in case.messages] == [("note", "hanna")]
    rows = audit_rows(staff)
    changes = [(r.action, r.actor, r.report_id) for r in rows if r.report_id == report_id]
    assert ("status_changed", "hanna", report_id) in changes
    assert ("report_assigned", "hanna", report_id) in changes
    assert ("note_added", "hanna", report_id) in changes


async def test_posts_without_csrf_or_from_another_origin_change_nothing(
    staff, store, staff_casework
):
    report_id = submit(store)
    handler = await staff.login("handler")
    form = {"status": "in_progress"}
    path = f"/staff/reports/{report_id}/status"
    assert (await handler.post(path, form, csrf=False)).status == 403
    assert (await handler.post(path, form, origin="https://evil.example")).status == 403
    assert staff_casework.case(report_id).status == "new"


async def test_csv_export_through_the_app_is_audited(staff, store):
    report_id = submit(store, persons="@SUM(1)")
    handler = await staff.login("handler", name="hanna")
    data = [
        ("csrf_token", handler.csrf_token),
        ("id", str(report_id)),
        ("partner", "belastingdienst"),
        ("format", "csv"),
        ("field", "id"),
        ("field", "persons"),
    ]
    headers = {**handler.cookie_header(), "Origin": handler.origin}
    response = await handler.client.post("/staff/reports/export", data=data, headers=headers)
    assert response.status == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Nummer", "Personen"], [str(report_id), "'@SUM(1)"]]
    exported = [r for r in audit_rows(staff) if r.action == "report_exported"]
    assert [(e.actor, e.report_id, e.detail) for e in exported] == [
        ("hanna", report_id, "partner=belastingdienst format=csv fields=id,persons reports=1")
    ]


async def test_admin_sets_retention_and_purges_with_the_app_clock(staff, store, staff_casework):
    old = submit(store, week=OLD_WEEK)
    kept = submit(store)
    admin = await staff.login("admin")
    response = await admin.post("/staff/retention", {"days": "90"})
    assert response.status == 303
    assert staff_casework.retention_days() == 90
    response = await admin.post("/staff/retention/purge", {"confirm": "yes"})
    assert response.status == 303
    ids = {c.id for c in staff_casework.cases()}
    assert old not in ids and kept in ids
    purged = [r for r in audit_rows(staff) if r.action == "reports_purged"]
    assert purged[0].detail == "count=1 days=90 by=hand"


async def test_report_text_is_escaped_in_the_real_app(staff, store):
    report_id = submit(store, description="<script>alert(1)</script> {{7*7}}")
    viewer = await staff.login("viewer")
    page = await (await viewer.get(f"/staff/reports/{report_id}")).text()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{7*7}}" in page
