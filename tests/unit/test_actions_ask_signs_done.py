"""action_ask_signs_done: "Did you see anything else?" offers only the signs not yet noted."""

import pytest
from action_helpers import domain, run, said, tracker

from actions.ask_signs_done import ActionAskSignsDone, sign_of
from bot.texts import available_languages, load

ALL_SIGNS = ["odd_hours", "many_vehicles", "short_visits", "hidden_residents", "violence"]


def asked(noted, language="nl"):
    current = tracker(said("x"), slots={"signs": noted}, language=language)
    _, dispatcher = run(ActionAskSignsDone(), current)
    (message,) = dispatcher.messages
    return message


@pytest.mark.parametrize("language", available_languages())
def test_the_noted_signs_are_not_offered_again(language):
    message = asked(["odd_hours", "violence"], language)
    response = load(language)["responses"]["utter_ask_signs_done"][0]
    assert message["text"] == response["text"]
    offered = [sign_of(button["payload"]) for button in message["buttons"]]
    assert offered == [None, "many_vehicles", "short_visits", "hidden_residents"]  # None: done
    assert message["buttons"][0] == response["buttons"][0]  # "No, that is all" stays first


def test_with_every_sign_noted_only_done_is_left():
    message = asked(ALL_SIGNS)
    assert [b["payload"] for b in message["buttons"]] == ['/inform{"choice": "done"}']


def test_something_else_noted_leaves_the_five_signs():
    message = asked(["other"])
    assert [sign_of(b["payload"]) for b in message["buttons"]][1:] == ALL_SIGNS


@pytest.mark.parametrize(
    "payload, sign",
    [
        ('/inform{"sign": "odd_hours"}', "odd_hours"),
        ('/inform{"choice": "done"}', None),
        ("/inform", None),
        ("/inform{broken", None),
        ('/inform{"sign": 3}', None),
    ],
)
def test_sign_of_a_payload(payload, sign):
    assert sign_of(payload) == sign


def test_the_action_is_in_the_domain():
    assert ActionAskSignsDone().name() in domain()["actions"]
