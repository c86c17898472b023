"""Voter tables: which words each language's frequency lists and dictionaries hold, compactly.

wordfreq's "small" lists (words used about once per million and more) miss most words of real
running text: rarer words, inflected forms, compounds. Two deeper sources ship in packages:

- wordfreq's "large" lists, down to about once per 100 million words (nl en de fr es pt pl uk
  ru; none for bg hu ro);
- simplemma's dictionaries: the inflected word forms of each language (all 12).

As Python dicts they would take well over a gigabyte, so `python -m bot.nlu.langid_words` (run by
`make`: models/langid_words.npz, deterministic, ~1 minute) keeps, per language, the CRC-32 of
each listed word (with its frequency in steps of 4 centibels, one byte) and of each dictionary
form no list of the language has. A hash's upper 16 bits pick a bucket, its lower 16 bits are
stored sorted within the bucket: 2 bytes a word, ~37 MB in memory for 13 M entries. A look-up is
a binary search in the bucket; a false match needs a 32-bit collision (with ~3 M Polish forms,
1 look-up in 1,400 of a word that is not there).

Apostrophes and hyphens: people often leave them out ("fotos" for "foto's", "звязку" for
"зв'язку", "aujourdhui"), so the tables also hold each listed word and dictionary form that has
them without them (at the original's frequency) where that is not a word of its own.
(Scoring a word that a language lacks as two of its words written together, "lentreprise",
"tornouse", was tried in session 5 and left out: on the development set it changed nothing, or
lost a little on rare words.)

P(word | language) is then the listed frequency, else a floor that depends on what the language
offers: a dictionary form that no list has is rarer than the list's cut-off, and a word that is in
neither is rarer still; a language with only a small list (cut-off 1e-6) cannot be held to the
cut-off of a large one (1e-8). The floors (`Floors`) are chosen on the development set
(benchmarks/langid_dev.py), never on the benchmark.

The development set (`held_out=True`) treats the words of `langid_data.held_out_form` as absent
from the dictionaries: its rare dictionary forms are drawn from them, and its words of running text
(from wordfreq, an independent source) are looked up in the dictionaries as they are in use. The
lists are not hidden: a word of real text rarer than the small lists' cut-off is mostly in its
language's large list, and what the lists decide is how that list competes with the others'.
The shipped detector uses every word.
"""

from __future__ import annotations

import math
import os
import zlib
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.nlu.langid_data import load_built

# Built by `make` (derived data: never committed); ZICHT_LANGID_WORDS names another file.
MODEL = Path(
    os.environ.get("ZICHT_LANGID_WORDS")
    or Path(__file__).resolve().parents[2] / "models" / "langid_words.npz"
)
CENTIBELS_STEP = 4  # frequency resolution: 10 ** (-4 / 100), 1 byte down to 10 ** -10.2
_LOG_STEP = -CENTIBELS_STEP / 100 * math.log(10)
_BUCKET_BITS = 16
_CACHE_SIZE = 10_000  # ~5 MB at most: a look-up costs ~30 µs anyway


@dataclass(frozen=True)
class Floors:
    """P(word | language) of a word the language's list does not have, by what it offers."""

    absent_small: float = 1e-8  # language with only a small list; not in its dictionary
    absent_large: float = 1e-10  # language with a large list; in neither
    form_small: float = 1e-7  # in the dictionary, not in the small list
    form_large: float = 1e-9  # in the dictionary, not in the large list


def word_hash(word: str) -> int:
    return zlib.crc32(word.encode("utf-8"))


class HashSet:
    """A set of 32-bit hashes: per bucket of the upper bits, the sorted lower 16 bits."""

    def __init__(self, offsets: Iterable[int], low: bytes) -> None:
        self._offsets = array("I", offsets)
        self._low = array("H")
        self._low.frombytes(low)

    def index(self, value: int) -> int:
        """Position of `value` (for its payload), -1 when it is not in the set."""
        bucket = value >> _BUCKET_BITS
        low = value & 0xFFFF
        start, end = self._offsets[bucket], self._offsets[bucket + 1]
        position = bisect_left(self._low, low, start, end)
        return position if position < end and self._low[position] == low else -1


class WordTables:
    """log P(word | language) from the frequency lists and dictionaries, for the languages asked."""

    def __init__(
        self,
        languages: Sequence[str],
        path: Path = MODEL,
        floors: Floors = Floors(),
        held_out: bool = False,
    ) -> None:
        import numpy as np

        self.languages = tuple(languages)
        self._lists: List[HashSet] = []
        self._values: List[bytes] = []
        self._forms: List[HashSet] = []
        with np.load(path, allow_pickle=False) as archive:
            known = {str(code) for code in archive["languages"]}
            missing = [code for code in languages if code not in known]
            if missing:
                raise ValueError(f"no word tables for {missing}")
            large = {str(code) for code in archive["large"]}
            for code in self.languages:
                for kind, sets in (("list", self._lists), ("forms", self._forms)):
                    offsets = archive[f"{code}_{kind}_offsets"].tolist()
                    sets.append(HashSet(offsets, archive[f"{code}_{kind}_low"].tobytes()))
                self._values.append(archive[f"{code}_list_values"].tobytes())
        self._absent = [
            math.log(floors.absent_large if code in large else floors.absent_small)
            for code in self.languages
        ]
        self._form = [
            math.log(floors.form_large if code in large else floors.form_small)
            for code in self.languages
        ]
        self._held_out = held_out
        self._cache: Dict[str, Optional[List[float]]] = {}

    @classmethod
    def load(
        cls,
        languages: Sequence[str],
        path: Path = MODEL,
        floors: Floors = Floors(),
        held_out: bool = False,
    ) -> Optional["WordTables"]:
        """The tables, or None when their file or numpy is missing (the detector does without)."""
        return load_built(lambda: cls(languages, path, floors, held_out), "word tables", path)

    def scores_of_words(self, words: Sequence[str]) -> List[Optional[List[float]]]:
        """log P(word | language) per word (None for a word in no table of any language)."""
        return [self.scores(word) for word in words]

    def scores(self, word: str) -> Optional[List[float]]:
        try:
            return self._cache[word]
        except KeyError:
            pass
        value = word_hash(word)
        forms_hidden = self._held_out and _held_out_form(word)
        found = False
        scores: List[float] = []
        for index, listed in enumerate(self._lists):
            position = listed.index(value)
            if position >= 0:
                scores.append(_LOG_STEP * self._values[index][position])
                found = True
            elif not forms_hidden and self._forms[index].index(value) >= 0:
                scores.append(self._form[index])
                found = True
            else:
                scores.append(self._absent[index])
        result = scores if found else None
        if len(self._cache) < _CACHE_SIZE:
            self._cache[word] = result
        return result


def joined(word: str) -> str:
    """The word without its apostrophes and hyphens, as running text often has it."""
    return word.translate(_JOINERS)


_JOINERS = str.maketrans("", "", "'’-")


def with_joined(words: Mapping[str, float]) -> Dict[str, float]:
    """The words plus each one's joined form where that is not a word of its own (the more
    frequent original where two join alike)."""
    result = dict(words)
    for word, frequency in words.items():
        variant = joined(word)
        if variant and variant != word and variant not in words:
            result[variant] = max(frequency, result.get(variant, 0.0))
    return result


def _held_out_form(word: str) -> bool:
    from bot.nlu.langid_data import held_out_form

    return held_out_form(word)


def _bucketed(hashes: Dict[int, int]) -> Tuple[object, object, object]:
    """(offsets, sorted lower 16 bits, payloads) of {hash: payload}."""
    import numpy as np

    keys = np.fromiter(hashes.keys(), dtype=np.uint32, count=len(hashes))
    values = np.fromiter(hashes.values(), dtype=np.uint8, count=len(hashes))
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    counts = np.bincount(keys >> _BUCKET_BITS, minlength=1 << (32 - _BUCKET_BITS))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.uint32)
    return offsets, (keys & 0xFFFF).astype(np.uint16), values


def build(languages: Sequence[str], path: Path = MODEL) -> None:
    """Hash the lists and dictionaries of `languages` into `path`."""
    from bot.nlu.langid_data import dictionary_forms
    from bot.nlu.langid_lexicon import read_wordfreq_list

    lists: Dict[str, Dict[str, float]] = {}
    forms: Dict[str, List[str]] = {}
    large_languages = []
    for code in languages:
        listed = read_wordfreq_list(code, "large") or {}
        if listed:
            large_languages.append(code)
        # The small list's frequencies where it has the word (the large one has them all).
        listed.update(read_wordfreq_list(code) or {})
        lists[code] = with_joined(listed)
        dictionary = dictionary_forms(code)
        forms[code] = sorted({*dictionary, *(joined(form) for form in dictionary)} - {""})
    write(path, lists, forms, large_languages)


def write(
    path: Path,
    lists: Mapping[str, Mapping[str, float]],
    forms: Mapping[str, Iterable[str]],
    large_languages: Sequence[str],
) -> None:
    """Write the tables of {language: {word: frequency}} and {language: word forms}
    (uncompressed: fast to load)."""
    import numpy as np

    arrays: Dict[str, object] = {}
    for code, listed in lists.items():
        steps: Dict[int, int] = {}
        # The more frequent word wins a (rare) collision: insert the least frequent first.
        for word, frequency in sorted(listed.items(), key=lambda item: (item[1], item[0])):
            step = round(-100 * math.log10(frequency) / CENTIBELS_STEP)
            steps[word_hash(word)] = min(step, 255)
        further = {word_hash(w): 0 for w in forms.get(code, ()) if w not in listed}
        for kind, table in (("list", steps), ("forms", further)):
            offsets, low, values = _bucketed(table)
            arrays[f"{code}_{kind}_offsets"] = offsets
            arrays[f"{code}_{kind}_low"] = low
            if kind == "list":
                arrays[f"{code}_list_values"] = values
        print(f"{code}: {len(steps)} listed words, {len(further)} further forms", flush=True)
    np.savez(
        path,
        languages=np.array(list(lists)),
        large=np.array(list(large_languages), dtype=str),
        **arrays,  # type: ignore[arg-type]
    )


def main() -> None:
    import argparse

    from bot.nlu.language_detection import LANGUAGES

    parser = argparse.ArgumentParser(description="Rebuild the word tables.")
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args()
    build(LANGUAGES, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
