"""Staff TOTP secrets at rest: sealed with the staff side's own key, never clear in the database.

A copy of the database (a backup, a dump, a replica) then holds no second factor: with the
argon2id password hashes alone nobody signs in. The key is 32 random bytes in
``ZICHT_TOTP_KEY_FILE`` (default <var>/staff/totp.key, mode 0600), made on first use by the staff
app or the `zicht staff` command; the public side never reads it. Losing it means every account
enrols again (`zicht staff reset NAME`); keep it with the other key files (docs/operations-keys.md).

Stored form: ``box1:`` + base64(XSalsa20-Poly1305 nonce + ciphertext) of the base32 secret.
A value without the prefix is a secret stored before sealing (clear base32, which has no ':'):
it is read as it is and sealed by `Accounts.seal_clear_secrets` (at the app's start and in every
`zicht staff` command) or at its next use.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from bot.reports.config import load_or_create_key
from bot.reports.keys import var_dir

PREFIX = "box1:"
KEY_FILE_ENV = "ZICHT_TOTP_KEY_FILE"
_PERSON = b"zicht-totp"  # the box key is derived, so the file may hold any key of 16+ bytes


class SecretUnreadable(Exception):
    """A sealed secret that this installation's TOTP key cannot open (another key file)."""


def key_file(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get(KEY_FILE_ENV) or var_dir(env) / "staff" / "totp.key")


def load_key(env: Mapping[str, str] | None = None) -> bytes:
    """The TOTP key of this installation, made on first use."""
    return load_or_create_key(key_file(env))


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


class TotpSecrets:
    """Seals and opens TOTP secrets with one key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the TOTP key must have at least 16 bytes")
        self._box = SecretBox(hashlib.blake2b(key, digest_size=32, person=_PERSON).digest())

    def seal(self, secret: str) -> str:
        return PREFIX + base64.b64encode(bytes(self._box.encrypt(secret.encode()))).decode()

    def open(self, stored: str) -> str:
        """The secret of a stored value; a value from before sealing is returned as it is."""
        if not is_sealed(stored):
            return stored
        try:
            return self._box.decrypt(base64.b64decode(stored[len(PREFIX) :])).decode()
        except (CryptoError, ValueError) as exc:
            raise SecretUnreadable("a TOTP secret does not open with this TOTP key") from exc
