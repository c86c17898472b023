"""GET /staff/stats: the statistics page (numbers from bot.staff.stats, drawings from
bot.staff.charts)."""

from __future__ import annotations

import asyncio

import aiohttp_jinja2
from aiohttp import web
from markupsafe import Markup

from bot.staff import labels
from bot.staff.access import requires
from bot.staff.audit import audit
from bot.staff.charts import Chart, describe
from bot.staff.reports_context import casework_of
from bot.staff.stats import Statistics, compute

REPORTS = ("melding", "meldingen")
FUNNEL_LABELS: dict[str, str] = {
    "started": "Gestart",
    "completed": "Verstuurd",
    "cancelled": "Afgebroken",
}


def charts(stats: Statistics) -> list[tuple[Chart, str]]:
    """Every chart of the page with the heading of its first table column."""
    funnel_rows = tuple((FUNNEL_LABELS[e], n) for e, n in stats.funnel)
    specs = [
        (
            "per-week",
            "Meldingen per week",
            tuple((labels.week_label(w), n) for w, n in stats.per_week),
            "Week",
            REPORTS,
        ),
        (
            "per-sign",
            "Meldingen per signaal",
            tuple((labels.sign_label(s), n) for s, n in stats.per_sign),
            "Signaal",
            REPORTS,
        ),
        ("per-place", "Meldingen per plaats", stats.per_place, "Plaats", REPORTS),
        (
            "per-language",
            "Meldingen per taal",
            tuple((labels.language_label(code), n) for code, n in stats.per_language),
            "Taal",
            REPORTS,
        ),
        ("funnel", "Gesprekken over een melding", funnel_rows, "Stap", ("gesprek", "gesprekken")),
    ]
    return [
        (Chart(id=chart_id, title=title, description=describe(rows, unit), rows=rows), column)
        for chart_id, title, rows, column, unit in specs
    ]


@requires("viewer")
async def stats_page(request: web.Request) -> web.Response:
    """The charts with their data tables."""
    work = casework_of(request)
    cases = await asyncio.to_thread(work.cases)
    funnel = await asyncio.to_thread(work.funnel)
    stats = compute([c.report for c in cases], funnel)
    await audit(request, "stats_viewed")
    context = {
        "total": stats.total,
        "charts": [
            {"chart": chart, "svg": Markup(chart.svg), "column": column}
            for chart, column in charts(stats)
        ],
    }
    return aiohttp_jinja2.render_template("stats.html", request, context)
