"""Rasa graph component: adds a `language` entity when a message's language is clear.

The `language` slot is filled from this entity, so responses switch language from the same turn.
The browser's language (metadata `lang` from the web app) breaks ties.
"""

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.language_detection import LanguageDetector

ENTITY = "language"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageEntityExtractor(GraphComponent):
    """Sets the `language` entity from the text of the message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"languages": ["nl", "en"], "min_letters": 8, "min_probability": 0.7}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._detector = LanguageDetector(
            config["languages"],
            min_letters=config["min_letters"],
            min_probability=config["min_probability"],
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageEntityExtractor":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            metadata: Optional[Dict[Text, Any]] = message.get("metadata") or {}
            hint = metadata.get("lang") if isinstance(metadata, dict) else None
            language = self._detector.detect(text, hint=hint)
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
