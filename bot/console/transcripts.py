"""Conversations for review, read from Rasa's SQL tracker store (table `events`).

Rasa writes one row per event: sender_id, type_name, timestamp, intent_name, action_name and the
event as JSON in `data`. This module reads those rows (never writes, except the AVG delete) and
turns them into turns a person can read: who said what, when, with intent and confidence.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    case,
    func,
    or_,
    select,
)
from sqlalchemy import create_engine as sa_create_engine
from sqlalchemy import delete as sa_delete
from sqlalchemy import event as sa_event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.db import create_engine
from bot.handoff.summary import EXTERNAL_PREFIX
from bot.office_hours import TIMEZONE
from bot.rasa_api import is_adviser
from bot.settings import Settings

metadata = MetaData()
# Rasa's own table (rasa/core/tracker_store.py, SQLTrackerStore.SQLEvent); declared here only
# to read it. Rasa creates it.
events_table = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
# The event broker's outbox (bot/events/outbox.py makes it), only to delete a conversation's rows.
outbox_table = Table(
    "event_outbox",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
)
HIDDEN_ACTIONS = {"action_listen", "action_session_start", "action_unlikely_intent"}


def tracker_engine(settings: Settings) -> Engine:
    """An engine on the tracker store that leaves Rasa's SQLite file as Rasa set it up."""
    url = settings.tracker_url
    if not url.startswith("sqlite"):
        return create_engine(settings, url)
    engine = sa_create_engine(
        url,
        future=True,
        connect_args={"timeout": settings.db_timeout_s, "check_same_thread": False},
    )
    timeout_ms = int(settings.db_timeout_s * 1000)

    @sa_event.listens_for(engine, "connect")
    def _busy_timeout(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={timeout_ms}")
        cur.close()

    return engine


# The console's names for the kinds of Turn (an adviser's turn is "Adviseur <name>").
TURN_KINDS = {"person": "Persoon", "bot": "Bot", "system": "Systeem", "action": "Actie", "slot": "Slot"}  # fmt: skip


@dataclass
class Turn:
    """One line of a transcript."""

    index: int
    kind: str  # person, bot, advisor, system, action, slot
    text: str
    at: float | None
    intent: str | None = None
    confidence: float | None = None
    name: str | None = None  # the advisor's name, an action's or a slot's name
    value: Any = None

    @property
    def who(self) -> str:
        """Dutch, for the console: who wrote or did this."""
        if self.kind == "advisor":
            return f"Adviseur {self.name}".strip()
        return TURN_KINDS.get(self.kind, self.kind)

    def as_dict(self) -> dict[str, Any]:
        return {
            "i": self.index,
            "kind": self.kind,
            "text": self.text,
            "at": self.at,
            "time": local_time(self.at),
            "intent": self.intent,
            "confidence": None if self.confidence is None else round(self.confidence, 2),
            "name": self.name,
            "value": self.value,
        }


def local_time(timestamp: float | None) -> str:
    if timestamp is None:
        return ""
    moment = dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).astimezone(TIMEZONE)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def turns(events: Sequence[Mapping[str, Any]], with_details: bool = False) -> list[Turn]:
    """The events as turns. Without details: what the person and the advisor see."""
    result: list[Turn] = []
    for index, event in enumerate(events):
        kind = event.get("event")
        at = event.get("timestamp")
        if kind == "user":
            text = event.get("text") or ""
            intent = (event.get("parse_data") or {}).get("intent") or {}
            if text.startswith(EXTERNAL_PREFIX):
                result.append(
                    Turn(
                        index,
                        "system",
                        "Geen adviseur op tijd: terugbellen aangeboden",
                        at,
                        intent.get("name"),
                    )
                )
                continue
            result.append(
                Turn(index, "person", text, at, intent.get("name"), intent.get("confidence"))
            )
        elif kind == "bot":
            metadata = event.get("metadata") or {}
            text = event.get("text") or ""
            buttons = (event.get("data") or {}).get("buttons") or []
            if buttons:
                text += "".join(f"\n[{b.get('title', '')}]" for b in buttons if isinstance(b, dict))
            if is_adviser(metadata):
                name = str(metadata.get("sender_name") or "")
                result.append(Turn(index, "advisor", text, at, name=name))
            else:
                result.append(Turn(index, "bot", text, at))
        elif kind in {"pause", "resume"}:
            label = "Bot gepauzeerd (adviseur neemt over)" if kind == "pause" else "Bot praat weer"
            result.append(Turn(index, "system", label, at))
        elif with_details and kind == "action" and event.get("name") not in HIDDEN_ACTIONS:
            result.append(
                Turn(index, "action", event.get("name") or "", at, name=event.get("name"))
            )
        elif with_details and kind == "slot" and event.get("name") != "requested_slot":
            result.append(
                Turn(index, "slot", "", at, name=event.get("name"), value=event.get("value"))
            )
        elif kind == "session_started":
            result.append(Turn(index, "system", "Nieuwe sessie", at))
    return result


@dataclass
class ConversationRow:
    conversation_id: str
    started: float | None
    last: float | None
    user_turns: int
    fallbacks: int
    channel: str | None = None
    handed_off: bool = False
    reviewed: bool = False
    tags: list[str] = field(default_factory=list)

    @property
    def started_local(self) -> str:
        return local_time(self.started)

    @property
    def last_local(self) -> str:
        return local_time(self.last)


@dataclass
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    channel: str | None = None
    handed_off: bool | None = None
    with_fallbacks: bool | None = None
    intent: str | None = None
    tag: str | None = None
    reviewed: bool | None = None
    text: str | None = None


def _day_start(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time(0), TIMEZONE).timestamp()


class TrackerStore:
    def __init__(self, engine: Engine):
        self.engine = engine

    def close(self) -> None:
        self.engine.dispose()

    def _rows(self, query) -> list:
        try:
            with self.engine.connect() as conn:
                return list(conn.execute(query))
        except (OperationalError, DBAPIError) as exc:
            if "events" in str(exc.orig) and (
                "no such table" in str(exc.orig) or "does not exist" in str(exc.orig)
            ):
                return []  # Rasa has not written a conversation yet
            raise

    def events(self, conversation_id: str) -> list[dict[str, Any]]:
        query = (
            select(events_table.c.data)
            .where(events_table.c.sender_id == conversation_id)
            .order_by(events_table.c.id)
        )
        return [json.loads(row.data) for row in self._rows(query)]

    def exists(self, conversation_id: str) -> bool:
        query = (
            select(events_table.c.id).where(events_table.c.sender_id == conversation_id).limit(1)
        )
        return bool(self._rows(query))

    def intents(self) -> list[str]:
        query = (
            select(events_table.c.intent_name)
            .where(events_table.c.type_name == "user", events_table.c.intent_name.is_not(None))
            .distinct()
        )
        return sorted(r.intent_name for r in self._rows(query))

    def conversations(
        self,
        filters: Filters,
        handed_off: set[str],
        reviewed: set[str],
        tags: Mapping[str, list[str]],
        limit: int = 200,
    ) -> list[ConversationRow]:
        e = events_table.c
        is_user = case((e.type_name == "user", 1), else_=0)
        is_fallback = case((e.intent_name == "nlu_fallback", 1), else_=0)
        query = select(
            e.sender_id,
            func.min(e.timestamp).label("started"),
            func.max(e.timestamp).label("last"),
            func.sum(is_user).label("user_turns"),
            func.sum(is_fallback).label("fallbacks"),
        ).group_by(e.sender_id)
        if filters.date_from:
            query = query.having(func.max(e.timestamp) >= _day_start(filters.date_from))
        if filters.date_to:
            next_day = filters.date_to + dt.timedelta(days=1)
            query = query.having(func.min(e.timestamp) < _day_start(next_day))
        if filters.with_fallbacks is True:
            query = query.having(func.sum(is_fallback) > 0)
        elif filters.with_fallbacks is False:
            query = query.having(func.sum(is_fallback) == 0)
        if filters.intent:
            query = query.where(
                e.sender_id.in_(select(e.sender_id).where(e.intent_name == filters.intent))
            )
        if filters.text:
            query = query.where(e.sender_id.in_(self._text_match(filters.text)))
        query = query.order_by(func.max(e.timestamp).desc())
        rows = [
            ConversationRow(
                r.sender_id, r.started, r.last, int(r.user_turns or 0), int(r.fallbacks or 0)
            )
            for r in self._rows(query)
        ]
        for row in rows:
            row.handed_off = row.conversation_id in handed_off
            row.reviewed = row.conversation_id in reviewed
            row.tags = list(tags.get(row.conversation_id, []))
        rows = [r for r in rows if _keep(r, filters)]
        if filters.channel:
            channels = self.channels([r.conversation_id for r in rows])
            rows = [r for r in rows if channels.get(r.conversation_id) == filters.channel]
        rows = rows[:limit]
        channels = self.channels([r.conversation_id for r in rows])
        for row in rows:
            row.channel = channels.get(row.conversation_id)
        return rows

    def _text_match(self, text: str) -> list[str]:
        """Senders with a person's, bot's or advisor's message containing the text."""
        e = events_table.c
        needle = text.strip().lower()[:100]
        # Rasa stores the JSON with non-ASCII escaped ("é" as \u00e9): narrow down in SQL on
        # both forms, then check the message text itself (not the keys of the JSON).
        escaped = json.dumps(needle)[1:-1]
        conditions = [
            func.lower(e.data).like(f"%{_like_escape(p)}%", escape="\\") for p in {needle, escaped}
        ]
        query = select(e.sender_id, e.data).where(
            e.type_name.in_(("user", "bot")), or_(*conditions)
        )
        found = set()
        for row in self._rows(query):
            if needle in (json.loads(row.data).get("text") or "").lower():
                found.add(row.sender_id)
        return sorted(found)

    def channels(self, conversation_ids: Iterable[str]) -> dict[str, str | None]:
        ids = list(conversation_ids)
        if not ids:
            return {}
        e = events_table.c
        found: dict[str, str | None] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            first_user = (
                select(func.min(e.id))
                .where(e.type_name == "user", e.sender_id.in_(chunk))
                .group_by(e.sender_id)
            )
            query = select(e.sender_id, e.data).where(e.id.in_(first_user))
            for row in self._rows(query):
                found[row.sender_id] = json.loads(row.data).get("input_channel")
        return found

    def delete(self, conversation_id: str) -> dict[str, int]:
        """Delete the conversation's events and its outbox rows (bot/events/outbox.py) in one
        transaction; rows deleted per table."""
        counts = {}
        with self.engine.begin() as conn:
            present = set(sa_inspect(conn).get_table_names())
            for table in (events_table, outbox_table):
                if table.name in present:
                    result = conn.execute(
                        sa_delete(table).where(table.c.sender_id == conversation_id)
                    )
                    counts[table.name] = int(result.rowcount or 0)
        return counts

    def last_messages_before(
        self, cutoff: float, exclude: Iterable[str] = (), limit: int = 100
    ) -> list[str]:
        """Conversations whose last event is older than `cutoff` (Unix time), oldest first."""
        e = events_table.c
        query = select(e.sender_id).group_by(e.sender_id).having(func.max(e.timestamp) < cutoff)
        skip = list(exclude)
        if skip:
            query = query.where(e.sender_id.not_in(skip))
        query = query.order_by(func.max(e.timestamp)).limit(limit)
        return [row.sender_id for row in self._rows(query)]

    def last_timestamps(self, conversation_ids: Sequence[str]) -> dict[str, float]:
        e = events_table.c
        query = (
            select(e.sender_id, func.max(e.timestamp).label("last"))
            .where(e.sender_id.in_(list(conversation_ids)))
            .group_by(e.sender_id)
        )
        return {row.sender_id: float(row.last or 0) for row in self._rows(query)}

    def all_events(self, since: float | None = None) -> list[tuple[str, dict[str, Any]]]:
        """(sender_id, event) for every person's message and action, for the statistics."""
        e = events_table.c
        query = (
            select(e.sender_id, e.data).where(e.type_name.in_(("user", "action"))).order_by(e.id)
        )
        if since is not None:
            query = query.where(e.timestamp >= since)
        return [(row.sender_id, json.loads(row.data)) for row in self._rows(query)]


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _keep(row: ConversationRow, filters: Filters) -> bool:
    if filters.handed_off is not None and row.handed_off != filters.handed_off:
        return False
    if filters.reviewed is not None and row.reviewed != filters.reviewed:
        return False
    return not (filters.tag and filters.tag not in row.tags)
