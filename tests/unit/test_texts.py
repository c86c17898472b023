"""data/texts/<lang>.yml: every language has what Dutch (the source) has, in the same shape."""

import functools
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.reports.records import SIGN_IDS

TEXTS = Path(__file__).resolve().parents[2] / "data" / "texts"
SOURCE = "nl"
LANGUAGES = sorted(path.stem for path in TEXTS.glob("*.yml"))
OTHERS = [code for code in LANGUAGES if code != SOURCE]
# Dutch phone formats used in the texts: "06 25 76 50 52", "0800-7000", "0900-8844",
# "033 448 11 86", "046 477 77 77" and the emergency number 112.
PHONE = re.compile(r"(?<![\d-])(?:06(?: \d\d){4}|0[89]00-\d{4}|0\d\d \d{3} \d\d \d\d|112)(?![\d-])")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@functools.cache
def read(language):
    # The file itself as YAML reads it (bot.texts.load may point elsewhere via ZICHT_TEXTS_DIR).
    return yaml.safe_load((TEXTS / f"{language}.yml").read_text("utf-8"))


def leaves(value, path=()):
    """Every (path, leaf) of a YAML structure, keys included as leaves of their own."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, f"<key {key!r}>"), key
            yield from leaves(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, str(index)))
    else:
        yield path, value


def variations(language):
    for name, items in read(language)["responses"].items():
        for index, item in enumerate(items):
            yield (name, index), item


def payload_values(payload):
    """The entity values of a payload such as /inform{"choice": "night"}."""
    return list(json.loads(payload[payload.index("{") :]).values()) if "{" in payload else []


def choice_ids(response):
    return [
        value
        for button in read(SOURCE)["responses"][response][0]["buttons"]
        for value in payload_values(button["payload"])
    ]


def test_there_is_a_source_and_another_language():
    assert SOURCE in LANGUAGES
    assert OTHERS


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_file_names_its_language(language):
    texts = read(language)
    assert texts["language"] == language
    assert isinstance(texts["name"], str) and texts["name"].strip()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_value_and_key_is_a_string(language):
    # YAML 1.1 reads unquoted yes/no/on/off as booleans and 112 as a number.
    wrong = [(path, value) for path, value in leaves(read(language)) if not isinstance(value, str)]
    assert not wrong, wrong


@pytest.mark.parametrize("language", LANGUAGES)
def test_texts_and_button_titles_are_not_empty(language):
    for key, item in variations(language):
        assert isinstance(item.get("text"), str) and item["text"].strip(), key
        for button in item.get("buttons", []):
            assert button["title"].strip(), key
            assert button["payload"].startswith("/"), key


@pytest.mark.parametrize("language", OTHERS)
def test_same_response_keys_as_dutch(language):
    assert list(read(language)["responses"]) == list(read(SOURCE)["responses"])


@pytest.mark.parametrize("language", OTHERS)
def test_same_number_of_variations_as_dutch(language):
    source = read(SOURCE)["responses"]
    for name, items in read(language)["responses"].items():
        assert len(items) == len(source[name]), name


@pytest.mark.parametrize("language", OTHERS)
def test_same_button_payloads_in_the_same_order_as_dutch(language):
    source = dict(variations(SOURCE))
    for key, item in variations(language):
        payloads = [button["payload"] for button in item.get("buttons", [])]
        assert payloads == [button["payload"] for button in source[key].get("buttons", [])], key


@pytest.mark.parametrize("language", OTHERS)
def test_same_placeholders_as_dutch(language):
    source = dict(variations(SOURCE))
    for key, item in variations(language):
        assert Counter(PLACEHOLDER.findall(item["text"])) == Counter(
            PLACEHOLDER.findall(source[key]["text"])
        ), key


@pytest.mark.parametrize("language", OTHERS)
def test_same_phone_numbers_as_dutch(language):
    source = dict(variations(SOURCE))
    for key, item in variations(language):
        assert Counter(PHONE.findall(item["text"])) == Counter(
            PHONE.findall(source[key]["text"])
        ), key
    source_web = read(SOURCE)["web"]
    for key, text in read(language)["web"].items():
        assert Counter(PHONE.findall(text)) == Counter(PHONE.findall(source_web[key])), key


def test_the_phone_pattern_finds_the_numbers_in_the_dutch_texts():
    found = {number for _, item in variations(SOURCE) for number in PHONE.findall(item["text"])}
    assert found == {
        "06 25 76 50 52",
        "0800-7000",
        "0900-8844",
        "033 448 11 86",
        "046 477 77 77",
        "112",
    }
    assert PHONE.findall("project 1863, postcode 6131, 9 tot 17 uur") == []


@pytest.mark.parametrize("language", OTHERS)
@pytest.mark.parametrize("section", ["labels", "keywords"])
def test_same_groups_and_keys_as_dutch(language, section):
    source, texts = read(SOURCE)[section], read(language)[section]
    assert set(texts) == set(source)
    for group, items in source.items():
        if isinstance(items, dict):
            assert set(texts[group]) == set(items), f"{section}.{group}"
        else:
            assert isinstance(texts[group], list), f"{section}.{group}"


@pytest.mark.parametrize("language", OTHERS)
def test_same_web_keys_as_dutch(language):
    assert set(read(language)["web"]) == set(read(SOURCE)["web"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_keyword_lists_are_not_empty(language):
    for group, items in read(language)["keywords"].items():
        lists = items.values() if isinstance(items, dict) else [items]
        for words in lists:
            assert isinstance(words, list) and words, group
            assert all(word.strip() for word in words), group


def test_labels_cover_every_sign_and_button_choice():
    labels = read(SOURCE)["labels"]
    assert set(labels["signs"]) == set(SIGN_IDS)
    for response in ("utter_ask_time_of_day", "utter_ask_frequency", "utter_ask_since_when"):
        assert set(choice_ids(response)) <= set(labels["choices"]), response
    assert "skip" in labels["choices"]


def test_keywords_name_the_same_options_as_the_buttons():
    keywords = read(SOURCE)["keywords"]
    for slot in ("time_of_day", "frequency", "since_when"):
        assert set(keywords[slot]) == set(choice_ids(f"utter_ask_{slot}")), slot
    assert set(keywords["signs"]) == set(SIGN_IDS) - {"other"}
    assert set(keywords["fields"]) == set(choice_ids("utter_ask_edit_field"))
