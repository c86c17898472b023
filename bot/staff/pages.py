"""Rendering helpers shared by the staff routes: templates, the context processor, redirects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.staff.access import CSRF, STAFF

TEMPLATES = Path(__file__).resolve().parent / "templates"


def context_of(request: web.Request) -> dict[str, Any]:
    """What every template gets: ``staff`` (StaffUser or None), ``csrf_token`` and ``path``."""
    return {
        "staff": request.get(STAFF),
        "csrf_token": request.get(CSRF, ""),
        "path": request.path,
    }


async def staff_context(request: web.Request) -> dict[str, Any]:
    """The context processor (aiohttp_jinja2 runs it in a middleware, before the handler)."""
    return context_of(request)


def setup_templates(app: web.Application) -> None:
    """Jinja2 with autoescape on, templates from bot/staff/templates."""
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        context_processors=[staff_context],
    )


def render(
    request: web.Request, template: str, context: dict[str, Any], status: int = 200
) -> web.Response:
    return aiohttp_jinja2.render_template(template, request, context, status=status)


def see_other(location: str) -> web.HTTPSeeOther:
    """A 303 to a path of this app (raise it)."""
    return web.HTTPSeeOther(location)
