"""The routes of the report pages (issue 4: reports, export, statistics, retention).

GET  /staff/reports                      viewer   list with filters, sort and pages
GET  /staff/reports/{id}                 viewer   one report, its thread and related reports
POST /staff/reports/{id}/status          handler  workflow step
POST /staff/reports/{id}/assign          handler  assign to a handler
POST /staff/reports/{id}/messages        handler  internal note or message to the resident
GET  /staff/reports/{id}/export          handler  export form for one report
GET  /staff/reports/export               handler  export form for ticked ids or a filter
POST /staff/reports/export               handler  printable page or CSV download
GET  /staff/reports/style.css            viewer   the style of the report pages and prints
GET  /staff/stats                        viewer   charts with data tables
GET  /staff/retention                    admin    retention period
POST /staff/retention                    admin    set the retention period
POST /staff/retention/purge              admin    purge now
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.staff import export_views, reports_stats, reports_views, retention
from bot.staff.access import requires

STYLE = Path(__file__).parent / "templates" / "reports" / "reports.css"


@requires("viewer")
async def style(_request: web.Request) -> web.Response:
    """The stylesheet of the report pages, the statistics and the printable export."""
    return web.Response(text=STYLE.read_text(encoding="utf-8"), content_type="text/css")


def setup(app: web.Application) -> None:
    """Add the report pages to the staff app."""
    report = r"/staff/reports/{report_id:\d+}"
    app.router.add_get("/staff/reports", reports_views.list_reports)
    app.router.add_get("/staff/reports/style.css", style)
    app.router.add_get("/staff/reports/export", export_views.export_form)
    app.router.add_post("/staff/reports/export", export_views.export_submit)
    app.router.add_get(report, reports_views.show_report)
    app.router.add_post(f"{report}/status", reports_views.change_status)
    app.router.add_post(f"{report}/assign", reports_views.assign_report)
    app.router.add_post(f"{report}/messages", reports_views.add_message)
    app.router.add_get(f"{report}/export", export_views.export_form)
    app.router.add_get("/staff/stats", reports_stats.stats_page)
    app.router.add_get("/staff/retention", retention.retention_page)
    app.router.add_post("/staff/retention", retention.set_retention)
    app.router.add_post("/staff/retention/purge", retention.purge_now)
