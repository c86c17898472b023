"""Whole conversations through the real web app, Rasa and action server, in Dutch and English."""

from __future__ import annotations

import pytest

from bot.reports import ReportStore
from tests.e2e.conftest import CODE, Chat, choice, file_report, post_json, sign

pytestmark = pytest.mark.e2e

YES = '/inform{"choice": "yes"}'
NO = '/inform{"choice": "no"}'


def field(value: str) -> str:
    return '/inform{"field": "' + value + '"}'


def test_greeting_in_dutch_offers_the_four_routes(chat_nl: Chat) -> None:
    reply = chat_nl.send("/greet")
    assert reply.status == 200
    assert "Zicht" in reply.text and "Sittard-Geleen" in reply.text
    assert reply.payloads == ["/report_signs", "/need_help", "/ask_info", "/have_code"]


def test_greeting_follows_the_browser_language(chat_en: Chat) -> None:
    reply = chat_en.send("/greet")
    assert "Hello" in reply.text
    assert "Report something" in [b["title"] for m in reply.messages for b in m["buttons"]]


def test_complete_report_in_dutch_lands_in_the_store(chat_nl: Chat, store: ReportStore) -> None:
    chat_nl.send("/greet")
    reply = chat_nl.send("Ik wil iets melden over een huis in mijn straat")
    assert YES in reply.payloads, reply.text
    reply = chat_nl.send(NO)
    assert sign("violence") in reply.payloads
    reply = chat_nl.send(sign("odd_hours"))
    assert "Genoteerd: Bezoek op vreemde tijden" in reply.text
    assert choice("done") in reply.payloads
    reply = chat_nl.send("Er komen steeds auto's en na tien minuten gaan ze weer weg")
    assert "Steeds vreemde auto's bij hetzelfde huis" in reply.text
    assert "Bezoekers gaan snel weer weg" in reply.text
    reply = chat_nl.send(choice("done"))
    assert "straat en huisnummer" in reply.text
    reply = chat_nl.send("Rijksweg Zuid 12")
    assert choice("Geleen") in reply.payloads
    reply = chat_nl.send("geleen")
    assert choice("night") in reply.payloads
    reply = chat_nl.send("vooral 's avonds laat")
    assert choice("daily") in reply.payloads
    reply = chat_nl.send(choice("daily"))
    reply = chat_nl.send(choice("months_1_6"))
    assert "kenteken" in reply.text
    reply = chat_nl.send("Een zwarte BMW met een Duits kenteken")
    assert "gedrag" in reply.text
    reply = chat_nl.send(choice("skip"))
    reply = chat_nl.send("De ramen zijn afgeplakt met folie.")
    assert "Dit is je melding" in reply.text
    assert "Rijksweg Zuid 12" in reply.text and "Geleen" in reply.text
    assert "geen aangifte" in reply.text and "0800-7000" in reply.text
    reply = chat_nl.send(choice("send"))
    match = CODE.search(reply.text)
    assert match, reply.text

    report = store.find_by_code(match.group(0))
    assert report is not None
    assert report.language == "nl"
    assert report.signs == ("odd_hours", "many_vehicles", "short_visits")
    assert report.signs_other is None
    assert report.location_address == "Rijksweg Zuid 12"
    assert report.location_place == "Geleen"
    assert report.time_of_day == "evening"
    assert report.frequency == "daily"
    assert report.since_when == "months_1_6"
    assert report.vehicles == "Een zwarte BMW met een Duits kenteken"
    assert report.persons is None
    assert report.description == "De ramen zijn afgeplakt met folie."
    assert report.danger_reported is False
    assert report.status == "new"
    # The code typed back with spaces instead of dashes still works; a wrong code does not.
    assert store.find_by_code(match.group(0).replace("-", " ")) == report
    wrong = ("1" if match.group(0)[0] != "1" else "2") + match.group(0)[1:]
    assert store.find_by_code(wrong) is None


def test_report_in_english_with_a_correction(chat_en: Chat, store: ReportStore) -> None:
    chat_en.send("/greet")
    reply = chat_en.send("/report_signs")
    assert "Is someone in danger right now?" in reply.text
    chat_en.send(NO)
    reply = chat_en.send("The windows are covered and I never see the people who live there")
    assert "Residents never seen or shy, windows blocked" in reply.text
    chat_en.send("no, that's all")
    reply = chat_en.send("Stationsstraat 5, 6131 AB")
    assert "When do you usually see it?" in reply.text
    chat_en.send(choice("night"))
    chat_en.send("about once a week")
    chat_en.send("since last summer, more than half a year")
    chat_en.send("no")
    chat_en.send("A man drops women off and picks them up an hour later")
    reply = chat_en.send("skip")
    assert "This is your report" in reply.text
    assert "once a week" in reply.text
    reply = chat_en.send(choice("edit"))
    assert field("frequency") in reply.payloads
    reply = chat_en.send(field("frequency"))
    assert "How often do you see it?" in reply.text
    reply = chat_en.send(choice("daily"))
    assert "This is your report" in reply.text and "every day" in reply.text
    reply = chat_en.send(choice("send"))
    match = CODE.search(reply.text)
    assert match, reply.text
    report = store.find_by_code(match.group(0))
    assert report is not None
    assert report.language == "en"
    assert report.signs == ("hidden_residents",)
    assert report.location_postcode == "6131AB"
    assert report.location_place == "Sittard-Geleen"
    assert report.time_of_day == "night"
    assert report.frequency == "daily"
    assert report.since_when == "over_6_months"
    assert report.vehicles is None
    assert report.persons == "A man drops women off and picks them up an hour later"
    assert report.description is None


def test_a_description_as_first_message_starts_the_report_with_its_signs(
    chat_en: Chat, store: ReportStore
) -> None:
    """NLU reads it as an answer ("inform") while no question is open: the report starts, the
    signs it names are noted, and the signs question is not asked again."""
    reply = chat_en.send(
        "in the house next door there are always different cars at night and they leave after"
        " 10 minutes"
    )
    assert "Noted: Strange cars keep coming to the same house" in reply.text
    assert "Noted: Visitors at odd hours" in reply.text
    assert YES in reply.payloads, reply.text
    reply = chat_en.send(NO)
    assert "Did you see anything else?" in reply.text and choice("done") in reply.payloads
    # only what can still be added is offered
    assert sign("odd_hours") not in reply.payloads and sign("many_vehicles") not in reply.payloads
    assert sign("violence") in reply.payloads
    chat_en.send(choice("done"))
    reply = chat_en.send("Stationsstraat 5, 6131 AB")
    for answer in (choice("night"), choice("daily"), choice("months_1_6")):
        reply = chat_en.send(answer)
    for _ in range(3):
        reply = chat_en.send(choice("skip"))
    assert "This is your report" in reply.text and "Visitors at odd hours" in reply.text
    match = CODE.search(chat_en.send(choice("send")).text)
    assert match
    report = store.find_by_code(match.group(0))
    assert report is not None
    assert report.signs == ("odd_hours", "many_vehicles")  # kept in the signs' own order
    assert report.signs_other is None and report.description is None  # the text is not kept


def test_a_wish_to_report_that_names_signs_skips_the_signs_question(chat_nl: Chat) -> None:
    reply = chat_nl.send("Ik wil melden dat er steeds busjes bij het huis van de buren staan")
    assert "Genoteerd: Steeds vreemde auto's bij hetzelfde huis" in reply.text
    reply = chat_nl.send(NO)
    assert "Zag je nog iets anders?" in reply.text


def test_a_stray_answer_outside_a_question_gets_the_menu(chat_nl: Chat) -> None:
    reply = chat_nl.send(NO)
    assert "/report_signs" in reply.payloads and YES not in reply.payloads


def test_a_bare_no_at_the_signs_question_asks_again(chat_nl: Chat) -> None:
    chat_nl.send("/report_signs")
    chat_nl.send(NO)
    reply = chat_nl.send("nee")
    assert "Genoteerd" not in reply.text and "Kies een van de knoppen" in reply.text
    assert sign("odd_hours") in reply.payloads and choice("done") not in reply.payloads


def test_dont_know_at_the_address_gets_a_hint_once_then_counts(chat_nl: Chat) -> None:
    chat_nl.send("/report_signs")
    chat_nl.send(NO)
    chat_nl.send(sign("odd_hours"))
    chat_nl.send(choice("done"))
    reply = chat_nl.send("weet ik niet")
    assert "bij de kerk" in reply.text and "straat en huisnummer" in reply.text
    reply = chat_nl.send("weet ik niet")  # said again: kept, the place question follows
    assert "bij de kerk" not in reply.text and choice("Geleen") in reply.payloads


def test_cancel_stores_nothing(chat_nl: Chat, store: ReportStore) -> None:
    before = len(store.list_reports())
    chat_nl.send("/report_signs")
    chat_nl.send(NO)
    chat_nl.send(sign("violence"))
    chat_nl.send(choice("done"))
    reply = chat_nl.send("/cancel")
    assert "Er is niets opgeslagen" in reply.text
    assert len(store.list_reports()) == before
    reply = chat_nl.send("/greet")
    assert "/report_signs" in reply.payloads


def test_address_outside_the_municipality_is_explained(chat_nl: Chat) -> None:
    chat_nl.send("/report_signs")
    chat_nl.send(NO)
    chat_nl.send(sign("short_visits"))
    chat_nl.send(choice("done"))
    chat_nl.send("Markt 1")
    reply = chat_nl.send("Maastricht")
    assert "niet in de gemeente Sittard-Geleen" in reply.text
    assert "0800-7000" in reply.text and "0900-8844" in reply.text
    reply = chat_nl.send("Born")
    assert choice("night") in reply.payloads


def test_acute_danger_gives_112_first_and_the_report_continues(chat_nl: Chat) -> None:
    chat_nl.send("/report_signs")
    reply = chat_nl.send(YES)
    assert "112" in reply.messages[0]["text"]
    assert sign("odd_hours") in reply.payloads
    chat_nl.send(sign("violence"))
    reply = chat_nl.send("hij slaat haar nu, ik hoor haar gillen")
    assert "112" in reply.messages[0]["text"]


@pytest.mark.parametrize(
    ("chat_fixture", "text"),
    [
        ("chat_nl", "ik word gedwongen om dit werk te doen"),
        ("chat_nl", "ik wil stoppen maar ze laten me niet gaan"),
        ("chat_en", "they took my passport"),
        ("chat_en", "I need help, I want to stop"),
        ("chat_en", "/need_help"),
    ],
)
def test_help_path_gives_the_leger_des_heils(
    chat_fixture: str, text: str, request: pytest.FixtureRequest
) -> None:
    chat: Chat = request.getfixturevalue(chat_fixture)
    chat.send("/greet")
    reply = chat.send(text)
    assert "06 25 76 50 52" in reply.text
    assert "112" in reply.text and "033 448 11 86" in reply.text
    english = chat.lang == "en-GB"
    assert ("not your fault" in reply.text) is english
    assert "naam" not in reply.text.replace("Ik vraag niet naar je naam", "")


def test_help_in_the_middle_of_a_report_then_continue(chat_en: Chat) -> None:
    chat_en.send("/greet")
    chat_en.send("/report_signs")
    chat_en.send(NO)
    reply = chat_en.send("/need_help")
    assert "06 25 76 50 52" in reply.text
    assert "What did you see?" in reply.text


def test_information_topics(chat_nl: Chat) -> None:
    reply = chat_nl.send("/ask_info")
    assert "/info_anonymity" in reply.payloads
    reply = chat_nl.send("is dit echt anoniem? wordt mijn ip adres opgeslagen?")
    assert "0800-7000" in reply.text and "geen aangifte" in reply.text
    reply = chat_nl.send("/info_signs")
    assert "blauwe plekken" in reply.text


def test_fallback_then_menu_with_phone_numbers(chat_nl: Chat) -> None:
    first = chat_nl.send("qwxz vbnm plok")
    assert "anders zeggen" in first.text
    second = chat_nl.send("zzkq wvvt ppqx")
    assert "046 477 77 77" in second.text and "/need_help" in second.payloads


def test_out_of_scope_gets_a_polite_answer(chat_en: Chat) -> None:
    reply = chat_en.send("What time does the swimming pool open on Sunday?")
    assert "046 477 77 77" in reply.text
    assert "/report_signs" in reply.payloads


@pytest.mark.parametrize(
    "text",
    ["😀🙏", "'; DROP TABLE reports;--", "<script>alert(1)</script>", "Привет, мне нужна помощь"],
)
def test_odd_input_gets_a_reply_and_breaks_nothing(chat_nl: Chat, text: str) -> None:
    reply = chat_nl.send(text)
    assert reply.status == 200 and reply.messages
    assert chat_nl.send("/greet").payloads[0] == "/report_signs"


def test_empty_huge_and_broken_requests_are_refused_kindly(chat_nl: Chat) -> None:
    assert chat_nl.send("   ").status == 200
    assert chat_nl.send("x" * 2001).status == 413
    broken = post_json(f"{chat_nl.base_url}/api/chat", b"\xff\xfe{not json")
    assert broken.status == 400 and broken.messages


def test_a_typed_stop_asks_first_and_the_report_goes_on(chat_nl: Chat) -> None:
    """Text that reads as "stop" (also an injection attempt) does not end the report at once."""
    chat_nl.send("/report_signs")
    chat_nl.send(NO)
    for text in ("stop", "'; DROP TABLE reports;--"):
        reply = chat_nl.send(text)
        assert "/cancel" in reply.payloads, text
        assert "niets opgeslagen" not in reply.text.lower() and "nothing has been saved" not in (
            reply.text.lower()
        )
    reply = chat_nl.send(sign("odd_hours"))
    assert reply.status == 200 and "/cancel" not in reply.payloads[:1]
    reply = chat_nl.send(choice("done"))
    assert "adres" in reply.text.lower() or "address" in reply.text.lower()


def test_a_description_that_reads_like_a_stop_is_kept(chat_nl: Chat, store: ReportStore) -> None:
    """NLU reads "'; DROP TABLE reports;--" as "stop"; typed where a description is asked, it is
    the description: the report goes on and stores it as typed."""
    pasted = "'; DROP TABLE reports;--"
    code = file_report(chat_nl, optional=(choice("skip"), choice("skip"), pasted))
    report = store.find_by_code(code)
    assert report is not None
    assert report.description == pasted


def test_cancel_at_the_summary_stores_nothing(chat_nl: Chat, store: ReportStore) -> None:
    before = len(store.list_reports())
    chat_nl.send("/greet")
    chat_nl.send("/report_signs")
    for payload in (NO, sign("odd_hours"), choice("done")):
        chat_nl.send(payload)
    chat_nl.send("Dorpstraat 8")
    chat_nl.send("Born")
    for answer in ("night", "daily", "unknown", "skip", "skip"):
        reply = chat_nl.send(choice(answer))
    reply = chat_nl.send(choice("skip"))
    assert "Dit is je melding" in reply.text
    reply = chat_nl.send("/cancel")
    assert "Er is niets opgeslagen" in reply.text
    assert len(store.list_reports()) == before
