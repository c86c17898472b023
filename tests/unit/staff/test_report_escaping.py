"""Report text is shown as text: markup, attribute breakers, URLs and template syntax escaped."""

import pytest
import test_report_support as support
from test_report_support import CSRF_TOKEN, submit

# Fixtures of the shared set-up (pytest finds them by these names).
casework = support.casework
client_as = support.client_as
reader = support.reader

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="x'
URL = "javascript:alert(1)"
TEMPLATE = "{{7*7}}"
HOSTILE = {
    "location_address": f"Straat 1 {SCRIPT}",
    "vehicles": ATTRIBUTE,
    "persons": URL,
    "description": TEMPLATE,
    "signs": ("other",),
    "signs_other": f"{TEMPLATE} {SCRIPT}",
    "frequency": "{% for x in range(3) %}x{% endfor %}",
}


def assert_escaped(page: str) -> None:
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert ATTRIBUTE not in page
    assert "&#34; onmouseover=&#34;x" in page
    assert 'href="javascript' not in page
    assert TEMPLATE in page
    assert "49" not in page.replace(str(TEMPLATE), "")
    assert "{% for x in range(3) %}x{% endfor %}" in page


@pytest.fixture
async def hostile(reader):
    return submit(reader, **HOSTILE)


@pytest.mark.parametrize("role", ["viewer", "handler"])
async def test_detail_page_escapes_report_text(client_as, hostile, role):
    client = await client_as(role)
    page = await (await client.get(f"/staff/reports/{hostile}")).text()
    assert URL in page
    assert_escaped(page)


async def test_messages_and_notes_are_escaped(client_as, hostile):
    client = await client_as("handler")
    for kind, field in (("note", "note_text"), ("to_resident", "message_text")):
        await client.post(
            f"/staff/reports/{hostile}/messages",
            data={"csrf_token": CSRF_TOKEN, "kind": kind, field: f"{SCRIPT} {TEMPLATE}"},
        )
    page = await (await client.get(f"/staff/reports/{hostile}")).text()
    assert SCRIPT not in page
    assert page.count("{{7*7}}") >= 3


async def test_a_refused_form_echoes_the_input_escaped(client_as, hostile):
    client = await client_as("handler")
    response = await client.post(
        f"/staff/reports/{hostile}/messages",
        data={"csrf_token": CSRF_TOKEN, "kind": "note", "note_text": SCRIPT + "x" * 2000},
    )
    assert response.status == 400
    assert SCRIPT not in await response.text()


async def test_list_filters_echo_escaped(client_as, hostile):
    client = await client_as("viewer")
    response = await client.get("/staff/reports", params={"where": f"{ATTRIBUTE}{SCRIPT}"})
    page = await response.text()
    assert SCRIPT not in page
    assert ATTRIBUTE not in page


async def test_export_print_page_escapes(client_as, hostile):
    client = await client_as("handler")
    response = await client.post(
        "/staff/reports/export",
        data=[
            ("csrf_token", CSRF_TOKEN),
            ("id", str(hostile)),
            ("partner", "avim"),
            ("format", "html"),
        ]
        + [
            ("field", f)
            for f in (
                "location_address",
                "vehicles",
                "persons",
                "description",
                "signs_other",
                "frequency",
            )
        ],
    )
    assert response.status == 200
    page = await response.text()
    assert URL in page
    assert_escaped(page)
