"""Rasa NLU component: a question about rules, money or work is not a course search.

After DIET and the fallback classifier, `QuestionRouter.route` (bot/nlp/questions.py) looks at
the words of the message; when DIET made a generic guess and the words name a topic ("mag ik
mijn cursus aftrekken?"), the message gets that topic's intent. DIET learns the same intents
from data/nlu/questions.yml; the rules in data/topics/phrases.yml catch wordings DIET has not
seen. Runs before HandoffSignals, so debt, illness or a conflict still win. No training step.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.questions import QuestionRouter


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class QuestionTopics(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config
        self.router = QuestionRouter.load()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> QuestionTopics:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            entities = [e.get("entity") for e in message.get(ENTITIES) or []]
            routed = self.router.route(message.get(TEXT), current, entities)
            if routed is None:
                continue
            predicted = {INTENT_NAME_KEY: routed, PREDICTED_CONFIDENCE_KEY: 1.0}
            ranking = [
                r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != routed
            ]
            message.set(INTENT, predicted, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [predicted, *ranking], add_to_output=True)
        return messages
