"""Encryption at rest of what residents write: libsodium sealed boxes through PyNaCl.

A sealed box (X25519 + XSalsa20-Poly1305, an ephemeral sender key per message) can be made with
the public key alone and opened only with the matching private key. So the public side (the
action server that stores reports) holds a `Sealer` built from the public key, and cannot read
back what it wrote; the staff side holds a `Keyring` of private keys.

Every ciphertext is stored beside the id of the key it was sealed to (`key_id`: 16 hex
characters of a BLAKE2b hash of the public key). After a key rotation the keyring holds the old
private keys as well, and each row names the one that opens it.

Plaintexts are padded (libsodium's ISO/IEC 7816-4 padding) to a multiple of PAD_BLOCK bytes, so
the stored size shows only roughly how much someone wrote.

Key files (text, one key per line, base64 of the 32 raw bytes; lines starting with '#' are
comments): the public key file holds exactly one key, the current one; the private keyring holds
one or more, oldest first. ``bot.reports.keys`` reads and writes them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable

from nacl.bindings import sodium_pad, sodium_unpad
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

KEY_BYTES = 32
KEY_ID_BYTES = 8
PAD_BLOCK = 256
_KEY_ID_PERSON = b"zicht-key-id"


class CryptoFailure(Exception):
    """A ciphertext could not be opened."""


class UnknownKey(CryptoFailure):
    """The ciphertext was sealed to a key that is not in the keyring."""


class DecryptionFailed(CryptoFailure):
    """The keyring has the key, but the ciphertext is damaged or was not sealed to it."""


class PrivateKeyMissing(Exception):
    """Reading report contents needs the private key, and none is configured here."""


def key_id(public_key: PublicKey) -> str:
    """The stable, public id of a key pair: 16 hex characters derived from its public key."""
    digest = hashlib.blake2b(
        bytes(public_key), digest_size=KEY_ID_BYTES, person=_KEY_ID_PERSON
    ).hexdigest()
    return digest


def encode_key(key: PublicKey | PrivateKey) -> str:
    """The base64 text of a key, as key files hold it."""
    return base64.b64encode(bytes(key)).decode("ascii")


def decode_key(text: str, source: str) -> bytes:
    """The 32 raw bytes of a base64 (or 64-character hex) key; ValueError naming `source`."""
    text = text.strip()
    try:
        raw = (
            bytes.fromhex(text)
            if len(text) == 2 * KEY_BYTES
            else base64.b64decode(text, validate=True)
        )
    except (ValueError, binascii.Error) as exc:
        raise ValueError(f"{source} does not hold a base64 key") from exc
    if len(raw) != KEY_BYTES:
        raise ValueError(f"{source}: a key has {KEY_BYTES} bytes, not {len(raw)}")
    return raw


class Sealer:
    """Seals plaintexts to one public key. All the public side ever holds."""

    def __init__(self, public_key: PublicKey | bytes) -> None:
        if isinstance(public_key, bytes):
            public_key = PublicKey(public_key)
        self._public_key = public_key
        self._box = SealedBox(public_key)
        self.key_id = key_id(public_key)

    @property
    def public_key(self) -> PublicKey:
        return self._public_key

    def seal(self, plaintext: bytes) -> bytes:
        """The sealed box of the padded plaintext (48 bytes longer than the padded text)."""
        return self._box.encrypt(sodium_pad(plaintext, PAD_BLOCK))

    def __repr__(self) -> str:
        return f"Sealer(key_id={self.key_id!r})"


class Keyring:
    """The private keys of the staff side, by key id; opens what any of their pairs sealed."""

    def __init__(self, private_keys: Iterable[PrivateKey | bytes]) -> None:
        self._boxes: dict[str, SealedBox] = {}
        self._keys: dict[str, PrivateKey] = {}
        for key in private_keys:
            private = PrivateKey(key) if isinstance(key, bytes) else key
            kid = key_id(private.public_key)
            self._keys[kid] = private
            self._boxes[kid] = SealedBox(private)
        if not self._keys:
            raise PrivateKeyMissing("a keyring needs at least one private key")

    @property
    def key_ids(self) -> tuple[str, ...]:
        """The ids of the keys held, in the order given (oldest first in a keyring file)."""
        return tuple(self._keys)

    def private_keys(self) -> tuple[PrivateKey, ...]:
        return tuple(self._keys.values())

    def sealer(self, kid: str | None = None) -> Sealer:
        """A sealer for one of the held pairs (the newest by default)."""
        kid = kid or self.key_ids[-1]
        return Sealer(self._keys[kid].public_key)

    def __contains__(self, kid: object) -> bool:
        return kid in self._keys

    def open(self, kid: str, sealed: bytes) -> bytes:
        """The plaintext sealed to key `kid`; UnknownKey or DecryptionFailed otherwise."""
        box = self._boxes.get(kid)
        if box is None:
            raise UnknownKey(f"no private key with id {kid!r} in the keyring")
        try:
            return sodium_unpad(box.decrypt(bytes(sealed)), PAD_BLOCK)
        except (CryptoError, ValueError) as exc:
            raise DecryptionFailed(f"a ciphertext for key {kid!r} does not open") from exc

    def __repr__(self) -> str:
        return f"Keyring(key_ids={self.key_ids!r})"
