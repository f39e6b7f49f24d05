"""Handoff to a human adviser: queue the request with a summary, or offer a call-back.

Inside office hours the request waits in the advisor console's queue; outside them the person
hears when advisers work and is offered a call-back at once (the form asks consent first).
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common
from actions.common import call_store
from bot.errors import StoreUnavailable
from bot.handoff import summary
from bot.handoff.models import HandoffStatus
from bot.nlp import signals

CALLBACK_SLOTS = ("callback_consent", "callback_method", "callback_contact")


def reset_callback() -> list[EventType]:
    return [SlotSet(name, None) for name in CALLBACK_SLOTS]


class ActionRequestHandoff(Action):
    def name(self) -> str:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        store = common.handoff()
        hours = common.settings().hours
        try:
            active = await call_store(store.active_for, tracker.sender_id)
            if active is not None:
                dispatcher.utter_message(response="utter_handoff_already_queued")
                return [SlotSet("handoff_id", str(active.id))]
            open_now = hours.is_open()
            request_id = await call_store(
                store.record,
                tracker.sender_id,
                summary.reason(tracker.events),
                summary.build(tracker.events, tracker.current_slot_values()),
                summary.open_question(tracker.events),
                tracker.get_latest_input_channel(),
                HandoffStatus.OPEN if open_now else HandoffStatus.AFTER_HOURS,
            )
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_handoff_failed")
            return []
        if open_now:
            dispatcher.utter_message(response="utter_handoff_queued")
            return [SlotSet("handoff_id", str(request_id))]
        dispatcher.utter_message(response="utter_handoff_closed", office_hours=hours.describe())
        return [
            SlotSet("handoff_id", str(request_id)),
            *reset_callback(),
            FollowupAction("callback_form"),
        ]


class ActionHandleReadingTrouble(Action):
    """Reading is hard: say it shorter; asked for voice, say a person can call; twice, offer one."""

    def name(self) -> str:
        return "action_handle_reading_trouble"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        latest = next((e for e in reversed(tracker.events) if e.get("event") == "user"), {})
        if signals.count_reading_signals(tracker.events) >= 2:
            dispatcher.utter_message(response="utter_offer_human_reading")
        elif signals.asked_for_voice(latest):
            dispatcher.utter_message(response="utter_no_voice")
        else:
            dispatcher.utter_message(response="utter_reading_help")
        return []
