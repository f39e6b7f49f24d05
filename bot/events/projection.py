"""What the event consumer keeps for the console, in the application database.

- `live_events`: the events a transcript shows (the person's and the bot's messages, pause,
  resume, new session) by event id, for the live view of a takeover. The person's message keeps
  only its text, intent and channel.
- `stats_conversations`, `stats_intents`, `stats_misunderstood`: counters per day (Amsterdam
  time) for the statistics page.

Every message is applied at most once: the `live_events` row (keyed by the event id from the
outbox) is written first, and the counters move only when that row was new. So a message
RabbitMQ delivers twice, or the outbox sends again, counts once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.engine import Connection, Engine

from bot.console import stats as console_stats
from bot.console.models import (
    ErasedConversation,
    live_events,
    stats_conversations,
    stats_intents,
    stats_misunderstood,
)
from bot.console.transcripts import Turn, turns
from bot.handoff.summary import EXTERNAL_PREFIX
from bot.office_hours import TIMEZONE

# The tables, for tests that make them without the migrations (with the tombstones the
# consumer reads, bot/console/erased.py).
TABLES = (
    live_events,
    stats_conversations,
    stats_intents,
    stats_misunderstood,
    ErasedConversation.__table__,
)
LIVE_TYPES = {"user", "bot", "pause", "resume", "session_started"}
FALLBACK = "nlu_fallback"


def _insert(conn: Connection, table: Table):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _slim(event: dict[str, Any]) -> dict[str, Any]:
    """A person's message without the NLU details the live view never shows."""
    if event.get("event") != "user":
        return event
    intent = (event.get("parse_data") or {}).get("intent") or {}
    return {
        "event": "user",
        "timestamp": event.get("timestamp"),
        "text": event.get("text"),
        "input_channel": event.get("input_channel"),
        "parse_data": {
            "intent": {"name": intent.get("name"), "confidence": intent.get("confidence")}
        },
    }


def apply(conn: Connection, event_id: int, body: dict[str, Any]) -> bool:
    """Apply one published event (Rasa's body: the event with `sender_id`); True when new."""
    kind = body.get("event")
    sender = str(body.get("sender_id") or "")
    if kind not in LIVE_TYPES or not sender:
        return False
    event = {k: v for k, v in body.items() if k != "sender_id"}
    stamp = event.get("timestamp")
    new = conn.execute(
        _insert(conn, live_events)
        .values(
            event_id=event_id,
            sender_id=sender,
            type_name=kind,
            timestamp=stamp,
            data=json.dumps(_slim(event)),
        )
        .on_conflict_do_nothing(index_elements=["event_id"])
    ).rowcount
    if new and kind == "user":
        _count(conn, sender, event)
    return bool(new)


def _count(conn: Connection, sender: str, event: dict[str, Any]) -> None:
    text = event.get("text") or ""
    if text.startswith(EXTERNAL_PREFIX):
        return
    stamp = float(event.get("timestamp") or 0)
    day = dt.datetime.fromtimestamp(stamp, TIMEZONE).date()
    conv = _insert(conn, stats_conversations).values(
        sender_id=sender, first_day=day, first_at=stamp
    )
    conn.execute(
        conv.on_conflict_do_update(
            index_elements=["sender_id"],
            set_={"first_day": conv.excluded.first_day, "first_at": conv.excluded.first_at},
            where=stats_conversations.c.first_at > conv.excluded.first_at,
        )
    )
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
    _increment(conn, stats_intents, {"day": day, "intent": intent[:120]})
    if intent == FALLBACK:
        key = " ".join(text.lower().split())[:80]
        if key:
            _increment(conn, stats_misunderstood, {"day": day, "text_key": key})


def _increment(conn: Connection, table: Table, key: dict[str, Any]) -> None:
    statement = _insert(conn, table).values(**key, count=1)
    conn.execute(
        statement.on_conflict_do_update(index_elements=list(key), set_={"count": table.c.count + 1})
    )


# -- reading, for the console ----------------------------------------------------------------


def live_turns(engine: Engine, conversation_id: str, after: int = -1) -> list[Turn]:
    """The transcript's turns after event id `after`; each turn's index is its event id."""
    query = (
        select(live_events.c.event_id, live_events.c.data)
        .where(live_events.c.sender_id == conversation_id, live_events.c.event_id > after)
        .order_by(live_events.c.event_id)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    found: list[Turn] = []
    for event_id, data in rows:
        for turn in turns([json.loads(data)]):
            turn.index = int(event_id)
            found.append(turn)
    return found


def statistics(
    engine: Engine, handed_off: set[str], today: dt.date, days: int = 30
) -> console_stats.Stats:
    """The statistics page's numbers from the counters (bot/console/stats.py's shape)."""
    start = today - dt.timedelta(days=days - 1)
    with engine.connect() as conn:
        firsts = conn.execute(
            select(stats_conversations.c.sender_id, stats_conversations.c.first_day).where(
                stats_conversations.c.first_day >= start,
                stats_conversations.c.first_day <= today,
            )
        ).all()
        intents = conn.execute(
            select(stats_intents.c.intent, func.sum(stats_intents.c.count))
            .where(stats_intents.c.day >= start, stats_intents.c.day <= today)
            .group_by(stats_intents.c.intent)
        ).all()
        misunderstood = conn.execute(
            select(stats_misunderstood.c.text_key, func.sum(stats_misunderstood.c.count))
            .where(stats_misunderstood.c.day >= start, stats_misunderstood.c.day <= today)
            .group_by(stats_misunderstood.c.text_key)
        ).all()
    return _stats(firsts, intents, misunderstood, handed_off, start, days)


def _stats(
    firsts: Iterable, intents: Iterable, misunderstood: Iterable, handed_off: set[str],
    start: dt.date, days: int,
) -> console_stats.Stats:  # fmt: skip
    result = console_stats.Stats()
    result.days = [start + dt.timedelta(days=i) for i in range(days)]
    per_day: Counter[dt.date] = Counter()
    handed_per_day: Counter[dt.date] = Counter()
    for sender, day in firsts:
        per_day[day] += 1
        if sender in handed_off:
            handed_per_day[day] += 1
    result.conversations_per_day = [per_day.get(d, 0) for d in result.days]
    result.handoffs_per_day = [handed_per_day.get(d, 0) for d in result.days]
    result.conversations = sum(per_day.values())
    result.handed_off = sum(handed_per_day.values())
    counts = Counter({intent: int(n) for intent, n in intents})
    result.user_turns = sum(counts.values())
    result.fallbacks = counts.get(FALLBACK, 0)
    counts.pop("", None)
    result.top_intents = counts.most_common(console_stats.TOP)
    result.misunderstood = Counter({k: int(n) for k, n in misunderstood}).most_common(
        console_stats.TOP
    )
    return result
