"""Tables of the WhatsApp channel, in the application database (migration wa01).

No table holds a phone number in plain text: people are known by a keyed pseudonym, and the
address needed to reply is stored encrypted (see bot.whatsapp.identity). Meta's message ids
(wamid) hold the number in base64, so every `message_id` and `inbound_id` column holds a keyed
hash of the id instead (bot/db/erasure.py `message_key`, computed in bot/whatsapp/store.py).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Text, UniqueConstraint

from bot.db import Base, utcnow


class WhatsAppContact(Base):
    """One WhatsApp user: pseudonym, encrypted reply address, and the options last offered."""

    __tablename__ = "whatsapp_contacts"

    pseudonym = Column(String(64), primary_key=True)  # the Rasa sender_id
    # HMAC of the business-scoped user id (BSUID), to find the contact when Meta sends no phone.
    bsuid_key = Column(String(64), unique=True)
    address_enc = Column(Text, nullable=False)  # Fernet token of {"wa_id": ..., "user_id": ...}
    options = Column(JSON, nullable=False, default=list)  # payloads of the last numbered menu
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_inbound_at = Column(DateTime, nullable=False, default=utcnow)


class WhatsAppInbox(Base):
    """Every inbound message, written before the webhook answers 200 and processed once."""

    __tablename__ = "whatsapp_inbox"

    id = Column(Integer, primary_key=True, autoincrement=True)
    message_id = Column(String(200), nullable=False, unique=True)  # hashed wamid: redeliveries
    pseudonym = Column(String(64), nullable=False)
    kind = Column(String(20), nullable=False)  # text, payload, unsupported
    text = Column(Text)  # redacted text or button payload; cleared once processed
    sent_at = Column(Integer, nullable=False, default=0)  # Meta's timestamp (Unix seconds)
    state = Column(String(12), nullable=False, default="pending")  # pending processing done failed
    attempts = Column(Integer, nullable=False, default=0)
    received_at = Column(DateTime, nullable=False, default=utcnow)
    not_before = Column(DateTime)  # a retry waits until then
    claimed_at = Column(DateTime)
    finished_at = Column(DateTime)

    __table_args__ = (Index("ix_whatsapp_inbox_sender_state", "pseudonym", "state"),)


class WhatsAppMessageStatus(Base):
    """Delivery status of every message we sent; only ever moves forward."""

    __tablename__ = "whatsapp_message_status"

    message_id = Column(String(200), primary_key=True)  # hashed wamid
    pseudonym = Column(String(64), index=True)
    status = Column(String(12), nullable=False)  # accepted, sent, delivered, read, failed
    rank = Column(Integer, nullable=False)
    error_code = Column(Integer)
    updated_at = Column(DateTime, nullable=False, default=utcnow)


class WhatsAppSendError(Base):
    """A reply that could not be sent, e.g. 131047: the 24-hour window had closed.

    The advisor console can list these so an adviser contacts the person another way.
    """

    __tablename__ = "whatsapp_send_errors"

    id = Column(Integer, primary_key=True, autoincrement=True)
    pseudonym = Column(String(64), nullable=False, index=True)
    message_id = Column(String(200))  # hashed wamid, when the failure came as a status
    error_code = Column(Integer, nullable=False, index=True)
    error_title = Column(String(300), nullable=False, default="")
    created_at = Column(DateTime, nullable=False, default=utcnow)


class WhatsAppOutbox(Base):
    """Every reply to an inbound message, by (inbound message, place in the turn).

    A reply the Graph API did not take (it was down: 5xx, 429 or no connection) waits here
    with its body and is sent later, in order, behind which nothing newer for that person
    jumps. A reply that went out stays as a row without body, so a turn that runs again after
    a crash (the process was killed before the message was marked done) skips what the person
    already has: no reply twice. Rows go with the inbox rows (retention purge).
    """

    __tablename__ = "whatsapp_outbox"

    id = Column(Integer, primary_key=True, autoincrement=True)
    pseudonym = Column(String(64), nullable=False)
    inbound_id = Column(String(200))  # hashed wamid answered; None for an adviser's message
    seq = Column(Integer, nullable=False, default=0)  # place among the turn's replies
    body = Column(JSON(none_as_null=True))  # the Cloud API message while it waits; NULL once sent
    state = Column(String(12), nullable=False, default="pending")  # pending sent
    attempts = Column(Integer, nullable=False, default=0)
    not_before = Column(DateTime)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    sent_at = Column(DateTime)

    __table_args__ = (
        UniqueConstraint("inbound_id", "seq", name="uq_whatsapp_outbox_turn"),
        Index("ix_whatsapp_outbox_sender_state", "pseudonym", "state"),
    )


class WhatsAppErasedMessage(Base):
    """A tombstone: the id of a message to or from a conversation erased in the last days
    (bot/console/erased.py), so that a late delivery status or Meta's redelivery of a webhook
    does not make its rows again. `key` is a keyed hash of the message id (bot/db/erasure.py):
    a WhatsApp message id holds the person's number (migration erased01). It is the id as the
    other tables store it, not hashed a second time."""

    __tablename__ = "whatsapp_erased_messages"

    key = Column(String(64), primary_key=True)
    erased_at = Column(DateTime, nullable=False, index=True)
