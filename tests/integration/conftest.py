"""Fixtures for the reports store: one fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL: a uniquely named database is created on 127.0.0.1:5432 (user postgres, trust auth;
override the server with ZICHT_TEST_POSTGRES_URL) and dropped afterwards. If the server cannot
be reached the PostgreSQL cases are skipped, except under CI=true, where they fail.
"""

import contextlib
import os
import secrets
from collections.abc import Iterator

import pytest
from nacl.public import PrivateKey
from sqlalchemy.exc import OperationalError

from benchmarks.common import throwaway_postgres
from bot.reports.config import StoreConfig
from bot.reports.crypto import Keyring
from bot.reports.store import ReportReader


def _postgres_unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI: {reason}")
    pytest.skip(f"PostgreSQL not reachable: {reason}")


@contextlib.contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """A throwaway PostgreSQL database (benchmarks.common.throwaway_postgres); the test is
    skipped when the server cannot be reached, and fails under CI=true."""
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(throwaway_postgres(prefix))
        except OperationalError as exc:
            _postgres_unavailable(str(exc.orig).strip())
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with throwaway_database("zicht_test") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'zicht.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def code_key() -> bytes:
    return secrets.token_bytes(32)


@pytest.fixture
def private_key() -> PrivateKey:
    return PrivateKey.generate()


@pytest.fixture
def keyring(private_key: PrivateKey) -> Keyring:
    return Keyring([private_key])


@pytest.fixture
def store_config(database_url: str, code_key: bytes, private_key: PrivateKey) -> StoreConfig:
    """The public side's configuration: database, code key and the public key only."""
    return StoreConfig(
        database_url=database_url, code_key=code_key, public_key=bytes(private_key.public_key)
    )


@pytest.fixture
def store(store_config: StoreConfig, keyring: Keyring) -> Iterator[ReportReader]:
    """A migrated store that can also read: a ReportReader (staff side) with the keyring."""
    report_store = ReportReader(store_config, keyring)
    report_store.migrate()
    try:
        yield report_store
    finally:
        report_store.dispose()
