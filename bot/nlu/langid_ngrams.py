"""langdetect, made deterministic.

`LangdetectModel` uses langdetect's own profiles (restricted to the assistant's languages), its
text cleaning and n-gram extraction, and its smoothed update `p *= alpha / BASE_FREQ +
P(ngram | language)` — applied to every n-gram of the text once instead of to random samples, so
it is exact, repeatable and fast.
"""

from __future__ import annotations

import json
import math
import re
from importlib import resources
from operator import add
from typing import Dict, List, Sequence, Tuple

from langdetect.detector import Detector
from langdetect.utils.ngram import NGram

_ALPHA = Detector.ALPHA_DEFAULT
_BASE_FREQ = Detector.BASE_FREQ
# Longer texts are decided well before this; the cap bounds the time per message.
_MAX_CHARS = 300


def langdetect_profile_languages() -> List[str]:
    profiles = resources.files("langdetect") / "profiles"
    return sorted(item.name for item in profiles.iterdir())


class LangdetectModel:
    """Deterministic langdetect: summed log of langdetect's smoothed n-gram probabilities."""

    def __init__(self, languages: Sequence[str]) -> None:
        self.languages = tuple(languages)
        profiles = resources.files("langdetect") / "profiles"
        probabilities: Dict[str, List[float]] = {}
        for index, code in enumerate(self.languages):
            profile = json.loads((profiles / code).read_text(encoding="utf-8"))
            n_words = profile["n_words"]
            for gram, count in profile["freq"].items():
                if not 1 <= len(gram) <= NGram.N_GRAM:
                    continue
                row = probabilities.setdefault(gram, [0.0] * len(self.languages))
                row[index] = count / n_words[len(gram) - 1]
        weight = _ALPHA / _BASE_FREQ
        self._normalised: Dict[str, str] = {}
        self._table: Dict[str, Tuple[float, ...]] = {
            gram: tuple(math.log(weight + p) for p in row) for gram, row in probabilities.items()
        }

    def ngrams(self, text: str) -> List[str]:
        """langdetect's features of `text`: cleaned the way `Detector.append` does it."""
        text = Detector.URL_RE.sub(" ", text[: _MAX_CHARS * 2])
        text = Detector.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        text = re.sub(r" +", " ", text)[:_MAX_CHARS]
        latin = sum(1 for ch in text if "A" <= ch <= "z")
        non_latin = sum(1 for ch in text if ch >= "\u0300" and not "\u1e00" <= ch <= "\u1eff")
        if latin * 2 < non_latin:
            text = "".join(ch for ch in text if ch < "A" or ch > "z")
        # NGram.add_char and Detector._extract_ngrams, inlined, with a cache for normalize().
        grams: List[str] = []
        table = self._table
        normalised = self._normalised
        buffer = " "
        capital_word = False
        for ch in text:
            norm = normalised.get(ch)
            if norm is None:
                norm = normalised[ch] = NGram.normalize(ch)
            last = buffer[-1]
            if last == " ":
                buffer = " "
                capital_word = False
                if norm == " ":
                    continue
            elif len(buffer) >= NGram.N_GRAM:
                buffer = buffer[1:]
            buffer += norm
            if norm.isupper():
                if last.isupper():
                    capital_word = True
            else:
                capital_word = False
            if capital_word:
                continue
            for n in (1, 2, 3):
                if len(buffer) < n:
                    break
                gram = buffer[-n:]
                if gram != " " and gram in table:
                    grams.append(gram)
        return grams

    def log_likelihoods(self, text: str) -> Tuple[List[float], int]:
        """Summed log-probability per language (in `self.languages` order) and n-gram count."""
        totals = [0.0] * len(self.languages)
        grams = self.ngrams(text)
        table = self._table
        for gram in grams:
            totals = list(map(add, totals, table[gram]))
        return totals, len(grams)
