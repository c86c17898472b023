"""Typed keys of the application state."""

from __future__ import annotations

import aiohttp
from aiohttp import web

from bot.web.config import WebConfig

CONFIG = web.AppKey("config", WebConfig)
HTTP = web.AppKey("http", aiohttp.ClientSession)
