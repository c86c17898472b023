"""Language detection restricted to the assistant's languages, built on langdetect.

Pure Python (no Rasa import) so that the app environment and benchmarks can use it too.

Voters each give a log-likelihood per configured language; their weighted sum plus the prior
(the browser's language, when given) decides:

- langdetect, made deterministic (`langid_ngrams.LangdetectModel`): langdetect's own profiles and
  n-gram extraction, every n-gram counted once instead of random sampling;
- letters a language does not write (`langid_letters`): і/ї/є/ґ are Ukrainian, ы/э/ё Russian,
  ъ as a vowel Bulgarian, ő/ű Hungarian, ł Polish, ă/ș/ț Romanian …;
- word frequencies (`langid_words.WordTables`): wordfreq's small and large lists and the word
  forms of simplemma's dictionaries, hashed into models/langid_words.npz by `make`; words they do
  not have, and words typed without diacritics, are looked up in wordfreq's small lists
  (`langid_lexicon.Lexicon`, also the judge of "a word of the language" for `detect`);
- how the words look (`langid_chars.CharModel`): our own character n-gram model of each
  language's word forms, shipped as langid_chars.npz (~2 MB); it decides the words no frequency
  list knows, and weighs little for the words that one does;
- lingua (`langid_lingua`, `lingua-language-detector`), only when asked for (`use_lingua`): its
  high-accuracy models cost ~450 MB and 4-7 s to load, and with the n-gram model above they no
  longer add accuracy on the development set.

Only languages written in the text's script compete (Cyrillic: bg, ru, uk).

`classify(text)` always answers (benchmarks). `detect(text, hint)` is what the conversation uses:
it returns None for button payloads, for messages too short to tell ("ok", "ja", "tak", "da"),
for unclear ones and for ones without a single word of the detected language (street names,
places), so that the conversation keeps the language it had.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence

from bot.nlu.langid_chars import MODEL, CharModel
from bot.nlu.langid_letters import CYRILLIC, LetterRules, candidates, dominant_script
from bot.nlu.langid_lexicon import Lexicon, words_of
from bot.nlu.langid_lingua import LinguaVoter, lingua_available, lingua_knows
from bot.nlu.langid_ngrams import LangdetectModel
from bot.nlu.langid_words import MODEL as WORDS_MODEL
from bot.nlu.langid_words import Floors, WordTables

LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)

LANGUAGES = ("nl", "en", "de", "fr", "es", "pt", "pl", "ro", "bg", "hu", "uk", "ru")

# Weights of the voters' log-likelihoods, chosen on a development set of our own
# (benchmarks/langid_dev.py: words drawn from wordfreq's lists, held-out word forms from
# simplemma's dictionaries, pairs of them and the NLU example messages), never on the benchmark in
# ../shared/benchmarks/langid. langdetect's sum over 1-, 2- and 3-grams is overconfident (three
# looks at the same letters), hence its small weight; it still carries much of a long text. The
# character model likewise sums five orders of n-grams: a small weight for words a frequency list
# knows (the list is the better judge of those), a larger one for words no list knows.
LANGDETECT_WEIGHT = 1 / 12
LEXICON_WEIGHT = 1.0
LINGUA_WEIGHT = 2.0
CHARS_WEIGHT = 0.05
CHARS_UNKNOWN_WEIGHT = 0.3
# The voters read at most this much of a text: their time grows with the length, and a text is
# decided well before (200 characters are some 30 words).
MAX_CHARS = 200
# The browser's language counts as this many times more likely than each other language.
HINT_PRIOR = 4.0
# A message too short to weigh (fewer than `min_letters` letters) still gives its language when
# only one language can have written it: by its letters ("Привіт", "cześć", "não"), or because
# only that language's list has its words, one of them at least this common there (a Zipf value
# of 4.5, some 30 in a million words: "danke", "oui", "дякую"). Words that several languages
# share ("ok", "ja", "tak", "da") and rarer words such as place names ("Buchten", "Geleen") give
# nothing: the conversation keeps its language.
SHORT_TEXT_MIN_FREQUENCY = 10**-4.5
# Among the Cyrillic languages a list "has" a word only from a Zipf value of 4 (ten in a million
# words): the Ukrainian and Bulgarian lists hold Russian words at low rates (quotes, mixed
# speech), so "помощь" and "спасибо" are Russian, while "так", "да" and "нет", common in two of
# them, stay ambiguous.
CYRILLIC_KNOWN_FREQUENCY = 10**-5
# Names the assistant keeps untranslated in every language (data/texts/<lang>.yml), and the Dutch
# words people from abroad pick up here. They say nothing about the language a person speaks:
# "Gdzie jest Leger des Heils?" is Polish, "Leger des Heils" alone keeps the conversation's
# language.
FIXED_NAMES = (
    "leger des heils",
    "meld misdaad anoniem",
    "comensha",
    "sittard-geleen",
    "riec limburg",
    "avim",
    "zicht",
    "politie",
    "thuisprostitutie",
)
# Markup says nothing about the language either ("<script>alert(1)</script>" is not English).
_TAG = re.compile(r"<[^<>]{1,200}>")
_FIXED_NAMES = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(name) for name in FIXED_NAMES) + r")(?!\w)", re.IGNORECASE
)


@dataclass(frozen=True)
class Detection:
    language: str
    probability: float


def normalise_hint(hint: object) -> Optional[str]:
    """'pl-PL', 'PL', 'pl_PL' -> 'pl'; anything else -> None."""
    if not isinstance(hint, str) or not hint.strip():
        return None
    return re.split(r"[-_]", hint.strip().lower(), maxsplit=1)[0]


class LanguageDetector:
    """Detects one of `languages`.

    `detect` returns None when the text is too short or unclear; `classify` always answers.
    """

    def __init__(
        self,
        languages: Sequence[str] = LANGUAGES,
        min_letters: int = 8,
        min_probability: float = 0.7,
        seed: int = 0,
        *,
        use_lexicon: bool = True,
        use_lingua: bool = False,
        lingua_accuracy: str = "high",
        use_chars: bool = True,
        chars_model: Optional[Path] = None,
        weights: Optional[Mapping[str, float]] = None,
        hint_prior: float = HINT_PRIOR,
        use_words: bool = True,
        words_model: Optional[Path] = None,
        word_floors: Optional[Mapping[str, float]] = None,
        held_out: bool = False,
    ) -> None:
        """`use_lexicon`/`use_words`/`use_lingua`/`use_chars`: use those voters when their package
        (or model file, `words_model`, `chars_model`) is there. `weights` overrides the voters'
        weights by name ("langdetect", "wordfreq", "chars", "chars_unknown", "lingua") and
        `word_floors` the fields of `langid_words.Floors`; `held_out` hides the development set's
        words from the word tables: for the development set only. `lingua_accuracy`: "high" or
        "low" (lingua's modes)."""
        self.languages = tuple(languages)
        if len(set(self.languages)) < 2:
            raise ValueError("at least two languages are needed")
        self.min_letters = min_letters
        self.min_probability = min_probability
        self.seed = seed  # kept for compatibility: detection no longer samples at random
        self.hint_prior = math.log(hint_prior)
        self._index = {code: i for i, code in enumerate(self.languages)}
        self._langdetect = LangdetectModel(self.languages)
        self._letters = LetterRules(self.languages)
        self._lexicon = Lexicon.from_wordfreq(self.languages) if use_lexicon else None
        self._words: Optional[WordTables] = None
        if self._lexicon is not None and use_words:  # it answers what the tables lack
            self._words = WordTables.load(
                self.languages,
                Path(words_model) if words_model else WORDS_MODEL,
                Floors(**(word_floors or {})),
                held_out,
            )
        model = Path(chars_model) if chars_model else MODEL
        self._chars = CharModel.load(self.languages, model) if use_chars else None
        self._weights = {
            "langdetect": LANGDETECT_WEIGHT,
            "wordfreq": LEXICON_WEIGHT,
            "lingua": LINGUA_WEIGHT,
            "chars": CHARS_WEIGHT,
            "chars_unknown": CHARS_UNKNOWN_WEIGHT,
            **(weights or {}),
        }
        self._lingua: Optional[LinguaVoter] = None
        if use_lingua and lingua_available() and all(map(lingua_knows, self.languages)):
            self._lingua = LinguaVoter(self.languages, low_accuracy=lingua_accuracy == "low")

    @property
    def voters(self) -> List[str]:
        names = ["langdetect", "letters"]
        if self._lexicon is not None:
            names.append("wordfreq")
        if self._words is not None:
            names.append("words")
        if self._chars is not None:
            names.append("chars")
        if self._lingua is not None:
            names.append("lingua")
        return names

    def scores(self, text: str, hint: Optional[str] = None) -> Dict[str, float]:
        """Unnormalised log-posterior per candidate language (those of the text's script)."""
        text = text[:MAX_CHARS]
        script = dominant_script(text)
        languages = candidates(self.languages, text, script)
        totals = dict.fromkeys(languages, 0.0)
        if len(languages) > 1:
            self._add_evidence(text, languages, totals, script)
        hint = normalise_hint(hint)
        if hint in totals:
            totals[hint] += self.hint_prior
        return totals

    def _add_evidence(
        self,
        text: str,
        languages: Sequence[str],
        totals: Dict[str, float],
        script: Optional[str],
    ) -> None:
        index = self._index
        weights = self._weights
        langdetect, _ = self._langdetect.log_likelihoods(text)
        weight = weights["langdetect"]
        for code in languages:
            totals[code] += weight * langdetect[index[code]]
        for code, penalty in self._letters.penalties(text, languages, script).items():
            totals[code] += penalty
        words = words_of(text)
        unknown = words
        if self._lexicon is not None:
            known: List[str] = []
            unknown = []
            weight = weights["wordfreq"]
            for word, scores in zip(words, self._word_scores(words), strict=True):
                if scores is None:
                    unknown.append(word)
                    continue
                known.append(word)
                for code in languages:
                    totals[code] += weight * scores[index[code]]
            if self._chars is not None and known:
                chars, _ = self._chars.log_likelihoods(known)
                weight = weights["chars"]
                for code in languages:
                    totals[code] += weight * chars[index[code]]
        if self._chars is not None and unknown:
            # Words no list knows are decided by how they look.
            chars, _ = self._chars.log_likelihoods(unknown)
            weight = weights["chars_unknown"]
            for code in languages:
                totals[code] += weight * chars[index[code]]
        if self._lingua is not None:
            confidences = self._lingua.log_confidences(text, languages)
            weight = weights["lingua"]
            for code, value in zip(languages, confidences, strict=True):
                totals[code] += weight * value

    def _word_scores(self, words: Sequence[str]) -> List[Optional[List[float]]]:
        """log P(word | language) per word: from the word tables, else from the small lists
        (words typed without diacritics, elisions); None for a word neither knows."""
        assert self._lexicon is not None
        if self._words is None:
            return self._lexicon.scores_of_words(words)
        scores = self._words.scores_of_words(words)
        missing = [index for index, value in enumerate(scores) if value is None]
        if missing:
            found = self._lexicon.scores_of_words([words[index] for index in missing])
            for index, value in zip(missing, found, strict=True):
                scores[index] = value
        return scores

    def probabilities(self, text: str, hint: Optional[str] = None) -> List[Detection]:
        """Candidate languages with their posterior probability, most probable first."""
        if not LETTERS.search(text):
            return []
        return _ranked(self.scores(text, hint), self._index)

    def classify(self, text: str, hint: Optional[str] = None) -> str:
        """The most probable language; always answers (the hint, else the first language)."""
        ranked = self.probabilities(text, hint)
        if ranked:
            return ranked[0].language
        hint = normalise_hint(hint)
        return hint if hint in self._index else self.languages[0]

    def detect(self, text: str, hint: Optional[str] = None) -> Optional[str]:
        """The language of `text`, or None when it cannot be told reliably."""
        if text.lstrip().startswith("/"):
            return None
        text = _TAG.sub(" ", text[: 4 * MAX_CHARS])  # room for tags and names to go
        if dominant_script(text) != CYRILLIC:
            # (Latin names give no evidence among the Cyrillic languages: kept there.)
            text = _FIXED_NAMES.sub(" ", text)
        if len(LETTERS.findall(text)) < self.min_letters:
            return self._only_possible(text[:MAX_CHARS])
        hint = normalise_hint(hint)
        ranked = self.probabilities(text, hint)
        if not ranked:
            return None
        best = ranked[0]
        if best.probability >= self.min_probability:
            chosen: Optional[str] = best.language
        elif hint in self._index and any(d.language == hint for d in ranked[:2]):
            chosen = hint
        else:
            return None
        # Names and addresses ("Heerlenerweg 44", "Graetheide") do not switch the conversation:
        # at least one word must be a word of the chosen language.
        if self._lexicon is not None and chosen not in self._lexicon.languages_knowing(text):
            return None
        return chosen

    def _only_possible(self, text: str) -> Optional[str]:
        """The one language that can have written a short text, or None (see
        SHORT_TEXT_MIN_FREQUENCY). The browser's language plays no part here."""
        script = dominant_script(text)
        languages = candidates(self.languages, text, script)
        penalties = self._letters.penalties(text, languages, script)
        allowed = [code for code in languages if penalties[code] == 0.0]
        if len(allowed) == 1 and len(languages) > 1:
            return allowed[0]
        words = words_of(text)
        if self._lexicon is None or not words or len(allowed) < 2:
            return None
        knowing = [set(self._lexicon.languages_knowing(word)) for word in words]
        if script == CYRILLIC:
            knowing = [
                {c for c in codes if self._lexicon.frequency(w, c) > CYRILLIC_KNOWN_FREQUENCY}
                for w, codes in zip(words, knowing, strict=True)
            ]
        if not all(knowing) or len(set.union(*knowing)) != 1:
            return None
        (language,) = knowing[0]
        if language not in allowed or not any(
            self._lexicon.frequency(word, language) >= SHORT_TEXT_MIN_FREQUENCY for word in words
        ):
            return None
        return language


def _ranked(scores: Mapping[str, float], order: Mapping[str, int]) -> List[Detection]:
    top = max(scores.values())
    weights = {code: math.exp(value - top) for code, value in scores.items()}
    total = sum(weights.values())
    ranked = [Detection(code, weight / total) for code, weight in weights.items()]
    ranked.sort(key=lambda d: (-d.probability, order.get(d.language, len(order))))
    return ranked
