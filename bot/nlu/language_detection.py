"""Language detection restricted to the assistant's languages, built on langdetect.

Pure Python (no Rasa import) so that the app environment and benchmarks can use it too.
A message that is too short to tell ("ok", "ja") yields no language: the conversation keeps
the language it had.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Optional, Sequence

from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class Detection:
    language: str
    probability: float


class LanguageDetector:
    """Detects one of `languages`; returns None when the text is too short or unclear."""

    def __init__(
        self,
        languages: Sequence[str],
        min_letters: int = 8,
        min_probability: float = 0.7,
        seed: int = 0,
    ) -> None:
        self.languages = tuple(languages)
        self.min_letters = min_letters
        self.min_probability = min_probability
        self._factory = DetectorFactory()
        profiles = resources.files("langdetect") / "profiles"
        self._factory.load_json_profile(
            [(profiles / code).read_text(encoding="utf-8") for code in self.languages]
        )
        self._factory.set_seed(seed)

    def probabilities(self, text: str) -> list[Detection]:
        detector = self._factory.create()
        detector.append(text)
        try:
            ranked = detector.get_probabilities()
        except LangDetectException:
            return []
        return [Detection(item.lang, float(item.prob)) for item in ranked]

    def detect(self, text: str, hint: Optional[str] = None) -> Optional[str]:
        """The language of `text`, or None when it cannot be told reliably."""
        if text.startswith("/") or len(LETTERS.findall(text)) < self.min_letters:
            return None
        ranked = self.probabilities(text)
        if not ranked:
            return None
        best = ranked[0]
        if best.probability >= self.min_probability:
            return best.language
        if hint in self.languages and any(d.language == hint for d in ranked[:2]):
            return hint
        return None
