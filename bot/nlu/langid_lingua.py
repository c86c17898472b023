"""Voter: the lingua language detector (`lingua-language-detector`; its models ship in the wheel).

Its high-accuracy models for 12 languages take a few seconds of CPU and several hundred MB to
load; they are loaded once per process, when the voter is made, so that no message waits for
them. (Loading them in a thread would not help: lingua holds the GIL while it loads. Its
low-accuracy mode loads in a fraction of a second but adds little to the other voters.)

The detector no longer uses it unless asked (`LanguageDetector(use_lingua=True)`): its own
character n-gram model (`langid_chars`) does better on the development set at ~1 % of the memory.
"""

from __future__ import annotations

import math
import threading
from typing import Any, Dict, List, Sequence, Tuple

_FLOOR = 1e-6
_LOCK = threading.Lock()
_DETECTORS: Dict[Tuple[Tuple[str, ...], bool], Any] = {}


def lingua_available() -> bool:
    try:
        import lingua  # noqa: F401
    except ImportError:
        return False
    return True


def lingua_knows(language: str) -> bool:
    from lingua import IsoCode639_1

    return hasattr(IsoCode639_1, language.upper())


def _build(languages: Tuple[str, ...], low_accuracy: bool) -> Any:
    with _LOCK:
        detector = _DETECTORS.get((languages, low_accuracy))
        if detector is None:
            from lingua import IsoCode639_1, LanguageDetectorBuilder

            codes = [getattr(IsoCode639_1, code.upper()) for code in languages]
            builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
            if low_accuracy:
                builder = builder.with_low_accuracy_mode()
            detector = builder.with_preloaded_language_models().build()
            _DETECTORS[languages, low_accuracy] = detector
        return detector


class LinguaVoter:
    """log of lingua's confidence per language, floored so that no single voter can veto."""

    def __init__(self, languages: Sequence[str], low_accuracy: bool = False) -> None:
        self.languages = tuple(sorted(languages))
        self._detector = _build(self.languages, low_accuracy)

    def log_confidences(self, text: str, languages: Sequence[str]) -> List[float]:
        values = {
            item.language.iso_code_639_1.name.lower(): item.value
            for item in self._detector.compute_language_confidence_values(text)
        }
        # lingua's sums vary in the last bits from call to call (summation order): round them off.
        return [round(math.log(max(values.get(code, 0.0), _FLOOR)), 9) for code in languages]
