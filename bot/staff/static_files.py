"""The staff app's own static files (CSS) at /staff/static/{name}: public, never a listing."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.staff.access import public

STATIC = Path(__file__).resolve().parent / "static"
NAME = r"[a-z0-9][a-z0-9_-]{0,63}\.(?:css|svg|png|ico)"


@public
async def static_file(request: web.Request) -> web.StreamResponse:
    path = STATIC / request.match_info["name"]
    if not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path)


def setup(app: web.Application) -> None:
    app.router.add_get("/staff/static/{name:" + NAME + "}", static_file, name="staff_static")
