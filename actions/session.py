"""Session start: a person who comes back after the session expired hears that we start fresh."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict


def had_earlier_session(tracker: Tracker) -> bool:
    """True when this conversation already had a person's message before this session start."""
    return any(event.get("event") == "user" for event in tracker.events)


class ActionSessionStart(Action):
    """Replaces Rasa's default `action_session_start` (slots are not carried over)."""

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if had_earlier_session(tracker):
            dispatcher.utter_message(response="utter_session_expired")
        return [SessionStarted(), ActionExecuted("action_listen")]
