"""`python -m bot.staff`: serve the staff dashboard on loopback, without any access log."""

from __future__ import annotations

import logging
import sys

from aiohttp import web

from bot.reports.crypto import PrivateKeyMissing
from bot.staff.app import create_staff_app
from bot.staff.config import StaffConfig
from bot.staff.retention import setup_retention_schedule


def make_casework(config: StaffConfig) -> object | None:
    """The reports layer's Casework on a ReportReader with the keyring."""
    from bot.reports.casework import Casework
    from bot.reports.store import ReportReader

    assert config.keyring is not None
    return Casework(ReportReader(config.store, config.keyring))


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        config = StaffConfig.from_env()
    except PrivateKeyMissing as exc:
        print(f"Zicht staff: {exc}", file=sys.stderr)
        return 1
    app = create_staff_app(config, make_casework(config))
    # The daily purge of reports past the retention period (a minute after start, then daily).
    setup_retention_schedule(app)

    def announce(_banner: str) -> None:
        print(f"Zicht staff dashboard: http://{config.host}:{config.port}/staff", flush=True)

    web.run_app(app, host=config.host, port=config.port, access_log=None, print=announce)
    return 0


if __name__ == "__main__":
    sys.exit(main())
