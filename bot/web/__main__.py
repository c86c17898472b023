"""`python -m bot.web`: serve the public web app, without any access log."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web

from bot.web.app import create_app
from bot.web.config import WebConfig


def address(config: WebConfig) -> str:
    """The URL the app listens on, for the one line printed at start."""
    host = f"[{config.host}]" if ":" in config.host else config.host
    return f"http://{host}:{config.port}"


def announcer(config: WebConfig) -> Callable[[str], None]:
    """A `print` for run_app that prints one line of our own instead of aiohttp's banner."""

    def announce(_banner: str) -> None:
        print(f"Zicht web app: {address(config)}", flush=True)

    return announce


def main() -> None:
    """Run the app with the configuration from the environment."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    config = WebConfig.from_env()
    web.run_app(
        create_app(config),
        host=config.host,
        port=config.port,
        access_log=None,
        print=announcer(config),
    )


if __name__ == "__main__":
    main()
