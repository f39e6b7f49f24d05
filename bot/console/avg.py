"""Deleting a conversation (AVG, right to erasure; retention): everywhere it is stored.

The one erase path: the console's delete button, the person's own "verwijder mijn gegevens" in
the chat, the widget's "Wis gesprek", and the retention purge all call `delete_conversation`.

Application database: handoff requests, call-backs, notes, tags, the review mark, a hold past
the retention, what the event consumer keeps (live events, the first-seen row of the
statistics) and the WhatsApp tables of that sender (inbox, delivery statuses, send errors and
the contact with the encrypted number), when those tables exist. Tracker database: Rasa's
events and the outbox rows of the event broker. The audit log keeps its line "conversation
deleted": it holds no content, and the law asks us to be able to show the deletion happened.

In the same transaction the erase leaves tombstones, keyed hashes of the conversation id and of
its WhatsApp message ids, kept for days (bot/console/erased.py): an event or a delivery status
sent before the erase and arriving after it then writes nothing back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from bot.console import erased
from bot.console.models import (
    ConversationHold,
    ConversationNote,
    ConversationReview,
    ConversationTag,
    live_events,
    stats_conversations,
)
from bot.console.transcripts import TrackerStore
from bot.db import session_scope
from bot.handoff.models import CallbackRequest, HandoffRequest

# The custom bot message that says "this conversation was just erased" (actions/privacy.py):
# the tracker store then deletes the turn instead of saving it, the widget forgets its
# session and the WhatsApp channel deletes the contact after the last reply.
ERASED_KEY = "overstap_erased"

APP_TABLES = (
    (HandoffRequest.__table__, HandoffRequest.conversation_id),
    (CallbackRequest.__table__, CallbackRequest.conversation_id),
    (ConversationNote.__table__, ConversationNote.conversation_id),
    (ConversationTag.__table__, ConversationTag.conversation_id),
    (ConversationReview.__table__, ConversationReview.conversation_id),
    (ConversationHold.__table__, ConversationHold.conversation_id),
    (live_events, live_events.c.sender_id),
    (stats_conversations, stats_conversations.c.sender_id),
)


@dataclass(frozen=True)
class Deleted:
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def detail(self) -> str:
        return ", ".join(f"{table}={n}" for table, n in sorted(self.counts.items()) if n)


def delete_conversation(
    sessions: sessionmaker,
    tracker: TrackerStore,
    conversation_id: str,
    *,
    keep_whatsapp_contact: bool = False,
) -> Deleted:
    """Delete every row of the conversation; rows deleted per table.

    `keep_whatsapp_contact` leaves the WhatsApp contact (the encrypted number) for the moment
    the bot still has to say that the rest is gone; the WhatsApp channel deletes it right after
    (bot/channels/whatsapp.py).
    """
    counts = delete_app_rows(sessions, conversation_id, keep_whatsapp_contact)
    counts.update(tracker.delete(conversation_id))
    return Deleted(counts)


def delete_app_rows(
    sessions: sessionmaker, conversation_id: str, keep_whatsapp_contact: bool = False
) -> dict[str, int]:
    counts: dict[str, int] = {}
    with session_scope(sessions) as session:
        present = set(inspect(session.connection()).get_table_names())
        erased.record(session, conversation_id, present)  # first: see bot/console/erased.py
        for table, column in APP_TABLES:
            if table.name in present:
                result = session.execute(delete(table).where(column == conversation_id))
                counts[table.name] = int(result.rowcount or 0)
        counts.update(_delete_whatsapp(session, present, conversation_id, keep_whatsapp_contact))
    return counts


def _delete_whatsapp(
    session: Session, present: set[str], pseudonym: str, keep_contact: bool
) -> dict[str, int]:
    from bot.whatsapp.models import (
        WhatsAppContact,
        WhatsAppInbox,
        WhatsAppMessageStatus,
        WhatsAppOutbox,
        WhatsAppSendError,
    )

    models: list[type] = [WhatsAppInbox, WhatsAppMessageStatus, WhatsAppSendError, WhatsAppOutbox]
    message_ids: set[str] = set()  # every WhatsApp message id of the conversation
    for model, column in (
        (WhatsAppInbox, WhatsAppInbox.message_id),
        (WhatsAppMessageStatus, WhatsAppMessageStatus.message_id),
        (WhatsAppSendError, WhatsAppSendError.message_id),
        (WhatsAppOutbox, WhatsAppOutbox.inbound_id),
    ):
        if model.__tablename__ in present:
            query = select(column).where(model.pseudonym == pseudonym, column.is_not(None))
            message_ids.update(session.execute(query).scalars())
    erased.record_messages(session, message_ids, present)
    if not keep_contact:
        models.append(WhatsAppContact)
    counts = {}
    for model in models:
        if model.__tablename__ not in present:
            continue
        result = session.execute(delete(model).where(model.pseudonym == pseudonym))
        counts[model.__tablename__] = int(result.rowcount or 0)
    return counts
