"""Export to a partner: the form (GET), and the printable page or CSV file (POST).

GET /staff/reports/{id}/export              one report
GET /staff/reports/export?id=3&id=5         the reports ticked in the list
GET /staff/reports/export?status=new&...    every report of a list filter
Adding ``partner=avim`` preselects that partner's fields (works without JavaScript: the form's
first button reloads the page with the partner chosen). The POST carries the report ids, the
partner, the fields and the format (button ``format=html`` or ``format=csv``). Every export is
audited once per report: partner, format and field list ("what went to whom").
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Mapping
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from multidict import MultiMapping

from bot.reports.records import PARTNERS, Case
from bot.reports.store import today_utc
from bot.staff import export, labels
from bot.staff.access import requires
from bot.staff.audit import audit
from bot.staff.reports_context import casework_of
from bot.staff.reports_forms import Errors, parse_list_query
from bot.staff.reports_views import report_id_of

FORMATS = ("html", "csv")
MAX_IDS = 5000


def parse_ids(values: list[str]) -> tuple[tuple[int, ...], bool]:
    """Distinct positive report ids in the given order, and whether all values were ids."""
    ids: list[int] = []
    valid = True
    for value in values:
        try:
            number = int(value)
        except ValueError:
            valid = False
            continue
        if number < 1:
            valid = False
        elif number not in ids:
            ids.append(number)
    return tuple(ids[:MAX_IDS]), valid and len(ids) <= MAX_IDS


async def cases_for(request: web.Request, ids: tuple[int, ...]) -> list[Case]:
    """The cases with these ids, in the order of `ids` (missing ones left out)."""
    wanted = set(ids)
    found = await asyncio.to_thread(casework_of(request).cases)
    by_id = {c.id: c for c in found if c.id in wanted}
    return [by_id[i] for i in ids if i in by_id]


async def ids_of_request(
    request: web.Request,
) -> tuple[tuple[int, ...], list[tuple[str, str]]]:
    """The report ids an export form is for (the path id, ticked ids, or a list filter), and
    the query values that name them again (carried when the partner is chosen)."""
    if "report_id" in request.match_info:
        return (report_id_of(request),), []
    ids, valid = parse_ids(request.query.getall("id", []))
    if not valid:
        raise web.HTTPBadRequest(text="Onbekend meldingsnummer.")
    if ids:
        return ids, [("id", str(i)) for i in ids]
    query = parse_list_query(request.query)
    if query.errors:
        raise web.HTTPBadRequest(text="Dit filter klopt niet.")
    found = await asyncio.to_thread(casework_of(request).cases, query.filters)
    return tuple(c.id for c in found), [(k, v) for k, v in query.values.items() if v]


def form_context(
    cases: list[Case],
    partner: str,
    fields: tuple[str, ...],
    errors: Errors | None = None,
    carry: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    return {
        "carry": carry or [],
        "cases": [
            {
                "id": c.id,
                "week": labels.week_label(c.report.created_week),
                "place": c.report.location_place,
            }
            for c in cases
        ],
        "ids": [c.id for c in cases],
        "partner": partner,
        "partner_label": labels.partner_label(partner),
        "partners": [(p, labels.partner_label(p)) for p in PARTNERS],
        "fields": [(f, export.FIELD_LABELS[f], f in fields) for f in export.FIELD_IDS],
        "errors": errors or {},
    }


def _chosen(query: MultiMapping[str], partner: str) -> tuple[str, ...]:
    """Fields ticked in the query, else the partner's profile."""
    ticked = query.getall("field", [])
    return export.chosen_fields(ticked) if ticked else export.profile(partner)


@requires("handler")
async def export_form(request: web.Request) -> web.Response:
    """GET: the export form for one or more reports."""
    ids, carry = await ids_of_request(request)
    cases = await cases_for(request, ids)
    if not cases:
        if "report_id" in request.match_info:
            raise web.HTTPNotFound()
        raise web.HTTPSeeOther("/staff/reports")
    partner = request.query.get("partner", "")
    errors: Errors = {}
    if partner and partner not in PARTNERS:
        errors["partner"] = "Kies een partner uit de lijst."
        partner = ""
    context = form_context(cases, partner, _chosen(request.query, partner), errors, carry)
    context["action"] = request.path
    await audit(
        request,
        "export_form_viewed",
        cases[0].id if len(cases) == 1 else None,
        f"partner={partner or '-'} reports={','.join(str(c.id) for c in cases)}",
    )
    return aiohttp_jinja2.render_template(
        "export.html", request, context, status=400 if errors else 200
    )


def check_export_form(form: Mapping[str, str], fields: tuple[str, ...]) -> Errors:
    errors: Errors = {}
    if form.get("partner", "") not in PARTNERS:
        errors["partner"] = "Kies de partner die de gegevens krijgt."
    if not fields:
        errors["fields"] = "Kies minstens één gegeven."
    if form.get("format", "") not in FORMATS:
        errors["format"] = "Kies een printbare pagina of een CSV-bestand."
    return errors


def csv_response(data: bytes, partner: str, day: datetime.date) -> web.Response:
    filename = f"zicht-export-{partner}-{day.isoformat()}.csv"
    return web.Response(
        body=data,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@requires("handler")
async def export_submit(request: web.Request) -> web.Response:
    """POST /staff/reports/export: the printable page or the CSV file."""
    form = await request.post()
    ids, valid = parse_ids([str(v) for v in form.getall("id", [])])
    cases = await cases_for(request, ids)
    if not valid or not cases or len(cases) != len(ids):
        raise web.HTTPBadRequest(text="Een of meer meldingen bestaan niet (meer).")
    fields = export.chosen_fields(str(v) for v in form.getall("field", []))
    partner = str(form.get("partner", ""))
    errors = check_export_form({k: str(v) for k, v in form.items()}, fields)
    if errors:
        context = form_context(cases, partner if partner in PARTNERS else "", fields, errors)
        context["action"] = "/staff/reports/export"
        context["carry"] = [("id", str(c.id)) for c in cases]
        return aiohttp_jinja2.render_template("export.html", request, context, status=400)
    fmt = str(form["format"])
    detail = f"partner={partner} format={fmt} fields={','.join(fields)} reports={len(cases)}"
    for case in cases:
        await audit(request, "report_exported", case.id, detail)
    day = today_utc()
    if fmt == "csv":
        return csv_response(export.to_csv(cases, fields), partner, day)
    context = {
        "partner_label": labels.partner_label(partner),
        "date": labels.date_label(day),
        "header": export.header(fields),
        "reports": [
            {"id": case.id, "rows": list(zip(export.header(fields), row, strict=True))}
            for case, row in zip(cases, export.rows(cases, fields), strict=True)
        ],
    }
    return aiohttp_jinja2.render_template("export_print.html", request, context)
