"""The action server's report store (the public side: it holds only the public key)."""

from __future__ import annotations

import functools
import logging
import os

from bot.reports import ReportStore, StoreConfig
from bot.reports.durable import enable_outbox

logger = logging.getLogger(__name__)


@functools.cache
def report_store() -> ReportStore:
    """One store per action-server process, configured from the environment.

    A report the database cannot take right now goes to the local outbox and is delivered later
    (bot.reports.durable, docs/durability.md).
    """
    return enable_outbox(ReportStore(StoreConfig.from_env()))


def deliver_left_over_reports() -> None:
    """Open the store now, so that reports an earlier run left in the outbox are delivered at
    start-up, not only when the next conversation touches the store. Never stops the server."""
    try:
        report_store()
    except Exception as error:  # the first action that needs the store reports it again
        logger.error("opening the report store at start-up failed: %s", type(error).__name__)


if os.environ.get("SANIC_WORKER_NAME"):  # the action server's worker process (Sanic)
    deliver_left_over_reports()
