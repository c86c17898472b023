"""Time-based one-time codes (RFC 6238: 30 s, 6 digits, one step of clock drift either way).

A code is tied to its time step. ``matching_step`` says which step a code belongs to; the
accounts store accepts a step only if it is later than the last one accepted for that user, so
a code works once (ASVS 2.8.4).
"""

from __future__ import annotations

import datetime
import hmac
import io

import pyotp
import segno

INTERVAL = 30
DIGITS = 6
VALID_WINDOW = 1
ISSUER = "Zicht Sittard-Geleen"


def new_secret() -> str:
    """A new random base32 secret (160 bits)."""
    return pyotp.random_base32(32)


def _totp(secret: str) -> pyotp.TOTP:
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)


def code_at(secret: str, moment: datetime.datetime) -> str:
    """The code of `moment` (for tests and for nothing else)."""
    return _totp(secret).at(moment)


def step_of(moment: datetime.datetime) -> int:
    """The time step `moment` falls in."""
    return int(moment.timestamp()) // INTERVAL


def matching_step(secret: str, code: str, moment: datetime.datetime) -> int | None:
    """The time step within the window whose code equals `code`, latest first; else None."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = _totp(secret)
    now_step = step_of(moment)
    found: int | None = None
    for step in range(now_step + VALID_WINDOW, now_step - VALID_WINDOW - 1, -1):
        # Compare every candidate (no early exit), in constant time.
        if hmac.compare_digest(totp.generate_otp(step), code) and found is None:
            found = step
    return found


def provisioning_uri(secret: str, name: str) -> str:
    """The otpauth:// link an authenticator app reads from the QR code."""
    return _totp(secret).provisioning_uri(name=name, issuer_name=ISSUER)


def qr_svg(secret: str, name: str) -> str:
    """The QR code of the provisioning link as an inline SVG element (made here, no CDN)."""
    qr = segno.make(provisioning_uri(secret, name), error="m")
    out = io.BytesIO()
    qr.save(
        out,
        kind="svg",
        scale=5,
        border=4,
        xmldecl=False,
        svgns=True,
        title="QR-code om Zicht toe te voegen aan je app",
        svgclass="qr",
        lineclass=None,
        dark="#000",
        light="#fff",
    )
    return out.getvalue().decode("utf-8").replace("<svg ", '<svg role="img" ', 1)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type over."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
