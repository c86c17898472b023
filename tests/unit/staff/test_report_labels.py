"""bot.staff.labels: every id has a Dutch label; sign and choice labels come from nl.yml."""

import datetime

from bot.reports.records import CHOICES, CLOSE_REASONS, PARTNERS, SIGN_IDS, STATUSES
from bot.staff import labels
from bot.texts import load


def test_every_workflow_id_has_a_label():
    assert set(labels.STATUS_LABELS) == set(STATUSES)
    assert set(labels.PARTNER_LABELS) == set(PARTNERS)
    assert set(labels.CLOSE_REASON_LABELS) == set(CLOSE_REASONS)


def test_sign_and_choice_labels_are_the_dutch_texts():
    texts = load("nl")["labels"]
    for sign in SIGN_IDS:
        assert labels.sign_label(sign) == texts["signs"][sign]
    for slot, choices in CHOICES.items():
        for choice in choices:
            assert labels.answer_label(slot, choice) == texts["choices"][choice]
    assert labels.answer_label("time_of_day", "evening") == "avond"
    assert labels.answer_label("frequency", "op zaterdag") == "op zaterdag"
    assert labels.answer_label("frequency", None) == ""


def test_weeks_and_days():
    assert labels.week_label(datetime.date(2026, 11, 2)) == "week van 2 nov 2026"
    assert labels.date_label(datetime.date(2026, 3, 30)) == "30 mrt 2026"


def test_other_labels():
    assert labels.signs_label(("violence", "odd_hours")) == (
        "Bezoek op vreemde tijden, Tekenen van geweld of angst"
    )
    assert labels.language_label("pt-BR") == "Portugees"
    assert labels.language_label("xx") == "xx"
    assert labels.partner_label(None) == ""
    assert labels.message_kind_label("from_resident") == "Van melder"
