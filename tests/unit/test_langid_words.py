"""The word tables of the language detector (bot.nlu.langid_words), on tiny tables of our own."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bot.nlu.langid_data import held_out_form
from bot.nlu.langid_words import CENTIBELS_STEP, Floors, WordTables, with_joined, write
from bot.nlu.language_detection import LANGUAGES, LanguageDetector

FLOORS = Floors(absent_small=1e-8, absent_large=1e-10, form_small=1e-7, form_large=1e-9)


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("words") / "words.npz"
    write(
        path,
        lists={"nl": {"huis": 1e-4, "melding": 1e-6}, "hu": {"ház": 1e-4}},
        forms={"nl": ["huizen", "boerderijen", "huis"], "hu": ["házban", "lakásokban"]},
        large_languages=["nl"],
    )
    return path


def test_listed_words_score_their_frequency(tables: Path):
    words = WordTables(["nl", "hu"], tables, FLOORS)
    nl, hu = words.scores("huis")  # type: ignore[misc]
    assert nl == pytest.approx(math.log(1e-4), abs=CENTIBELS_STEP / 100 * math.log(10))
    assert hu == pytest.approx(math.log(FLOORS.absent_small))


def test_dictionary_forms_and_floors_follow_the_depth_of_the_list(tables: Path):
    words = WordTables(["nl", "hu"], tables, FLOORS)
    assert words.scores("huizen") == pytest.approx(
        [math.log(FLOORS.form_large), math.log(FLOORS.absent_small)]
    )
    assert words.scores("házban") == pytest.approx(
        [math.log(FLOORS.absent_large), math.log(FLOORS.form_small)]
    )
    assert words.scores_of_words(["onbekendwoord", "ház"])[0] is None


def test_the_development_set_can_hide_its_dictionary_forms(tables: Path):
    assert held_out_form("boerderijen") and not held_out_form("huizen")
    shown = WordTables(["nl", "hu"], tables, FLOORS)
    held = WordTables(["nl", "hu"], tables, FLOORS, held_out=True)
    assert shown.scores("boerderijen") is not None
    assert held.scores("boerderijen") is None
    assert held.scores("huizen") == shown.scores("huizen")


def test_missing_tables_are_left_out(tmp_path: Path):
    assert WordTables.load(LANGUAGES, tmp_path / "missing.npz") is None
    without = LanguageDetector(LANGUAGES, words_model=tmp_path / "missing.npz")
    assert "words" not in without.voters
    assert without.classify("they took my passport and I cannot leave") == "en"


def test_tables_for_other_languages_are_refused(tables: Path):
    assert WordTables.load(["nl", "de"], tables) is None


def test_words_are_listed_without_their_apostrophes_and_hyphens_too():
    listed = {"foto's": 1e-5, "fotos": 1e-7, "зв'язку": 1e-5, "най-добре": 1e-6, "'": 1e-3}
    got = with_joined(listed)
    assert got["звязку"] == 1e-5 and got["найдобре"] == 1e-6
    assert got["fotos"] == 1e-7  # a word of its own keeps its own frequency
    assert all(got[word] == frequency for word, frequency in listed.items())
    assert "" not in got
