"""Every route of the public web app, in one place."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from bot.web.chat import chat
from bot.web.health import healthz
from bot.web.once import handled_once
from bot.web.pages import chat_page, demo_page, texts
from bot.web.staff_proxy import setup_staff_proxy

STATIC_DIR = Path(__file__).parent / "static"


def setup_routes(app: web.Application) -> None:
    """Register the pages, their static files, the JSON API, the health check and /staff."""
    app.router.add_get("/", chat_page, name="chat_page")
    app.router.add_get("/demo", demo_page, name="demo_page")
    app.router.add_static("/static", STATIC_DIR, name="static", follow_symlinks=False)
    app.router.add_get("/api/texts", texts, name="texts")
    app.router.add_post("/api/chat", handled_once(chat), name="chat")
    app.router.add_get("/healthz", healthz, name="healthz")
    setup_staff_proxy(app)
