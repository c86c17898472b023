"""Run in the Rasa environment (`make test-rasa-env`, needs the trained model):
bot/nlu/rasa_graph_runner.py, rasa_applied_events.py and rasa_tracker_merge.py change speed,
not answers.

- The graph runner: the model's prediction graph, run by dask (Rasa's own ``run``) and by ours,
  gives the same parse for messages in several languages and odd input, and the same policy
  prediction for conversations built from those parses; an input named like a node is refused
  by both.
- The Redis merge (bot/nlu/rasa_tracker_merge.py) gives Rasa's merged conversation on random
  stored and current conversations.
- Applied events: on random conversations built from the event types that change what is
  applied (forms, rejections, rewinds, undos, restarts, sessions), the remembered answer equals
  Rasa's own after every appended event, also after a bounded history drops its oldest event,
  after ``copy.deepcopy``, and when the caller changes the list it was given.

Exits non-zero on any difference (plain asserts: the Rasa env has no pytest)."""

import copy
import logging
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.engine.exceptions import GraphRunError
from rasa.engine.loader import load_predict_graph_runner
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.log_utils import configure_structlog

from bot.nlu import rasa_speedups

MESSAGES = [
    "hallo",
    "ik wil iets melden",
    "I need help",
    "Potrzebuję pomocy",
    "мне нужна помощь",
    '/choose_language{{"language": "ro"}}',
    "",
    "🙂" * 50,
    "'; DROP TABLE reports; --",
]


def check_runner(model: Path) -> None:
    ours = DaskGraphRunner.run
    dask_run = ours.__wrapped__  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory() as tmp:
        metadata, runner = load_predict_graph_runner(
            Path(tmp), model, LocalModelStorage, DaskGraphRunner
        )
        domain = metadata.domain
        for text in MESSAGES:
            parses = []
            for run in (dask_run, ours):
                tracker = DialogueStateTracker("check", domain.slots)
                message = UserMessage(
                    text, sender_id="check", message_id="m1", metadata={"lang": "pl"}
                )
                results = run(
                    runner,
                    inputs={PLACEHOLDER_MESSAGE: [message], PLACEHOLDER_TRACKER: tracker},
                    targets=[metadata.nlu_target],
                )
                parses.append(results[metadata.nlu_target][0].as_dict(only_output_properties=True))
            assert parses[0] == parses[1], (text, parses)
            predictions = []
            for run in (dask_run, ours):
                tracker = DialogueStateTracker("check", domain.slots)
                tracker.update(ActionExecuted("action_listen"))
                tracker.update(UserUttered(text, parses[0].get("intent"), [], parses[0]))
                results = run(
                    runner,
                    inputs={PLACEHOLDER_TRACKER: tracker},
                    targets=[metadata.core_target],
                )
                predictions.append(results[metadata.core_target])
            assert predictions[0] == predictions[1], (text, predictions)
        for run in (dask_run, ours):
            try:
                run(runner, inputs={"x": metadata.nlu_target}, targets=[metadata.nlu_target])
            except GraphRunError:
                continue
            raise AssertionError("an input value naming a node was not refused")
    print(f"graph runner: {len(MESSAGES)} messages, same parses and predictions as dask")


def random_events(rng: random.Random, count: int) -> list[Any]:
    forms = ["report_form", "follow_up_form"]
    makers = [
        lambda: ActionExecuted("action_listen"),
        lambda: ActionExecuted(rng.choice(forms)),
        lambda: ActionExecuted(rng.choice(forms)),
        lambda: ActionExecuted("utter_greet"),
        lambda: ActiveLoop(rng.choice([*forms, None])),
        lambda: UserUttered("x", {"name": "inform", "confidence": 1.0}),
        lambda: SlotSet("language", rng.choice(["nl", "pl"])),
        lambda: ActionExecutionRejected(rng.choice(forms)),
        lambda: UserUtteranceReverted(),
        lambda: ActionReverted(),
        lambda: Restarted(),
        lambda: SessionStarted(),
    ]
    weights = [6, 5, 5, 3, 3, 6, 3, 1, 1, 1, 0.3, 0.3]
    return [rng.choices(makers, weights)[0]() for _ in range(count)]


def check_applied_events() -> None:
    patched = DialogueStateTracker.applied_events
    original = patched.__wrapped__  # type: ignore[attr-defined]
    rng = random.Random(20261129)
    steps = 0
    for round_ in range(300):
        bounded = round_ % 3 == 0
        tracker = DialogueStateTracker(
            "check", [AnySlot("language", [])], max_event_history=20 if bounded else None
        )
        for event in random_events(rng, 60):
            tracker.update(event)
            want = original(tracker)
            assert patched(tracker) == want
            given = patched(tracker)
            given.clear()  # the caller's list is its own
            assert patched(tracker) == want
            steps += 1
        duplicate = copy.deepcopy(tracker)
        assert [e.as_dict() for e in patched(duplicate)] == [e.as_dict() for e in original(tracker)]
        duplicate.update(ActionExecuted("action_listen"))
        assert patched(duplicate) == original(duplicate)
    print(f"applied events: {steps} states of 300 random conversations as Rasa's own")


def check_merge() -> None:
    """Our Redis merge gives Rasa's merged conversation: continuations of the stored one, stored
    events out of timestamp order (the case that made Rasa's shortcut fail), earlier sessions,
    repeated events and conversations that share nothing with the stored one."""
    from rasa.core.tracker_store import RedisTrackerStore

    ours = RedisTrackerStore._merge_trackers
    rasa_own = ours.__wrapped__  # type: ignore[attr-defined]
    rng = random.Random(7)
    slots = [AnySlot("language", [])]
    cases = 0
    for _ in range(300):
        events = random_events(rng, rng.randint(1, 80))
        clock = 1000.0
        for event in events:
            clock += rng.choice([0.5, 1.0, -3.0]) if rng.random() < 0.2 else 1.0
            event.timestamp = clock
        cut = rng.randint(0, len(events))
        stored = DialogueStateTracker.from_events("c", events[:cut], slots)
        kind = rng.random()
        if kind < 0.6:  # the conversation goes on from the stored one
            current_events = events
        elif kind < 0.8:  # the stored part holds an earlier session
            current_events = events[cut // 2 :]
        else:  # repeats some events, drops others
            current_events = [e for e in events if rng.random() < 0.7] + events[: cut // 3]
        prior = DialogueStateTracker.from_events("c", copy.deepcopy(events[:cut]), slots)
        results = []
        for merge in (rasa_own, ours):
            current = DialogueStateTracker.from_events("c", copy.deepcopy(current_events), slots)
            merged = merge(copy.deepcopy(prior), current)
            results.append([event.as_dict() for event in merged.events])
        assert results[0] == results[1], (cut, kind)
        assert stored.events == prior.events
        cases += 1
    print(f"redis merge: {cases} random conversations merged as Rasa merges them")


def main() -> None:
    configure_structlog(logging.WARNING)  # Rasa's debug lines would print every message
    rasa_speedups.apply()
    check_applied_events()
    check_merge()
    check_runner(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("models/zicht.tar.gz"))


if __name__ == "__main__":
    main()
