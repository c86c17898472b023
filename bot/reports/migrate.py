"""Bring the configured database to the newest schema.

``zicht migrate`` and ``python -m bot.reports.migrate`` do the same. The public key
(ZICHT_PUBLIC_KEY / ZICHT_PUBLIC_KEY_FILE / <var>/keys/public.key) is passed to the migrations:
revision 0002 seals reports that older versions stored in clear.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.reports.config import StoreConfig
from bot.reports.store import ReportStore


def migrate() -> int:
    config = StoreConfig.from_env()
    with ReportStore(config) as store:
        store.migrate()
    logging.getLogger(__name__).info("database at %r is up to date", config)
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("migrate", help="bring the database schema up to date")
    parser.set_defaults(handler=lambda args: migrate())


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    migrate()


if __name__ == "__main__":
    main()
