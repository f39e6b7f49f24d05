"""Live takeover: an advisor claims a request, writes to the person, hands back or closes.

The claim is an atomic UPDATE (bot/handoff/store.py); only the winner pauses the bot in Rasa
(ConversationPaused) and tells the person a human joined. The advisor's messages are BotUttered
events sent out through the channel the person used last, with the metadata
{"sender": "adviseur", "sender_name": ...} so the chat shows a person wrote them. Handing back
resumes the bot (ConversationResumed).
"""

from __future__ import annotations

import datetime as dt
import logging

from bot.errors import NotYours, RasaUnavailable
from bot.handoff import copy
from bot.handoff.models import HandoffRequest, HandoffStatus
from bot.handoff.store import ClaimResult, HandoffStore
from bot.office_hours import OfficeHours
from bot.rasa_api import RasaClient, adviser_metadata, bot_event, pause_event, resume_event
from bot.settings import MAX_MESSAGE_CHARS

logger = logging.getLogger(__name__)
TIMEOUT_INTENT = "request_callback"


class Takeover:
    def __init__(self, store: HandoffStore, rasa: RasaClient):
        self.store = store
        self.rasa = rasa

    def claim(self, request_id: int, advisor_id: int, display_name: str) -> ClaimResult:
        result = self.store.claim(request_id, advisor_id, display_name)
        if not result.won:
            return result
        request = self.store.get(request_id)
        joined = copy.message("utter_advisor_joined", name=display_name)
        try:
            self.rasa.append(
                request.conversation_id, [pause_event(), bot_event(joined["text"])], send=True
            )
        except RasaUnavailable:
            self.store.unclaim(request_id, advisor_id)  # back in the queue for the next try
            raise
        return result

    def mine(self, request_id: int, advisor_id: int) -> HandoffRequest:
        request = self.store.get(request_id)
        if (
            request is None
            or request.status != HandoffStatus.CLAIMED
            or request.claimed_by_id != advisor_id
        ):
            raise NotYours("Dit gesprek is niet (meer) van jou.")
        return request

    def send(self, request_id: int, advisor_id: int, display_name: str, text: str) -> None:
        text = text.strip()[:MAX_MESSAGE_CHARS]
        if not text:
            raise ValueError("empty message")
        request = self.mine(request_id, advisor_id)
        event = bot_event(text, metadata=adviser_metadata(display_name))
        self.rasa.append(request.conversation_id, [event], send=True)

    def hand_back(self, request_id: int, advisor_id: int) -> None:
        request = self.mine(request_id, advisor_id)
        left = copy.message("utter_advisor_left")
        self.rasa.append(
            request.conversation_id,
            [resume_event(), bot_event(left["text"], buttons=left.get("buttons"))],
            send=True,
        )
        self.store.end(request_id, advisor_id, HandoffStatus.RETURNED)

    def close(self, request_id: int, advisor_id: int) -> None:
        request = self.mine(request_id, advisor_id)
        closed = copy.message("utter_advisor_closed")
        # The bot listens again afterwards: a person who writes later is never left unanswered.
        self.rasa.append(
            request.conversation_id, [bot_event(closed["text"]), resume_event()], send=True
        )
        self.store.end(request_id, advisor_id, HandoffStatus.CLOSED)

    def expire_one(self, wait: dt.timedelta, hours: OfficeHours) -> HandoffRequest | None:
        """One unit of the time-out worker: expire one request, offer that person a call-back."""
        request = self.store.expire_one(wait, hours)
        if request is None:
            return None
        try:
            self.rasa.trigger_intent(request.conversation_id, TIMEOUT_INTENT)
        except RasaUnavailable:
            logger.error("handoff %s expired but the call-back offer was not sent", request.id)
        return request
