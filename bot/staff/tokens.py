"""Random tokens and their hashes: what a browser or a link holds, and what the database keeps."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    """32 random bytes, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 (hex) of a token: the only form in which the database keeps it."""
    return hashlib.sha256(_bytes(token)).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    """Constant-time equality of two tokens; a missing one is never equal."""
    if not a or not b:
        return False
    return hmac.compare_digest(_bytes(a), _bytes(b))


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")
