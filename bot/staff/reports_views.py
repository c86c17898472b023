"""The report pages: the list (GET /staff/reports), one report (GET /staff/reports/{id}) and
its workflow forms (status, assignee, notes, messages to the resident).

Every form posts, and on success answers 303 back to the report page; on bad input the page
comes again with the error next to its field and what was typed kept (status 400).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from bot.reports.casework import Casework, NoFollowUpKey
from bot.reports.records import (
    CLOSE_REASONS,
    MESSAGE_MAX_LENGTH,
    PARTNERS,
    SIGN_IDS,
    STATUSES,
    TRANSITIONS,
    Case,
    postcode_area,
)
from bot.staff import export, labels
from bot.staff.access import current_user, requires
from bot.staff.audit import audit
from bot.staff.reports_context import casework_of, handler_names, staff_name
from bot.staff.reports_forms import (
    PAGE_SIZE,
    Errors,
    ListQuery,
    parse_assign_form,
    parse_list_query,
    parse_message_form,
    parse_status_form,
)
from bot.texts import available_languages

# The fields of the report itself, in the order of the detail page (workflow state apart).
DETAIL_FIELDS: tuple[str, ...] = tuple(
    f for f in export.FIELD_IDS if f not in ("id", "status", "address_count")
)


def report_id_of(request: web.Request) -> int:
    try:
        return int(request.match_info["report_id"])
    except ValueError as exc:
        raise web.HTTPNotFound() from exc


def status_text(case: Case) -> str:
    """The status as one phrase, e.g. "Doorgezet aan Politie (AVIM)"."""
    text = labels.status_label(case.status)
    if case.status == "forwarded" and case.partner:
        text += f" aan {labels.partner_label(case.partner)}"
    if case.status == "closed" and case.close_reason:
        text += f" ({labels.close_reason_label(case.close_reason)})"
    return text


def place_text(case: Case) -> str:
    """Place and postcode area, e.g. "Geleen (6131)"."""
    report = case.report
    area = postcode_area(report.location_postcode)
    return f"{report.location_place} ({area})" if area else report.location_place


def case_row(case: Case) -> dict[str, Any]:
    """One line of the list, as display text."""
    return {
        "id": case.id,
        "week": labels.week_label(case.report.created_week),
        "place": place_text(case),
        "signs": [labels.sign_label(s) for s in case.report.signs],
        "danger": case.report.danger_reported,
        "status": status_text(case),
        "assigned": case.assigned_to or "",
        "address_count": case.address_count,
    }


def filter_options() -> dict[str, Any]:
    """The choices of the filter form."""
    return {
        "statuses": [(s, labels.status_label(s)) for s in STATUSES],
        "signs": [(s, labels.sign_label(s)) for s in SIGN_IDS],
        "languages": [(code, labels.language_label(code)) for code in available_languages()],
        "sorts": list(labels.SORT_LABELS.items()),
    }


def weeks_text(query: ListQuery) -> str:
    """The week range of the filter in words, e.g. "vanaf de week van 2 nov 2026"."""
    parts = []
    if query.filters.week_from:
        parts.append(f"vanaf de {labels.week_label(query.filters.week_from)}")
    if query.filters.week_to:
        parts.append(f"tot en met de {labels.week_label(query.filters.week_to)}")
    return " ".join(parts)


def paging(query: ListQuery, total: int) -> dict[str, Any]:
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(query.page, pages)
    return {
        "page": page,
        "pages": pages,
        "total": total,
        "first": (page - 1) * PAGE_SIZE,
        "prev_query": query.query_string(page=page - 1) if page > 1 else None,
        "next_query": query.query_string(page=page + 1) if page < pages else None,
        "filter_query": query.query_string(),
    }


@requires("viewer")
async def list_reports(request: web.Request) -> web.Response:
    """GET /staff/reports: filter, sort and page through the reports."""
    query = parse_list_query(request.query)
    cases = (
        [] if query.errors else await asyncio.to_thread(casework_of(request).cases, query.filters)
    )
    pages = paging(query, len(cases))
    shown = cases[pages["first"] : pages["first"] + PAGE_SIZE]
    await audit(
        request,
        "reports_listed",
        None,
        f"filter={query.query_string()} count={len(cases)} page={pages['page']}",
    )
    context = {
        "rows": [case_row(c) for c in shown],
        "values": query.values,
        "errors": query.errors,
        "weeks": weeks_text(query),
        "options": filter_options(),
        "can_export": current_user(request).can("handler"),
        **pages,
    }
    status = 400 if query.errors else 200
    return aiohttp_jinja2.render_template("reports/list.html", request, context, status=status)


def _related(
    cases: dict[int, Case], own: Case, shown: tuple[int, ...], also: tuple[int, ...] = ()
) -> dict[str, Any]:
    """The reports `shown` as list rows, and the signs found in two or more reports of the
    group: this one, the shown ones and `also` (the street counts the address as well)."""
    group = [own, *(cases[i] for i in (*shown, *also) if i in cases)]
    counts = Counter(sign for case in group for sign in case.report.signs)
    return {
        "rows": [case_row(cases[i]) for i in shown if i in cases],
        "recurring": [(labels.sign_label(s), counts[s]) for s in SIGN_IDS if counts[s] >= 2],
    }


async def detail_context(request: web.Request, case: Case) -> dict[str, Any]:
    """Everything the report page shows about one case."""
    work = casework_of(request)
    related_ids = set(case.same_address + case.same_street)
    every = await asyncio.to_thread(work.cases) if related_ids else []
    by_id = {c.id: c for c in every if c.id in related_ids}
    can_message = await asyncio.to_thread(work.can_message_resident, case.id)
    names = await handler_names(request)
    if names is not None and case.assigned_to and case.assigned_to not in names:
        names.append(case.assigned_to)
    return {
        "case": case,
        "title": f"Melding {case.id}",
        "danger": case.report.danger_reported,
        "fields": [(export.FIELD_LABELS[f], export.value(case, f)) for f in DETAIL_FIELDS],
        "status_text": status_text(case),
        "assigned": case.assigned_to or "",
        "partner": labels.partner_label(case.partner),
        "close_reason": labels.close_reason_label(case.close_reason),
        "messages": [
            {
                "kind": m.kind,
                "kind_label": labels.message_kind_label(m.kind),
                "author": m.author or "melder",
                "date": labels.date_label(m.created_on),
                "text": m.text,
            }
            for m in case.messages
        ],
        "same_address": _related(by_id, case, case.same_address),
        "same_street": _related(by_id, case, case.same_street, case.same_address),
        "next_statuses": [(s, labels.status_label(s)) for s in TRANSITIONS[case.status]],
        "partners": [(p, labels.partner_label(p)) for p in PARTNERS],
        "reasons": [(r, labels.close_reason_label(r)) for r in CLOSE_REASONS],
        "handlers": None if names is None else [(n, n) for n in names],
        "can_change": current_user(request).can("handler"),
        "can_message": can_message,
        "message_max": MESSAGE_MAX_LENGTH,
        "errors": {},
        "values": {},
    }


async def load_case(request: web.Request) -> Case:
    found = await asyncio.to_thread(casework_of(request).case, report_id_of(request))
    if found is None:
        raise web.HTTPNotFound(text="Deze melding bestaat niet (meer).")
    return found


async def render_detail(
    request: web.Request,
    case: Case,
    errors: Errors | None = None,
    values: dict[str, str] | None = None,
) -> web.Response:
    context = await detail_context(request, case)
    context.update(errors=errors or {}, values=values or {})
    return aiohttp_jinja2.render_template(
        "reports/detail.html", request, context, status=400 if errors else 200
    )


@requires("viewer")
async def show_report(request: web.Request) -> web.Response:
    """GET /staff/reports/{id}: the whole report, its workflow state and its thread."""
    case = await load_case(request)
    await audit(request, "report_viewed", case.id)
    return await render_detail(request, case)


def back_to(case_id: int) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"/staff/reports/{case_id}")


def _form_values(form: Any) -> dict[str, str]:
    return {key: str(value) for key, value in form.items() if key != "csrf_token"}


@requires("handler")
async def change_status(request: web.Request) -> web.Response:
    """POST /staff/reports/{id}/status: move the report along the workflow."""
    case = await load_case(request)
    form = await request.post()
    change, errors = parse_status_form(form, case.status)
    if change is None:
        return await render_detail(request, case, errors, _form_values(form))
    work: Casework = casework_of(request)
    try:
        await asyncio.to_thread(
            work.set_status, case.id, change.status, partner=change.partner, reason=change.reason
        )
    except ValueError:
        # Someone else changed it in the meantime: show the current state.
        fresh = await load_case(request)
        return await render_detail(
            request, fresh, {"status": "De status is intussen veranderd. Kies opnieuw."}
        )
    detail = f"{case.status}->{change.status}"
    if change.partner:
        detail += f" partner={change.partner}"
    if change.reason:
        detail += f" reason={change.reason}"
    await audit(request, "status_changed", case.id, detail)
    raise back_to(case.id)


@requires("handler")
async def assign_report(request: web.Request) -> web.Response:
    """POST /staff/reports/{id}/assign: give the report to a handler (or to nobody)."""
    case = await load_case(request)
    form = await request.post()
    handlers = await handler_names(request)
    name, errors = parse_assign_form(form, tuple(handlers) if handlers is not None else None)
    if errors:
        return await render_detail(request, case, errors, _form_values(form))
    await asyncio.to_thread(casework_of(request).assign, case.id, name)
    await audit(request, "report_assigned", case.id, f"to={name or '-'}")
    raise back_to(case.id)


@requires("handler")
async def add_message(request: web.Request) -> web.Response:
    """POST /staff/reports/{id}/messages: an internal note or a message for the resident."""
    case = await load_case(request)
    form = await request.post()
    kind, text, errors = parse_message_form(form)
    if text is None:
        return await render_detail(request, case, errors, _form_values(form))
    try:
        message = await asyncio.to_thread(
            casework_of(request).add_message, case.id, kind, text, author=staff_name(request)
        )
    except NoFollowUpKey:
        errors = {
            "message_text": "Deze melding is van voor de berichtenfunctie: de melder kan "
            "geen berichten ontvangen."
        }
        return await render_detail(request, case, errors, _form_values(form))
    action = "note_added" if kind == "note" else "message_sent"
    await audit(request, action, case.id, f"message={message.id}")
    raise back_to(case.id)
