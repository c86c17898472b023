"""Rasa graph component: adds a `language` entity when a message's language is clear.

The `language` slot is filled from this entity, so responses switch language from the same turn.
The browser's language (metadata `lang` from the web app) is a prior that breaks ties. Button
payloads ("/intent"), short messages that several languages share ("ok", "ja", "tak", "da"),
the fixed names ("Leger des Heils") and messages without a word of the detected language (an
address, a place name) add nothing: the conversation keeps its language. A short message only
one language can have written ("Привіт", "danke") does switch it (docs/language-detection.md).

The detector (bot.nlu.language_detection) is built once, when the server loads the model, so no
message waits for it: about 0.7 s and ~130 MB (word frequencies, the hashed word tables
models/langid_words.npz, our character model models/langid_chars.npz, langdetect's tables).
lingua's models would add ~450 MB and 3-7 s without gaining accuracy on our development set, so
they are off.
"""

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import rasa_speedups
from bot.nlu.language_detection import HINT_PRIOR, LANGUAGES, LanguageDetector

logger = logging.getLogger(__name__)

# Rasa imports this module while it reads the model's graph, before it loads any component: the
# speed-ups of Rasa itself (bot/nlu/rasa_speedups.py) are in place for the whole model load.
rasa_speedups.apply()

ENTITY = "language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageEntityExtractor(GraphComponent):
    """Sets the `language` entity from the text of the message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "languages": list(LANGUAGES),
            # fewer letters than this: no language (the conversation keeps its own)
            "min_letters": 8,
            # below this posterior: no language, unless the browser's language is in the top two
            "min_probability": 0.7,
            # the browser's language counts as this many times more likely than each other one
            "hint_prior": HINT_PRIOR,
            # voters that need an installed package (wordfreq, lingua-language-detector) or
            # a built model (models/langid_chars.npz, `make`)
            "use_wordfreq": True,
            "use_chars": True,
            "use_lingua": False,
        }

    def __init__(self, config: Dict[Text, Any], eager: bool = False) -> None:
        self._config = {**self.get_default_config(), **config}
        self._detector: Optional[LanguageDetector] = None
        if eager:
            self._get_detector()

    def _get_detector(self) -> LanguageDetector:
        if self._detector is None:
            config = self._config
            self._detector = LanguageDetector(
                config["languages"],
                min_letters=config["min_letters"],
                min_probability=config["min_probability"],
                hint_prior=config["hint_prior"],
                use_lexicon=config["use_wordfreq"],
                use_lingua=config["use_lingua"],
                use_chars=config["use_chars"],
            )
            logger.debug("Language detection voters: %s", ", ".join(self._detector.voters))
        return self._detector

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageEntityExtractor":
        # Training only passes the training data through: the detector is built when needed.
        return cls(config, eager=False)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LanguageEntityExtractor":
        # Serving: build the detector now, so that no message waits for it; then keep the loaded
        # heap out of the garbage collector's full passes (bot/nlu/rasa_speedups.py).
        component = cls(config, eager=True)
        rasa_speedups.freeze_heap()
        return component

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        detector = self._get_detector()
        for message in messages:
            text = message.get(TEXT) or ""
            metadata = message.get("metadata") or {}
            hint = metadata.get("lang") if isinstance(metadata, dict) else None
            language = detector.detect(text, hint=hint if isinstance(hint, str) else None)
            if language is None:
                continue
            entity = {
                "entity": ENTITY,
                "value": language,
                "start": 0,
                "end": len(text),
                "confidence": 1.0,
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, [*message.get(ENTITIES, []), entity], add_to_output=True)
        return messages
