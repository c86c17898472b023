"""Data shared by the detector's tables and its development set (benchmarks/langid_dev.py).

`held_out(word)`: one word form in eight, chosen by a fixed hash, is never put into a table the
detector builds or ships (the word lists it learns from); the development set draws its rare words
from these, so that it measures words the detector has never seen.
"""

from __future__ import annotations

import zlib

HELD_OUT_EVERY = 8


def held_out(word: str) -> bool:
    return zlib.crc32(word.encode("utf-8")) % HELD_OUT_EVERY == 0
