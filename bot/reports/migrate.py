"""``python -m bot.reports.migrate``: upgrade the configured database to the newest schema."""

from __future__ import annotations

import logging

from bot.reports.config import StoreConfig
from bot.reports.store import ReportStore


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    config = StoreConfig.from_env()
    with ReportStore(config) as store:
        store.migrate()
    logging.getLogger(__name__).info("database at %r is up to date", config)


if __name__ == "__main__":
    main()
