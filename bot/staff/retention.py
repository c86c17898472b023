"""Retention: how long reports are kept, purging older ones, and the daily purge.

GET/POST /staff/retention (admin) shows and sets the period in days; POST
/staff/retention/purge ("nu opschonen") purges at once. ``setup_retention_schedule(app)`` adds a
background task to the staff app that purges shortly after start and then once a day. Every
purge is audited (the scheduled one with the actor "systeem").

A report goes when its submission week began more than the period before today
(bot.reports.casework.Casework.purge); its signs and messages go with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
from collections.abc import AsyncIterator, Iterable

import aiohttp_jinja2
from aiohttp import web

from bot.reports.casework import (
    DEFAULT_RETENTION_DAYS,
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    Casework,
)
from bot.staff import keys, labels
from bot.staff.access import requires
from bot.staff.audit import audit
from bot.staff.reports_context import casework_of

log = logging.getLogger(__name__)

FIRST_PURGE_DELAY = 60.0  # seconds after start
PURGE_INTERVAL = 24 * 3600.0
SYSTEM_ACTOR = "systeem"
PURGED_ACTION = "reports_purged"
PURGE_TASK = web.AppKey("retention_purge_task", asyncio.Task)


def cutoff(today: datetime.date, days: int) -> datetime.date:
    """Reports whose week began before this day are past the retention period."""
    return today - datetime.timedelta(days=days)


def past_period(weeks: Iterable[datetime.date], today: datetime.date, days: int) -> int:
    """How many of these submission weeks are past the period (what a purge would delete)."""
    limit = cutoff(today, days)
    return sum(1 for week in weeks if week < limit)


def parse_days(text: str) -> tuple[int | None, str | None]:
    """(days, error) for a typed retention period."""
    try:
        days = int(text.strip())
    except ValueError:
        return None, "Typ een aantal dagen als getal, bijvoorbeeld 365."
    if not MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS:
        return None, f"Kies tussen {MIN_RETENTION_DAYS} en {MAX_RETENTION_DAYS} dagen."
    return days, None


def today_of(app: web.Application) -> datetime.date:
    """Today (UTC) by the app's clock, so tests can freeze it."""
    clock = app.get(keys.CLOCK)
    moment = clock() if clock else datetime.datetime.now(datetime.UTC)
    return moment.astimezone(datetime.UTC).date() if moment.tzinfo else moment.date()


async def _page(
    request: web.Request,
    *,
    value: str | None = None,
    errors: dict[str, str] | None = None,
    purged: int | None = None,
) -> web.Response:
    work = casework_of(request)
    days = await asyncio.to_thread(work.retention_days)
    today = today_of(request.app)
    sealed = await asyncio.to_thread(work.reader.list_sealed)  # no need to open them
    weeks = [report.created_week for report in sealed]
    context = {
        "days": days,
        "value": value if value is not None else str(days),
        "errors": errors or {},
        "minimum": MIN_RETENTION_DAYS,
        "maximum": MAX_RETENTION_DAYS,
        "default": DEFAULT_RETENTION_DAYS,
        "cutoff": labels.date_label(cutoff(today, days)),
        "due": past_period(weeks, today, days),
        "purged": purged,
    }
    return aiohttp_jinja2.render_template(
        "retention.html", request, context, status=400 if errors else 200
    )


@requires("admin")
async def retention_page(request: web.Request) -> web.Response:
    """GET /staff/retention: the period, and how many reports a purge would delete now."""
    purged = request.query.get("verwijderd")
    await audit(request, "retention_viewed")
    return await _page(request, purged=int(purged) if purged and purged.isdigit() else None)


@requires("admin")
async def set_retention(request: web.Request) -> web.Response:
    """POST /staff/retention: set the period in days."""
    form = await request.post()
    value = str(form.get("days", ""))
    days, error = parse_days(value)
    if days is None:
        return await _page(request, value=value, errors={"days": str(error)})
    work = casework_of(request)
    old = await asyncio.to_thread(work.retention_days)
    await asyncio.to_thread(work.set_retention_days, days)
    await audit(request, "retention_changed", None, f"{old}->{days} days")
    raise web.HTTPSeeOther("/staff/retention")


@requires("admin")
async def purge_now(request: web.Request) -> web.Response:
    """POST /staff/retention/purge: delete every report past the period now (the form must
    carry the ticked confirmation ``confirm=yes``)."""
    form = await request.post()
    if form.get("confirm") != "yes":
        return await _page(
            request, errors={"confirm": "Vink aan dat je de meldingen wilt verwijderen."}
        )
    work = casework_of(request)
    days = await asyncio.to_thread(work.retention_days)
    count = await asyncio.to_thread(work.purge, today_of(request.app))
    await audit(request, PURGED_ACTION, None, f"count={count} days={days} by=hand")
    raise web.HTTPSeeOther(f"/staff/retention?verwijderd={count}")


async def scheduled_purge(app: web.Application) -> int:
    """One purge by the schedule, audited; returns how many reports were deleted."""
    work: Casework = app[keys.CASEWORK]
    days = await asyncio.to_thread(work.retention_days)
    count = await asyncio.to_thread(work.purge, today_of(app))
    await asyncio.to_thread(
        app[keys.AUDIT].write,
        PURGED_ACTION,
        actor=SYSTEM_ACTOR,
        detail=f"count={count} days={days} by=schedule",
    )
    log.info("retention purge: %d reports deleted (period %d days)", count, days)
    return count


async def _purge_forever(app: web.Application, first_delay: float, interval: float) -> None:
    await asyncio.sleep(first_delay)
    while True:
        try:
            await scheduled_purge(app)
        except Exception:  # keep the schedule alive; the next day tries again
            log.exception("retention purge failed")
        await asyncio.sleep(interval)


def setup_retention_schedule(
    app: web.Application,
    *,
    first_delay: float = FIRST_PURGE_DELAY,
    interval: float = PURGE_INTERVAL,
) -> None:
    """Purge `first_delay` seconds after the app starts, then every `interval` seconds.

    Does nothing when the app runs without Casework (``app[CASEWORK]`` is None).
    """

    async def schedule(app: web.Application) -> AsyncIterator[None]:
        if app.get(keys.CASEWORK) is None:
            yield
            return
        task = asyncio.create_task(_purge_forever(app, first_delay, interval))
        app[PURGE_TASK] = task
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(schedule)
