"""The outbox: which stored events have not yet been confirmed by RabbitMQ.

The tracker store writes a turn's events and one outbox row (the events' ids) in the same
transaction. After RabbitMQ confirmed every message of that row, the row is deleted (in the
next transaction of that process, or by its idle flush). A row that stays, because RabbitMQ was
away or the process died before the confirm, is published again by the worker (`relay_once`).
So every stored event reaches the queue at least once; the consumer drops the repeats by event
id. The table lives in the tracker database, next to Rasa's `events`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, select
from sqlalchemy.engine import Connection, Engine

metadata = MetaData()
outbox_table = Table(
    "event_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("sender_id", String(255), nullable=False),
    Column("event_ids", Text, nullable=False),  # comma-separated ids of `events`
    Column("created_at", Float, nullable=False, index=True),
)
# Rasa's table, only read here (rasa/core/tracker_store.py, SQLTrackerStore.SQLEvent).
_events = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("data", Text),
)
EVENT_ID_HEADER = "overstap-event-id"


def create(engine: Engine) -> None:
    metadata.create_all(engine, checkfirst=True)


def add(connection: Connection, sender_id: str, event_ids: Sequence[int]) -> int:
    result = connection.execute(
        outbox_table.insert().values(
            sender_id=sender_id,
            event_ids=",".join(str(i) for i in event_ids),
            created_at=time.time(),
        )
    )
    return int(result.inserted_primary_key[0])


def remove(connection: Connection, outbox_ids: Iterable[int]) -> None:
    ids = list(outbox_ids)
    if ids:
        connection.execute(delete(outbox_table).where(outbox_table.c.id.in_(ids)))


def message(sender_id: str, event: dict[str, Any]) -> dict[str, Any]:
    """The body Rasa's brokers publish: the event with its conversation's id."""
    return {"sender_id": sender_id, **event}


@dataclass
class Pending:
    outbox_id: int
    messages: list[tuple[int, dict[str, Any]]]  # (event id, body)


def stale(engine: Engine, older_than_s: float, limit: int = 50) -> list[Pending]:
    """Outbox rows older than `older_than_s`, with their events, oldest first."""
    cutoff = time.time() - older_than_s
    with engine.connect() as conn:
        rows = conn.execute(
            select(outbox_table)
            .where(outbox_table.c.created_at < cutoff)
            .order_by(outbox_table.c.id)
            .limit(limit)
        ).all()
        pending = []
        for row in rows:
            ids = [int(i) for i in row.event_ids.split(",") if i]
            found = dict(
                conn.execute(
                    select(_events.c.id, _events.c.data).where(_events.c.id.in_(ids))
                ).all()
            )
            messages = [
                (i, message(row.sender_id, json.loads(found[i]))) for i in ids if i in found
            ]
            pending.append(Pending(row.id, messages))
    return pending


def waiting(engine: Engine) -> int:
    """How many outbox rows wait (for tests and the worker's log)."""
    from sqlalchemy import func

    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(outbox_table)).scalar() or 0)
