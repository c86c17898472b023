"""Fixtures for the reports store: one fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL: a uniquely named database is created on 127.0.0.1:5432 (user postgres, trust auth;
override the server with ZICHT_TEST_POSTGRES_URL) and dropped afterwards. If the server cannot
be reached the PostgreSQL cases are skipped, except under CI=true, where they fail.
"""

import os
import secrets
from collections.abc import Iterator

import pytest
from nacl.public import PrivateKey
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.reports.config import StoreConfig
from bot.reports.crypto import Keyring
from bot.reports.store import ReportReader

POSTGRES_ADMIN_URL = os.environ.get(
    "ZICHT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _postgres_unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI: {reason}")
    pytest.skip(f"PostgreSQL not reachable: {reason}")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    admin = create_engine(
        POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3}
    )
    name = f"zicht_test_{secrets.token_hex(6)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        _postgres_unavailable(str(exc.orig).strip())
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
