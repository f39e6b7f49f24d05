"""The handoff's tables: requests for a human adviser and call-back requests.

Their vocabularies are str enums, so a value compares equal to the text the database holds;
the Dutch label an adviser reads sits next to each value (`.label`).
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import JSON, Column, DateTime, Integer, String, Text

from bot.db import Base, utcnow


class HandoffStatus(str, Enum):
    """Where a request is: open -> claimed -> returned | closed; open -> expired; after_hours.

    `expired`: nobody took it in time, the bot offered a call-back. `after_hours`: asked
    outside office hours, the bot offered a call-back at once. See bot/handoff/store.py.
    """

    OPEN = "open"
    CLAIMED = "claimed"
    RETURNED = "returned"
    CLOSED = "closed"
    EXPIRED = "expired"
    AFTER_HOURS = "after_hours"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """Dutch, for the console; `{name}` is the adviser who has it."""
        return STATUS_LABELS[self]


STATUS_LABELS = {
    HandoffStatus.OPEN: "wacht op een adviseur",
    HandoffStatus.CLAIMED: "bij {name}",
    HandoffStatus.RETURNED: "teruggegeven aan de bot",
    HandoffStatus.CLOSED: "afgesloten",
    HandoffStatus.EXPIRED: "niemand op tijd: terugbellen aangeboden",
    HandoffStatus.AFTER_HOURS: "buiten kantoortijd: terugbellen aangeboden",
}
WAITING = (HandoffStatus.OPEN,)
ACTIVE = (HandoffStatus.OPEN, HandoffStatus.CLAIMED)  # waiting, or with an adviser
ENDED_BY_ADVISER = (HandoffStatus.RETURNED, HandoffStatus.CLOSED)


class HandoffReason(str, Enum):
    """Why the bot handed over (bot.handoff.summary.reason)."""

    ASKED = "asked"  # the person asked for a human
    FALLBACK = "fallback"  # the bot did not understand
    TOPIC = "topic"  # a topic the bot must not handle alone (debt, illness, ...)
    LITERACY = "literacy"  # reading seems hard

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    HandoffReason.ASKED: "vroeg om een mens",
    HandoffReason.FALLBACK: "bot begreep het niet",
    HandoffReason.TOPIC: "moeilijk onderwerp",
    HandoffReason.LITERACY: "lezen is moeilijk",
}


class HandoffTopic(str, Enum):
    """The hard topic in a summary (bot.handoff.summary.topic): one of the topics the handoff
    signals know (bot.nlp.signals.TOPICS), or `other` when the person named one they do not."""

    DEBT = "debt"
    ILLNESS = "illness"
    EMPLOYER_CONFLICT = "employer_conflict"
    LEGAL = "legal"
    OTHER = "other"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        return TOPIC_LABELS[self]


TOPIC_LABELS = {
    HandoffTopic.DEBT: "schulden of geldzorgen",
    HandoffTopic.ILLNESS: "ziekte of burn-out",
    HandoffTopic.EMPLOYER_CONFLICT: "conflict met werkgever",
    HandoffTopic.LEGAL: "juridische vraag",
    HandoffTopic.OTHER: "anders",
}


class Channel(str, Enum):
    """The channel a person used (HandoffRequest.channel, and Rasa's input_channel)."""

    SOCKETIO = "socketio"  # the chat page and the widget
    REST = "rest"
    WHATSAPP = "whatsapp"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {Channel.SOCKETIO: "website", Channel.REST: "REST", Channel.WHATSAPP: "WhatsApp"}


class CallbackStatus(str, Enum):
    OPEN = "open"
    DONE = "done"

    def __str__(self) -> str:
        return self.value


class HandoffRequest(Base):
    """A person asked for (or needs) a human adviser; the summary saves them repeating themselves."""

    __tablename__ = "handoff_requests"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(120), nullable=False, index=True)
    channel = Column(String(40))  # a Channel
    reason = Column(String(40), nullable=False)  # a HandoffReason
    open_question = Column(Text)  # redacted
    summary = Column(JSON, nullable=False, default=dict)
    status = Column(String(20), nullable=False, default=HandoffStatus.OPEN.value, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    claimed_by_id = Column(Integer)
    claimed_by_name = Column(String(80))
    claimed_at = Column(DateTime)
    ended_at = Column(DateTime)


class CallbackRequest(Base):
    """A person asked to be called or mailed; the address is stored encrypted."""

    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(120), nullable=False, index=True)
    handoff_id = Column(Integer)
    channel = Column(String(40))  # a Channel
    method = Column(String(10), nullable=False)  # phone, email
    contact_enc = Column(Text, nullable=False)  # Fernet token (bot.handoff.contact)
    status = Column(String(20), nullable=False, default=CallbackStatus.OPEN.value, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    done_at = Column(DateTime)
    done_by_name = Column(String(80))
