"""Tables of the advisor console: accounts, login attempts, audit log, review data.

Made by the migration 0005_console (revision console01), which also made callback_requests
(bot.handoff.models).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from bot.db import Base, utcnow

ROLES = ("adviseur", "beheerder")


class Advisor(Base):
    __tablename__ = "advisors"

    id = Column(Integer, primary_key=True, autoincrement=True)
    name = Column(String(80), nullable=False, unique=True)  # login name, lower case
    display_name = Column(String(80), nullable=False)  # the first name a person sees
    password_hash = Column(Text, nullable=False)  # argon2id
    role = Column(String(20), nullable=False, default="adviseur")
    active = Column(Boolean, nullable=False, default=True)
    # Bumped on a new password or deactivation: every session cookie made before is void.
    session_epoch = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_login_at = Column(DateTime)


class LoginAttempt(Base):
    """Failed and successful logins, for the rate limit per IP address and per account."""

    __tablename__ = "login_attempts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    ip = Column(String(64), nullable=False)
    account = Column(String(80), nullable=False)
    success = Column(Boolean, nullable=False, default=False)

    __table_args__ = (
        Index("ix_login_attempts_ip_at", "ip", "at"),
        Index("ix_login_attempts_account_at", "account", "at"),
    )


class AuditEntry(Base):
    """Who viewed, exported, took over or deleted which conversation, and when.

    Append-only: the database refuses UPDATE and DELETE on this table (triggers in the
    migration). It holds ids and action names, never message text.
    """

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    advisor_id = Column(Integer)
    advisor_name = Column(String(80), nullable=False)
    action = Column(String(40), nullable=False)
    conversation_id = Column(String(120), index=True)
    detail = Column(Text)


class ConversationNote(Base):
    """A private note of an advisor on a conversation; people never see it."""

    __tablename__ = "conversation_notes"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(120), nullable=False, index=True)
    advisor_name = Column(String(80), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class ConversationTag(Base):
    __tablename__ = "conversation_tags"

    conversation_id = Column(String(120), primary_key=True)
    tag = Column(String(40), primary_key=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class ConversationHold(Base):
    """An adviser keeps this conversation past the retention until `until` (migration
    retention01). The reason is the adviser's; it goes when the conversation goes."""

    __tablename__ = "conversation_holds"

    conversation_id = Column(String(120), primary_key=True)
    until = Column(DateTime, nullable=False, index=True)
    reason = Column(Text, nullable=False)
    advisor_name = Column(String(80), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class ErasedConversation(Base):
    """A tombstone: a conversation erased in the last `KEEP_DAYS` days (bot/console/erased.py),
    so that an event of it published before the erase is not written back by the event
    consumer. `key` is a keyed hash of the conversation id (bot/db/erasure.py), never the id
    (migration erased01)."""

    __tablename__ = "erased_conversations"

    key = Column(String(64), primary_key=True)
    erased_at = Column(DateTime, nullable=False, index=True)


class ConversationReview(Base):
    __tablename__ = "conversation_reviews"

    conversation_id = Column(String(120), primary_key=True)
    reviewed_by_name = Column(String(80), nullable=False)
    reviewed_at = Column(DateTime, nullable=False, default=utcnow)


# What the worker's event consumer (bot/events/projection.py) keeps for the live view of a
# takeover and the statistics page, when Rasa publishes its events to RabbitMQ (migration
# 0006_event_projections).
live_events = Table(
    "live_events",
    Base.metadata,
    Column("event_id", BigInteger, primary_key=True, autoincrement=False),
    Column("sender_id", String(255), nullable=False),
    Column("type_name", String(40), nullable=False),
    Column("timestamp", Float),
    Column("data", Text, nullable=False),
    Index("ix_live_events_sender", "sender_id", "event_id"),
    Index("ix_live_events_timestamp", "timestamp"),
)
stats_conversations = Table(
    "stats_conversations",
    Base.metadata,
    Column("sender_id", String(255), primary_key=True),
    Column("first_day", Date, nullable=False, index=True),
    Column("first_at", Float, nullable=False),
)
stats_intents = Table(
    "stats_intents",
    Base.metadata,
    Column("day", Date, primary_key=True),
    Column("intent", String(120), primary_key=True),
    Column("count", Integer, nullable=False),
)
stats_misunderstood = Table(
    "stats_misunderstood",
    Base.metadata,
    Column("day", Date, primary_key=True),
    Column("text_key", String(80), primary_key=True),
    Column("count", Integer, nullable=False),
)
