"""Which database errors send a report to the outbox (bot.reports.durable.database_unreachable).

The rule errs on the side of keeping the report: only an error about the row itself (a constraint,
a bad value) is re-raised; a broken connection in any disguise spools. CI once saw a half-closed
psycopg connection fail the pool's pre-ping with ProgrammingError instead of OperationalError.
"""

from __future__ import annotations

import pytest
from sqlalchemy.exc import (
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.reports.durable import DeadlineExceeded, database_unreachable


def _wrapped(kind: type[Exception]) -> Exception:
    return kind("INSERT INTO reports ...", {}, Exception("driver says no"))


@pytest.mark.parametrize(
    "error",
    [
        _wrapped(OperationalError),
        _wrapped(InterfaceError),
        _wrapped(ProgrammingError),  # "can't change 'autocommit' now" on a dead connection
        _wrapped(InternalError),
        PoolTimeout("pool exhausted"),
        DeadlineExceeded("no answer"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_a_broken_connection_in_any_form_spools(error: Exception) -> None:
    assert database_unreachable(error)


@pytest.mark.parametrize(
    "error",
    [_wrapped(IntegrityError), _wrapped(DataError), ValueError("invalid draft")],
    ids=lambda error: type(error).__name__,
)
def test_an_error_about_the_row_is_not_spooled(error: Exception) -> None:
    assert not database_unreachable(error)
