"""Word-frequency voter: how often each language uses the words of a text.

The frequencies come from the data of the `wordfreq` package (its "small" lists, in the wheel:
words used at least about once per million, from Wikipedia, subtitles, news, books, web text and
social media). Nothing is downloaded. P(word | language) is the listed frequency; a word missing
from a language's list gets a floor below the list's cut-off. A word typed without its diacritics
("nao", "educacion") still counts for the languages that write it with them, at a discount.
With the deeper word tables built (`langid_words`), the detector asks it only about the words those
do not have (mostly words typed without diacritics), and whether a text has a word of a language.
"""

from __future__ import annotations

import gzip
import importlib.util
import math
import re
import unicodedata
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from bot.nlu.langid_letters import LATIN, SCRIPTS

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'"})
# Romanian is listed with comma-below letters; many texts type the older cedilla forms.
_ROMANIAN_CEDILLA = str.maketrans({"ş": "ș", "ţ": "ț"})

# A word absent from a list is rarer than the list's cut-off (about 1e-6): assume a tenth of it.
ABSENT_FREQUENCY = 1e-7
# Weight of a match that needed the diacritics restored.
FOLDED_DISCOUNT = 0.1
_MAX_WORDS = 60


def _folding_table() -> Dict[int, str]:
    table: Dict[int, str] = {}
    for codepoint in range(0xC0, 0x250):
        char = chr(codepoint)
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:]):
            table[codepoint] = decomposed[0]
    return table


_FOLD = _folding_table()


def fold(word: str) -> str:
    """The Latin word without diacritics (ł, ß and the like stay: they are letters of their own)."""
    return word.translate(_FOLD)


def words_of(text: str) -> List[str]:
    text = unicodedata.normalize("NFC", text.translate(_APOSTROPHES)).lower()
    return _WORD.findall(text.translate(_ROMANIAN_CEDILLA))[:_MAX_WORDS]


def wordfreq_data() -> Optional[Path]:
    """wordfreq's data folder, found without importing wordfreq (whose import needs more)."""
    try:
        spec = importlib.util.find_spec("wordfreq")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        data = Path(location) / "data"
        if data.is_dir():
            return data
    return None


def read_wordfreq_list(language: str, wordlist: str = "small") -> Optional[Dict[str, float]]:
    """{word: frequency} from wordfreq's "cBpack" file: gzipped msgpack, a header, then one
    list of words per centibel of frequency (index i: frequency 10 ** (-i / 100))."""
    data = wordfreq_data()
    path = data / f"{wordlist}_{language}.msgpack.gz" if data else None
    if path is None or not path.is_file():
        return None
    try:
        import msgpack  # a dependency of wordfreq
    except ImportError:
        return None

    with gzip.open(path, "rb") as stream:
        pack = msgpack.load(stream, raw=False)
    header = pack[0]
    if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
        return None
    frequencies: Dict[str, float] = {}
    for index, bucket in enumerate(pack[1:]):
        if bucket:
            frequency = 10.0 ** (-index / 100)
            for word in bucket:
                frequencies[word] = frequency
    return frequencies


class Lexicon:
    """log P(word | language) from word-frequency lists, for a fixed set of languages."""

    def __init__(self, frequencies: Dict[str, Dict[str, float]]) -> None:
        self.languages = tuple(frequencies)
        self._absent = math.log(ABSENT_FREQUENCY)
        self._discount = math.log(FOLDED_DISCOUNT)
        self._exact = [frequencies[code] for code in self.languages]
        # Latin-script words that carry diacritics, by their folded form (summed frequency).
        self._folded: List[Dict[str, float]] = []
        for code in self.languages:
            folded: Dict[str, float] = {}
            if SCRIPTS.get(code) == LATIN:
                for word, frequency in frequencies[code].items():
                    if not word.isascii():
                        key = word.translate(_FOLD)
                        if key != word:
                            folded[key] = folded.get(key, 0.0) + frequency
            self._folded.append(folded)

    @classmethod
    def from_wordfreq(
        cls, languages: Sequence[str], wordlist: str = "small"
    ) -> Optional["Lexicon"]:
        """The lexicon from wordfreq's lists, or None when wordfreq (or a list) is missing."""
        frequencies = {}
        for code in languages:
            frequencies[code] = read_wordfreq_list(code, wordlist)
            if frequencies[code] is None:
                return None
        return cls(frequencies)  # type: ignore[arg-type]

    def _word_scores(self, word: str) -> Optional[List[float]]:
        key = word.translate(_FOLD)
        scores: List[float] = []
        found = False
        absent = self._absent
        for exact, folded in zip(self._exact, self._folded, strict=True):
            frequency = exact.get(word, 0.0)
            if frequency:
                found = True
                scores.append(math.log(frequency))
                continue
            frequency = folded.get(key, 0.0) + (exact.get(key, 0.0) if key != word else 0.0)
            if frequency:
                found = True
                scores.append(max(math.log(frequency) + self._discount, absent))
            else:
                scores.append(absent)
        return scores if found else None

    def languages_knowing(self, text: str) -> List[str]:
        """The languages whose list has at least one word of `text` (also without diacritics)."""
        knowing = set()
        for word in words_of(text):
            for part in [word, *word.split("'")] if "'" in word else [word]:
                key = part.translate(_FOLD)
                for index, (exact, folded) in enumerate(
                    zip(self._exact, self._folded, strict=True)
                ):
                    if part in exact or key in exact or key in folded:
                        knowing.add(index)
        return [self.languages[index] for index in sorted(knowing)]

    def frequency(self, word: str, language: str) -> float:
        """How often `word` occurs in `language` (also written without its diacritics); 0.0
        when the list does not have it."""
        index = self.languages.index(language)
        exact = self._exact[index].get(word, 0.0)
        return exact or self._folded[index].get(word.translate(_FOLD), 0.0)

    def scores_of_words(self, words: Sequence[str]) -> List[Optional[List[float]]]:
        """log P(word | language) per word (None for a word no list has)."""
        result: List[Optional[List[float]]] = []
        for word in words:
            scores = self._word_scores(word)
            if scores is None and "'" in word:
                parts = [self._word_scores(part) for part in word.split("'") if part]
                parts = [part for part in parts if part is not None]
                if parts:
                    scores = [sum(values) for values in zip(*parts, strict=True)]
            result.append(scores)
        return result

    def log_likelihoods(self, text: str) -> Tuple[List[float], int]:
        """Summed log P(word | language) per language and the number of words found anywhere."""
        totals = [0.0] * len(self.languages)
        known = 0
        for scores in self.scores_of_words(words_of(text)):
            if scores is None:
                continue
            known += 1
            for index, value in enumerate(scores):
                totals[index] += value
        return totals, known
