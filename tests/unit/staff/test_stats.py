"""Statistics: the numbers against a known data set, and charts with text alternatives."""

import datetime
import re
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import test_report_support as support
from test_report_support import audit_of, submit

from bot.staff import charts, stats
from bot.staff.reports_stats import charts as page_charts

# Fixtures of the shared set-up (pytest finds them by these names).
casework = support.casework
client_as = support.client_as
reader = support.reader

W1 = datetime.date(2026, 10, 5)
W2 = datetime.date(2026, 10, 12)
W4 = datetime.date(2026, 10, 26)
SVG = "{http://www.w3.org/2000/svg}"


def known_data_set(reader):
    submit(reader, week=W1, signs=("odd_hours",), language="nl")
    submit(
        reader,
        week=W1,
        signs=("odd_hours", "violence"),
        language="en",
        location_place="Sittard",
        location_address="Markt 1",
    )
    submit(
        reader,
        week=W2,
        signs=("many_vehicles",),
        language="nl",
        location_place="Born",
        location_address="Kerkstraat 2",
    )
    submit(
        reader,
        week=W4,
        signs=("other", "violence"),
        signs_other="anders",
        language="pl",
        location_place="Sittard",
        location_address="Markt 3",
    )
    submit(reader, week=W4, signs=("short_visits",), language="nl")
    for event, times in (("started", 9), ("completed", 5), ("cancelled", 3)):
        for _ in range(times):
            reader.record_funnel(event)


def test_numbers_of_a_known_data_set(reader, casework):
    known_data_set(reader)
    result = stats.compute([c.report for c in casework.cases()], casework.funnel())
    assert result.total == 5
    assert result.per_week == (
        (W1, 2),
        (W2, 1),
        (datetime.date(2026, 10, 19), 0),
        (W4, 2),
    )
    assert result.per_sign == (
        ("odd_hours", 2),
        ("many_vehicles", 1),
        ("short_visits", 1),
        ("hidden_residents", 0),
        ("violence", 2),
        ("other", 1),
    )
    assert result.per_place == (("Geleen", 2), ("Sittard", 2), ("Born", 1))
    assert result.per_language == (("nl", 3), ("en", 1), ("pl", 1))
    assert result.funnel == (("started", 9), ("completed", 5), ("cancelled", 3))


def test_no_reports():
    result = stats.compute([], {})
    assert result.total == 0
    assert result.per_week == ()
    assert result.funnel == (("started", 0), ("completed", 0), ("cancelled", 0))
    assert all(n == 0 for _, n in result.per_sign)


def test_only_the_last_weeks_are_shown():
    weeks = stats.weeks_between(datetime.date(2025, 1, 6), datetime.date(2026, 1, 5))
    assert len(weeks) == 53
    assert all(w.weekday() == 0 for w in weeks)
    reports = [SimpleNamespace(created_week=w) for w in (weeks[0], weeks[-1], weeks[-1])]
    shown = stats.per_week(reports)
    assert len(shown) == stats.MAX_WEEKS
    assert shown[-1] == (weeks[-1], 2)
    assert sum(n for _, n in shown) == 2


def test_svg_has_title_desc_and_every_number_as_text():
    rows = (("Geleen", 2), ("Sittard <&>", 5))
    chart = charts.Chart("per-place", "Meldingen per plaats", charts.describe(rows), rows)
    svg = ET.fromstring(chart.svg)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "per-place-title per-place-desc"
    assert svg.find(f"{SVG}title").text == "Meldingen per plaats"
    assert svg.find(f"{SVG}title").get("id") == "per-place-title"
    assert svg.find(f"{SVG}desc").text == "Geleen: 2 meldingen; Sittard <&>: 5 meldingen."
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert texts == ["Geleen", "2", "Sittard <&>", "5"]
    widths = [int(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert widths[1] > widths[0] > 0


def test_text_alternative_counts_in_words():
    assert charts.describe((("Born", 1), ("Buchten", 0))) == (
        "Born: 1 melding; Buchten: 0 meldingen."
    )
    assert charts.describe((("Gestart", 1),), ("gesprek", "gesprekken")) == "Gestart: 1 gesprek."
    assert charts.describe(()) == "Geen gegevens."


def test_empty_chart_says_so():
    svg = ET.fromstring(charts.bar_chart_svg("x", "Leeg", "Geen gegevens.", ()))
    assert [t.text for t in svg.iter(f"{SVG}text")] == ["Geen gegevens."]


async def test_stats_page_shows_charts_and_the_same_numbers_in_tables(client_as, reader, casework):
    known_data_set(reader)
    client = await client_as("viewer")
    response = await client.get("/staff/stats")
    assert response.status == 200
    page = await response.text()
    assert page.count('role="img"') == 5
    assert page.count("<details>") == 5
    assert "<script" not in page
    for chart, _ in page_charts(
        stats.compute([c.report for c in casework.cases()], casework.funnel())
    ):
        assert f'aria-labelledby="{chart.id}-title {chart.id}-desc"' in page
        table = page.split(f"<caption>{chart.title}</caption>")[1].split("</table>")[0]
        cells = re.findall(r'<th scope="row">([^<]*)</th><td>(\d+)</td>', table)
        assert [(label.replace("&#39;", "'"), int(n)) for label, n in cells] == list(chart.rows)
    assert "<td>9</td>" in page and "Gestart" in page and "Afgebroken" in page
    assert "Tekenen van geweld of angst" in page
    assert "week van 5 okt 2026" in page
    assert audit_of(client).actions() == ["stats_viewed"]
