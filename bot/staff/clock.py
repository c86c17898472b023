"""Time for the staff side: one injectable clock, and UTC datetimes as the database keeps them."""

from __future__ import annotations

import datetime
from collections.abc import Callable

Clock = Callable[[], datetime.datetime]


def utc_now() -> datetime.datetime:
    """The real clock: an aware UTC datetime."""
    return datetime.datetime.now(datetime.UTC)


def to_db(moment: datetime.datetime) -> datetime.datetime:
    """A naive UTC datetime, as every staff table stores it (same on SQLite and PostgreSQL)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


def from_db(moment: datetime.datetime) -> datetime.datetime:
    """An aware UTC datetime from a stored (naive UTC) one."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC)
