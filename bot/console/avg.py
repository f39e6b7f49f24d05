"""Deleting a conversation on request (AVG, right to erasure): everywhere it is stored.

Tracker events (Rasa's store), handoff requests, call-backs, notes, tags, the review mark and
the WhatsApp tables of that sender (when the WhatsApp channel's tables exist). The audit log
keeps its line "conversation X deleted by Y": it holds no content, and the law asks us to be
able to show the deletion happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, inspect
from sqlalchemy.orm import sessionmaker

from bot.console.models import ConversationNote, ConversationReview, ConversationTag
from bot.console.transcripts import TrackerStore
from bot.db import session_scope
from bot.handoff.models import CallbackRequest, HandoffRequest

APP_TABLES = (
    (HandoffRequest, HandoffRequest.conversation_id),
    (CallbackRequest, CallbackRequest.conversation_id),
    (ConversationNote, ConversationNote.conversation_id),
    (ConversationTag, ConversationTag.conversation_id),
    (ConversationReview, ConversationReview.conversation_id),
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
    sessions: sessionmaker, tracker: TrackerStore, conversation_id: str
) -> Deleted:
    counts: dict[str, int] = {}
    with session_scope(sessions) as session:
        for model, column in APP_TABLES:
            result = session.execute(delete(model).where(column == conversation_id))
            counts[model.__tablename__] = int(result.rowcount or 0)
        counts.update(_delete_whatsapp(session, conversation_id))
    counts["events"] = tracker.delete(conversation_id)
    return Deleted(counts)


def _delete_whatsapp(session, pseudonym: str) -> dict[str, int]:
    from bot.whatsapp.models import (
        WhatsAppContact,
        WhatsAppInbox,
        WhatsAppMessageStatus,
        WhatsAppSendError,
    )

    present = set(inspect(session.connection()).get_table_names())
    counts = {}
    for model in (WhatsAppInbox, WhatsAppMessageStatus, WhatsAppSendError, WhatsAppContact):
        if model.__tablename__ not in present:
            continue
        result = session.execute(delete(model).where(model.pseudonym == pseudonym))
        counts[model.__tablename__] = int(result.rowcount or 0)
    return counts
