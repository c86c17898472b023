"""The reports store: the only code that talks SQL about reports.

Two doors, one per side:

- ``ReportStore(config)``: the public side (action server). It seals what a resident wrote to the
  public key and stores it; it can find a report by its code and list reports, but only as
  ``SealedReport`` records (coarse clear fields plus a sealed blob it cannot open).
- ``ReportReader(config, keyring)``: the staff side. Everything a store does, plus
  ``find_by_code`` and ``list_reports`` returning opened ``StoredReport`` records, and ``reseal``
  for key rotation. It needs the private keyring (bot.reports.keys.load_keyring).

Synchronous SQLAlchemy 2; callers in async code use ``await asyncio.to_thread(store.submit, d)``.
Everything returned is a frozen record from bot.reports.records, never an ORM object.
"""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    event,
    exists,
    func,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from bot.reports import codes, contents, throttle
from bot.reports.config import StoreConfig
from bot.reports.crypto import Keyring, Sealer
from bot.reports.keys import load_keyring
from bot.reports.models import FunnelCount, Report, ReportMessage, ReportSign
from bot.reports.records import (
    FUNNEL_EVENTS,
    MESSAGE_MAX_LENGTH,
    RESIDENT_STATUS,
    SIGN_IDS,
    FollowUp,
    Message,
    ReportDraft,
    SealedReport,
    StoredReport,
    choice_of,
    postcode_area,
    validate_draft,
    week_of,
)

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
SUBMIT_ATTEMPTS = 5
# Failed reference-code lookups count against one budget for the whole installation.
LOOKUP_SCOPE = "code_lookup"
LOOKUP_SUBJECT = "all"
LOOKUP_WINDOW_SECONDS = 3600
SHARED_KINDS: tuple[str, ...] = ("to_resident", "from_resident")

# Applied on every new SQLite connection. WAL lets the staff dashboard read while the bot writes;
# FULL sync makes a confirmed report survive a power cut; secure_delete overwrites deleted
# content instead of leaving it in free pages; SQLite only enforces foreign keys when asked.
SQLITE_PRAGMAS: tuple[tuple[str, str], ...] = (
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),
    ("secure_delete", "ON"),
    ("foreign_keys", "ON"),
)


class PublicKeyMissing(RuntimeError):
    """The store has no public key, so it cannot seal (and so cannot take) a report."""


class LookupThrottled(RuntimeError):
    """Too many wrong reference codes were tried recently: lookups pause for everyone."""


def alembic_config(
    database_url: str,
    connection: Connection | None = None,
    *,
    public_key: bytes | None = None,
    private_keys: tuple[bytes, ...] = (),
) -> Config:
    """An Alembic Config built in code (there is no alembic.ini).

    With a connection, migrations/env.py runs on it (inside its transaction) instead of opening
    its own engine, so the SQLite pragmas and the caller's transaction apply. Revision 0002 seals
    existing rows with `public_key`; going back below it opens them with `private_keys` (raw
    32-byte keys). After an upgrade, ``cfg.attributes["zicht_scrub"]`` is true when plaintext
    was removed from existing rows (the store then compacts the database, see ``scrub``).
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolates '%', which URL-escaped passwords contain.
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    if public_key is not None:
        cfg.attributes["zicht_public_key"] = public_key
    if private_keys:
        cfg.attributes["zicht_private_keys"] = tuple(private_keys)
    return cfg


def today_utc() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


def this_week_utc() -> datetime.date:
    """The Monday of the current ISO week (UTC): the submission time a report keeps."""
    return week_of(today_utc())


class ReportStore:
    """The public side's store: takes reports sealed to the public key; cannot open them."""

    def __init__(self, config: StoreConfig) -> None:
        self._config = config
        self._engine = make_engine(config.database_url)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)
        self._sealer = Sealer(config.public_key) if config.public_key is not None else None
        # Durability hook (bot.reports.durable, docs/durability.md): when set, submit hands it the
        # finished row; it inserts the row or, if the database is unreachable, spools it durably.
        self.insert_hook: Callable[[Report], None] | None = None

    @property
    def key_id(self) -> str | None:
        """The id of the key pair new reports are sealed to (None: no public key)."""
        return None if self._sealer is None else self._sealer.key_id

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The session factory (for bot.reports.casework, the staff side's other half)."""
        return self._sessions

    @property
    def config(self) -> StoreConfig:
        return self._config

    @property
    def sealer(self) -> Sealer | None:
        return self._sealer

    def __enter__(self) -> ReportStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.dispose()

    def _alembic_config(self, connection: Connection) -> Config:
        return alembic_config(
            self._config.database_url, connection, public_key=self._config.public_key
        )

    def migrate(self) -> None:
        """Bring the schema to the newest revision (Alembic ``upgrade head``) in one transaction.

        When the upgrade sealed rows that were stored in clear before (revision 0002), the
        database is compacted afterwards so that the old plaintext does not linger in free pages,
        the SQLite WAL or dead PostgreSQL tuples (see ``scrub``).
        """
        with self._engine.begin() as connection:
            cfg = self._alembic_config(connection)
            command.upgrade(cfg, "head")
        if cfg.attributes.get("zicht_scrub"):
            self.scrub()

    def scrub(self) -> None:
        """Rewrite the database files so that deleted content is gone from them.

        SQLite: VACUUM (secure_delete is on as well) and truncate the WAL. PostgreSQL: VACUUM
        FULL of the report tables (pg_wal and backups are the operator's; see the threat model).
        """
        raw = self._engine.raw_connection()
        try:
            dbapi = raw.driver_connection
            if self._engine.dialect.name == "sqlite":
                cursor = raw.cursor()
                cursor.execute("VACUUM")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                cursor.close()
            else:
                raw.rollback()
                dbapi.autocommit = True
                try:
                    cursor = raw.cursor()
                    cursor.execute("VACUUM FULL reports")
                    cursor.execute("VACUUM FULL report_signs")
                    cursor.close()
                finally:
                    dbapi.autocommit = False
        finally:
            raw.close()
        log.info("database compacted after sealing old rows")

    def submit(self, draft: ReportDraft) -> str:
        """Store a report in one transaction and return its formatted reference code.

        What the resident wrote is sealed to the public key before it reaches the database.
        Raises ValueError for an invalid draft and PublicKeyMissing without a public key. Only
        the keyed hash of the code is stored; the code itself exists only in the return value.
        """
        validate_draft(draft)
        if self._sealer is None:
            raise PublicKeyMissing("no public key configured: run `zicht keys init`")
        for _ in range(SUBMIT_ATTEMPTS):
            code = codes.new_code()
            code_hash = codes.hash_code(code, self._config.code_key)
            try:
                followup_key = codes.followup_key(code, self._config.code_key)
                report = _new_report(draft, code_hash, self._sealer, followup_key)
                if self.insert_hook is not None:  # durability hook, see __init__
                    self.insert_hook(report)
                else:
                    with self._sessions.begin() as session:
                        session.add(report)
            except IntegrityError:
                if not self.hash_exists(code_hash):
                    raise
                log.warning("reference code collision; drawing a new code")
                continue
            return code
        raise RuntimeError(f"no unused reference code after {SUBMIT_ATTEMPTS} attempts")

    def find_sealed(self, text: str) -> SealedReport | None:
        """The report whose reference code is in ``text`` (spaces, dashes tolerated), or None.

        Its contents stay sealed: the public side can tell that a code exists, not read it.
        """
        if codes.normalise_code(text) is None:
            return None
        code_hash = codes.hash_code(text, self._config.code_key)
        with self._sessions() as session:
            report = session.scalars(select(Report).where(Report.code_hash == code_hash)).first()
            return None if report is None else to_sealed(report)

    def follow_up(self, text: str) -> FollowUp | None:
        """The status and shared thread of the report whose code is in ``text``, or None.

        A well-formed code that matches no report counts against the installation's hourly
        budget of failed lookups (StoreConfig.lookup_failures_per_hour); once it is spent every
        lookup raises LookupThrottled until the hour has passed. Malformed input never reaches
        the database and costs nothing.
        """
        report_id, code_hash, status = self._lookup(text) or (None, None, None)
        if report_id is None or code_hash is None or status is None:
            return None
        key = codes.followup_key(text, self._config.code_key)
        with self._sessions() as session:
            rows = session.scalars(
                select(ReportMessage)
                .where(ReportMessage.report_id == report_id, ReportMessage.kind.in_(SHARED_KINDS))
                .order_by(ReportMessage.id)
            ).all()
            messages = tuple(
                Message(
                    id=row.id,
                    report_id=row.report_id,
                    kind=row.kind,
                    author=row.author,
                    created_on=row.created_on,
                    text=contents.open_shared(key, row.shared),
                )
                for row in rows
                if row.shared is not None
            )
        return FollowUp(status=RESIDENT_STATUS[status], messages=messages)

    def add_resident_message(self, text: str, message: str) -> bool:
        """Append what the resident adds later to the report whose code is in ``text``.

        Sealed to the public key (staff read it) and shared under the follow-up key (the
        resident sees it again with the code). Returns False when no report has that code;
        ValueError for an empty, too long or NUL-containing message. Dated by week only.
        The same text added again in the same week is kept once (True): a resident who was told
        that adding failed, because the database answered too late, may send it again.
        """
        check_message(message)
        if self._sealer is None:
            raise PublicKeyMissing("no public key configured: run `zicht keys init`")
        found = self._lookup(text)
        if found is None:
            return False
        report_id, code_hash, _status = found
        key = codes.followup_key(text, self._config.code_key)
        week = this_week_utc()
        with self._sessions.begin() as session:
            this_week = session.scalars(
                select(ReportMessage.shared).where(
                    ReportMessage.report_id == report_id,
                    ReportMessage.kind == "from_resident",
                    ReportMessage.created_on == week,
                )
            )
            if any(
                box is not None and contents.open_shared(key, box) == message for box in this_week
            ):
                return True
            session.add(
                ReportMessage(
                    report_id=report_id,
                    kind="from_resident",
                    author=None,
                    created_on=week,
                    key_id=self._sealer.key_id,
                    sealed=contents.seal_message(self._sealer, code_hash, "from_resident", message),
                    shared=contents.share(key, message),
                )
            )
        return True

    def record_funnel(self, event: str) -> None:
        """Count one started, completed or cancelled report form in this week's funnel."""
        if event not in FUNNEL_EVENTS:
            raise ValueError(f"unknown funnel event {event!r}")
        week = this_week_utc()
        for _ in range(SUBMIT_ATTEMPTS):
            with self._sessions.begin() as session:
                done = session.execute(
                    update(FunnelCount)
                    .where(FunnelCount.week == week, FunnelCount.event == event)
                    .values(count=FunnelCount.count + 1)
                ).rowcount
            if done:
                return
            try:
                with self._sessions.begin() as session:
                    session.add(FunnelCount(week=week, event=event, count=1))
                return
            except IntegrityError:
                continue  # another process inserted the row first: update it
        raise RuntimeError("could not count the funnel event")

    def _lookup(self, text: str) -> tuple[int, str, str] | None:
        """(id, code_hash, status) of the report with the code in ``text``; throttled."""
        if codes.normalise_code(text) is None:
            return None
        budget = self._config.lookup_failures_per_hour
        failures = throttle.count_recent(
            self._engine, LOOKUP_SCOPE, LOOKUP_SUBJECT, LOOKUP_WINDOW_SECONDS
        )
        if failures >= budget:
            raise LookupThrottled("the hourly budget of failed code lookups is spent")
        code_hash = codes.hash_code(text, self._config.code_key)
        with self._sessions() as session:
            row = session.execute(
                select(Report.id, Report.status).where(Report.code_hash == code_hash)
            ).first()
        if row is None:
            throttle.record(self._engine, LOOKUP_SCOPE, LOOKUP_SUBJECT)
            return None
        return int(row[0]), code_hash, str(row[1])

    def list_sealed(self) -> list[SealedReport]:
        """All reports with their contents sealed, oldest first."""
        with self._sessions() as session:
            return [to_sealed(r) for r in session.scalars(select(Report).order_by(Report.id))]

    def count(self) -> int:
        """How many reports are stored."""
        with self._sessions() as session:
            return int(session.scalar(select(func.count(Report.id))) or 0)

    def count_by_key(self) -> dict[str, int]:
        """How many reports are sealed to each key id (to know when an old key may go)."""
        with self._sessions() as session:
            rows = session.execute(
                select(Report.key_id, func.count(Report.id)).group_by(Report.key_id)
            )
            return {kid: int(n) for kid, n in rows}

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

    def hash_exists(self, code_hash: str) -> bool:
        """Whether a report with this code hash is stored (outbox delivery checks it)."""
        with self._sessions() as session:
            return bool(session.scalar(select(exists().where(Report.code_hash == code_hash))))


class ReportReader(ReportStore):
    """The staff side's store: a ReportStore that also holds the private keyring.

    Only this class opens report contents. It is built from an explicit Keyring; nothing here
    looks for a private key on its own.
    """

    def __init__(self, config: StoreConfig, keyring: Keyring) -> None:
        super().__init__(config)
        self._keyring = keyring

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ReportReader:
        """Store configuration and keyring (ZICHT_PRIVATE_KEY_FILE) from the environment."""
        env = os.environ if environ is None else environ
        return cls(StoreConfig.from_env(env), load_keyring(env))

    @property
    def keyring(self) -> Keyring:
        return self._keyring

    def _alembic_config(self, connection: Connection) -> Config:
        return alembic_config(
            self._config.database_url,
            connection,
            public_key=self._config.public_key,
            private_keys=tuple(bytes(k) for k in self._keyring.private_keys()),
        )

    def open(self, sealed: SealedReport) -> StoredReport:
        """The full report; UnknownKey or DecryptionFailed if the keyring cannot open it."""
        fields = contents.open_fields(self._keyring, sealed.key_id, sealed.sealed, sealed.code_hash)
        return StoredReport(
            id=sealed.id,
            status=sealed.status,
            created_week=sealed.created_week,
            language=sealed.language,
            signs=sealed.signs,
            location_place=sealed.location_place,
            danger_reported=sealed.danger_reported,
            **fields,
        )

    def find_by_code(self, text: str) -> StoredReport | None:
        """The opened report whose reference code is in ``text``, or None."""
        sealed = self.find_sealed(text)
        return None if sealed is None else self.open(sealed)

    def list_reports(self) -> list[StoredReport]:
        """All reports, opened, oldest first."""
        return [self.open(sealed) for sealed in self.list_sealed()]

    def reseal(self, sealer: Sealer | None = None) -> int:
        """Seal every report not yet sealed to `sealer` (default: the current public key) to it.

        The second half of a key rotation: afterwards the old private keys open nothing and can
        be retired. One transaction; returns how many reports were resealed.
        """
        sealer = sealer or self._sealer
        if sealer is None:
            raise PublicKeyMissing("no public key to reseal to")
        done = 0
        with self._sessions.begin() as session:
            rows = session.execute(
                select(
                    Report.id, Report.key_id, Report.sealed, Report.code_hash, Report.followup_key
                ).where(Report.key_id != sealer.key_id)
            ).all()
            for report_id, kid, blob, code_hash, followup_key in rows:
                session.execute(
                    update(Report)
                    .where(Report.id == report_id)
                    .values(
                        key_id=sealer.key_id,
                        sealed=contents.reseal(self._keyring, sealer, kid, blob, code_hash),
                        followup_key=None
                        if followup_key is None
                        else sealer.seal(self._keyring.open(kid, followup_key)),
                    )
                )
                done += 1
            messages = session.execute(
                select(
                    ReportMessage.id,
                    ReportMessage.key_id,
                    ReportMessage.sealed,
                    ReportMessage.kind,
                    Report.code_hash,
                )
                .join(Report, Report.id == ReportMessage.report_id)
                .where(ReportMessage.key_id != sealer.key_id)
            ).all()
            for message_id, kid, blob, kind, code_hash in messages:
                session.execute(
                    update(ReportMessage)
                    .where(ReportMessage.id == message_id)
                    .values(
                        key_id=sealer.key_id,
                        sealed=contents.reseal_message(
                            self._keyring, sealer, kid, blob, code_hash, kind
                        ),
                    )
                )
        return done


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
    # IMMEDIATE: the transaction takes the write lock as it starts. A transaction that reads and
    # then writes (a status change, a follow-up addition, a lookup) would otherwise fail at once
    # with "database is locked" whenever another process committed in between: SQLite cannot
    # move a WAL read snapshot forward into a write. Now it waits its turn (sqlite3's busy
    # timeout, 5 s); the public side's own deadlines (bot.reports.durable) still apply.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _create_private_file(path: Path) -> None:
    # SQLite gives its -wal and -shm files the database file's permissions: start private.
    if not path.exists() and path.parent.is_dir():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def check_message(text: object) -> None:
    """ValueError unless ``text`` is a non-blank message within MESSAGE_MAX_LENGTH, no NUL."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a message must not be empty")
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValueError(f"a message is at most {MESSAGE_MAX_LENGTH} characters")
    if "\x00" in text:
        raise ValueError("a message must not contain a NUL character")


def _new_report(draft: ReportDraft, code_hash: str, sealer: Sealer, followup_key: bytes) -> Report:
    return Report(
        code_hash=code_hash,
        created_week=this_week_utc(),
        status="new",
        language=draft.language,
        location_place=draft.location_place,
        postcode_area=postcode_area(draft.location_postcode),
        time_of_day_choice=choice_of("time_of_day", draft.time_of_day),
        frequency_choice=choice_of("frequency", draft.frequency),
        since_when_choice=choice_of("since_when", draft.since_when),
        danger_reported=draft.danger_reported,
        key_id=sealer.key_id,
        sealed=contents.seal_draft(sealer, draft, code_hash),
        followup_key=sealer.seal(followup_key),
        signs=[ReportSign(sign=sign) for sign in draft.signs],
    )


def to_sealed(report: Report) -> SealedReport:
    stored = {s.sign for s in report.signs}
    return SealedReport(
        id=report.id,
        status=report.status,
        created_week=report.created_week,
        language=report.language,
        signs=tuple(s for s in SIGN_IDS if s in stored),
        location_place=report.location_place,
        postcode_area=report.postcode_area,
        time_of_day_choice=report.time_of_day_choice,
        frequency_choice=report.frequency_choice,
        since_when_choice=report.since_when_choice,
        danger_reported=report.danger_reported,
        key_id=report.key_id,
        sealed=bytes(report.sealed),
        code_hash=report.code_hash,
    )
