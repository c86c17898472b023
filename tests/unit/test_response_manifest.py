"""tests/validation/responses_sent_by_actions.yml names exactly the responses that no rule names
but the report form (utter_ask_<slot>) and the custom actions send; every response is used."""

import re
from pathlib import Path

import pytest
import yaml
from action_helpers import domain, form_slots

from bot.texts import available_languages, load

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "tests" / "validation" / "responses_sent_by_actions.yml"
# Any string literal naming a response: `response="utter_x"`, but also a name chosen first and
# passed on (`response = "utter_a" if ... else "utter_b"`).
RESPONSE_LITERAL = re.compile(r"""["'](utter_\w+)["']""")
# Rasa's metadata key on a bot event naming the response it came from: not a response.
NOT_RESPONSES = {"utter_action"}


def actions_named(value):
    """Every `action:` step anywhere in a stories/rules structure (also inside `or:` blocks)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "action" and isinstance(item, str):
                yield item
            else:
                yield from actions_named(item)
    elif isinstance(value, list):
        for item in value:
            yield from actions_named(item)


def responses_in(paths):
    names = set()
    for path in paths:
        names |= {
            n
            for n in actions_named(yaml.safe_load(path.read_text("utf-8")))
            if n.startswith("utter_")
        }
    return names


def manifest_steps():
    return list(actions_named(yaml.safe_load(MANIFEST.read_text("utf-8"))))


def rule_responses():
    return responses_in(sorted((ROOT / "data" / "rules").glob("*.yml")))


def story_responses():
    return responses_in(sorted((ROOT / "tests" / "stories").glob("*.yml")))


def responses_sent_by_actions():
    names = set()
    for path in sorted((ROOT / "actions").glob("*.py")):
        names |= set(RESPONSE_LITERAL.findall(path.read_text("utf-8"))) - NOT_RESPONSES
    return names


def test_the_action_sources_name_responses():
    # Guards the regex: the form and the submit action certainly send these.
    found = responses_sent_by_actions()
    assert {"utter_danger", "utter_sign_added", "utter_report_saved", "utter_cancelled"} <= found
    assert {"utter_location_outside", "utter_location_unknown"} <= found


def test_manifest_lists_exactly_the_form_questions_and_the_action_responses():
    expected = {f"utter_ask_{slot}" for slot in form_slots()}
    expected |= responses_sent_by_actions()
    expected -= rule_responses()
    steps = manifest_steps()
    assert len(steps) == len(set(steps)), "a response is listed twice"
    assert set(steps) == expected, (
        f"missing: {sorted(expected - set(steps))}, not sent: {sorted(set(steps) - expected)}"
    )


def test_manifest_names_only_responses():
    assert all(step.startswith("utter_") for step in manifest_steps())


def test_every_response_in_the_domain_is_used():
    used = rule_responses() | story_responses() | set(manifest_steps())
    unused = set(domain()["responses"]) - used
    assert not unused, f"responses nobody sends: {sorted(unused)}"


@pytest.mark.parametrize("language", available_languages())
def test_every_named_response_exists_in_every_language(language):
    named = rule_responses() | story_responses() | set(manifest_steps())
    missing = named - set(load(language)["responses"])
    assert not missing, f"{language}.yml lacks {sorted(missing)}"


def test_every_named_response_is_in_the_built_domain():
    named = (
        rule_responses() | story_responses() | set(manifest_steps()) | responses_sent_by_actions()
    )
    assert named <= set(domain()["responses"])


def test_every_form_slot_has_a_question():
    for slot in form_slots():
        assert f"utter_ask_{slot}" in domain()["responses"], slot


def test_the_built_domain_has_every_language_as_a_variation():
    for name, variations in domain()["responses"].items():
        conditioned = [v["condition"][0]["value"] for v in variations if "condition" in v]
        defaults = [v for v in variations if "condition" not in v]
        assert defaults, f"{name} has no default (Dutch) variation"
        assert set(conditioned) == set(available_languages()) - {"nl"}, name
