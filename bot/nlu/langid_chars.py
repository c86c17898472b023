"""Voter: a character n-gram model of the words of each language, our own, small and fast to load.

For each language, P(n-gram | language) of the letter n-grams (1 to 5 letters, with the word's
start and end as "<" and ">") of its word forms, smoothed (add-half) and summed over the words of
a text: a naive-Bayes model of how the language's words look. It decides words no list knows
(inflected forms, compounds, rare words). The n-grams are hashed (CRC-32) into `BUCKETS` buckets and
the log-probabilities quantised to one byte, so the model is one array of BUCKETS x languages
bytes (models/langid_chars.npz: 4.2 MB on disk, 12 MB in memory, loaded in a tenth of a second),
instead of the ~450 MB and 4-7 s of lingua's high-accuracy models. Choices made on the development
set: 2**20 buckets rather than 2**18 (fewer collisions: +0.9 points on its rare word forms);
400,000 simplemma forms per language rather than 200,000 added nothing; the words of the "large"
lists added 1.8 points on its rare words of running text and cost 0.9 on rare dictionary forms
(the detector reads running text).

The model is learned from word lists that ship in packages, never from the benchmark:
`python -m bot.nlu.langid_chars` (run by `make`: models/langid_chars.npz) builds it from
wordfreq's "small" lists, the 200,000 most frequent further words of its "large" lists
(nl en de fr es pt pl uk ru: the rarer words of running text) and 200,000 word forms per
language from simplemma's dictionaries (simplemma is needed only for that), leaving out the
held-out words of `langid_data.held_out` that the development set (benchmarks/langid_dev.py)
tests on. The build is deterministic: the same package versions give the same file (~2.5
minutes on 2 cores).
"""

from __future__ import annotations

import os
import re
import zlib
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from bot.nlu.langid_data import load_built

# Built by `make` (a trained model: never committed); ZICHT_LANGID_CHARS names another file.
MODEL = Path(
    os.environ.get("ZICHT_LANGID_CHARS")
    or Path(__file__).resolve().parents[2] / "models" / "langid_chars.npz"
)
BUCKETS = 1 << 20
ORDER = 5
# Word forms per language taken from simplemma's dictionary (a deterministic sample).
FORMS_PER_LANGUAGE = 200_000
# Words of wordfreq's "large" list (beyond the "small" one), the most frequent first.
LARGE_PER_LANGUAGE = 200_000
SMOOTHING = 0.5
_SEED = "zicht-langid-chars"
_LETTERS_ONLY = re.compile(r"^[^\W\d_]+$")


def word_grams(word: str, buckets: int = BUCKETS, order: int = ORDER) -> List[int]:
    """The buckets of the 1- to `order`-grams of "<word>" (the lone "<" and ">" left out)."""
    padded = f"<{word}>"
    size = len(padded)
    result = []
    for n in range(1, order + 1):
        for start in range(size - n + 1):
            gram = padded[start : start + n]
            if n == 1 and (gram == "<" or gram == ">"):
                continue
            result.append(zlib.crc32(gram.encode("utf-8")) % buckets)
    return result


class CharModel:
    """log P(word | language) under the n-gram model, for the languages asked."""

    def __init__(self, languages: Sequence[str], path: Path = MODEL) -> None:
        import numpy as np

        with np.load(path, allow_pickle=False) as archive:
            known = [str(code) for code in archive["languages"]]
            missing = [code for code in languages if code not in known]
            if missing:
                raise ValueError(f"no character model for {missing}")
            columns = [known.index(code) for code in languages]
            # uint8 [buckets, languages]: log-probability = floor + step * byte.
            self._table = np.ascontiguousarray(archive["table"][:, columns])
            self._step = float(archive["step"])
            self._floor = [float(value) for value in archive["floor"][columns]]
            self.buckets = int(archive["buckets"])
            self.order = int(archive["order"])
        self.languages = tuple(languages)
        self._np = np
        self._cache: Dict[str, List[int]] = {}

    @classmethod
    def load(cls, languages: Sequence[str], path: Path = MODEL) -> Optional["CharModel"]:
        """The model, or None when its file or numpy is missing (the detector does without)."""
        return load_built(lambda: cls(languages, path), "character model", path)

    def _grams(self, word: str) -> List[int]:
        grams = self._cache.get(word)
        if grams is None:
            grams = word_grams(word, self.buckets, self.order)
            if len(self._cache) < 50_000:
                self._cache[word] = grams
        return grams

    def log_likelihoods(self, words: Sequence[str]) -> Tuple[List[float], int]:
        """Summed log P(n-gram | language) per language and the number of n-grams."""
        ids: List[int] = []
        for word in words:
            ids.extend(self._grams(word))
        if not ids:
            return [0.0] * len(self.languages), 0
        sums = self._table[ids].sum(axis=0, dtype=self._np.int64).tolist()
        count = len(ids)
        step = self._step
        return [floor * count + step * s for floor, s in zip(self._floor, sums, strict=True)], count


def training_words(
    language: str,
    forms_per_language: int = FORMS_PER_LANGUAGE,
    large_per_language: int = LARGE_PER_LANGUAGE,
) -> List[str]:
    """The word types the model of `language` learns from (held-out forms left out)."""
    import random

    from bot.nlu.langid_data import dictionary_forms, held_out
    from bot.nlu.langid_lexicon import read_wordfreq_list

    frequencies = read_wordfreq_list(language) or {}
    words = {w for w in frequencies if _LETTERS_ONLY.match(w) and not held_out(w)}
    forms = [
        form
        for form in dictionary_forms(language)
        if _LETTERS_ONLY.match(form) and not held_out(form)
    ]
    rng = random.Random(f"{_SEED}-{language}")
    words.update(rng.sample(forms, min(forms_per_language, len(forms))))
    if large_per_language:
        # Rarer words of running text, where wordfreq has a "large" list (not bg, hu, ro).
        large = read_wordfreq_list(language, "large") or {}
        ranked = sorted(
            (w for w in large if _LETTERS_ONLY.match(w) and not held_out(w) and w not in words),
            key=lambda w: (-large[w], w),
        )
        words.update(ranked[:large_per_language])
    return sorted(words)


def build(
    languages: Sequence[str],
    path: Path = MODEL,
    buckets: int = BUCKETS,
    forms_per_language: int = FORMS_PER_LANGUAGE,
    large_per_language: int = LARGE_PER_LANGUAGE,
) -> None:
    """Learn the model from the word lists and write it to `path`."""
    import numpy as np

    from bot.nlu.langid_letters import SCRIPTS

    tables = []
    for code in languages:
        ids: List[int] = []
        for word in training_words(code, forms_per_language, large_per_language):
            ids.extend(word_grams(word, buckets))
        counts = np.bincount(np.asarray(ids, dtype=np.int64), minlength=buckets)
        counts = counts.astype(np.float64)
        tables.append(np.log((counts + SMOOTHING) / (counts.sum() + SMOOTHING * buckets)))
        print(f"{code} ({SCRIPTS.get(code)}): {len(ids)} n-grams", flush=True)
    table = np.stack(tables, axis=1)
    floor = table.min(axis=0)
    step = float((table - floor).max()) / 255
    quantised = np.round((table - floor) / step).astype(np.uint8)
    np.savez_compressed(
        path,
        table=quantised,
        floor=floor.astype(np.float32),
        step=np.float64(step),
        languages=np.array(list(languages)),
        buckets=np.int64(buckets),
        order=np.int64(ORDER),
    )


def main() -> None:
    import argparse

    from bot.nlu.language_detection import LANGUAGES

    parser = argparse.ArgumentParser(description="Rebuild the character n-gram model.")
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--buckets", type=int, default=BUCKETS)
    parser.add_argument("--forms", type=int, default=FORMS_PER_LANGUAGE)
    parser.add_argument("--large", type=int, default=LARGE_PER_LANGUAGE)
    args = parser.parse_args()
    build(LANGUAGES, args.out, args.buckets, args.forms, args.large)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
