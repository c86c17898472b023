"""Passwords: the policy (ASVS 2.1) and argon2id hashing, off the event loop.

Policy: at least 12 characters (code points after NFKC), up to 1024; spaces and any Unicode
allowed; no composition rules. Refused: passwords on the common-password list of zxcvbn (30,000
entries), a common password with only digits or signs around it, passwords made of nothing but
local words (zicht, sittard, geleen, wachtwoord, ...) with digits or signs, passwords of fewer
than five different characters, and passwords that contain the account name.
"""

from __future__ import annotations

import asyncio
import functools
import string
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
MAX_LENGTH = 1024
MIN_DISTINCT = 5
LOCAL_WORDS: tuple[str, ...] = (
    "wachtwoord",
    "password",
    "paswoord",
    "sittard-geleen",
    "sittardgeleen",
    "sittard",
    "geleen",
    "born",
    "gemeente",
    "zicht",
    "welkom",
    "limburg",
    "staff",
    "admin",
)
_FILLER = string.digits + string.punctuation + " \t"

TOO_SHORT = f"Kies een wachtwoord van minstens {MIN_LENGTH} tekens."
TOO_LONG = f"Je wachtwoord mag hoogstens {MAX_LENGTH} tekens hebben."
TOO_COMMON = (
    "Dit wachtwoord is te makkelijk te raden. Kies bijvoorbeeld een zin van een paar woorden."
)
HAS_NAME = "Je naam mag niet in je wachtwoord staan."
NOT_EQUAL = "De twee wachtwoorden zijn niet hetzelfde."

_hasher = PasswordHasher()
# A hash to verify against when the account does not exist, so that the answer takes as long.
_DUMMY_HASH = _hasher.hash("zicht-dummy-password-for-timing")


def normalise(password: str) -> str:
    """NFKC, as the password is counted, hashed and checked."""
    return unicodedata.normalize("NFKC", password)


@functools.cache
def common_passwords() -> frozenset[str]:
    """The common passwords (lower case) of zxcvbn's frequency list."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _is_common(folded: str) -> bool:
    compact = "".join(folded.split())
    common = common_passwords()
    if folded in common or compact in common:
        return True
    core = compact.strip(_FILLER)
    if core and core in common:
        return True
    for word in LOCAL_WORDS:
        compact = compact.replace(word, "")
    return not compact.strip(_FILLER) or len(set(folded)) < MIN_DISTINCT


def policy_errors(password: str, name: str = "") -> list[str]:
    """What is wrong with a new password, in Dutch; empty when it may be used."""
    text = normalise(password)
    if len(text) < MIN_LENGTH:
        return [TOO_SHORT]
    if len(text) > MAX_LENGTH:
        return [TOO_LONG]
    folded = text.casefold()
    errors: list[str] = []
    if name and normalise(name).casefold() in folded:
        errors.append(HAS_NAME)
    if _is_common(folded):
        errors.append(TOO_COMMON)
    return errors


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string) of the NFKC form of `password`."""
    return _hasher.hash(normalise(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches; without a hash it still spends the same time, then False."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, normalise(password)) and bool(stored_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with older parameters than the current ones."""
    return _hasher.check_needs_rehash(stored_hash)


async def hash_password_async(password: str) -> str:
    """`hash_password` in a worker thread: argon2 must not block the event loop."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(stored_hash: str | None, password: str) -> bool:
    """`verify_password` in a worker thread."""
    return await asyncio.to_thread(verify_password, stored_hash, password)
