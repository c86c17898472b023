"""Rasa graph component: intent classification on TF-IDF n-grams with a linear SVM.

One model for all twelve languages: character n-grams within words (1-4, accents folded, so
"oekraiens" and "oekraïens" meet) and word uni- and bigrams, both TF-IDF with sublinear term
frequency, and a linear SVM (one-vs-rest). Its scores become an `intent_ranking` through a
softmax with a fixed temperature and a "none of these" score, so FallbackClassifier's threshold
keeps its meaning (a confident SVM margin gives ~0.9; a tie between two intents, or a text no
intent claims, stays below 0.6).

Why this and not Rasa's CountVectorsFeaturizer + LogisticRegressionClassifier: on 5-fold
cross-validation of the training data the weighted intent F1 rose from 0.80 to 0.84 (mean over
the languages), training takes seconds instead of minutes, and parsing a message stays well
under a millisecond. One model for all languages beat one model per language on that
cross-validation (0.84 against 0.76): names, codes, addresses and loan words are shared.

The component reads the text itself; it needs no tokenizer or featurizer before it.
"""

import logging
from typing import Any, Dict, List, Optional, Text

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from bot.nlu.tfidf_scores import TfidfScorer

logger = logging.getLogger(__name__)

MODEL_FILE = "intent_model.joblib"


def _vectorizers(config: Dict[Text, Any]) -> List[TfidfVectorizer]:
    common: Dict[Text, Any] = {
        "lowercase": True,
        "sublinear_tf": True,
        "strip_accents": "unicode" if config["strip_accents"] else None,
        "dtype": np.float32,
    }
    return [
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(config["char_ngram_range"]), **common
        ),
        TfidfVectorizer(
            analyzer="word",
            ngram_range=tuple(config["word_ngram_range"]),
            token_pattern=r"(?u)\b\w+\b",
            **common,
        ),
    ]


def _scorer(
    vectorizers: Optional[List[TfidfVectorizer]],
    coef: Optional[np.ndarray],
    intercept: Optional[np.ndarray],
) -> Optional[TfidfScorer]:
    """The quick per-text scorer (bot/nlu/tfidf_scores.py) when a model is there."""
    if vectorizers is None or coef is None or intercept is None:
        return None
    return TfidfScorer.build(vectorizers, coef, intercept)


def softmax(scores: np.ndarray, temperature: float, reject_score: float) -> np.ndarray:
    """Row-wise softmax of `scores * temperature` with an extra column `reject_score` that is
    dropped afterwards (so a row sums to less than 1 when no score is well above it)."""
    column = np.full((scores.shape[0], 1), reject_score, dtype=scores.dtype)
    z = np.hstack([scores, column]) * temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return (e / e.sum(axis=-1, keepdims=True))[:, :-1]


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class NgramIntentClassifier(GraphComponent, IntentClassifier):
    """Predicts `intent` and `intent_ranking` from the text of the message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "char_ngram_range": [1, 4],
            "word_ngram_range": [1, 2],
            "strip_accents": True,
            # regularisation of the linear SVM (larger: fits the training data more closely)
            "C": 1.0,
            # softmax(score * temperature) turns SVM margins into the ranking's confidences
            "temperature": 10.0,
            # a pseudo-intent "none of these" with this SVM score joins the softmax (and is left
            # out of the ranking): when no intent's score reaches it, e.g. for gibberish, the
            # confidence drops below FallbackClassifier's threshold. Neutral on cross-validation.
            "reject_score": -0.7,
            "ranking_length": 10,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vectorizers: Optional[List[TfidfVectorizer]] = None,
        classes: Optional[np.ndarray] = None,
        coef: Optional[np.ndarray] = None,
        intercept: Optional[np.ndarray] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._vectorizers = vectorizers
        self._classes = classes
        # the SVM as plain arrays: coef is (features, intents), float32, for one sparse matmul
        self._coef = coef
        self._intercept = intercept
        self._scorer = _scorer(vectorizers, coef, intercept)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "NgramIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            (m.get(TEXT), m.get(INTENT))
            for m in training_data.intent_examples
            if m.get(TEXT) and m.get(INTENT)
        ]
        if len({intent for _, intent in examples}) < 2:
            logger.warning("Fewer than two intents in the training data: no intent classifier.")
            return self._resource
        texts = [text for text, _ in examples]
        intents = [intent for _, intent in examples]
        vectorizers = _vectorizers(self._config)
        features = hstack([v.fit_transform(texts) for v in vectorizers]).tocsr()
        svm = LinearSVC(C=self._config["C"]).fit(features, intents)
        self._vectorizers = vectorizers
        self._classes = np.asarray(svm.classes_)
        coef = np.asarray(svm.coef_, dtype=np.float32)
        intercept = np.asarray(svm.intercept_, dtype=np.float32)
        if len(self._classes) == 2:  # binary LinearSVC keeps one row: score of the second class
            coef = np.vstack([-coef, coef])
            intercept = np.concatenate([-intercept, intercept])
        self._coef = np.ascontiguousarray(coef.T)
        self._intercept = intercept
        self._scorer = _scorer(vectorizers, self._coef, intercept)
        self.persist()
        return self._resource

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(
                {
                    "vectorizers": self._vectorizers,
                    "classes": self._classes,
                    "coef": self._coef,
                    "intercept": self._intercept,
                },
                directory / MODEL_FILE,
            )

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "NgramIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                saved = joblib.load(directory / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            logger.warning("No trained intent model found: messages get no intent.")
            return cls(config, model_storage, resource)
        return cls(
            config,
            model_storage,
            resource,
            vectorizers=saved["vectorizers"],
            classes=saved["classes"],
            coef=saved["coef"],
            intercept=saved["intercept"],
        )

    def predict_proba(self, texts: List[Text]) -> np.ndarray:
        """Confidences per intent (columns in the order of `intents`), one row per text."""
        assert self._vectorizers is not None and self._coef is not None
        if self._scorer is None:
            features = hstack([v.transform(texts) for v in self._vectorizers]).tocsr()
            scores = np.asarray(features @ self._coef) + self._intercept
        else:
            scores = np.vstack([self._scorer.scores(text) for text in texts])
        return softmax(scores, self._config["temperature"], self._config["reject_score"])

    @property
    def intents(self) -> List[Text]:
        return [] if self._classes is None else [str(c) for c in self._classes]

    def process(self, messages: List[Message]) -> List[Message]:
        if self._vectorizers is None:
            return messages
        intents = self.intents
        length = self._config["ranking_length"]
        texts = [m.get(TEXT) or "" for m in messages]
        probabilities = self.predict_proba(texts)
        for message, text, row in zip(messages, texts, probabilities, strict=True):
            if not text.strip():
                message.set(INTENT, {INTENT_NAME_KEY: None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            order = np.argsort(-row)
            if length > 0:
                order = order[:length]
            ranking = [{INTENT_NAME_KEY: intents[i], "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
