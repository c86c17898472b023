"""The workflow forms: status, assignee, notes and messages; roles; errors keep the input."""

import pytest
import test_report_support as support
from test_report_support import CSRF_TOKEN, audit_of, submit

# Fixtures of the shared set-up (pytest finds them by these names).
casework = support.casework
client_as = support.client_as
reader = support.reader

POSTS = [
    ("status", {"status": "in_progress"}),
    ("assign", {"handler": "bert"}),
    ("messages", {"kind": "note", "note_text": "Gebeld met wijkagent"}),
    ("messages", {"kind": "to_resident", "message_text": "Dank je. Weet je nog meer?"}),
]


def state(casework, report_id):
    case = casework.case(report_id)
    return (case.status, case.partner, case.close_reason, case.assigned_to, case.messages)


@pytest.mark.parametrize(("action", "form"), POSTS)
async def test_a_viewer_cannot_change_anything(client_as, reader, casework, action, form):
    report_id = submit(reader)
    before = state(casework, report_id)
    client = await client_as("viewer")
    response = await client.post(
        f"/staff/reports/{report_id}/{action}",
        data={"csrf_token": CSRF_TOKEN, **form},
        allow_redirects=False,
    )
    assert response.status == 403
    assert state(casework, report_id) == before
    assert audit_of(client).events == []


async def test_a_viewer_cannot_export_or_manage_retention(client_as, reader):
    report_id = submit(reader)
    client = await client_as("viewer")
    assert (await client.get(f"/staff/reports/{report_id}/export")).status == 403
    response = await client.post(
        "/staff/reports/export",
        data={
            "csrf_token": CSRF_TOKEN,
            "id": str(report_id),
            "partner": "avim",
            "field": "id",
            "format": "csv",
        },
    )
    assert response.status == 403
    for path in ("/staff/retention", "/staff/retention/purge"):
        assert (await client.post(path, data={"days": "30"})).status == 403
    assert (await client.get("/staff/retention")).status == 403


@pytest.mark.parametrize(("action", "form"), POSTS)
async def test_a_handler_can_change(client_as, reader, casework, action, form):
    report_id = submit(reader)
    before = state(casework, report_id)
    client = await client_as("handler")
    response = await client.post(
        f"/staff/reports/{report_id}/{action}",
        data={"csrf_token": CSRF_TOKEN, **form},
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"] == f"/staff/reports/{report_id}"
    assert state(casework, report_id) != before
    assert audit_of(client).events[-1]["report_id"] == report_id


async def test_the_whole_workflow(client_as, reader, casework):
    report_id = submit(reader)
    client = await client_as("handler")

    async def post(action, **form):
        return await client.post(
            f"/staff/reports/{report_id}/{action}",
            data={"csrf_token": CSRF_TOKEN, **form},
            allow_redirects=False,
        )

    assert (await post("status", status="in_progress")).status == 303
    assert (await post("status", status="forwarded", partner="leger_des_heils")).status == 303
    case = casework.case(report_id)
    assert (case.status, case.partner) == ("forwarded", "leger_des_heils")
    assert (await post("status", status="closed", reason="handled")).status == 303
    assert casework.case(report_id).close_reason == "handled"
    assert (await post("assign", handler="bert")).status == 303
    assert casework.case(report_id).assigned_to == "bert"
    assert (await post("assign", handler="")).status == 303
    assert casework.case(report_id).assigned_to is None
    await post("messages", kind="note", note_text="Intern")
    await post("messages", kind="to_resident", message_text="Voor de melder")
    messages = casework.case(report_id).messages
    assert [(m.kind, m.text, m.author) for m in messages] == [
        ("note", "Intern", "handler-anna"),
        ("to_resident", "Voor de melder", "handler-anna"),
    ]
    page = await (await client.get(f"/staff/reports/{report_id}")).text()
    assert "Afgesloten (Doorgezet en afgehandeld)" in page
    assert "Interne notitie" in page and "Aan melder" in page
    actions = audit_of(client).actions()
    assert actions.count("status_changed") == 3
    assert "note_added" in actions and "message_sent" in actions
    details = [e["detail"] for e in audit_of(client).events if e["action"] == "status_changed"]
    assert details[1] == "in_progress->forwarded partner=leger_des_heils"


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"status": "forwarded"}, "status", "Vanuit &#39;Nieuw&#39; kan dit niet"),
        ({"status": ""}, "status", "Kies een nieuwe status."),
        ({"status": "closed"}, "reason", "Kies de reden van afsluiten."),
        ({"status": "closed", "reason": "bogus"}, "reason", "Kies de reden van afsluiten."),
    ],
)
async def test_bad_status_changes_show_the_error_and_change_nothing(
    client_as, reader, casework, form, field, message
):
    report_id = submit(reader)
    client = await client_as("handler")
    response = await client.post(
        f"/staff/reports/{report_id}/status", data={"csrf_token": CSRF_TOKEN, **form}
    )
    assert response.status == 400
    page = await response.text()
    assert message in page
    assert f'id="{field}-fout"' in page
    assert casework.case(report_id).status == "new"


async def test_forwarding_needs_a_partner(client_as, reader, casework):
    report_id = submit(reader, status="in_progress")
    client = await client_as("handler")
    response = await client.post(
        f"/staff/reports/{report_id}/status",
        data={"csrf_token": CSRF_TOKEN, "status": "forwarded"},
    )
    assert response.status == 400
    assert "Kies de partner aan wie je de melding doorzet." in await response.text()
    assert casework.case(report_id).status == "in_progress"


async def test_an_empty_or_long_message_is_refused_and_the_text_kept(client_as, reader, casework):
    report_id = submit(reader)
    client = await client_as("handler")
    response = await client.post(
        f"/staff/reports/{report_id}/messages",
        data={"csrf_token": CSRF_TOKEN, "kind": "note", "note_text": "   "},
    )
    assert response.status == 400
    assert "Schrijf eerst een tekst." in await response.text()
    long_text = "x" * 2001
    response = await client.post(
        f"/staff/reports/{report_id}/messages",
        data={"csrf_token": CSRF_TOKEN, "kind": "to_resident", "message_text": long_text},
    )
    assert response.status == 400
    page = await response.text()
    assert "te lang" in page
    assert long_text in page
    assert casework.case(report_id).messages == ()
