"""The application factory of the public web app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from bot.web import keys
from bot.web.config import WebConfig
from bot.web.log_privacy import install_log_privacy
from bot.web.ratelimit import LIMITER, ChatLimiter, RateLimits
from bot.web.routes import setup_routes
from bot.web.security import headers_on_prepare, hide_errors, security_headers

USER_AGENT = "zicht-web"


async def http_client(app: web.Application) -> AsyncIterator[None]:
    """One client session for all upstream calls; it keeps no cookies and adds no proxy headers."""
    app[keys.HTTP] = aiohttp.ClientSession(
        cookie_jar=aiohttp.DummyCookieJar(),
        headers={"User-Agent": USER_AGENT},
        trust_env=False,
    )
    yield
    await app[keys.HTTP].close()


def create_app(config: WebConfig, limits: RateLimits | None = None) -> web.Application:
    """The web app for one configuration (rate limits: from the environment by default)."""
    install_log_privacy()
    app = web.Application(
        client_max_size=config.max_body_bytes,
        middlewares=[security_headers, hide_errors],
    )
    app[keys.CONFIG] = config
    app[LIMITER] = ChatLimiter(limits or RateLimits.from_env())
    app.on_response_prepare.append(headers_on_prepare)
    app.cleanup_ctx.append(http_client)
    setup_routes(app)
    return app
