"""GET /healthz: are all Rasa instances and the action server reachable?"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from aiohttp import web

from bot.web import keys

log = logging.getLogger(__name__)


async def _answers_ok(http: aiohttp.ClientSession, url: str, timeout: float) -> bool:
    try:
        async with http.get(url, timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            return response.status == 200
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("health check failed (%s)", type(exc).__name__)
        return False


def _checks(rasa_urls: tuple[str, ...], action_server_url: str) -> dict[str, str]:
    """Name → URL of every upstream; names, not addresses, appear in the public answer."""
    checks = {f"rasa-{number}": f"{url}/" for number, url in enumerate(rasa_urls, start=1)}
    checks["action_server"] = f"{action_server_url}/health"
    return checks


async def healthz(request: web.Request) -> web.Response:
    """200 {"status": "ok"} when every upstream answers 200, else 503 naming those down."""
    config = request.app[keys.CONFIG]
    checks = _checks(config.rasa_urls, config.action_server_url)
    results = await asyncio.gather(
        *(
            _answers_ok(request.app[keys.HTTP], url, config.health_timeout)
            for url in checks.values()
        )
    )
    down = [name for name, ok in zip(checks, results, strict=True) if not ok]
    if down:
        return web.json_response({"status": "unavailable", "down": down}, status=503)
    return web.json_response({"status": "ok"})
