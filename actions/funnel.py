"""The report funnel for the staff statistics: started, completed, cancelled (counts per week).

"started" is counted when the first question of the report form (acute danger?) is answered, not
when the form opens: a person who opens the form and leaves at once has not started a report.
"cancelled" is counted only for a started report, so that started >= completed + cancelled.
Nothing of the conversation goes with it, and a failure never reaches the person: it is logged
by exception type only.

A count is a statistic, not the person's report: the turn does not wait for it. Counts go to a
queue that one background thread writes to the store (each within FUNNEL_DEADLINE_SECONDS), so
a commit's fsync (10-20 ms) no longer sits inside the turn that starts or ends a report.
Counts still queued when the process stops are lost; `flush()` waits for the queue (tests, and
an orderly shutdown).
"""

from __future__ import annotations

import functools
import logging
import queue
import threading

from actions.store import report_store
from bot.reports.durable import call_within

logger = logging.getLogger(__name__)

# A frozen database must not hold up the writer for long either.
FUNNEL_DEADLINE_SECONDS = 2.0

_QUEUE: queue.Queue[str] = queue.Queue()
_WORKER: list[threading.Thread] = []
_START = threading.Lock()


def _write_counts() -> None:
    while True:
        event = _QUEUE.get()
        try:
            count = functools.partial(report_store().record_funnel, event)
            call_within(FUNNEL_DEADLINE_SECONDS, count)
        except Exception as error:  # statistics must never break anything
            logger.warning("recording the funnel event %s failed: %s", event, type(error).__name__)
        finally:
            _QUEUE.task_done()


def _ensure_writer() -> None:
    with _START:
        if not _WORKER or not _WORKER[0].is_alive():
            worker = threading.Thread(target=_write_counts, name="funnel", daemon=True)
            worker.start()
            _WORKER[:] = [worker]


async def record_funnel(event: str) -> None:
    """Queue one count; returns at once."""
    _ensure_writer()
    _QUEUE.put_nowait(event)


def flush() -> None:
    """Wait until every queued count is written (or has failed and been logged)."""
    _QUEUE.join()
