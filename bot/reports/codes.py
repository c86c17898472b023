"""Reference codes: what a resident gets after reporting, to add to or ask about the report later.

A code is 25 random decimal digits (log2(10**25) ≈ 83 bits) shown as five groups of five, for
example "04811-93020-55716-20391-88410". Digits only, so it reads aloud and types the same on
every keyboard in every language. The store keeps only a keyed hash (HMAC-SHA256) of the digits:
whoever reads the database cannot find a report from a code without also holding the key.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata

CODE_DIGITS = 25
GROUP_SIZE = 5
CODE_SPACE = 10**CODE_DIGITS
MIN_KEY_BYTES = 16

# A run of digits, possibly split by spaces, dots, dashes (any Unicode dash), slashes or
# underscores. \d also matches other scripts' digits (Arabic-Indic, Persian, full-width…).
_SEPARATORS = r"[\s.\-_/\u2010-\u2015\u2212\u00b7]"
_DIGIT_RUN = re.compile(rf"\d(?:{_SEPARATORS}*\d)*")


def new_code() -> str:
    """A fresh random reference code, formatted as 5 groups of 5 digits joined by '-'."""
    return format_code(f"{secrets.randbelow(CODE_SPACE):0{CODE_DIGITS}d}")


def format_code(digits: str) -> str:
    """Format 25 ASCII digits as '#####-#####-#####-#####-#####'."""
    if len(digits) != CODE_DIGITS or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"a reference code has exactly {CODE_DIGITS} digits")
    return "-".join(digits[i : i + GROUP_SIZE] for i in range(0, CODE_DIGITS, GROUP_SIZE))


def normalise_code(text: str) -> str | None:
    """The 25 ASCII digits of the code in what a person typed, or None.

    Spaces, dots and dashes between digits and any surrounding words are tolerated
    ("my code is 04811 93020.55716-20391 88410, thanks"). None unless exactly one run of digits
    in the text holds exactly 25 digits: a run of 24 or 26, a letter inside the code (an "O" for a
    zero) or two different codes give None rather than a guess.
    """
    if not isinstance(text, str):
        return None
    found: set[str] = set()
    for match in _DIGIT_RUN.finditer(text):
        digits = "".join(str(unicodedata.decimal(ch)) for ch in match.group() if ch.isdecimal())
        if len(digits) == CODE_DIGITS:
            found.add(digits)
    return found.pop() if len(found) == 1 else None


def hash_code(code: str, key: bytes) -> str:
    """HMAC-SHA256 (hex) of the code's normalised digits under the store's secret key."""
    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the code key must be at least {MIN_KEY_BYTES} bytes")
    digits = normalise_code(code)
    if digits is None:
        raise ValueError("not a reference code")
    return hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()


def followup_key(code: str, key: bytes) -> bytes:
    """The 32-byte secret-box key of a report's shared follow-up thread.

    Derived from the code (which only the resident holds) and the store key, separated from the
    code hash by a prefix: knowing the hash does not give the key. The staff side gets the same
    key from the report row, where it is sealed to the public key at submission.
    """
    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the code key must be at least {MIN_KEY_BYTES} bytes")
    digits = normalise_code(code)
    if digits is None:
        raise ValueError("not a reference code")
    return hmac.new(key, b"zicht-followup:" + digits.encode("ascii"), hashlib.sha256).digest()
