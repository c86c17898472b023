"""The report list and detail pages: filters, paging, sorting, labels, related reports."""

import datetime
import re

import test_report_support as support
from test_report_support import audit_of, submit

from bot.staff import keys
from bot.staff.access import required_role

# Fixtures of the shared set-up (pytest finds them by these names).
casework = support.casework
client_as = support.client_as
reader = support.reader

WEEK = datetime.date(2026, 11, 2)


async def test_list_shows_reports_with_dutch_labels_and_danger_as_text(client_as, reader):
    submit(reader, week=WEEK, danger_reported=True)
    submit(
        reader,
        week=WEEK,
        location_address="Markt 1",
        location_place="Sittard",
        location_postcode="6131",
        signs=("violence",),
    )
    client = await client_as("viewer")
    response = await client.get("/staff/reports")
    assert response.status == 200
    page = await response.text()
    assert "week van 2 nov 2026" in page
    assert "Geleen (6131)" in page
    assert "Bezoek op vreemde tijden" in page
    assert "Tekenen van geweld of angst" in page
    assert "Gevaar gemeld" in page
    assert "<caption>Gevonden meldingen</caption>" in page
    assert '<th scope="col">Nummer</th>' in page
    # a viewer cannot export, so the list has no export form
    assert "/staff/reports/export" not in page
    assert audit_of(client).actions() == ["reports_listed"]


async def test_filters_narrow_the_list(client_as, reader):
    geleen = submit(reader, week=WEEK)
    sittard = submit(
        reader,
        week=WEEK - datetime.timedelta(weeks=3),
        location_place="Sittard",
        location_address="Markt 1",
        location_postcode="6131",
        signs=("violence",),
        language="en",
    )
    client = await client_as("viewer")

    async def ids(query: str) -> set[int]:
        response = await client.get(f"/staff/reports?{query}")
        assert response.status == 200, await response.text()
        return {int(n) for n in re.findall(r'href="/staff/reports/(\d+)"', await response.text())}

    assert await ids("") == {geleen, sittard}
    assert await ids("sign=violence") == {sittard}
    assert await ids("where=geleen") == {geleen}
    assert await ids("where=6131") == {geleen, sittard}
    assert await ids("where=6131ab") == {geleen}
    assert await ids("language=en") == {sittard}
    assert await ids("status=new") == {geleen, sittard}
    assert await ids("status=closed") == set()
    assert await ids("week_from=2026-11-04") == {geleen}
    page = await (await client.get("/staff/reports?week_from=2026-11-04&week_to=2026-11-08")).text()
    assert "gevonden vanaf de week van 2 nov 2026 tot en met de week van 2 nov 2026." in page
    assert await ids("week_to=2026-10-20") == {sittard}


async def test_bad_filters_answer_with_errors_next_to_the_field(client_as, reader):
    submit(reader)
    client = await client_as("viewer")
    response = await client.get("/staff/reports?where=Atlantis&week_from=gisteren&status=x")
    assert response.status == 400
    page = await response.text()
    assert "Deze plaats kennen we niet" in page
    assert 'id="where-fout"' in page
    assert 'aria-invalid="true"' in page
    assert "Typ een datum als 2026-11-03." in page
    assert 'value="Atlantis"' in page  # what was typed stays


async def test_paging_keeps_the_filters(client_as, reader):
    for _ in range(27):
        submit(reader, week=WEEK)
    submit(reader, week=WEEK, signs=("violence",))
    client = await client_as("viewer")
    page = await (await client.get("/staff/reports?sign=odd_hours")).text()
    assert "27 meldingen gevonden" in page
    assert "Pagina 1 van 2" in page
    assert len(re.findall(r'<th scope="row"><a href="/staff/reports/\d+"', page)) == 25
    assert 'href="/staff/reports?sign=odd_hours&amp;page=2"' in page
    second = await (await client.get("/staff/reports?sign=odd_hours&page=2")).text()
    assert len(re.findall(r'<th scope="row"><a href="/staff/reports/\d+"', second)) == 2
    assert 'href="/staff/reports?sign=odd_hours&amp;page=1"' in second


async def test_sort_by_reports_on_the_same_address(client_as, reader):
    single = submit(reader, week=WEEK, location_address="Markt 1")
    first = submit(reader, week=WEEK - datetime.timedelta(weeks=1), location_address="Kerkstraat 5")
    second = submit(
        reader, week=WEEK - datetime.timedelta(weeks=2), location_address="kerkstraat 5"
    )
    client = await client_as("viewer")

    async def order(sort: str) -> list[int]:
        page = await (await client.get(f"/staff/reports?sort={sort}")).text()
        return [int(n) for n in re.findall(r'<th scope="row"><a href="/staff/reports/(\d+)"', page)]

    assert await order("newest") == [single, first, second]
    assert await order("oldest") == [second, first, single]
    assert (await order("address_count"))[-1] == single


async def test_detail_shows_every_field_with_dutch_labels(client_as, reader):
    report_id = submit(
        reader,
        week=WEEK,
        signs=("odd_hours", "other"),
        signs_other="Rare lucht",
        frequency="op zaterdag",
        danger_reported=True,
    )
    client = await client_as("viewer")
    response = await client.get(f"/staff/reports/{report_id}")
    assert response.status == 200
    page = await response.text()
    for text in (
        "Melding",
        "week van 2 nov 2026",
        "Rijksweg Zuid 12",
        "6131AB",
        "Geleen",
        "avond",
        "op zaterdag",
        "1 tot 6 maanden",
        "rode bus",
        "steeds andere mannen",
        "Rare lucht",
        "Iets anders",
        "Gevaar gemeld",
        "Nieuw",
        "niemand",
    ):
        assert text in page, text
    assert audit_of(client).events[-1]["action"] == "report_viewed"
    assert audit_of(client).events[-1]["report_id"] == report_id
    # a viewer sees no workflow forms
    assert '<form method="post" action="/staff/reports/' not in page


async def test_detail_lists_other_reports_on_the_address_and_street_and_recurring_signs(
    client_as, reader
):
    own = submit(reader, week=WEEK)
    same = submit(
        reader, week=WEEK, location_address="rijksweg zuid 12", signs=("odd_hours", "violence")
    )
    street = submit(reader, week=WEEK, location_address="Rijksweg Zuid 40", signs=("violence",))
    other = submit(reader, week=WEEK, location_address="Markt 1")
    client = await client_as("viewer")
    page = await (await client.get(f"/staff/reports/{own}")).text()
    address_part = page.split('id="groep-1"')[1].split('id="groep-2"')[0]
    street_part = page.split('id="groep-2"')[1].split('id="berichten"')[0]
    assert f'href="/staff/reports/{same}"' in address_part
    assert f'href="/staff/reports/{street}"' not in address_part
    assert f'href="/staff/reports/{street}"' in street_part
    assert f'href="/staff/reports/{other}"' not in page
    assert "Bezoek op vreemde tijden: in 2 meldingen" in address_part
    assert "Tekenen van geweld of angst: in 2 meldingen" in street_part


async def test_unknown_report_is_404(client_as, reader):
    client = await client_as("viewer")
    assert (await client.get("/staff/reports/999")).status == 404


async def test_without_the_reports_layer_the_pages_say_so(aiohttp_client, casework):
    app = support.report_app(casework, "viewer")
    app[keys.CASEWORK] = None
    client = await aiohttp_client(app)
    response = await client.get("/staff/reports")
    assert response.status == 503
    assert "niet beschikbaar" in await response.text()


def test_every_route_has_the_documented_role(casework):
    expected = {
        ("GET", "/staff/reports"): "viewer",
        ("GET", "/staff/reports/style.css"): "viewer",
        ("GET", r"/staff/reports/{report_id}"): "viewer",
        ("POST", r"/staff/reports/{report_id}/status"): "handler",
        ("POST", r"/staff/reports/{report_id}/assign"): "handler",
        ("POST", r"/staff/reports/{report_id}/messages"): "handler",
        ("GET", r"/staff/reports/{report_id}/export"): "handler",
        ("GET", "/staff/reports/export"): "handler",
        ("POST", "/staff/reports/export"): "handler",
        ("GET", "/staff/stats"): "viewer",
        ("GET", "/staff/retention"): "admin",
        ("POST", "/staff/retention"): "admin",
        ("POST", "/staff/retention/purge"): "admin",
    }
    app = support.report_app(casework, "viewer")
    found = {
        (route.method, route.resource.canonical): required_role(route.handler)
        for route in app.router.routes()
        if route.method != "HEAD"
    }
    assert found == expected
