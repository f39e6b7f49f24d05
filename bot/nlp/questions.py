"""Question or search: which question about rules, money or work a message asks, by its words.

The words live in data/topics/phrases.yml. The Rasa NLU component
(bot/nlp/question_topics.py) asks `QuestionRouter.route` after DIET: when DIET made a generic
guess (a course search, "not understood", ...) and the words say "a question about study costs",
the message gets that question's intent. Pure functions, no Rasa, so they are easy to test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.nlp.lexicon import normalize
from bot.settings import PROJECT_ROOT

PHRASES_FILE = PROJECT_ROOT / "data" / "topics" / "phrases.yml"
SEARCH_INTENT = "search_courses"


@lru_cache(maxsize=4096)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Whole words in order; a word ending in * matches every word that starts with it."""
    parts = []
    for raw in str(phrase).split():
        prefix = raw.endswith("*")
        word = normalize(raw.rstrip("*"))
        if word:
            parts.append(re.escape(word) + (r"[\w'&]*" if prefix else ""))
    if not parts:
        raise ValueError(f"empty phrase {phrase!r} in {PHRASES_FILE.name}")
    return re.compile(r"(?<![\w'&])" + r"\s+".join(parts) + r"(?![\w'&])")


@dataclass(frozen=True)
class Route:
    intent: str
    groups: tuple[tuple[re.Pattern[str], ...], ...]
    question: bool = False
    also_replaces: frozenset[str] = frozenset()

    def matches(self, norm: str) -> bool:
        return all(any(p.search(norm) for p in group) for group in self.groups)


@dataclass(frozen=True)
class EntityRoute:
    """A question that names an entity (a scheme) goes to the intent about it."""

    entity: str
    intent: str
    question: bool = True
    also_replaces: frozenset[str] = frozenset()


@dataclass
class QuestionRouter:
    routes: list[Route]
    replaceable: frozenset[str]
    question_starts: frozenset[str]
    question_phrases: tuple[re.Pattern[str], ...] = field(default_factory=tuple)
    entity_routes: list[EntityRoute] = field(default_factory=list)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> QuestionRouter:
        routes = []
        for i, raw in enumerate(data.get("routes") or []):
            groups = tuple(
                tuple(phrase_pattern(p) for p in group) for group in raw.get("all") or []
            )
            if not raw.get("intent") or not groups or not all(groups):
                raise ValueError(f"route {i + 1} in {PHRASES_FILE.name} needs an intent and words")
            routes.append(
                Route(
                    intent=str(raw["intent"]),
                    groups=groups,
                    question=bool(raw.get("question")),
                    also_replaces=frozenset(raw.get("also_replaces") or ()),
                )
            )
        entity_routes = [
            EntityRoute(
                entity=str(raw["entity"]),
                intent=str(raw["intent"]),
                question=bool(raw.get("question", True)),
                also_replaces=frozenset(raw.get("also_replaces") or ()),
            )
            for raw in data.get("entity_routes") or []
        ]
        return cls(
            entity_routes=entity_routes,
            routes=routes,
            replaceable=frozenset(data.get("replaceable") or ()),
            question_starts=frozenset(normalize(w) for w in data.get("question_starts") or ()),
            question_phrases=tuple(phrase_pattern(p) for p in data.get("question_phrases") or ()),
        )

    @classmethod
    def load(cls, path: Path = PHRASES_FILE) -> QuestionRouter:
        return cls.from_data(yaml.safe_load(path.read_text(encoding="utf-8")) or {})

    @property
    def intents(self) -> set[str]:
        return {route.intent for route in self.routes} | {r.intent for r in self.entity_routes}

    def is_question(self, text: str | None) -> bool:
        """A question mark, a question word or verb first, or a phrase such as 'ik vraag me af'."""
        if not text:
            return False
        if "?" in text:
            return True
        norm = normalize(text)
        words = norm.split()
        if words and words[0] in self.question_starts:
            return True
        return any(p.search(norm) for p in self.question_phrases)

    def topic_intent(self, text: str | None, question: bool | None = None) -> Route | None:
        """The first route whose words are all in the text (and that asks for a question, if so)."""
        if not text or text.lstrip().startswith("/"):
            return None  # a button payload: the person chose already
        norm = normalize(text)
        asked = self.is_question(text) if question is None else question
        for route in self.routes:
            if route.question and not asked:
                continue
            if route.matches(norm):
                return route
        return None

    def route(
        self, text: str | None, intent: str | None, entities: Iterable[str] = ()
    ) -> str | None:
        """The question intent to use instead of `intent`, or None to keep what DIET said.

        Only generic guesses are replaced; a course search only when it is asked as a question,
        so 'cursus belastingrecht' stays a search. `entities` are the names of the entities
        found in the message ("scheme"): a question naming a scheme is about that scheme.
        """
        asked = self.is_question(text)
        if intent == SEARCH_INTENT and not asked:
            return None
        route = self.topic_intent(text, asked)
        if route is not None:
            if route.intent != intent and (
                intent in self.replaceable or intent is None or intent in route.also_replaces
            ):
                return route.intent
            return None
        if text and text.lstrip().startswith("/"):
            return None
        found = set(entities)
        for entity_route in self.entity_routes:
            if entity_route.entity not in found or (entity_route.question and not asked):
                continue
            if entity_route.intent != intent and (
                intent in self.replaceable or intent in entity_route.also_replaces
            ):
                return entity_route.intent
        return None


@lru_cache(maxsize=1)
def default_router() -> QuestionRouter:
    return QuestionRouter.load()


def mentions(text: str | None, phrases: Iterable[str]) -> bool:
    """True when any of the phrases (same syntax as the routes) is in the text."""
    if not text:
        return False
    norm = normalize(text)
    return any(phrase_pattern(p).search(norm) for p in phrases)
