"""Run in the Rasa environment (`make test-rasa-env`): bot/nlu/intent_classifier.py trains,
persists through ModelStorage, loads, and gives `intent` and `intent_ranking` like Rasa's own
classifiers, fast. Exits non-zero on any failure (plain asserts: the Rasa env has no pytest)."""

import tempfile
import time
from pathlib import Path

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack

from bot.nlu.intent_classifier import NgramIntentClassifier

EXAMPLES = {
    "greet": ["hoi", "hallo", "goedemorgen", "hello", "guten tag", "bonjour", "cześć", "szia"],
    "thank": ["dank je", "bedankt", "thanks", "danke", "merci", "dziękuję", "köszönöm", "спасибо"],
    "need_help": [
        "ik heb hulp nodig",
        "help me",
        "ich brauche hilfe",
        "j'ai besoin d'aide",
        "potrzebuję pomocy",
        "segítségre van szükségem",
        "мне нужна помощь",
        "ik wil hier weg",
    ],
}


def main() -> None:
    messages = [
        Message.build(text=text, intent=intent)
        for intent, texts in EXAMPLES.items()
        for text in texts
    ]
    with tempfile.TemporaryDirectory() as tmp:
        storage = LocalModelStorage(Path(tmp))
        resource = Resource("intent_classifier")
        context = ExecutionContext(GraphSchema({}), "test")
        classifier = NgramIntentClassifier.create({}, storage, resource, context)
        classifier.train(TrainingData(messages))
        loaded = NgramIntentClassifier.load({}, storage, resource, context)
    assert loaded.intents == sorted(EXAMPLES), loaded.intents

    tests = [
        ("hallo daar", "greet"),
        ("dank je wel", "thank"),
        ("ik heb echt hulp nodig", "need_help"),
    ]
    parsed = loaded.process([Message(data={TEXT: text}) for text, _ in tests])
    for message, (text, want) in zip(parsed, tests, strict=True):
        intent = message.get(INTENT)
        ranking = message.get(INTENT_RANKING_KEY)
        assert intent["name"] == want, (text, intent)
        assert ranking[0] == intent and len(ranking) == len(EXAMPLES), ranking
        assert sum(r["confidence"] for r in ranking) <= 1.0 + 1e-4, ranking
        assert all(0.0 <= r["confidence"] <= 1.0 for r in ranking), ranking
        assert [r["confidence"] for r in ranking] == sorted(
            (r["confidence"] for r in ranking), reverse=True
        )
    assert message.as_dict_nlu()[INTENT]["name"] == "need_help"  # part of the parse output

    empty = loaded.process([Message(data={TEXT: ""})])[0]
    assert empty.get(INTENT)["name"] is None and empty.get(INTENT_RANKING_KEY) == []

    # an untrained component (no model stored) leaves messages alone
    untrained = NgramIntentClassifier.load(
        {}, LocalModelStorage(Path(tempfile.mkdtemp())), Resource("none"), context
    )
    assert untrained.process([Message(data={TEXT: "hoi"})])[0].get(INTENT) is None

    check_quick_scores(loaded)

    start = time.perf_counter()
    for _ in range(200):
        loaded.process([Message(data={TEXT: "ik heb hulp nodig, ze hebben mijn paspoort"})])
    per_message = (time.perf_counter() - start) / 200
    print(f"intent classifier: {per_message * 1000:.2f} ms per message")
    assert per_message < 0.01


def check_quick_scores(classifier: NgramIntentClassifier) -> None:
    """The per-text scorer (bot/nlu/tfidf_scores.py) gives scikit-learn's scores: on the
    held-out NLU texts of every language (tests/nlu), odd input and the empty text."""
    from bot.nlu.tfidf_scores import TfidfScorer

    texts = [""]
    texts += ["🙂🙂", "x" * 5000, "<script>alert(1)</script>", "'; DROP TABLE reports; --"]
    for path in sorted(Path("tests/nlu").glob("*.yml")):
        texts += [
            line.strip()[2:]
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip().startswith("- ") and not line.strip().startswith("- intent:")
        ]
    assert len(texts) > 1000, len(texts)
    vectorizers = classifier._vectorizers
    features = hstack([v.transform(texts) for v in vectorizers]).tocsr()
    expected = np.asarray(features @ classifier._coef) + classifier._intercept
    scorer = TfidfScorer.build(vectorizers, classifier._coef, classifier._intercept)
    assert scorer is not None
    quick = np.vstack([scorer.scores(text) for text in texts])
    assert np.abs(quick - expected).max() < 1e-4, np.abs(quick - expected).max()
    assert (quick.argmax(axis=1) == expected.argmax(axis=1)).all()
    print(f"quick scores: {len(texts)} texts as scikit-learn's")


if __name__ == "__main__":
    main()
