"""Configuration of the reports store, read from the environment.

DATABASE_URL          SQLAlchemy URL; default sqlite:///<var>/zicht.db. postgres:// and
                      postgresql:// are rewritten to postgresql+psycopg:// (psycopg 3).
ZICHT_CODE_KEY        the reference-code HMAC key, hex (at least 16 bytes; 32 recommended), or
ZICHT_CODE_KEY_FILE   a file holding it (raw bytes, or hex text); default <var>/secrets/code.key,
                      created with 32 random bytes and mode 0600 when missing.
ZICHT_VAR_DIR         the writable data folder; default <repo>/var.
ZICHT_LOOKUP_FAILURES_PER_HOUR
                      wrong reference codes tried per hour, all conversations together, before
                      code lookups pause for the rest of the hour; default 100.
ZICHT_PUBLIC_KEY, ZICHT_PUBLIC_KEY_FILE
                      the public key that seals report contents (bot.reports.keys); default
                      <var>/keys/public.key when it exists. Without one, the store cannot take
                      reports. The private key is never part of this configuration: the staff
                      side passes a Keyring to bot.reports.store.ReportReader.

Losing the code key makes every stored reference code useless: back it up with the database,
but never in the same place.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from nacl.public import PublicKey
from sqlalchemy.engine import make_url

from bot.reports.codes import MIN_KEY_BYTES
from bot.reports.crypto import KEY_BYTES as PUBLIC_KEY_BYTES
from bot.reports.crypto import key_id
from bot.reports.keys import load_public_key

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
KEY_BYTES = 32
_PSYCOPG_ALIASES = frozenset({"postgres", "postgresql"})


@dataclass(frozen=True)
class StoreConfig:
    database_url: str = field(repr=False)
    code_key: bytes = field(repr=False)
    # The raw 32 bytes of the current public key (seals contents); None: cannot take reports.
    public_key: bytes | None = field(default=None, repr=False)
    # Failed reference-code lookups allowed per hour for the whole installation (README: the
    # arithmetic of guessing codes).
    lookup_failures_per_hour: int = 100

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", normalise_database_url(self.database_url))
        if not isinstance(self.code_key, bytes) or len(self.code_key) < MIN_KEY_BYTES:
            raise ValueError(f"the code key must be at least {MIN_KEY_BYTES} bytes")
        if self.public_key is not None and (
            not isinstance(self.public_key, bytes) or len(self.public_key) != PUBLIC_KEY_BYTES
        ):
            raise ValueError(f"the public key must be {PUBLIC_KEY_BYTES} bytes")

    def __repr__(self) -> str:
        shown = make_url(self.database_url).render_as_string(hide_password=True)
        kid = key_id(PublicKey(self.public_key)) if self.public_key else None
        return f"StoreConfig(database_url={shown!r}, code_key=<hidden>, public_key_id={kid!r})"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StoreConfig:
        env = os.environ if environ is None else environ
        var_dir = Path(env.get("ZICHT_VAR_DIR") or REPO_ROOT / "var")
        url = env.get("DATABASE_URL")
        if not url:
            _make_private_dir(var_dir)
            url = f"sqlite:///{var_dir / 'zicht.db'}"
        hex_key = env.get("ZICHT_CODE_KEY")
        if hex_key:
            key = _parse_hex_key(hex_key, "ZICHT_CODE_KEY")
        else:
            key_file = Path(env.get("ZICHT_CODE_KEY_FILE") or var_dir / "secrets" / "code.key")
            key = load_or_create_key(key_file)
        return cls(
            database_url=url,
            code_key=key,
            public_key=load_public_key(env),
            lookup_failures_per_hour=int(env.get("ZICHT_LOOKUP_FAILURES_PER_HOUR") or 100),
        )


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL: postgres:// and postgresql:// become postgresql+psycopg://."""
    parsed = make_url(url)
    if parsed.drivername in _PSYCOPG_ALIASES:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def load_or_create_key(path: Path) -> bytes:
    """Read the key file, creating it (32 random bytes, mode 0600) if it does not exist yet."""
    if not path.exists():
        _create_key_file(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("the key file %s is readable by others (mode %o); use 0600", path, mode)
    data = path.read_bytes()
    text = data.strip()
    if len(text) >= 2 * MIN_KEY_BYTES and all(c in b"0123456789abcdefABCDEF" for c in text):
        return _parse_hex_key(text.decode("ascii"), str(path))
    if len(data) < MIN_KEY_BYTES:
        raise ValueError(f"the code key in {path} is shorter than {MIN_KEY_BYTES} bytes")
    return data


def _create_key_file(path: Path) -> None:
    # Write to a private temporary file, then link it into place: a concurrent starter either
    # wins the link or reads the complete key of whoever did, never a half-written one.
    _make_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(KEY_BYTES))
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: use its key
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _make_private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _parse_hex_key(text: str, source: str) -> bytes:
    try:
        key = bytes.fromhex(text.strip())
    except ValueError as exc:
        raise ValueError(f"{source} is not valid hex") from exc
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"{source} is shorter than {MIN_KEY_BYTES} bytes")
    return key
