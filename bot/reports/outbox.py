"""The outbox: a local, durable, encrypted spool for reports the database cannot take right now.

When the database is unreachable at the moment a resident presses "send", the finished report
row (exactly the values ``ReportStore.submit`` would have inserted: its contents already sealed to
the public key, its code only as the keyed hash) is written here instead, and the resident gets the
code as usual. ``bot.reports.durable`` delivers the rows to the database when it answers again.

The spool is one SQLite file (default ``<ZICHT_VAR_DIR>/spool/outbox.db``, or
``ZICHT_OUTBOX_PATH``), mode 0600 in a 0700 folder, with WAL, ``synchronous=FULL`` (a committed
row survives a power cut) and ``secure_delete`` (a delivered row is overwritten, not left in free
pages). A row holds the code hash (the delivery key: delivering twice finds it already in the
database) and a secret box (XSalsa20-Poly1305) of the row values under a key derived from the
code key. So the file holds no plaintext at all, not even the coarse fields the database keeps in
clear, and a box copied onto another code hash does not open.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox
from sqlalchemy import inspect

from bot.reports.config import REPO_ROOT
from bot.reports.models import Report, ReportSign

log = logging.getLogger(__name__)

OUTBOX_PATH_ENV = "ZICHT_OUTBOX_PATH"
FORMAT_VERSION = 1
BUSY_TIMEOUT_SECONDS = 10.0
_KEY_LABEL = b"zicht-outbox:v1"
# The same pragmas as the SQLite report store (bot.reports.store.SQLITE_PRAGMAS), minus the
# foreign keys the spool does not have.
SPOOL_PRAGMAS: tuple[tuple[str, str], ...] = (
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),
    ("secure_delete", "ON"),
)
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS outbox ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " code_hash TEXT NOT NULL UNIQUE,"
    " box BLOB NOT NULL)"
)


class OutboxUnavailable(RuntimeError):
    """The spool could not take a report: it is not stored anywhere."""


class OutboxDamaged(RuntimeError):
    """A spooled row does not open with this code key (or belongs to another code hash)."""


def outbox_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the spool lives: ZICHT_OUTBOX_PATH, else <ZICHT_VAR_DIR or var/>/spool/outbox.db."""
    env = os.environ if environ is None else environ
    given = env.get(OUTBOX_PATH_ENV)
    if given:
        return Path(given)
    return Path(env.get("ZICHT_VAR_DIR") or REPO_ROOT / "var") / "spool" / "outbox.db"


@dataclass(frozen=True)
class PendingReport:
    """One report row waiting for the database: the column values and the signs.

    Built from the ORM row that ``ReportStore.submit`` made (``from_row``), turned back into an
    identical row on delivery (``to_row``). ``sealed`` and ``followup_key`` are already sealed to
    the public key; nothing here is the resident's text in clear.
    """

    code_hash: str
    columns: Mapping[str, Any]
    signs: tuple[str, ...]

    @classmethod
    def from_row(cls, report: Report) -> PendingReport:
        names = [attr.key for attr in inspect(Report).column_attrs if attr.key != "id"]
        return cls(
            code_hash=report.code_hash,
            columns={name: getattr(report, name) for name in names},
            signs=tuple(sign.sign for sign in report.signs),
        )

    def to_row(self) -> Report:
        return Report(**self.columns, signs=[ReportSign(sign=sign) for sign in self.signs])

    def encode(self) -> bytes:
        body = {
            "v": FORMAT_VERSION,
            "code_hash": self.code_hash,
            "columns": {name: _to_json(value) for name, value in self.columns.items()},
            "signs": list(self.signs),
        }
        return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()

    @classmethod
    def decode(cls, data: bytes, code_hash: str) -> PendingReport:
        body = json.loads(data.decode("utf-8"))
        if body.get("v") != FORMAT_VERSION or body.get("code_hash") != code_hash:
            raise OutboxDamaged("a spooled row belongs to another code hash or format")
        return cls(
            code_hash=code_hash,
            columns={name: _from_json(value) for name, value in body["columns"].items()},
            signs=tuple(body["signs"]),
        )


def _to_json(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and "bytes" in value:
        return base64.b64decode(value["bytes"])
    if isinstance(value, dict) and "date" in value:
        return datetime.date.fromisoformat(value["date"])
    return value


def spool_key(code_key: bytes) -> bytes:
    """The secret-box key of the spool, derived from the code key (never stored)."""
    return hmac.new(code_key, _KEY_LABEL, hashlib.sha256).digest()


class Outbox:
    """The spool file. Thread-safe; opened on first use; every write is committed with fsync."""

    def __init__(self, path: Path, code_key: bytes) -> None:
        self.path = path
        self._box = SecretBox(spool_key(code_key))
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    def put(self, pending: PendingReport) -> None:
        """Store one report durably (committed, fsynced) or raise OutboxUnavailable.

        Putting the same code hash twice keeps the first (a retry stores nothing new).
        """
        box = self._box.encrypt(pending.encode())
        try:
            self._write(
                "INSERT OR IGNORE INTO outbox (code_hash, box) VALUES (?, ?)",
                (pending.code_hash, bytes(box)),
            )
        except (sqlite3.Error, OSError) as exc:
            with self._lock:
                self._reset()
            raise OutboxUnavailable(f"the outbox could not store a report: {exc}") from exc

    def pending(self, limit: int = 100) -> list[PendingReport]:
        """The oldest spooled reports (at most ``limit``), oldest first.

        A row that does not open (another code key, damage) is logged and kept, never dropped.
        """
        with self._lock:
            rows = (
                self._connect()
                .execute("SELECT code_hash, box FROM outbox ORDER BY seq LIMIT ?", (limit,))
                .fetchall()
            )
        found = []
        for code_hash, box in rows:
            try:
                found.append(self._open(code_hash, box))
            except OutboxDamaged:
                log.error("a spooled report does not open with this code key; it stays spooled")
        return found

    def remove(self, code_hash: str) -> None:
        """Delete a delivered report from the spool (committed, overwritten by secure_delete)."""
        self._write("DELETE FROM outbox WHERE code_hash = ?", (code_hash,))

    def count(self) -> int:
        with self._lock:
            row = self._connect().execute("SELECT count(*) FROM outbox").fetchone()
        return int(row[0])

    def compact(self) -> None:
        """Fold the WAL back into the file and truncate it (after the spool ran empty)."""
        with self._lock:
            self._connect().execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            self._reset()

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        """One statement in its own transaction; COMMIT returns after the WAL is fsynced."""
        with self._lock:
            connection = self._connect()
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.execute(sql, params)
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

    def _open(self, code_hash: str, box: bytes) -> PendingReport:
        try:
            return PendingReport.decode(self._box.decrypt(bytes(box)), code_hash)
        except (CryptoError, ValueError, KeyError) as exc:
            raise OutboxDamaged("a spooled row does not open with this code key") from exc

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = open_spool(self.path)
        return self._connection

    def _reset(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except sqlite3.Error:
                log.warning("closing the outbox failed")
            self._connection = None


def open_spool(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the spool file: private, WAL, FULL sync, secure delete."""
    created = _create_private_file(path)
    connection = sqlite3.connect(
        path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS
    )
    try:
        for name, value in SPOOL_PRAGMAS:
            connection.execute(f"PRAGMA {name}={value}")
        connection.execute(_SCHEMA)
    except sqlite3.Error:
        connection.close()
        raise
    if created:
        _fsync_dir(path.parent)  # the new file's directory entry survives a power cut too
    return connection


def _create_private_file(path: Path) -> bool:
    """Create the file with mode 0600 in a 0700 folder; True if it is new. Fixes a wider mode."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.is_file() and mode & 0o077:
            log.warning("the outbox %s was readable by others (mode %o); set to 0600", path, mode)
            os.chmod(path, 0o600)
        return False
    os.close(fd)
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
