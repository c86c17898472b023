"""The anonymous follow-up end to end: a report filed through the chat, handled by staff with
Casework, and looked up again with its code in a new conversation (Rasa, action server, web app).
"""

from __future__ import annotations

import pytest

from bot.reports import ReportReader
from bot.reports.casework import Casework
from bot.texts import load
from tests.e2e.conftest import Chat, file_report

pytestmark = pytest.mark.e2e

ADD = '/inform{"choice": "add"}'
DONE = '/inform{"choice": "done"}'
QUESTION = "Kunt u zeggen welke auto's?"


def text_of(language: str, response: str) -> str:
    return load(language)["responses"][response][0]["text"]


def wrong(code: str) -> str:
    return ("1" if code[0] != "1" else "2") + code[1:]


@pytest.fixture
def casework(store: ReportReader) -> Casework:
    return Casework(store)


def test_follow_up_in_dutch_shows_status_and_question_and_takes_an_answer(
    zicht, store: ReportReader, casework: Casework
) -> None:
    code = file_report(Chat(zicht.web_url, lang="nl"))
    report = store.find_by_code(code)
    assert report is not None
    casework.set_status(report.id, "in_progress")
    casework.add_message(report.id, "to_resident", QUESTION, author="tester")

    chat = Chat(zicht.web_url, lang="nl")  # a new conversation, days later
    reply = chat.send("/greet")
    assert "/have_code" in reply.payloads
    reply = chat.send("ik heb een code")
    assert text_of("nl", "utter_ask_followup_code") in reply.text
    assert "/cancel" in reply.payloads
    reply = chat.send(code.replace("-", " "))
    assert "in behandeling" in reply.text
    assert QUESTION in reply.text and "Gemeente" in reply.text
    assert reply.payloads[-2:] == [ADD, DONE]
    reply = chat.send(ADD)
    assert text_of("nl", "utter_ask_followup_text") in reply.text
    answer = "Het waren twee zwarte busjes met een Pools kenteken."
    reply = chat.send(answer)
    assert text_of("nl", "utter_followup_added") in reply.text
    assert text_of("nl", "utter_followup_done") in reply.text
    assert "/report_signs" in reply.payloads

    messages = casework.case(report.id).messages
    assert [(m.kind, m.text) for m in messages if m.kind == "from_resident"] == [
        ("from_resident", answer)
    ]
    # Looking again shows the thread, the resident's own addition included.
    again = Chat(zicht.web_url, lang="nl")
    again.send("/greet")
    reply = again.send(f"mijn code is {code}")
    assert QUESTION in reply.text and answer in reply.text and "Jij" in reply.text


def test_text_that_reads_like_a_stop_is_added_and_a_plain_stop_stops(
    zicht, store: ReportReader, casework: Casework
) -> None:
    """NLU reads "'; DROP TABLE reports;--" as "cancel"; at the question what to add it is the
    text to add, not a stop (the stop rule would have thrown it away)."""
    code = file_report(Chat(zicht.web_url, lang="nl"))
    report = store.find_by_code(code)
    assert report is not None
    chat = Chat(zicht.web_url, lang="nl")
    chat.send("/greet")
    chat.send(code)
    reply = chat.send(ADD)
    assert text_of("nl", "utter_ask_followup_text") in reply.text
    pasted = "'; DROP TABLE reports;--"
    reply = chat.send(pasted)
    # Its words are English ("drop table reports"): the reply may follow that language.
    assert any(text_of(lang, "utter_followup_added") in reply.text for lang in ("nl", "en")), (
        reply.text
    )
    assert [m.text for m in casework.case(report.id).messages if m.kind == "from_resident"] == [
        pasted
    ]

    again = Chat(zicht.web_url, lang="nl")
    again.send("/greet")
    again.send(code)
    again.send(ADD)
    reply = again.send("stop")
    assert text_of("nl", "utter_followup_stopped") in reply.text, reply.text
    assert len([m for m in casework.case(report.id).messages if m.kind == "from_resident"]) == 1


def test_a_pasted_code_alone_starts_the_follow_up(zicht, store: ReportReader) -> None:
    code = file_report(Chat(zicht.web_url, lang="nl"))
    chat = Chat(zicht.web_url, lang="nl")
    chat.send("/greet")
    reply = chat.send(code.replace("-", ""))
    assert "Status: ontvangen" in reply.text, reply.text
    assert text_of("nl", "utter_followup_no_messages") in reply.text
    reply = chat.send(DONE)
    assert text_of("nl", "utter_followup_done") in reply.text


@pytest.mark.parametrize(
    ("lang", "trigger", "status"),
    [
        ("pl", "Mam kod zgłoszenia, chcę sprawdzić co się dzieje", "Status: otrzymane"),
        ("es", "Hola, tengo un código de mi aviso", "Estado: recibido"),
    ],
)
def test_follow_up_in_another_language(
    zicht, store: ReportReader, lang: str, trigger: str, status: str
) -> None:
    code = file_report(Chat(zicht.web_url, lang="nl"))
    chat = Chat(zicht.web_url, lang=lang)
    chat.send("/greet")
    reply = chat.send(trigger)
    assert text_of(lang, "utter_ask_followup_code") in reply.text, reply.text
    reply = chat.send(code)
    assert status in reply.text, reply.text
    reply = chat.send(DONE)
    assert text_of(lang, "utter_followup_done") in reply.text


def test_the_menu_button_and_a_wrong_code(zicht, store: ReportReader) -> None:
    code = file_report(Chat(zicht.web_url, lang="nl"))
    chat = Chat(zicht.web_url, lang="nl")
    chat.send("/greet")
    reply = chat.send("/have_code")
    assert text_of("nl", "utter_ask_followup_code") in reply.text
    reply = chat.send(wrong(code))
    assert text_of("nl", "utter_followup_wrong_code") in reply.text
    assert "Status" not in reply.text and "Gemeente" not in reply.text
    # Asked again; the right code still works within the tries.
    reply = chat.send(code)
    assert "Status: ontvangen" in reply.text
    reply = chat.send("/cancel")
    assert text_of("nl", "utter_followup_stopped") in reply.text


def test_five_wrong_codes_end_kindly_with_the_help_numbers(zicht, store: ReportReader) -> None:
    code = file_report(Chat(zicht.web_url, lang="nl"))
    chat = Chat(zicht.web_url, lang="nl")
    chat.send("/greet")
    chat.send("ik heb een code")
    for _ in range(4):
        reply = chat.send(wrong(code))
        assert text_of("nl", "utter_followup_wrong_code") in reply.text
    reply = chat.send(wrong(code))
    assert "06 25 76 50 52" in reply.text and "112" in reply.text
    # No more tries in this conversation, not even with the right code.
    reply = chat.send(f"ik heb een code: {code}")
    assert "Status" not in reply.text
    assert "06 25 76 50 52" in reply.text
