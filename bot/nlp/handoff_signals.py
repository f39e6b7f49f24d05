"""Rasa NLU component: hard topics and reading trouble found by rule override the intent.

It also makes a message that is only a redacted phone number or e-mail address an `inform`
(the answer to the call-back form's question; bot/nlp/redact.py, bot/handoff/contact.py).

Runs after the FallbackClassifier (config.yml), so a message about debt or a burn-out is
recognised whatever DIET made of it, also when it was not understood. DIET learns the same
intents from data/nlu/handoff.yml; this component makes the phrases in
data/handoff/signals.yml certain. It has no training step: the phrases are read at load time.
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

from bot.nlp import signals
from bot.nlp.redact import is_contact_answer
from bot.rasa_compat import patch_test_data_scan

# Rasa imports this module in every process that loads the model, also in plain `rasa test`
# from the project root, which would otherwise stop at its own training cache.
patch_test_data_scan()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class HandoffSignals(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config
        self.lexicon = signals.SignalLexicon.load()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> HandoffSignals:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if is_contact_answer(message.get(TEXT)):
                self._set_intent(message, "inform")
                continue
            signal = self.lexicon.detect(message.get(TEXT))
            if signal is None:
                continue
            if signal.kind == "topic":
                intent, entity = signals.TOPIC_INTENT, signals.TOPIC_ENTITY
            else:
                intent, entity = signals.READING_INTENT, signals.READING_ENTITY
            self._set_intent(message, intent)
            found = {
                "entity": entity,
                "value": signal.value,
                "start": 0,
                "end": 0,
                "extractor": self.__class__.__name__,
            }
            # The rule is surer than the model: a span the model also tagged with this
            # entity (sometimes a stray word such as "met") is dropped.
            kept = [e for e in message.get(ENTITIES) or [] if e.get("entity") != entity]
            message.set(ENTITIES, [*kept, found], add_to_output=True)
        return messages

    @staticmethod
    def _set_intent(message: Message, intent: str) -> None:
        predicted = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
        message.set(INTENT, predicted, add_to_output=True)
        ranking = [
            r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != intent
        ]
        message.set(INTENT_RANKING_KEY, [predicted, *ranking], add_to_output=True)
