"""Call-back requests: consent first, then phone or e-mail, stored sealed for the console.

The channels take a phone number or e-mail address out of the text before Rasa stores it and
pass it sealed in the message metadata (bot/handoff/contact.py); only these actions open it.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common
from actions.common import call_store
from actions.handoff import reset_callback
from bot.errors import StoreUnavailable
from bot.handoff import contact, summary
from bot.nlp.lexicon import words_pattern
from bot.nlp.redact import PLACEHOLDERS

WHATSAPP = "whatsapp"
WHATSAPP_NUMBER = "whatsapp"  # stored instead of a number: the console looks the number up
SEALED_MAX_AGE_S = 3600
PHONE_WORDS = words_pattern("phone_words", re.IGNORECASE)
VALID = {"email": contact.valid_email, "phone": contact.valid_phone}
EMAIL_WORDS = words_pattern("email_words", re.IGNORECASE)


def sealed_contact(tracker: Tracker) -> str | None:
    """The contact value the channel sealed into the latest message, opened."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return contact.unseal(metadata.get(contact.METADATA_KEY), common.secret_key(), SEALED_MAX_AGE_S)


def uses_whatsapp_number(tracker: Tracker) -> bool:
    return (
        tracker.get_latest_input_channel() == WHATSAPP
        and tracker.get_slot("callback_method") == "phone"
    )


class ActionOfferCallback(Action):
    """Before the call-back form: after a time-out, say plainly that nobody was free."""

    def name(self) -> str:
        return "action_offer_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if summary.is_external(tracker.latest_message or {}):
            dispatcher.utter_message(response="utter_handoff_timeout")
        return reset_callback()


class ValidateCallbackForm(FormValidationAction):
    """Checks the answers. rasa-sdk also validates the slots the last action set, so when the
    form starts right after `reset_callback()` the validators get None: that is no answer and
    must not be told off ("Dat snap ik niet") before the first question is even asked."""

    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("callback_consent") is False:
            return ["callback_consent"]  # no: ask nothing more
        if uses_whatsapp_number(tracker):
            return ["callback_consent", "callback_method"]
        return list(domain_slots)

    def validate_callback_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"callback_consent": value if isinstance(value, bool) else None}

    def validate_callback_method(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"callback_method": None}  # a reset (see `reset_callback`), not an answer
        text = str(value)
        if text in {"phone", "email"}:
            return {"callback_method": text}
        # The number or address typed straight away answers both questions.
        found = sealed_contact(tracker) or ""
        typed = next((m for m in ("email", "phone") if VALID[m](found)), None)
        if typed:
            return {"callback_method": typed, "callback_contact": PLACEHOLDERS[typed]}
        if EMAIL_WORDS.search(text):
            return {"callback_method": "email"}
        if PHONE_WORDS.search(text):
            return {"callback_method": "phone"}
        dispatcher.utter_message(response="utter_callback_method_unknown")
        return {"callback_method": None}

    def validate_callback_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"callback_contact": None}  # a reset (see `reset_callback`), not an answer
        method = tracker.get_slot("callback_method")
        method = "email" if method == "email" else "phone"
        found = sealed_contact(tracker)
        if found is None or not VALID[method](found):
            dispatcher.utter_message(response="utter_callback_contact_invalid")
            return {"callback_contact": None}
        # The slot only says that we have it; the value itself never enters the tracker.
        return {"callback_contact": PLACEHOLDERS[method]}


class ActionSaveCallback(Action):
    def name(self) -> str:
        return "action_save_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.get_slot("callback_consent") is not True:
            dispatcher.utter_message(response="utter_callback_declined")
            return reset_callback()
        method = tracker.get_slot("callback_method") or "phone"
        value = WHATSAPP_NUMBER if uses_whatsapp_number(tracker) else sealed_contact(tracker)
        if value is None:
            dispatcher.utter_message(response="utter_callback_failed")
            return reset_callback()
        handoff_id = tracker.get_slot("handoff_id")
        try:
            await call_store(
                common.handoff().record_callback,
                tracker.sender_id,
                method,
                contact.seal(value, common.secret_key()),
                int(handoff_id) if handoff_id and str(handoff_id).isdigit() else None,
                tracker.get_latest_input_channel(),
            )
        except StoreUnavailable:
            dispatcher.utter_message(response="utter_callback_failed")
            return reset_callback()
        dispatcher.utter_message(response="utter_callback_saved")
        return reset_callback()
