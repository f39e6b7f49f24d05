"""What an adviser sees of a conversation handed over: profile, search, reason, open question.

Pure functions over the tracker's events and slots, so they are easy to test and reuse
(the advisor console shows the same summary).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

CONTROL_INTENTS = {"request_human", "affirm", "deny", "greet", "start_profile"}
PROFILE_SLOTS = (
    "work_situation", "sector", "occupation", "education_level", "education_name", "age",
    "region", "province", "place", "goal",
)  # fmt: skip


def user_turns(events: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [e for e in events if e.get("event") == "user"]


def intent_of(event: Mapping[str, Any]) -> str | None:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def open_question(events: Sequence[Mapping[str, Any]]) -> str | None:
    """The person's last message that was a real question or answer, not a button or a request."""
    for event in reversed(user_turns(events)):
        text = event.get("text") or ""
        if intent_of(event) in CONTROL_INTENTS or text.startswith("/"):
            continue
        return text
    return None


def reason(events: Sequence[Mapping[str, Any]]) -> str:
    """Why the handoff happened: asked outright, or after the bot did not understand."""
    turns = user_turns(events)
    previous = turns[-2] if len(turns) >= 2 else {}
    return "fallback" if intent_of(previous) == "nlu_fallback" else "asked"


def build(events: Sequence[Mapping[str, Any]], slots: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "profile": {s: slots.get(s) for s in PROFILE_SLOTS if slots.get(s) is not None},
        "search_topic": slots.get("search_topic"),
        "shown_courses": list(slots.get("last_results") or []),
        "turns": len(user_turns(events)),
    }
