"""The sealed part of a report: which fields, how they are encoded, and the check on opening.

Format version 1 (migration 0002 writes the same bytes; it must stay readable forever):
UTF-8 JSON ``{"fields": {<SEALED_FIELDS>: str | null}, "report": <code_hash>, "v": 1}`` with sorted
keys and no spaces, then padded and sealed (bot.reports.crypto). The code hash inside binds the
ciphertext to its row: a sealed blob copied onto another report does not open as that report.
"""

from __future__ import annotations

import json
from typing import Any

from nacl.bindings import sodium_pad, sodium_unpad
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from bot.reports.crypto import PAD_BLOCK, DecryptionFailed, Keyring, Sealer
from bot.reports.records import SEALED_FIELDS, ReportDraft

FORMAT_VERSION = 1


def encode(code_hash: str, fields: dict[str, str | None]) -> bytes:
    body = {"v": FORMAT_VERSION, "report": code_hash, "fields": fields}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def seal_draft(sealer: Sealer, draft: ReportDraft, code_hash: str) -> bytes:
    """The sealed fields of a draft, bound to the report's code hash."""
    return sealer.seal(encode(code_hash, {name: getattr(draft, name) for name in SEALED_FIELDS}))


def open_fields(keyring: Keyring, key_id: str, sealed: bytes, code_hash: str) -> dict[str, Any]:
    """The sealed fields of one row; DecryptionFailed if they belong to another row."""
    try:
        body = json.loads(keyring.open(key_id, sealed).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DecryptionFailed("the sealed contents are not readable") from exc
    if not isinstance(body, dict) or body.get("v") != FORMAT_VERSION:
        raise DecryptionFailed("unknown format of the sealed contents")
    if body.get("report") != code_hash:
        raise DecryptionFailed("the sealed contents belong to another report")
    fields = body.get("fields")
    if not isinstance(fields, dict) or set(fields) != set(SEALED_FIELDS):
        raise DecryptionFailed("the sealed contents do not hold the expected fields")
    return fields


def reseal(keyring: Keyring, sealer: Sealer, key_id: str, sealed: bytes, code_hash: str) -> bytes:
    """The same contents sealed to another key (key rotation)."""
    return sealer.seal(encode(code_hash, open_fields(keyring, key_id, sealed, code_hash)))


# --- Messages on a report (revision 0003) -----------------------------------------------------
# Sealed: UTF-8 JSON {"kind": ..., "report": <code_hash>, "text": ..., "v": 1}, padded and sealed
# like the report. Shared (messages the resident may read): the padded UTF-8 text in a secret box
# (XSalsa20-Poly1305, random nonce) under the report's follow-up key.


def seal_message(sealer: Sealer, code_hash: str, kind: str, text: str) -> bytes:
    body = {"v": FORMAT_VERSION, "report": code_hash, "kind": kind, "text": text}
    return sealer.seal(
        json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    )


def open_message(keyring: Keyring, key_id: str, sealed: bytes, code_hash: str, kind: str) -> str:
    """The text of a sealed message; DecryptionFailed if it belongs to another report or kind."""
    try:
        body = json.loads(keyring.open(key_id, sealed).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DecryptionFailed("the sealed message is not readable") from exc
    if not isinstance(body, dict) or body.get("v") != FORMAT_VERSION:
        raise DecryptionFailed("unknown format of the sealed message")
    if body.get("report") != code_hash or body.get("kind") != kind:
        raise DecryptionFailed("the sealed message belongs to another report")
    text = body.get("text")
    if not isinstance(text, str):
        raise DecryptionFailed("the sealed message holds no text")
    return text


def reseal_message(
    keyring: Keyring, sealer: Sealer, key_id: str, sealed: bytes, code_hash: str, kind: str
) -> bytes:
    text = open_message(keyring, key_id, sealed, code_hash, kind)
    return seal_message(sealer, code_hash, kind, text)


def share(followup_key: bytes, text: str) -> bytes:
    """The text in a secret box under the follow-up key (what the reference code opens)."""
    return SecretBox(followup_key).encrypt(sodium_pad(text.encode("utf-8"), PAD_BLOCK))


def open_shared(followup_key: bytes, box: bytes) -> str:
    try:
        return sodium_unpad(SecretBox(followup_key).decrypt(bytes(box)), PAD_BLOCK).decode("utf-8")
    except (CryptoError, ValueError, UnicodeDecodeError) as exc:
        raise DecryptionFailed("a shared message does not open with this code") from exc
