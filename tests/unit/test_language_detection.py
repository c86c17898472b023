"""The language detector used by the Rasa pipeline (bot.nlu), tested on its own."""

from __future__ import annotations

import pytest

from bot.nlu.language_detection import LanguageDetector


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(["nl", "en"])


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ik wil iets melden over het huis van de buren", "nl"),
        ("er komen steeds mannen bij het huis op de hoek", "nl"),
        ("ik word gedwongen om te werken en ik wil stoppen", "nl"),
        ("I want to report something about a house in my street", "en"),
        ("they took my passport and I cannot leave", "en"),
        ("cars keep coming to the same house at night", "en"),
    ],
)
def test_clear_sentences_are_recognised(detector: LanguageDetector, text: str, language: str):
    assert detector.detect(text) == language


@pytest.mark.parametrize("text", ["ok", "ja", "nee", "yes", "no", "112", "😀😀", "", "   "])
def test_too_short_to_tell_gives_no_language(detector: LanguageDetector, text: str):
    assert detector.detect(text) is None


@pytest.mark.parametrize("text", ['/inform{"choice": "yes"}', "/greet", "/need_help"])
def test_button_payloads_are_never_classified(detector: LanguageDetector, text: str):
    assert detector.detect(text) is None


def test_only_the_configured_languages_are_answered(detector: LanguageDetector):
    # German is not configured: the answer is one of the configured languages or nothing.
    assert detector.detect("Ich möchte etwas über das Haus meiner Nachbarn melden") in {
        "nl",
        "en",
        None,
    }


def test_detection_is_deterministic(detector: LanguageDetector):
    text = "the windows are covered with foil"
    assert len({detector.detect(text) for _ in range(20)}) == 1


def test_hint_breaks_a_tie_but_not_a_clear_case():
    strict = LanguageDetector(["nl", "en"], min_probability=0.9999)
    assert strict.detect("I want to report a house", hint="nl") in {"en", None}
    lenient = LanguageDetector(["nl", "en"], min_probability=1.1)
    ranked = [d.language for d in lenient.probabilities("hotel restaurant")]
    if len(ranked) >= 2:
        assert lenient.detect("hotel restaurant", hint=ranked[1]) == ranked[1]
    assert lenient.detect("hotel restaurant", hint="de") is None
