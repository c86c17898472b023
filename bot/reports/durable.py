"""The durable write path: a report is in the database or in the outbox before its code is shown.

``ReportStore.submit`` builds the finished row (contents sealed, code only as its keyed hash) and,
when the action server has enabled the outbox (``enable_outbox``), hands it to ``SpoolingInsert``
through the store's ``insert_hook``:

1. insert it in one transaction, waiting at most ``deadline`` seconds for the database;
2. if the database is unreachable (connection refused or lost, pool exhausted, no answer within
   the deadline), put the *same* row into the outbox (bot.reports.outbox), committed with fsync;
3. only then does submit return the code. If the outbox fails too, OutboxUnavailable reaches the
   action, which tells the resident honestly that nothing was stored.

``OutboxDelivery`` (one daemon thread per process, started when a report is spooled or when the
store is opened with reports still spooled) delivers the rows when the database answers again.
It inserts the identical row; a unique violation on ``code_hash`` whose hash is in the database
means that an earlier attempt landed (an insert that outlived its deadline, or a delivery that was
interrupted between the insert and the spool delete) and counts as delivered. Only a delivered
row is removed from the spool. So every spooled report reaches the database exactly once, and its
code (shown to the resident before) works from then on.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.reports.models import Report
from bot.reports.outbox import Outbox, PendingReport, outbox_path
from bot.reports.store import ReportStore

log = logging.getLogger(__name__)

DEADLINE_ENV = "ZICHT_SUBMIT_DEADLINE"
DEFAULT_DEADLINE_SECONDS = 10.0
RETRY_FIRST_SECONDS = 0.5
RETRY_MAX_SECONDS = 2.0


class DeadlineExceeded(Exception):
    """The database did not answer within the deadline (the call may still complete later)."""


def database_unreachable(error: BaseException) -> bool:
    """True unless the error says the row itself is at fault (a constraint or a bad value).

    A connection that breaks mid-statement does not always surface as OperationalError: the
    pool's pre-ping on a half-closed psycopg connection raises ProgrammingError ("can't change
    'autocommit' now"), and a server going down can give InternalError. Keeping the report is the
    safe side, so every database error except IntegrityError and DataError counts as
    "unreachable" and the row goes to the outbox, whose delivery keeps trying (and logs an error
    for a failure that is not about the connection).
    """
    if isinstance(error, IntegrityError | DataError):
        return False
    return isinstance(error, DeadlineExceeded | PoolTimeout | DBAPIError)


def call_within[T](deadline: float, function: Callable[[], T]) -> T:
    """``function()`` in a daemon thread; DeadlineExceeded if it has not returned in time.

    A database that swallows packets (a frozen server, a partition the kernel does not see) can
    block a driver call for as long as TCP allows; this bounds how long the caller waits. The
    call itself may still finish later, so use it only for work that is safe to complete late:
    an insert keyed by its code hash, a count.
    """
    outcome: list[tuple[T | None, BaseException | None]] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append((function(), None))
        except BaseException as error:  # handed to the caller below
            outcome.append((None, error))
        finally:
            done.set()

    threading.Thread(target=run, name="zicht-db-call", daemon=True).start()
    if not done.wait(deadline):
        raise DeadlineExceeded(f"no answer from the database within {deadline:.0f} s")
    result, error = outcome[0]
    if error is not None:
        raise error
    return result  # type: ignore[return-value]


def insert_within(store: ReportStore, report: Report, deadline: float) -> None:
    """Insert one row in its own transaction, waiting at most ``deadline`` seconds.

    A timed-out insert may still commit later: that is why callers spool the same row (same code
    hash), which makes the later of the two a harmless duplicate.
    """

    def insert() -> None:
        with store.sessions.begin() as session:
            session.add(report)

    call_within(deadline, insert)


@dataclass
class DeliveryCounts:
    """What one process's delivery thread did (also logged; used by the tests)."""

    delivered: int = 0
    already_present: int = 0
    failed_rounds: int = 0


class OutboxDelivery:
    """Delivers spooled reports to the database, exactly once, in a background thread."""

    def __init__(self, store: ReportStore, outbox: Outbox, deadline: float) -> None:
        self.store = store
        self.outbox = outbox
        self.deadline = deadline
        self.counts = DeliveryCounts()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def ensure_running(self) -> None:
        """Start the delivery thread unless it runs; wake it if it waits."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._wake.set()
                return
            self._thread = threading.Thread(
                target=self._run, name="zicht-outbox-delivery", daemon=True
            )
            self._thread.start()

    def deliver_pending(self) -> int:
        """Try to deliver every spooled report once; returns how many are still spooled.

        Stops at the first sign that the database is unreachable (the rest would fail too).
        """
        for pending in self.outbox.pending():
            try:
                self.deliver(pending)
            except Exception as error:
                if not database_unreachable(error):
                    log.error("a spooled report could not be delivered: %s", type(error).__name__)
                break
        return self.outbox.count()

    def deliver(self, pending: PendingReport) -> None:
        """Insert one spooled report (or find it already there), then remove it from the spool."""
        try:
            insert_within(self.store, pending.to_row(), self.deadline)
            self.counts.delivered += 1
        except IntegrityError:
            if not self.store.hash_exists(pending.code_hash):
                raise  # a constraint the row breaks: keep it spooled, never drop a report
            self.counts.already_present += 1
        self.outbox.remove(pending.code_hash)
        log.info(
            "outbox: a report was delivered (delivered %d, already present %d)",
            self.counts.delivered,
            self.counts.already_present,
        )

    def _run(self) -> None:
        wait = RETRY_FIRST_SECONDS
        while True:
            try:
                remaining = self.deliver_pending()
            except Exception as error:  # the spool itself failed: try again later
                log.error("outbox delivery round failed: %s", type(error).__name__)
                remaining = -1
            if remaining == 0:
                with self._lock:
                    if self.outbox.count() == 0:  # a put() after this starts a new thread
                        self._thread = None
                        self._compact()
                        return
                continue
            self.counts.failed_rounds += 1
            self._wake.wait(wait)
            self._wake.clear()
            wait = min(wait * 2, RETRY_MAX_SECONDS)

    def _compact(self) -> None:
        try:
            self.outbox.compact()
        except Exception as error:
            log.warning("compacting the outbox failed: %s", type(error).__name__)


class SpoolingInsert:
    """The store's insert hook: the database if it answers, else the outbox (see module doc)."""

    def __init__(self, outbox: Outbox, delivery: OutboxDelivery) -> None:
        self.outbox = outbox
        self.delivery = delivery

    def __call__(self, report: Report) -> None:
        pending = PendingReport.from_row(report)  # before the insert thread may touch the row
        try:
            insert_within(self.delivery.store, report, self.delivery.deadline)
            return
        except Exception as error:
            if not database_unreachable(error):
                raise
            log.warning("the database is unreachable (%s): spooling a report", type(error).__name__)
        self.outbox.put(pending)  # OutboxUnavailable: nothing is stored, the action says so
        self.delivery.ensure_running()


def enable_outbox(store: ReportStore, environ: Mapping[str, str] | None = None) -> ReportStore:
    """Give the store the outbox (path from outbox_path, deadline from ZICHT_SUBMIT_DEADLINE).

    Starts delivering at once if reports are still spooled from an earlier run. Returns the store.
    """
    env = os.environ if environ is None else environ
    deadline = float(env.get(DEADLINE_ENV) or DEFAULT_DEADLINE_SECONDS)
    outbox = Outbox(outbox_path(env), store.config.code_key)
    delivery = OutboxDelivery(store, outbox, deadline)
    store.insert_hook = SpoolingInsert(outbox, delivery)
    try:
        if outbox.path.exists() and outbox.count():
            delivery.ensure_running()
    except Exception as error:  # the outbox is opened again when it is needed
        log.error("the outbox could not be opened: %s", type(error).__name__)
    return store
