"""Every supported language end to end: greeting, help path, whole reports, switching language."""

from __future__ import annotations

import pytest
import yaml

from bot.reports import ReportStore
from bot.texts import TEXTS_DIR, available_languages, label, load
from tests.e2e.conftest import CODE, Chat, choice, sign

pytestmark = pytest.mark.e2e

HELP_REQUESTS = {
    "nl": "Ik heb hulp nodig, ik word gedwongen om dit werk te doen",
    "en": "I need help, they took my passport",
    "de": "Ich brauche Hilfe, sie haben mir meinen Pass weggenommen",
    "fr": "J'ai besoin d'aide, ils ont pris mon passeport",
    "es": "Necesito ayuda, me quitaron el pasaporte",
    "pt": "Preciso de ajuda, tiraram-me o passaporte",
    "pl": "Potrzebuję pomocy, zabrali mi paszport",
    "ro": "Am nevoie de ajutor, mi-au luat pașaportul",
    "bg": "Имам нужда от помощ, взеха ми паспорта",
    "hu": "Segítségre van szükségem, elvették az útlevelemet",
    "uk": "Мені потрібна допомога, у мене забрали паспорт",
    "ru": "Мне нужна помощь, у меня забрали паспорт",
}


def response_text(language: str, name: str) -> str:
    return load(language)["responses"][name][0]["text"]


def response_titles(language: str, name: str) -> list[str]:
    return [b["title"] for b in load(language)["responses"][name][0].get("buttons", [])]


def test_every_language_has_a_help_request_here() -> None:
    assert set(available_languages()) <= set(HELP_REQUESTS)


@pytest.mark.parametrize("language", available_languages())
def test_greeting_gives_the_menu_in_that_language(zicht, language: str) -> None:
    reply = Chat(zicht.web_url, lang=language).send("/greet")
    assert reply.messages[0]["text"] == response_text(language, "utter_greet")
    titles = [b["title"] for b in reply.messages[0]["buttons"]]
    assert titles == response_titles(language, "utter_greet")
    assert reply.payloads == ["/report_signs", "/need_help", "/ask_info", "/have_code"]


@pytest.mark.parametrize("language", available_languages())
def test_help_request_is_answered_in_that_language(zicht, language: str) -> None:
    # No browser hint: the language of the message itself decides.
    chat = Chat(zicht.web_url)
    reply = chat.send(HELP_REQUESTS[language])
    assert "06 25 76 50 52" in reply.text
    assert response_text(language, "utter_help") in reply.text


REPORTS = {
    "pl": {
        "start": "Chcę zgłosić dom, do którego ciągle przyjeżdżają samochody",
        "address": "Rijksweg Zuid 12",
        "place": "Geleen",
        "vehicles": "czarne audi na niemieckich numerach",
        "description": "okna są zaklejone folią i nikt nie wychodzi z domu",
        # the opening names the cars; the buttons add the rest
        "signs": ("many_vehicles", "hidden_residents"),
    },
    "ro": {
        "start": "Vreau să raportez o casă unde vin mereu mașini străine",
        "address": "Stationsstraat 5",
        "place": "Sittard",
        "vehicles": "o dubă albă cu numere din Belgia",
        "description": "ferestrele sunt acoperite și femeile nu ies niciodată afară",
        # "vin mereu" (they keep coming) is read as visitors, "mașini" as the cars
        "signs": ("odd_hours", "many_vehicles", "hidden_residents"),
    },
}


@pytest.mark.parametrize("language", sorted(REPORTS))
def test_whole_report_in_language(zicht, store: ReportStore, language: str) -> None:
    if language not in available_languages():
        pytest.fail(f"no texts for {language} in {TEXTS_DIR}")
    answers = REPORTS[language]
    chat = Chat(zicht.web_url, lang=language)
    chat.send("/greet")
    reply = chat.send(answers["start"])
    assert reply.text.endswith(response_text(language, "utter_ask_danger_now")), reply.text
    assert label(language, "signs", "many_vehicles") in reply.text  # noted from the opening
    chat.send(choice("no"))
    chat.send(sign("many_vehicles"))
    chat.send(sign("hidden_residents"))
    reply = chat.send(choice("done"))
    assert response_text(language, "utter_ask_location_address") in reply.text
    chat.send(answers["address"])
    reply = chat.send(answers["place"])
    assert response_text(language, "utter_ask_time_of_day") in reply.text
    chat.send(choice("evening"))
    chat.send(choice("several_weekly"))
    chat.send(choice("under_month"))
    chat.send(answers["vehicles"])
    chat.send(choice("skip"))
    reply = chat.send(answers["description"])
    assert answers["address"] in reply.text
    reply = chat.send(choice("send"))
    code = CODE.search(reply.text)
    assert code, reply.text
    report = store.find_by_code(code.group(0))
    assert report is not None
    assert report.language == language
    assert report.signs == answers["signs"]
    assert report.location_address == answers["address"]
    assert report.location_place == answers["place"]
    assert report.vehicles == answers["vehicles"]
    assert report.description == answers["description"]


def test_switching_language_halfway_keeps_the_answers(zicht, store: ReportStore) -> None:
    chat = Chat(zicht.web_url, lang="nl")
    chat.send("/greet")
    chat.send("/report_signs")
    chat.send(choice("no"))
    chat.send(sign("odd_hours"))
    chat.send(choice("done"))
    reply = chat.send("Kerkstraat 3")
    assert response_text("nl", "utter_ask_location_place") in reply.text
    reply = chat.send("Munstergeleen")
    assert response_text("nl", "utter_ask_time_of_day") in reply.text
    # The person goes on in English: from this message on, Zicht answers in English.
    reply = chat.send("mostly late at night, after the bars close")
    assert response_text("en", "utter_ask_frequency") in reply.text
    chat.send(choice("daily"))
    chat.send(choice("unknown"))
    chat.send(choice("skip"))
    chat.send(choice("skip"))
    reply = chat.send(choice("skip"))
    assert "This is your report" in reply.text and "Kerkstraat 3" in reply.text
    reply = chat.send(choice("send"))
    report = store.find_by_code(CODE.search(reply.text).group(0))
    assert report is not None
    assert report.language == "en"
    assert report.signs == ("odd_hours",)
    assert report.location_address == "Kerkstraat 3"
    assert report.location_place == "Munstergeleen"
    assert report.time_of_day == "night"


def test_texts_files_all_parse() -> None:
    for language in available_languages():
        with (TEXTS_DIR / f"{language}.yml").open(encoding="utf-8") as handle:
            assert yaml.safe_load(handle)["language"] == language


def test_explicit_language_switch_in_the_middle_of_a_report(zicht, store: ReportStore) -> None:
    chat = Chat(zicht.web_url, lang="nl")
    chat.send("/greet")
    chat.send("/report_signs")
    chat.send(choice("no"))
    chat.send(sign("violence"))
    chat.send(choice("done"))
    reply = chat.send("taal")
    assert '/choose_language{"language": "pl"}' in reply.payloads
    assert response_text("nl", "utter_ask_location_address") in reply.text
    reply = chat.send('/choose_language{"language": "pl"}')
    assert reply.messages[0]["text"] == response_text("pl", "utter_language_changed")
    assert response_text("pl", "utter_ask_location_address") in reply.text
    chat.send("Rijksweg Noord 40")
    chat.send("Sittard")
    for answer in ("night", "daily", "unknown", "skip", "skip", "skip", "send"):
        reply = chat.send(choice(answer))
    report = store.find_by_code(CODE.search(reply.text).group(0))
    assert report is not None
    assert report.language == "pl"
    assert report.signs == ("violence",)
    assert report.location_address == "Rijksweg Noord 40"


def test_a_short_greeting_only_one_language_writes_switches_a_dutch_page(zicht) -> None:
    """A Ukrainian woman on a Dutch page: "Привіт" is too short to weigh, but only Ukrainian
    writes "і"; "дякую" only the Ukrainian word list has."""
    chat = Chat(zicht.web_url, lang="nl")
    assert chat.send("/greet").messages[0]["text"] == response_text("nl", "utter_greet")
    reply = chat.send("Привіт")
    assert reply.messages[0]["text"] == response_text("uk", "utter_greet")
    reply = chat.send("дякую")
    assert response_text("uk", "utter_you_are_welcome") in reply.text
    reply = chat.send("ok")  # shared by every language: stays Ukrainian
    assert response_titles("uk", "utter_menu")[0] in [
        b["title"] for m in reply.messages for b in m.get("buttons") or []
    ]


def test_a_question_with_a_dutch_name_is_answered_in_the_asker_s_language(zicht) -> None:
    chat = Chat(zicht.web_url, lang="nl")
    chat.send("/greet")
    reply = chat.send("що таке thuisprostitutie?")
    assert reply.messages[0]["text"] == response_text("uk", "utter_info_what"), reply.text
    reply = chat.send("Leger des Heils")  # the name alone: the conversation stays Ukrainian
    assert "06 25 76 50 52" in reply.text
    assert all(
        response_text("nl", name) not in reply.text for name in ("utter_help", "utter_rephrase")
    )


ONE_WORD_HELP = {
    "pl": "pomocy",
    "ro": "ajutor",
    "es": "ayuda",
    "pt": "ajuda",
    "de": "hilfe",
    "hu": "segítség",
    "uk": "допомога",
    "ru": "помощь",
    "bg": "помощ",
}


@pytest.mark.parametrize("language", sorted(ONE_WORD_HELP))
def test_one_word_cry_for_help_on_a_dutch_page_is_answered_in_its_language(
    zicht, language: str
) -> None:
    """Too short for the statistics, but only one language writes it: the help comes in that
    language, with the Leger des Heils number."""
    chat = Chat(zicht.web_url, lang="nl")
    chat.send("/greet")
    reply = chat.send(ONE_WORD_HELP[language])
    assert reply.messages[0]["text"] == response_text(language, "utter_help"), reply.text
    assert "06 25 76 50 52" in reply.text
