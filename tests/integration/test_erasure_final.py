"""An erase is final: an event sent before it and applied after it writes nothing back
(bot/console/erased.py), on real SQLite and PostgreSQL, with the real erase path and the event
consumer's real batch transaction. The same through RabbitMQ is in test_event_stream.py; late
WhatsApp statuses and redeliveries in test_whatsapp_store.py."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import uuid

import aio_pika
import pytest
from privacy_scan import rows_holding
from sqlalchemy import inspect, select, text, update
from test_retention import db  # noqa: F401 - the fixture: SQLite and PostgreSQL

from bot.console import erased, retention
from bot.console.avg import delete_conversation
from bot.console.models import ErasedConversation, stats_intents
from bot.db import utcnow
from bot.db.erasure import CONVERSATION, digest
from bot.events import outbox
from bot.events.consumer import EventConsumer

DAY = 86400.0


def published(event_id: int, sender: str, text_: str, at: float) -> aio_pika.Message:
    """A person's message as the tracker store publishes it (bot/events/outbox.py)."""
    body = {"sender_id": sender, "event": "user", "text": text_, "timestamp": at,
            "parse_data": {"intent": {"name": "inform", "confidence": 0.9}}}  # fmt: skip
    return aio_pika.Message(
        json.dumps(body).encode(), headers={outbox.EVENT_ID_HEADER: str(event_id)}
    )


def consumer(db) -> EventConsumer:  # noqa: F811
    # Only its batch transaction is used here: no connection to RabbitMQ is made.
    return EventConsumer(db.engine, "amqp://guest:guest@127.0.0.1:1/", "unused")


def intent_count(db) -> int:  # noqa: F811
    with db.engine.connect() as conn:
        return sum(row.count for row in conn.execute(select(stats_intents)))


def next_event_id(db) -> int:  # noqa: F811
    with db.engine.connect() as conn:
        return int(
            conn.execute(text("SELECT COALESCE(MAX(event_id), 0) FROM live_events")).scalar()
        )


def test_an_event_from_before_the_erase_is_dropped_and_a_new_conversation_kept(db) -> None:  # noqa: F811
    cid = f"late-{uuid.uuid4().hex[:8]}"
    first = next_event_id(db) + 1
    events = consumer(db)
    assert events._apply([published(first, cid, "ik werk in de zorg", time.time() - 60)]) == 1
    counted = intent_count(db)

    delete_conversation(db.sessions, db.tracker, cid)
    # Still in the queue from before the erase (or sent again by the outbox relay).
    late = [published(first, cid, "ik werk in de zorg", time.time() - 60),
            published(first + 1, cid, "mijn nummer", time.time() - 30)]  # fmt: skip
    assert events._apply(late) == 0 and events.dropped == 2
    assert rows_holding(db.engine, [cid]) == {}
    assert intent_count(db) == counted  # the statistics do not count it again

    # The same id writes again after the erase (the same WhatsApp number): a new conversation.
    time.sleep(0.01)
    assert events._apply([published(first + 2, cid, "hallo", time.time())]) == 1
    assert set(rows_holding(db.engine, [cid])) == {"live_events", "stats_conversations"}


def test_a_batch_that_meets_an_erase_under_way_waits_for_it_and_writes_nothing(db) -> None:  # noqa: F811
    cid = f"race-{uuid.uuid4().hex[:8]}"
    event_id = next_event_id(db) + 1
    session = db.sessions()
    erased.record(session, cid, set(inspect(session.connection()).get_table_names()))
    # The erase has its lock and its tombstone, and is not committed yet.
    events = consumer(db)
    result: dict[str, int] = {}
    batch = threading.Thread(
        target=lambda: result.update(
            new=events._apply([published(event_id, cid, "hallo", time.time() - 10)])
        )
    )
    batch.start()
    batch.join(0.8)
    assert batch.is_alive(), "the batch did not wait for the erase"
    session.commit()
    session.close()
    batch.join(10)
    assert result == {"new": 0} and events.dropped == 1
    assert rows_holding(db.engine, [cid]) == {}


def test_a_tombstone_holds_a_keyed_hash_and_goes_after_its_days(db) -> None:  # noqa: F811
    old, new = (f"{k}-{uuid.uuid4().hex[:8]}" for k in ("old", "new"))
    for cid in (old, new):
        delete_conversation(db.sessions, db.tracker, cid)
    with db.engine.connect() as conn:
        keys = set(conn.execute(select(ErasedConversation.key)).scalars())
    assert {digest(CONVERSATION, old), digest(CONVERSATION, new)} <= keys
    assert digest(CONVERSATION, old, b"another key") not in keys
    assert rows_holding(db.engine, [old, new]) == {}  # no table holds the ids themselves
    with db.engine.begin() as conn:
        conn.execute(
            update(ErasedConversation)
            .where(ErasedConversation.key == digest(CONVERSATION, old))
            .values(erased_at=utcnow() - dt.timedelta(days=erased.KEEP_DAYS, hours=1))
        )
    while retention.purge_once(db.sessions, db.tracker, 90):
        pass
    with db.engine.connect() as conn:
        keys = set(conn.execute(select(ErasedConversation.key)).scalars())
    assert digest(CONVERSATION, old) not in keys and digest(CONVERSATION, new) in keys


@pytest.mark.parametrize("offset", [-1.0, 1.0])
def test_before_erase_compares_the_events_time(offset: float) -> None:
    at = time.time()
    assert erased.before_erase({"a": at}, "a", at + offset) is (offset < 0)
    assert erased.before_erase({"a": at}, "a", None) is True
    assert erased.before_erase({"a": at}, "b", at - DAY) is False
