"""What an adviser sees of a conversation handed over: profile, search, reason, open question.

Pure functions over the tracker's events and slots, so they are easy to test and reuse
(the advisor console shows the same summary).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.careers.data import work_summary
from bot.catalog.profile import PROFILE_SLOTS
from bot.handoff.models import HandoffReason, HandoffTopic
from bot.nlp.lexicon import word_set
from bot.nlp.signals import (
    READING_INTENT,
    TOPIC_INTENT,
    TOPICS,
    count_reading_signals,
    intent_of,
    is_garbled,
)

CONTROL_INTENTS = {
    "request_human", "request_callback", "affirm", "deny", "greet", "start_profile",
    READING_INTENT,
}  # fmt: skip
# The coordinates of the region say nothing to an adviser the region itself does not.
SUMMARY_PROFILE_SLOTS = tuple(s for s in PROFILE_SLOTS if s not in {"region_lat", "region_lon"})
# What the console calls the profile's fields, in its order, and the lexicon kind whose Dutch
# label it shows for a value (None: the value as given).
PROFILE_LABELS: dict[str, tuple[str, str | None]] = {
    "work_situation": ("Werk nu", "work_situation"),
    "sector": ("Sector", "sector"),
    "occupation": ("Beroep", "occupation"),
    "education_level": ("Opleiding", "education_level"),
    "age": ("Leeftijd", None),
    "region": ("Woonplaats of regio", None),
    "goal": ("Doel", "goal"),
}
REQUEST_INTENTS = {"request_human", "request_callback"}
EXTERNAL_PREFIX = "EXTERNAL: "


def is_external(event: Mapping[str, Any]) -> bool:
    """A user event Rasa made for trigger_intent (the console's time-out), not the person."""
    return (event.get("text") or "").startswith(EXTERNAL_PREFIX) or bool(
        (event.get("metadata") or {}).get("is_external")
    )


def user_turns(events: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [e for e in events if e.get("event") == "user" and not is_external(e)]


def has_question(text: str) -> bool:
    """True when a request for a person also says what it is about ("... over mijn schulden")."""
    # What is left after the words of a bare request for a person (data/lexicon/words.yml) is
    # what the person wants to talk about: "ik wil een adviseur spreken over mijn schulden".
    request_words = word_set("request_words")
    found = re.findall(r"[a-zà-ÿ0-9]+", text.lower())
    return any(w not in request_words and len(w) > 3 for w in found)


def open_question(events: Sequence[Mapping[str, Any]]) -> str | None:
    """The person's last message that was a real question or answer, not a button or a request."""
    for event in reversed(user_turns(events)):
        text = event.get("text") or ""
        intent = intent_of(event)
        if text.startswith("/"):
            continue
        if intent in CONTROL_INTENTS and not (intent in REQUEST_INTENTS and has_question(text)):
            continue
        if intent == "nlu_fallback" and is_garbled(text):
            continue
        return text
    return None


def topic(events: Sequence[Mapping[str, Any]]) -> str | None:
    """The hard topic named in the last few messages, if any."""
    for event in reversed(user_turns(events)[-4:]):
        if intent_of(event) != TOPIC_INTENT:
            continue
        for entity in (event.get("parse_data") or {}).get("entities") or []:
            if entity.get("entity") == "hard_topic" and entity.get("value") in TOPICS:
                return str(entity.get("value"))
        return HandoffTopic.OTHER.value
    return None


def reason(events: Sequence[Mapping[str, Any]]) -> HandoffReason:
    """Why the handoff happened: a hard topic, reading trouble, not understood, or asked."""
    turns = user_turns(events)
    if topic(events):
        return HandoffReason.TOPIC
    recent = turns[-4:-1]
    if count_reading_signals(events) >= 2 or any(intent_of(t) == READING_INTENT for t in recent):
        return HandoffReason.LITERACY
    previous = turns[-2] if len(turns) >= 2 else {}
    if intent_of(previous) == "nlu_fallback":
        return HandoffReason.FALLBACK
    return HandoffReason.ASKED


def shown_courses(events: Sequence[Mapping[str, Any]], slots: Mapping[str, Any]) -> list[str]:
    """Every course id the person was shown in the conversation, first shown first."""
    shown: list[str] = []
    for event in events:
        if event.get("event") == "slot" and event.get("name") == "last_results":
            shown.extend(str(i) for i in event.get("value") or [])
    shown.extend(str(i) for i in slots.get("last_results") or [])
    return list(dict.fromkeys(shown))


def build(events: Sequence[Mapping[str, Any]], slots: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "profile": {s: slots.get(s) for s in SUMMARY_PROFILE_SLOTS if slots.get(s) is not None},
        "work": work_summary(slots),
        "search_topic": slots.get("search_topic"),
        "shown_courses": shown_courses(events, slots),
        "topic": topic(events),
        "reading_signals": count_reading_signals(events),
        "misunderstood": sum(1 for t in user_turns(events) if intent_of(t) == "nlu_fallback"),
        "turns": len(user_turns(events)),
    }
