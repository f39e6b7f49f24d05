"""The person's own rights in the chat: how long we keep what, what we know, erase it all.

Erasing goes through the console's erase path (bot/console/avg.py). The turn that erases is
not stored either: the tracker store sees the marker message below and deletes instead of
saving (bot/tracker_store.py). On WhatsApp the contact (the encrypted number) stays until the
last reply is sent; the channel deletes it right after (bot/channels/whatsapp.py), on the
marker this action sends. The audit log notes that a person erased a conversation, by channel
and number of rows, without the conversation's id or any content.
"""

from __future__ import annotations

import functools
import logging

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common
from actions.common import call_store
from actions.profile import profile_labels
from bot.catalog.profile import PROFILE_SLOTS
from bot.console.audit import AuditLog
from bot.console.avg import ERASED_KEY, delete_conversation
from bot.console.transcripts import TrackerStore, tracker_engine
from bot.errors import StoreUnavailable
from bot.handoff.models import CallbackRequest

logger = logging.getLogger(__name__)
ERASE_ACTION = "action_erase_conversation"
# A custom message the channels understand: the conversation is gone (the widget forgets its
# session; WhatsApp deletes the contact after the reply).
ERASED_MARKER = {ERASED_KEY: True}
WHATSAPP = "whatsapp"


@functools.lru_cache(maxsize=1)
def tracker_store() -> TrackerStore:
    return TrackerStore(tracker_engine(common.settings()))


def retention_days() -> int:
    return common.settings().conversation_retention_days


class ActionExplainPrivacy(Action):
    def name(self) -> str:
        return "action_explain_privacy"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_privacy")
        dispatcher.utter_message(
            response=in_form(tracker, "utter_privacy_retention"), retention_days=retention_days()
        )
        return []


def in_form(tracker: Tracker, response: str) -> str:
    """The response's variant for the middle of a form: the form asks its own question right
    after (data/rules), so this one asks nothing and has no buttons."""
    return f"{response}_form" if tracker.active_loop_name else response


def _stored_requests(conversation_id: str) -> tuple[bool, bool]:
    """(a handoff request, a call-back request) stored for this conversation."""
    from sqlalchemy import select

    from bot.db import session_scope

    store = common.handoff()
    handoffs = store.for_conversation(conversation_id)
    with session_scope(store.sessions) as session:
        query = select(CallbackRequest.id).where(CallbackRequest.conversation_id == conversation_id)
        callback = session.execute(query.limit(1)).first() is not None
    return bool(handoffs), callback


class ActionShowStoredData(Action):
    """What is stored about this conversation, in B1: the profile answers, a handoff or
    call-back request, and for how long."""

    def name(self) -> str:
        return "action_show_stored_data"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            handoff, callback = await call_store(_stored_requests, tracker.sender_id)
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_store_error")
            return []
        answered = any(tracker.get_slot(slot) is not None for slot in PROFILE_SLOTS)
        if answered:
            dispatcher.utter_message(
                response="utter_stored_profile", **profile_labels(tracker, domain)
            )
        elif not (handoff or callback):
            dispatcher.utter_message(response="utter_stored_nothing")
        if handoff:
            dispatcher.utter_message(response="utter_stored_handoff")
        if callback:
            dispatcher.utter_message(response="utter_stored_callback")
        dispatcher.utter_message(
            response=in_form(tracker, "utter_stored_after"), retention_days=retention_days()
        )
        return []


def erase(conversation_id: str, channel: str | None) -> int:
    """Every row of the conversation, and one audit line without id or content."""
    deleted = delete_conversation(
        common.database().sessions,
        tracker_store(),
        conversation_id,
        keep_whatsapp_contact=channel == WHATSAPP,
    )
    detail = f"kanaal={channel or 'onbekend'}, rijen={deleted.total}"
    AuditLog(common.database().sessions).record(
        None, "erase_self", None, detail, advisor_name="persoon"
    )
    return deleted.total


def form_stopped_for_erase(events: list[dict]) -> str | None:
    """The form the erase question stopped, or None.

    In a form, "wis alles" stops it (data/rules: action_deactivate_loop, then the question); the
    events of that turn are user, action_deactivate_loop, active_loop null and the question.
    The form is the last one that became active before. The window of the tracker store keeps
    an active form in its opening events (bot/tracker_store.py), so it is found there too.
    """
    asked = next(
        (i for i in range(len(events) - 1, -1, -1)
         if events[i].get("event") == "action" and events[i].get("name") == "utter_ask_erase_confirm"),
        None,
    )  # fmt: skip
    if asked is None:
        return None
    stopped = False
    for event in reversed(events[:asked]):
        kind = event.get("event")
        if kind == "action" and event.get("name") == "action_deactivate_loop":
            stopped = True
        elif kind == "active_loop" and event.get("name"):
            return str(event["name"]) if stopped else None
        elif kind == "user" and not stopped:
            return None
    return None


class ActionCancelErase(Action):
    """After "Nee, niet wissen": nothing is erased. A form the question stopped goes on where
    it was; otherwise the person chooses what next."""

    def name(self) -> str:
        return "action_cancel_erase"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_erase_cancelled")
        form = form_stopped_for_erase(tracker.events)
        if form is not None and form in (domain.get("forms") or {}):
            return [FollowupAction(form)]
        dispatcher.utter_message(response="utter_what_next")
        return []


class ActionEraseConversation(Action):
    """After "Ja, wis alles": the conversation is erased everywhere, then we say so."""

    def name(self) -> str:
        return ERASE_ACTION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        channel = tracker.get_latest_input_channel()
        try:
            await call_store(erase, tracker.sender_id, channel)
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_erase_failed")
            return []
        dispatcher.utter_message(response="utter_erase_done")
        dispatcher.utter_message(json_message=dict(ERASED_MARKER))
        return []
