"""Handoff to a human adviser: record the request with a summary and say what happens next."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common
from actions.common import StoreUnavailable, call_store
from bot.handoff import summary


class ActionRequestHandoff(Action):
    def name(self) -> str:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            await call_store(
                common.catalog().record_handoff,
                tracker.sender_id,
                summary.reason(tracker.events),
                summary.build(tracker.events, tracker.current_slot_values()),
                summary.open_question(tracker.events),
                tracker.get_latest_input_channel(),
            )
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_handoff_failed")
            return []
        dispatcher.utter_message(response="utter_handoff_recorded")
        return []
