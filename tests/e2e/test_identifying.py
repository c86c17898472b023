"""'You may be identifying yourself' through the real web app, Rasa and action server: the
warning comes before anything is stored, and a dropped part never reaches the database."""

from __future__ import annotations

import pytest

from bot.reports import ReportStore
from tests.e2e.conftest import CODE, Chat, choice, sign

pytestmark = pytest.mark.e2e

NO = '/inform{"choice": "no"}'


def up_to_the_description(chat: Chat) -> None:
    """A report with buttons and short answers, up to the last optional question."""
    chat.send("/report_signs")
    chat.send(NO)
    chat.send(sign("odd_hours"))
    chat.send(choice("done"))
    chat.send("Rijksweg Zuid 12")
    chat.send(choice("Geleen"))
    chat.send(choice("night"))
    chat.send(choice("daily"))
    chat.send(choice("months_1_6"))
    chat.send(choice("skip"))
    chat.send(choice("skip"))


def test_dropping_the_identifying_part_keeps_it_out_of_the_store(
    chat_nl: Chat, store: ReportStore
) -> None:
    chat_nl.send("/greet")
    up_to_the_description(chat_nl)
    reply = chat_nl.send("Ik ben Jan Jansen, bel me op 06-12345678. De ramen zijn afgeplakt.")
    assert "Let op" in reply.text and "wie je bent" in reply.text, reply.text
    assert "Jan Jansen" in reply.text  # the part is quoted, so the person sees what it is
    assert reply.payloads == [choice("rephrase"), choice("drop"), choice("keep")]
    titles = [b["title"] for m in reply.messages for b in m.get("buttons") or []]
    assert titles == ["Anders zeggen", "Dat deel weglaten", "Zo laten"]

    reply = chat_nl.send(choice("drop"))
    assert "Dit is je melding" in reply.text, reply.text
    assert "De ramen zijn afgeplakt." in reply.text
    assert "Jansen" not in reply.text and "12345678" not in reply.text
    reply = chat_nl.send(choice("send"))
    match = CODE.search(reply.text)
    assert match, reply.text

    report = store.find_by_code(match.group(0))
    assert report is not None
    assert report.description == "De ramen zijn afgeplakt."
    assert "Jansen" not in (report.description or "")
    assert "12345678" not in (report.description or "")


def test_the_warning_in_english_and_saying_it_differently(chat_en: Chat) -> None:
    chat_en.send("/greet")
    up_to_the_description(chat_en)
    reply = chat_en.send("My name is Tom Baker and I live next door.")
    assert "Careful" in reply.text and "who you are" in reply.text, reply.text
    assert "My name is Tom Baker" in reply.text
    titles = [b["title"] for m in reply.messages for b in m.get("buttons") or []]
    assert titles == ["Say it differently", "Leave that part out", "Keep it as it is"]

    reply = chat_en.send("say it differently")
    assert "anything else you want to tell" in reply.text, reply.text
    reply = chat_en.send("The curtains are always closed.")
    assert "This is your report" in reply.text
    assert "The curtains are always closed." in reply.text
    assert "Tom Baker" not in reply.text
