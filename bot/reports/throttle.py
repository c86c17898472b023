"""Attempt counting in the database, shared by every process: code lookups and staff logins.

A row per attempt in ``throttle_events``; a limit is "at most N rows for (scope, subject) within
the last W seconds". Rows older than a day are pruned on the way. The subject is never a code,
an address or anything about a resident (see bot.reports.models.ThrottleEvent).
"""

from __future__ import annotations

import datetime

from sqlalchemy import Connection, Engine, delete, func, insert, select

from bot.reports.models import ThrottleEvent

KEEP = datetime.timedelta(days=1)


def now_utc() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def count_recent(
    bind: Engine | Connection,
    scope: str,
    subject: str,
    window_seconds: int,
    now: datetime.datetime | None = None,
) -> int:
    """How many attempts (scope, subject) made within the last `window_seconds`."""
    now = now or now_utc()
    since = now - datetime.timedelta(seconds=window_seconds)
    query = select(func.count(ThrottleEvent.id)).where(
        ThrottleEvent.scope == scope,
        ThrottleEvent.subject == subject,
        ThrottleEvent.at > since,
    )
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return int(connection.scalar(query) or 0)
    return int(bind.scalar(query) or 0)


def record(
    bind: Engine | Connection,
    scope: str,
    subject: str,
    now: datetime.datetime | None = None,
) -> None:
    """Record one attempt (and prune rows older than a day)."""
    now = now or now_utc()
    statements = (
        insert(ThrottleEvent).values(scope=scope, subject=subject, at=now),
        delete(ThrottleEvent).where(ThrottleEvent.at < now - KEEP),
    )
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            for statement in statements:
                connection.execute(statement)
        return
    for statement in statements:
        bind.execute(statement)


def record_and_count(
    bind: Engine | Connection,
    scope: str,
    subject: str,
    window_seconds: int,
    now: datetime.datetime | None = None,
) -> int:
    """Record one attempt and return how many were made within the window, this one included."""
    now = now or now_utc()
    record(bind, scope, subject, now)
    return count_recent(bind, scope, subject, window_seconds, now)
