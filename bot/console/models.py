"""Tables of the advisor console: accounts, login attempts, audit log, review data.

Made by the migration 0005_console (revision console01), which also made callback_requests
(bot.handoff.models).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Text

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


class ConversationReview(Base):
    __tablename__ = "conversation_reviews"

    conversation_id = Column(String(120), primary_key=True)
    reviewed_by_name = Column(String(80), nullable=False)
    reviewed_at = Column(DateTime, nullable=False, default=utcnow)
