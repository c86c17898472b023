"""The language-detection development tools: the Bayes ceiling and the lingua-style cut of text."""

from __future__ import annotations

import pytest

from benchmarks.langid_ceiling import pair_ceiling, single_word_ceiling
from benchmarks.langid_dev import running_words


def test_the_single_word_ceiling_shares_ties_and_counts_the_rest():
    distributions = {"a": {"x": 0.5, "y": 0.5}, "b": {"x": 0.2, "z": 0.8}}
    ceiling = single_word_ceiling(distributions)
    # "x" goes to a (0.5 > 0.2); b keeps only "z".
    assert ceiling == pytest.approx({"a": 100.0, "b": 80.0})
    tied = single_word_ceiling({"a": {"x": 1.0}, "b": {"x": 1.0}})
    assert tied == pytest.approx({"a": 50.0, "b": 50.0})


def test_the_pair_ceiling_is_certain_where_the_languages_share_no_word():
    apart = {"a": {"x": 0.5, "y": 0.5}, "b": {"z": 1.0}}
    assert pair_ceiling(apart, pairs=200) == pytest.approx({"a": 100.0, "b": 100.0})
    same = {"a": {"x": 1.0}, "b": {"x": 1.0}}
    assert pair_ceiling(same, pairs=200) == pytest.approx({"a": 50.0, "b": 50.0})


def test_running_words_are_cut_as_lingua_cuts_its_test_data():
    lines = ["L'entreprise a 12 employés, très-bien!", "Foto's van 2024: de auto's"]
    assert running_words(lines) == ["lentreprise", "employés", "trèsbien", "fotos", "autos"]
