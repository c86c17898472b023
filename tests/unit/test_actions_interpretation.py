"""actions.interpretation: reading free text with the keyword lists of data/texts/<lang>.yml."""

import pytest

from actions.interpretation import has_keyword, match_all, match_one, normalise, unique

# --- normalise ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Óchtend  laat", "ochtend laat"),
        ("  ÉÉN   Keer \n", "een keer"),
        ("’s Avonds", "'s avonds"),
        ("Straße", "strasse"),
        ("café-eigenaar", "cafe-eigenaar"),
        ("", ""),
    ],
)
def test_normalise_folds_case_accents_apostrophes_and_spaces(text, expected):
    assert normalise(text) == expected


def test_normalise_folds_the_opening_quote_that_phones_type():
    assert normalise("‘s avonds") == "'s avonds"
    assert match_one("‘s avonds", "nl", "time_of_day") == "evening"


# --- has_keyword --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "group"),
    [
        ("ja", "nl", "yes_words"),
        ("JA!", "nl", "yes_words"),
        ("Jawel, zeker", "nl", "yes_words"),
        ("nee", "nl", "no_words"),
        ("yes", "en", "yes_words"),
        ("Nope.", "en", "no_words"),
        ("that's all", "en", "done"),
        ("ÁKKOORD", "nl", "send"),
        ("sla over", "nl", "skip"),
    ],
)
def test_has_keyword_finds_a_word_of_the_group(text, language, group):
    assert has_keyword(text, language, group)


@pytest.mark.parametrize(
    ("text", "language", "group"),
    [
        ("jaren lang", "nl", "yes_words"),  # 'ja' only as a whole word
        ("neefje", "nl", "no_words"),  # 'nee' only as a whole word
        ("yesterday", "en", "yes_words"),
        ("nothing", "en", "no_words"),  # 'no' and 'not' not inside 'nothing'
        ("", "nl", "yes_words"),
        ("misschien", "nl", "yes_words"),
    ],
)
def test_has_keyword_matches_whole_words_only(text, language, group):
    assert not has_keyword(text, language, group)


def test_dutch_keywords_also_work_in_an_english_conversation():
    assert has_keyword("ja", "en", "yes_words")
    assert has_keyword("nee", "en", "no_words")
    assert match_one("elke dag", "en", "frequency") == "daily"
    assert match_all("veel auto's", "en", "signs") == ["many_vehicles"]


def test_english_keywords_are_not_read_in_a_dutch_conversation():
    # Only the conversation's language and Dutch (the source) are searched.
    assert not has_keyword("nope", "nl", "yes_words")
    assert match_one("every day", "nl", "frequency") is None


@pytest.mark.parametrize("language", ["en-GB", "EN", "en_US"])
def test_language_hints_resolve_to_the_texts_file(language):
    assert match_one("every day", language, "frequency") == "daily"


@pytest.mark.parametrize("language", [None, "", "xx", "pt-BR"])
def test_unknown_languages_fall_back_to_dutch(language):
    assert has_keyword("ja", language, "yes_words")
    assert match_one("elke dag", language, "frequency") == "daily"


# --- match_one ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "group", "expected"),
    [
        ("'s avonds", "nl", "time_of_day", "evening"),
        ("’s Avonds", "nl", "time_of_day", "evening"),
        ("'s nachts", "nl", "time_of_day", "night"),
        ("Snachts", "nl", "time_of_day", "night"),
        ("overdag", "nl", "time_of_day", "afternoon"),
        ("in the evenings", "en", "time_of_day", "evening"),
        ("at night", "en", "time_of_day", "night"),
        ("Dagelijks", "nl", "frequency", "daily"),
        ("iedere dag wel", "nl", "frequency", "daily"),
        ("every day", "en", "frequency", "daily"),
        ("Eén keer", "nl", "frequency", "once"),
        ("een keer", "nl", "frequency", "once"),
        ("af en toe", "nl", "frequency", "less_often"),
        ("een paar maanden", "nl", "since_when", "months_1_6"),
        ("al een jaar", "nl", "since_when", "over_6_months"),
        ("more than half a year", "en", "since_when", "over_6_months"),
        ("geen idee", "nl", "since_when", "unknown"),
    ],
)
def test_match_one_recognises_an_option(text, language, group, expected):
    assert match_one(text, language, group) == expected


def test_match_one_takes_the_option_named_first():
    assert match_one("'s nachts en 's ochtends", "nl", "time_of_day") == "night"
    assert match_one("'s ochtends en 's nachts", "nl", "time_of_day") == "morning"


@pytest.mark.parametrize(
    ("text", "language", "group"),
    [
        ("bij de nachtwinkel", "nl", "time_of_day"),  # 'nacht' not inside 'nachtwinkel'
        ("de avondwinkel", "nl", "time_of_day"),
        ("op zaterdag", "nl", "time_of_day"),
        ("nightclub", "en", "time_of_day"),
        ("", "nl", "frequency"),
    ],
)
def test_match_one_finds_nothing_without_a_whole_keyword(text, language, group):
    assert match_one(text, language, group) is None


# --- match_all ----------------------------------------------------------------------------------


def test_match_all_lists_every_option_in_order_of_appearance():
    text = "Er zijn steeds auto's, ze gaan na tien minuten weer weg en ze zijn bang"
    assert match_all(text, "nl", "signs") == ["many_vehicles", "short_visits", "violence"]
    assert match_all("ze is bang en er staan auto's", "nl", "signs") == [
        "violence",
        "many_vehicles",
    ]


def test_match_all_names_each_option_once():
    assert match_all("blauwe plekken, geslagen, gewond", "nl", "signs") == ["violence"]


def test_match_all_in_english():
    text = "cars keep coming and they leave after ten minutes"
    assert match_all(text, "en", "signs") == ["many_vehicles", "short_visits"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AUTO'S", ["many_vehicles"]),
        ("autos", ["many_vehicles"]),
        ("autoverhuur", []),  # no keyword inside another word
        ("bij de nachtwinkel", []),
        ("elke nacht bezoek", ["odd_hours"]),
        ("de hond blaft", []),
        ("", []),
    ],
)
def test_match_all_word_boundaries_and_case(text, expected):
    assert match_all(text, "nl", "signs") == expected


def test_unique_keeps_the_first_occurrence_in_order():
    assert unique(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]
