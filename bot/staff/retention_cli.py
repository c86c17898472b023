"""`zicht purge [--dry-run]`: delete every report past the retention period now.

The period is the one set on the dashboard (default 365 days). The staff app also purges once a
day by itself; this command is for cron jobs and for checking (``--dry-run`` only counts). A
real purge is written to the audit trail with the actor "zicht purge".
"""

from __future__ import annotations

import argparse
import datetime
from typing import Any

from bot.reports.casework import Casework
from bot.reports.config import StoreConfig
from bot.reports.keys import default_key_files, read_keyring
from bot.reports.store import ReportReader, today_utc
from bot.staff.audit_log import AuditLog
from bot.staff.retention import PURGED_ACTION, cutoff, past_period

CLI_ACTOR = "zicht purge"


def _reader() -> ReportReader:
    return ReportReader(StoreConfig.from_env(), read_keyring(default_key_files().private))


def _purge(args: argparse.Namespace) -> int:
    today: datetime.date = args.today or today_utc()
    with _reader() as reader:
        work = Casework(reader)
        days = work.retention_days()
        if args.dry_run:
            weeks = [report.created_week for report in reader.list_sealed()]
            due = past_period(weeks, today, days)
            print(
                f"{due} reports are past the retention period of {days} days "
                f"(submitted in a week that began before {cutoff(today, days).isoformat()}); "
                "nothing deleted (--dry-run)"
            )
            return 0
        count = work.purge(today)
        AuditLog(reader.engine).write(
            PURGED_ACTION, actor=CLI_ACTOR, detail=f"count={count} days={days} by=cli"
        )
        print(f"deleted {count} reports past the retention period of {days} days")
    return 0


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "purge",
        help="delete reports past the retention period",
        description="Delete every report (with its messages) past the retention period.",
    )
    parser.add_argument("--dry-run", action="store_true", help="only count, delete nothing")
    parser.add_argument(
        "--today",
        type=datetime.date.fromisoformat,
        help=argparse.SUPPRESS,  # for tests: the day to count from (YYYY-MM-DD)
    )
    parser.set_defaults(handler=_purge)
