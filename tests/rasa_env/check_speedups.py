"""Run in the Rasa environment (`make test-rasa-env`): the patched reply check of
bot/nlu/rasa_speedups.py accepts and refuses exactly what Rasa's own check does, and is faster.
Exits non-zero on any difference (plain asserts: the Rasa env has no pytest)."""

import time

from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot.nlu import rasa_speedups

GOOD = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hoi"}]},
    {"events": [{"event": "active_loop", "name": None}]},
]
BAD = [
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"events": [{"name": "x"}]},
]


def original(result: dict) -> bool:
    try:
        validate(result, RemoteAction.action_response_format_spec())
        return True
    except ValidationError:
        return False


def patched(action: RemoteAction, result: dict) -> bool:
    try:
        return action._validate_action_result(result)
    except ValidationError as error:
        assert "Failed to validate Action server response" in error.message
        return False


def main() -> None:
    rasa_speedups.apply()
    rasa_speedups.apply()  # idempotent
    action = RemoteAction("action_x", None)
    for result in GOOD + BAD:
        assert patched(action, result) == original(result), result
    assert [patched(action, r) for r in GOOD] == [True] * len(GOOD)
    assert [patched(action, r) for r in BAD] == [False] * len(BAD)
    start = time.perf_counter()
    for _ in range(20):
        original(GOOD[1])
    slow = (time.perf_counter() - start) / 20
    start = time.perf_counter()
    for _ in range(20):
        patched(action, GOOD[1])
    fast = (time.perf_counter() - start) / 20
    print(f"reply check: Rasa's own {slow * 1000:.1f} ms, patched {fast * 1000:.2f} ms")
    assert fast < slow


if __name__ == "__main__":
    main()
