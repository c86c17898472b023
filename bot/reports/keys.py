"""The key files of the encryption at rest: where they are, reading, creating and rotating them.

Environment (see docs/operations-keys.md):

ZICHT_PUBLIC_KEY         the current public key itself (base64), or
ZICHT_PUBLIC_KEY_FILE    a file holding it; default <var>/keys/public.key. The public side (action
                         server) needs this and nothing more.
ZICHT_PRIVATE_KEY_FILE   the private keyring (staff side only). The library reads a private key
                         from this variable and from nowhere else: a process whose environment
                         does not name it cannot open a report. The `zicht` command, which is a
                         staff tool, falls back to <var>/staff/private.keys.

Files are text: comment lines start with '#', every other line is one base64 key. The public key
file holds exactly one key (the current one); the keyring holds every private key still needed to
read old reports, oldest first. Private files are created with mode 0600 in a 0700 folder, and
never overwritten in place: a new keyring is written beside the old one and renamed over it.
"""

from __future__ import annotations

import datetime
import logging
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from nacl.public import PrivateKey, PublicKey

from bot.reports.crypto import (
    Keyring,
    PrivateKeyMissing,
    decode_key,
    encode_key,
    key_id,
)

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
PUBLIC_KEY_ENV = "ZICHT_PUBLIC_KEY"
PUBLIC_KEY_FILE_ENV = "ZICHT_PUBLIC_KEY_FILE"
PRIVATE_KEY_FILE_ENV = "ZICHT_PRIVATE_KEY_FILE"
PRIVATE_ENV_PREFIX = "ZICHT_PRIVATE_KEY"


@dataclass(frozen=True)
class KeyFiles:
    """Where one installation keeps its public key and its private keyring."""

    public: Path
    private: Path


def var_dir(env: Mapping[str, str]) -> Path:
    return Path(env.get("ZICHT_VAR_DIR") or REPO_ROOT / "var")


def default_key_files(env: Mapping[str, str] | None = None) -> KeyFiles:
    """The key files named by the environment, else the defaults under the var folder."""
    env = os.environ if env is None else env
    var = var_dir(env)
    return KeyFiles(
        public=Path(env.get(PUBLIC_KEY_FILE_ENV) or var / "keys" / "public.key"),
        private=Path(env.get(PRIVATE_KEY_FILE_ENV) or var / "staff" / "private.keys"),
    )


def public_side_environment(env: Mapping[str, str]) -> dict[str, str]:
    """`env` without any private-key variable: what a public-side process may be given."""
    return {name: value for name, value in env.items() if not name.startswith(PRIVATE_ENV_PREFIX)}


# --- reading ----------------------------------------------------------------------------------


def _key_lines(path: Path) -> list[str]:
    text = path.read_text(encoding="ascii")
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def read_public_key(path: Path) -> bytes:
    """The one public key in a public key file."""
    lines = _key_lines(path)
    if len(lines) != 1:
        raise ValueError(f"{path} must hold exactly one public key, not {len(lines)}")
    return decode_key(lines[0], str(path))


def read_keyring(path: Path) -> Keyring:
    """The private keys in a keyring file (ValueError if it holds none)."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("the private keyring %s is readable by others (mode %o); use 0600", path, mode)
    raw = [decode_key(line, str(path)) for line in _key_lines(path)]
    if not raw:
        raise ValueError(f"{path} holds no private key")
    return Keyring(raw)


def load_public_key(env: Mapping[str, str] | None = None) -> bytes | None:
    """The current public key from the environment, or None when none is set up.

    ZICHT_PUBLIC_KEY wins, then ZICHT_PUBLIC_KEY_FILE (which must exist), then the default file
    if it exists.
    """
    env = os.environ if env is None else env
    inline = env.get(PUBLIC_KEY_ENV)
    if inline:
        return decode_key(inline, PUBLIC_KEY_ENV)
    named = env.get(PUBLIC_KEY_FILE_ENV)
    if named:
        return read_public_key(Path(named))
    default = default_key_files(env).public
    return read_public_key(default) if default.exists() else None


def load_keyring(env: Mapping[str, str] | None = None) -> Keyring:
    """The private keyring named by ZICHT_PRIVATE_KEY_FILE; PrivateKeyMissing when unset.

    There is deliberately no default location: a process must be given the keyring explicitly.
    """
    env = os.environ if env is None else env
    named = env.get(PRIVATE_KEY_FILE_ENV)
    if not named:
        raise PrivateKeyMissing(f"{PRIVATE_KEY_FILE_ENV} is not set: this side cannot read reports")
    path = Path(named)
    if not path.exists():
        raise PrivateKeyMissing(f"the private keyring {path} does not exist")
    return read_keyring(path)


# --- writing ----------------------------------------------------------------------------------


def _today() -> str:
    return datetime.datetime.now(datetime.UTC).date().isoformat()


def _public_text(private: PrivateKey) -> str:
    kid = key_id(private.public_key)
    return (
        f"# Zicht public key {kid} (created {_today()}).\n"
        "# It seals report contents; it cannot open them. The public side needs only this file.\n"
        f"{encode_key(private.public_key)}\n"
    )


def _keyring_text(existing: str, private: PrivateKey) -> str:
    header = (
        "# Zicht private keyring: opens report contents. Staff side only; mode 0600.\n"
        "# Back it up apart from the database. Oldest key first; keep old keys while reports\n"
        "# sealed to them exist (`zicht keys list`).\n"
    )
    entry = f"# {key_id(private.public_key)} created {_today()}\n{encode_key(private)}\n"
    return (existing or header) + entry


def _write_new(path: Path, text: str, mode: int) -> None:
    """Write `text` to a new file beside `path` and rename it into place (atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)  # whatever the umask
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def create_key_pair(files: KeyFiles) -> str:
    """A new key pair in `files`; FileExistsError if either file exists. Returns its key id."""
    for path in (files.public, files.private):
        if path.exists():
            raise FileExistsError(f"{path} exists already; not overwriting a key")
    private = PrivateKey.generate()
    _private_dir(files.private.parent)
    # O_EXCL on the final name: two starters racing cannot both create a keyring.
    fd = os.open(files.private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(_keyring_text("", private))
        handle.flush()
        os.fsync(handle.fileno())
    _write_new(files.public, _public_text(private), 0o644)
    return key_id(private.public_key)


def add_key(files: KeyFiles) -> str:
    """Rotation: a new pair becomes current; the keyring keeps every older private key.

    The keyring is written first, so that a crash between the two steps leaves a keyring that
    can open everything and the old public key still in use. Returns the new key id.
    """
    if not files.private.exists():
        raise FileNotFoundError(f"no keyring at {files.private}: run `zicht keys init` first")
    existing = files.private.read_text(encoding="ascii")
    read_keyring(files.private)  # refuse to extend a damaged keyring
    private = PrivateKey.generate()
    _write_new(files.private, _keyring_text(existing, private), 0o600)
    _write_new(files.public, _public_text(private), 0o644)
    return key_id(private.public_key)


def ensure_key_pair(env: Mapping[str, str]) -> KeyFiles | None:
    """The embedded default of `make run`: create a pair at the default places if none is set up.

    Returns the files it created, or None when a public key is already configured or present.
    """
    if env.get(PUBLIC_KEY_ENV):
        return None
    files = default_key_files(env)
    if files.public.exists():
        return None
    if env.get(PUBLIC_KEY_FILE_ENV):
        raise FileNotFoundError(f"{PUBLIC_KEY_FILE_ENV} names {files.public}, which does not exist")
    create_key_pair(files)
    return files


def retire_key(files: KeyFiles, kid: str) -> None:
    """Remove the private key `kid` from the keyring (never the current one).

    The caller checks first that no report is sealed to it (`zicht keys retire` does).
    """
    current = key_id_of_public(read_public_key(files.public))
    if kid == current:
        raise ValueError(f"{kid} is the current key; add a new key first")
    keyring = read_keyring(files.private)
    if kid not in keyring:
        raise KeyError(f"{kid} is not in the keyring {files.private}")
    kept: list[str] = []
    for line in files.private.read_text(encoding="ascii").splitlines(keepends=True):
        stripped = line.strip()
        if stripped.startswith(f"# {kid} "):
            continue  # its comment line
        if stripped and stripped[0] != "#":
            private = PrivateKey(decode_key(stripped, str(files.private)))
            if key_id(private.public_key) == kid:
                continue
        kept.append(line)
    _write_new(files.private, "".join(kept), 0o600)


def key_id_of_public(raw: bytes) -> str:
    """The key id of a raw public key."""
    return key_id(PublicKey(raw))
