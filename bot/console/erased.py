"""Tombstones of erased conversations, so that an erase stays final.

Erasing (bot/console/avg.py) deletes every row of a conversation, but some things sent before
the erase can still be on their way:

- events Rasa published to RabbitMQ that the worker has not consumed yet (it was behind or
  down), or that the outbox relay was publishing again at that moment;
- WhatsApp delivery statuses of the replies sent before (the one of the last reply, "Ik heb
  alles gewist", comes seconds later), and Meta's redelivery of a webhook (up to 7 days).

Each would write rows of the conversation again. So the erase leaves tombstones in its own
transaction: a keyed hash of the conversation id with the time of the erase
(`erased_conversations`), and one of every WhatsApp message id of the conversation
(`whatsapp_erased_messages`; the WhatsApp store keeps these ids hashed already).
bot/db/erasure.py says why hashed and why keyed.

- The event consumer (bot/events/consumer.py) drops an event of an erased conversation that
  happened before the erase. A new conversation under the same id (the same WhatsApp number,
  a REST client that keeps its sender id) starts after the erase and is kept.
- The WhatsApp store (bot/whatsapp/store.py) writes nothing for a status or a message with an
  erased message id.

A concurrent erase cannot slip between the check and the write. On PostgreSQL the erase holds
an advisory lock on the conversation until it commits and the consumer takes a shared one
before it looks (`guard`); on SQLite the consumer takes the database's write lock first, so
the two run one after the other. The WhatsApp store writes first and looks after: a write to a
row the erase is deleting waits for the erase to commit.

Tombstones are kept KEEP_DAYS and then deleted by the retention purge. An event that comes
back later still (a worker down for more than a week) goes with the conversation retention.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from bot.console.models import ErasedConversation
from bot.db import begin_write, session_scope, utcnow
from bot.db.erasure import CONVERSATION, digest, lock_id, message_tombstone
from bot.whatsapp.models import WhatsAppErasedMessage

# Meta redelivers a webhook for up to 7 days (the reason OVERSTAP_WHATSAPP_RETENTION_DAYS is at
# least 8); one day more for the hourly purge. An event waits in RabbitMQ only while the worker
# is behind or down, which a week covers with a wide margin.
KEEP_DAYS = 8


def _upsert(session: Session, model: type, keys: Iterable[str], now: dt.datetime) -> None:
    """A tombstone per key; one that exists gets the newer time (a second erase)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for key in sorted(set(keys)):
        statement = insert(model).values(key=key, erased_at=now)
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["key"], set_={"erased_at": statement.excluded.erased_at}
            )
        )


def record(session: Session, conversation_id: str, present: set[str]) -> None:
    """In the erase's transaction, before it deletes anything: wait for a consumer batch that
    holds this conversation, then leave the tombstone (see the module's text)."""
    if ErasedConversation.__tablename__ not in present:
        return
    key = digest(CONVERSATION, conversation_id)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(lock_id(key))))
    _upsert(session, ErasedConversation, [key], utcnow())


def record_messages(session: Session, message_ids: Iterable[str], present: set[str]) -> None:
    """Tombstones of the WhatsApp message ids of a conversation being erased, as the store keeps
    them (already keyed hashes: not hashed again, see `message_tombstone`)."""
    if WhatsAppErasedMessage.__tablename__ not in present:
        return
    keys = [message_tombstone(message_id) for message_id in message_ids if message_id]
    _upsert(session, WhatsAppErasedMessage, keys, utcnow())


def guard(conn: Connection, conversation_ids: Iterable[str]) -> dict[str, float]:
    """The first statement of a transaction that writes rows of these conversations: waits for
    an erase of one of them that is under way, then says which were erased, with the time of
    the erase (Unix seconds)."""
    keys = {digest(CONVERSATION, cid): cid for cid in set(conversation_ids) if cid}
    if not keys:
        return {}
    begin_write(conn)  # SQLite: the write lock first, so the erase and this take turns
    if conn.dialect.name == "postgresql":
        for number in sorted({lock_id(key) for key in keys}):
            conn.execute(select(func.pg_advisory_xact_lock_shared(number)))
    table = ErasedConversation.__table__
    rows = conn.execute(
        select(table.c.key, table.c.erased_at).where(table.c.key.in_(sorted(keys)))
    ).all()
    return {keys[key]: at.replace(tzinfo=dt.timezone.utc).timestamp() for key, at in rows}


def before_erase(erased: dict[str, float], conversation_id: str, timestamp: Any) -> bool:
    """Whether an event of this conversation at `timestamp` comes from before its erase."""
    at = erased.get(conversation_id)
    if at is None:
        return False
    try:
        return float(timestamp) <= at
    except (TypeError, ValueError):
        return True  # no time: it cannot be shown to be newer


def purge(sessions: sessionmaker, now: dt.datetime | None = None) -> int:
    """Delete tombstones older than KEEP_DAYS; how many."""
    cutoff = (now or utcnow()) - dt.timedelta(days=KEEP_DAYS)
    deleted = 0
    with session_scope(sessions) as session:
        present = set(inspect(session.connection()).get_table_names())
        for model in (ErasedConversation, WhatsAppErasedMessage):
            if model.__tablename__ in present:
                result = session.execute(delete(model).where(model.erased_at < cutoff))
                deleted += int(result.rowcount or 0)
    return deleted
