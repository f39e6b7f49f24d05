"""Rule-based handoff signals in a message: hard topics, reading trouble, garbled text.

The phrases live in data/handoff/signals.yml. The Rasa NLU component
(bot/nlp/handoff_signals.py) uses `detect` on every message; the actions use `is_garbled` and
`count_reading_signals` on the conversation so far.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.nlp.lexicon import normalize
from bot.settings import PROJECT_ROOT

SIGNALS_FILE = PROJECT_ROOT / "data" / "handoff" / "signals.yml"
TOPICS = ("debt", "illness", "employer_conflict", "legal")

# Intents the NLU component sets; also in the domain and the training data.
TOPIC_INTENT = "mention_hard_topic"
READING_INTENT = "signal_reading_trouble"
TOPIC_ENTITY = "hard_topic"
READING_ENTITY = "reading_signal"


@dataclass(frozen=True)
class Signal:
    kind: str  # "topic" or "reading"
    value: str  # a topic id, or "not_understood" / "voice"
    phrase: str


def _pattern(phrase: str) -> re.Pattern[str]:
    parts = []
    for raw in phrase.split():
        prefix = raw.endswith("*")
        word = normalize(raw.rstrip("*"))
        if word:
            parts.append(re.escape(word) + (r"\w*" if prefix else ""))
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)")


class SignalLexicon:
    def __init__(self, data: Mapping[str, Any]):
        self.topics: list[tuple[str, str, re.Pattern[str]]] = []
        for topic, phrases in (data.get("topics") or {}).items():
            if topic not in TOPICS:
                raise ValueError(f"unknown handoff topic {topic!r} in {SIGNALS_FILE.name}")
            self.topics += [(topic, p, _pattern(p)) for p in phrases]
        self.reading = [("not_understood", p, _pattern(p)) for p in data.get("reading") or []]
        self.reading += [("voice", p, _pattern(p)) for p in data.get("voice") or []]

    @classmethod
    def load(cls, path: Path = SIGNALS_FILE) -> SignalLexicon:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")) or {})

    def detect(self, text: str | None) -> Signal | None:
        """The first hard topic in the text, else a reading signal, else None.

        Button payloads ("/intent{...}") are never a signal: the person chose a button.
        """
        if not text or text.lstrip().startswith("/"):
            return None
        norm = normalize(text)
        for topic, phrase, pattern in self.topics:
            if pattern.search(norm):
                return Signal("topic", topic, phrase)
        for kind, phrase, pattern in self.reading:
            if pattern.search(norm):
                return Signal("reading", kind, phrase)
        return None


@lru_cache(maxsize=1)
def default_lexicon() -> SignalLexicon:
    return SignalLexicon.load()


def detect(text: str | None) -> Signal | None:
    return default_lexicon().detect(text)


VOWELS = set("aeiouy")


@lru_cache(maxsize=4096)
def _known_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "nl") >= 1.5 or zipf_frequency(word, "en") >= 3.0


def is_garbled(text: str | None) -> bool:
    """Very short or garbled typing: no real word in it ('sdfg', '???', 'hj kk').

    Numbers and button payloads are not garbled: they are answers.
    """
    if not text:
        return False
    stripped = text.strip()
    if stripped.startswith("/") or re.fullmatch(r"[\d\s.,-]+", stripped):
        return False
    words = re.findall(r"[^\W\d_]+", normalize(stripped))
    if not words:
        return True
    known = sum(1 for w in words if len(w) > 1 and (set(w) & VOWELS) and _known_word(w))
    return known * 2 < len(words) or known == 0


def intent_of(event: Mapping[str, Any]) -> str | None:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def count_reading_signals(events: Sequence[Mapping[str, Any]]) -> int:
    """Messages in this conversation that show trouble reading or typing."""
    count = 0
    for event in events:
        if event.get("event") != "user":
            continue
        intent = intent_of(event)
        if intent == READING_INTENT or intent == "nlu_fallback" and is_garbled(event.get("text")):
            count += 1
    return count


def asked_for_voice(event: Mapping[str, Any]) -> bool:
    entities = (event.get("parse_data") or {}).get("entities") or []
    return any(e.get("entity") == READING_ENTITY and e.get("value") == "voice" for e in entities)
