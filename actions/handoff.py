"""Handoff to a human adviser: record the request with a summary and say what happens next."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import PROFILE_SLOTS, StoreUnavailable, call_store, catalog

CONTROL_INTENTS = {"request_human", "affirm", "deny", "greet", "start_profile"}


def user_turns(tracker: Tracker) -> list[dict[str, Any]]:
    return [e for e in tracker.events if e.get("event") == "user"]


def open_question(tracker: Tracker) -> str | None:
    """The person's last message that was a real question or answer, not a button press."""
    for event in reversed(user_turns(tracker)):
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        text = event.get("text") or ""
        if intent in CONTROL_INTENTS or text.startswith("/"):
            continue
        return text
    return None


def handoff_reason(tracker: Tracker) -> str:
    turns = user_turns(tracker)
    previous = turns[-2] if len(turns) >= 2 else {}
    intent = ((previous.get("parse_data") or {}).get("intent") or {}).get("name")
    return "fallback" if intent == "nlu_fallback" else "asked"


def summary(tracker: Tracker) -> dict[str, Any]:
    return {
        "profile": {
            s: tracker.get_slot(s) for s in PROFILE_SLOTS if tracker.get_slot(s) is not None
        },
        "search_topic": tracker.get_slot("search_topic"),
        "shown_courses": tracker.get_slot("last_results") or [],
        "turns": len(user_turns(tracker)),
    }


class ActionRequestHandoff(Action):
    def name(self) -> str:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        channel = tracker.get_latest_input_channel() or None
        try:
            await call_store(
                catalog().record_handoff,
                tracker.sender_id,
                handoff_reason(tracker),
                summary(tracker),
                open_question(tracker),
                channel,
            )
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_handoff_failed")
            return []
        dispatcher.utter_message(response="utter_handoff_recorded")
        return []
