"""Data shared by the detector's tables and its development set (benchmarks/langid_dev.py).

`held_out(word)`: one word form in eight, chosen by a fixed hash, is never put into a table the
detector learns from (the character model); the development set draws its rare words from these,
so that it measures words the detector has never seen.

`held_out_form(word)`: another eighth, by another hash, that the development set treats as absent
from simplemma's dictionaries (`langid_words`). Its dictionary forms are drawn from both slices;
its rare words of running text (from wordfreq) from the first only, so that their look-up in the
dictionaries, an independent source, is measured as it happens in use.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from pathlib import Path
from typing import Callable, List, Optional, TypeVar

T = TypeVar("T")

HELD_OUT_EVERY = 8


def held_out(word: str) -> bool:
    return zlib.crc32(word.encode("utf-8")) % HELD_OUT_EVERY == 0


def held_out_form(word: str) -> bool:
    # Not a CRC: a CRC of a prefixed word is the word's CRC xor a constant per length, so its low
    # bits would pick the same words as `held_out`'s.
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=4, person=b"form").digest()
    return int.from_bytes(digest, "little") % HELD_OUT_EVERY == 0


def dictionary_forms(language: str) -> List[str]:
    """The word forms of simplemma's dictionary of `language`, lower-cased, sorted, unique."""
    from simplemma.strategies.dictionaries.dictionary_factory import (
        _load_dictionary_from_disk,
    )

    return sorted({key.decode("utf-8").lower() for key in _load_dictionary_from_disk(language)})


def load_built(build: Callable[[], T], what: str, path: Path) -> Optional[T]:
    """`build()`, or None (with a warning) when the file `make` builds, or numpy, is missing:
    the detector then does without that part."""
    try:
        return build()
    except (ImportError, OSError, KeyError, ValueError) as error:
        logging.getLogger(__name__).warning(
            "language detection runs without its %s (%s: %s); `make` builds it",
            what,
            type(error).__name__,
            path,
        )
        return None
