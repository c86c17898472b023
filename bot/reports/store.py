"""The reports store: the only code that talks SQL about reports.

Synchronous SQLAlchemy 2; callers in async code use ``await asyncio.to_thread(store.submit, d)``.
Everything returned is a frozen record from bot.reports.records, never an ORM object.
"""

from __future__ import annotations

import datetime
import logging
import os
from pathlib import Path
from types import TracebackType
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, exists, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from bot.reports import codes
from bot.reports.config import StoreConfig
from bot.reports.models import Report, ReportSign
from bot.reports.records import SIGN_IDS, ReportDraft, StoredReport, validate_draft

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
SUBMIT_ATTEMPTS = 5

# Applied on every new SQLite connection. WAL lets the staff dashboard read while the bot writes;
# FULL sync makes a confirmed report survive a power cut; secure_delete overwrites deleted
# content instead of leaving it in free pages; SQLite only enforces foreign keys when asked.
SQLITE_PRAGMAS: tuple[tuple[str, str], ...] = (
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),
    ("secure_delete", "ON"),
    ("foreign_keys", "ON"),
)


def alembic_config(database_url: str, connection: Connection | None = None) -> Config:
    """An Alembic Config built in code (there is no alembic.ini).

    With a connection, migrations/env.py runs on it (inside its transaction) instead of opening
    its own engine, so the SQLite pragmas and the caller's transaction apply.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolates '%', which URL-escaped passwords contain.
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def today_utc() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


class ReportStore:
    def __init__(self, config: StoreConfig) -> None:
        self._config = config
        self._engine = make_engine(config.database_url)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        return self._engine

    def __enter__(self) -> ReportStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.dispose()

    def migrate(self) -> None:
        """Bring the schema to the newest revision (Alembic ``upgrade head``) in one transaction."""
        with self._engine.begin() as connection:
            command.upgrade(alembic_config(self._config.database_url, connection), "head")

    def submit(self, draft: ReportDraft) -> str:
        """Store a report in one transaction and return its formatted reference code.

        Raises ValueError for an invalid draft. Only the keyed hash of the code is stored; the
        code itself exists only in the return value.
        """
        validate_draft(draft)
        for _ in range(SUBMIT_ATTEMPTS):
            code = codes.new_code()
            code_hash = codes.hash_code(code, self._config.code_key)
            try:
                with self._sessions.begin() as session:
                    session.add(_new_report(draft, code_hash))
            except IntegrityError:
                if not self._hash_exists(code_hash):
                    raise
                log.warning("reference code collision; drawing a new code")
                continue
            return code
        raise RuntimeError(f"no unused reference code after {SUBMIT_ATTEMPTS} attempts")

    def find_by_code(self, text: str) -> StoredReport | None:
        """The report whose reference code is in ``text`` (spaces, dashes tolerated), or None."""
        if codes.normalise_code(text) is None:
            return None
        code_hash = codes.hash_code(text, self._config.code_key)
        with self._sessions() as session:
            report = session.scalars(select(Report).where(Report.code_hash == code_hash)).first()
            return None if report is None else _to_record(report)

    def list_reports(self) -> list[StoredReport]:
        """All reports, oldest first."""
        with self._sessions() as session:
            return [_to_record(r) for r in session.scalars(select(Report).order_by(Report.id))]

    def ping(self) -> bool:
        """True when the database answers."""
        try:
            with self._engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            log.warning("database ping failed: %s", type(exc).__name__)
            return False
        return True

    def dispose(self) -> None:
        """Close all pooled connections."""
        self._engine.dispose()

    def _hash_exists(self, code_hash: str) -> bool:
        with self._sessions() as session:
            return bool(session.scalar(select(exists().where(Report.code_hash == code_hash))))


def make_engine(database_url: str) -> Engine:
    """An engine for the URL, with the SQLite pragmas and real transactions for SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    kwargs: dict[str, Any] = {}
    if url.database in (None, "", ":memory:"):
        kwargs["poolclass"] = StaticPool  # one shared connection, or every one sees a new DB
    else:
        _create_private_file(Path(url.database))
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    # Take BEGIN away from the sqlite3 module (its legacy mode skips it for SELECT and DDL) and
    # emit it ourselves in _on_sqlite_begin: migrations become transactional, reads repeatable.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for name, value in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {name}={value}")
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _create_private_file(path: Path) -> None:
    # SQLite gives its -wal and -shm files the database file's permissions: start private.
    if not path.exists() and path.parent.is_dir():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _new_report(draft: ReportDraft, code_hash: str) -> Report:
    return Report(
        code_hash=code_hash,
        created_on=today_utc(),
        status="new",
        language=draft.language,
        signs_other=draft.signs_other,
        location_address=draft.location_address,
        location_place=draft.location_place,
        location_postcode=draft.location_postcode,
        time_of_day=draft.time_of_day,
        frequency=draft.frequency,
        since_when=draft.since_when,
        vehicles=draft.vehicles,
        persons=draft.persons,
        description=draft.description,
        danger_reported=draft.danger_reported,
        signs=[ReportSign(sign=sign) for sign in draft.signs],
    )


def _to_record(report: Report) -> StoredReport:
    stored = {s.sign for s in report.signs}
    return StoredReport(
        id=report.id,
        status=report.status,
        created_on=report.created_on,
        language=report.language,
        signs=tuple(s for s in SIGN_IDS if s in stored),
        signs_other=report.signs_other,
        location_address=report.location_address,
        location_place=report.location_place,
        location_postcode=report.location_postcode,
        time_of_day=report.time_of_day,
        frequency=report.frequency,
        since_when=report.since_when,
        vehicles=report.vehicles,
        persons=report.persons,
        description=report.description,
        danger_reported=report.danger_reported,
    )
