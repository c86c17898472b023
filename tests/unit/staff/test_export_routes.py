"""The export pages: partner preselection without JavaScript, CSV download, printable page,
several reports at once, and the audit of what went to whom."""

import csv
import io
import re

import test_report_support as support
from test_report_support import CSRF_TOKEN, audit_of, submit

from bot.staff import export

# Fixtures of the shared set-up (pytest finds them by these names).
casework = support.casework
client_as = support.client_as
reader = support.reader


def checked(page: str) -> set[str]:
    return set(re.findall(r'name="field" value="([a-z_]+)" id="field-[a-z_]+" checked', page))


async def test_choosing_a_partner_preselects_its_fields(client_as, reader):
    report_id = submit(reader)
    client = await client_as("handler")
    first = await (await client.get(f"/staff/reports/{report_id}/export")).text()
    assert 'name="field"' not in first  # step 2 comes once the partner is chosen
    assert '<select id="partner" name="partner"' in first
    for partner in ("avim", "leger_des_heils", "belastingdienst"):
        response = await client.get(f"/staff/reports/{report_id}/export?partner={partner}")
        assert response.status == 200
        page = await response.text()
        assert checked(page) == set(export.profile(partner))
        assert f'<option value="{partner}" selected>' in page
    assert audit_of(client).actions().count("export_form_viewed") == 4


async def test_ticked_fields_in_the_query_win_over_the_profile(client_as, reader):
    report_id = submit(reader)
    client = await client_as("handler")
    page = await (
        await client.get(f"/staff/reports/{report_id}/export?partner=avim&field=id&field=week")
    ).text()
    assert checked(page) == {"id", "week"}


async def test_unknown_partner_is_an_error(client_as, reader):
    report_id = submit(reader)
    client = await client_as("handler")
    response = await client.get(f"/staff/reports/{report_id}/export?partner=nsa")
    assert response.status == 400
    assert "Kies een partner uit de lijst." in await response.text()


async def post_export(client, ids, partner, fields, fmt):
    data = [("csrf_token", CSRF_TOKEN), ("partner", partner), ("format", fmt)]
    data += [("id", str(i)) for i in ids] + [("field", f) for f in fields]
    return await client.post("/staff/reports/export", data=data)


async def test_csv_download_holds_only_the_chosen_fields_and_is_audited(client_as, reader):
    first = submit(reader, persons="=cmd|' /C calc'!A0")
    second = submit(reader, location_address="Markt 1", location_place="Sittard")
    client = await client_as("handler")
    response = await post_export(
        client, [first, second], "leger_des_heils", ["id", "location_place", "persons"], "csv"
    )
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "zicht-export-leger_des_heils-" in disposition
    body = await response.read()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == ["Nummer", "Plaats", "Personen"]
    assert rows[1] == [str(first), "Geleen", "'=cmd|' /C calc'!A0"]
    assert rows[2] == [str(second), "Sittard", "steeds andere mannen"]
    assert "Rijksweg" not in body.decode("utf-8-sig")
    events = [e for e in audit_of(client).events if e["action"] == "report_exported"]
    assert [e["report_id"] for e in events] == [first, second]
    assert events[0]["detail"] == (
        "partner=leger_des_heils format=csv fields=id,location_place,persons reports=2"
    )


async def test_printable_page(client_as, reader):
    report_id = submit(reader)
    client = await client_as("handler")
    response = await post_export(client, [report_id], "avim", export.FIELD_IDS, "html")
    assert response.status == 200
    page = await response.text()
    assert "Meldingen voor Politie (AVIM)" in page
    assert f"<caption>Melding {report_id}</caption>" in page
    assert '<th scope="row">Adres</th><td>Rijksweg Zuid 12</td>' in page
    assert "/staff/reports/style.css" in page
    style = await client.get("/staff/reports/style.css")
    assert style.status == 200
    assert "@media print" in await style.text()


async def test_missing_fields_or_format_show_the_form_again(client_as, reader):
    report_id = submit(reader)
    client = await client_as("handler")
    response = await post_export(client, [report_id], "avim", [], "csv")
    assert response.status == 400
    page = await response.text()
    assert "Kies minstens één gegeven." in page
    assert f'name="id" value="{report_id}"' in page
    response = await post_export(client, [report_id], "avim", ["id"], "pdf")
    assert response.status == 400
    assert "Kies een printbare pagina of een CSV-bestand." in await response.text()
    assert "report_exported" not in audit_of(client).actions()


async def test_unknown_report_ids_are_refused(client_as, reader):
    report_id = submit(reader)
    client = await client_as("handler")
    response = await post_export(client, [report_id, 999], "avim", ["id"], "csv")
    assert response.status == 400
    response = await post_export(client, ["abc"], "avim", ["id"], "csv")
    assert response.status == 400


async def test_export_of_ticked_reports_and_of_a_filter(client_as, reader):
    geleen = submit(reader)
    sittard = submit(
        reader, location_address="Markt 1", location_place="Sittard", signs=("violence",)
    )
    client = await client_as("handler")
    listing = await (await client.get("/staff/reports")).text()
    assert 'action="/staff/reports/export"' in listing
    assert f'name="id" value="{geleen}"' in listing
    page = await (await client.get(f"/staff/reports/export?id={sittard}")).text()
    assert f"Melding {sittard}" in page and f"Melding {geleen}<" not in page
    page = await (await client.get("/staff/reports/export?sign=violence&partner=om")).text()
    assert f'name="id" value="{sittard}"' in page
    assert f'name="id" value="{geleen}"' not in page
    assert '<input type="hidden" name="sign" value="violence">' in page
