"""Rasa's SQL tracker store with a bounded window, so a reply never replays the whole conversation.

Rasa 3.6 loads every event of the current session for each message, deserialises them one by
one, copies the tracker for every action it runs, sends all events to the action server and
lets every policy walk the whole history. On this machine that made a reply 1.5-10 ms slower
per earlier turn (bench/results/rest_reply-*.json).

`WindowedSQLTrackerStore` loads only the last `window_turns` turns of the current session (a turn
starts at `action_listen`). What came before is folded into a few opening events that restore
the state at the start of the window: every slot that differs from its initial value, the active
form and a pause by an adviser. That earlier state is kept per conversation in memory and brought
forward with only the events that left the window since, so the database work per message does
not grow either.

Why predictions do not change: the ML policies read at most `max_history` states (config.yml)
and a rule only looks back as far as it is long; both are far below the window, and
`tests/integration/test_tracker_store.py` checks that against the trained model. Saving appends only
the events added after loading. Reading a whole conversation (`retrieve_full_tracker`, used by
the HTTP API's tracker endpoint, the widget's history and the console) is not windowed.

When the database is unreachable, Rasa's `FailSafeTrackerStore` would log the error (with the
SQL parameters, so the person's message) and forget: the next message finds no tracker and the
conversation starts over. This store catches database errors itself instead. It keeps the last
tracker of the `kept_conversations` most recent conversations in memory; during an outage a
conversation goes on from there, its new events stay in memory, and they are written, in order,
by the first read or save of that conversation after the database is back. Only the error's
class name is logged.

With an event broker (RabbitMQ, `overstap run-prod`), a save writes the events and an outbox row
with their ids in one transaction, then publishes each event (one message, Rasa's shape, its id
in a header) and deletes the outbox row once RabbitMQ confirmed them all. Rasa's broker
serialises a message later, in a background task; each message here is its own dict.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import logging
import threading
from collections import OrderedDict
from typing import Any, Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActiveLoop,
    BotUttered,
    ConversationPaused,
    Event,
    SessionStarted,
    SlotSet,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.exc import SQLAlchemyError

from bot.console.avg import ERASED_KEY
from bot.errors import TrackerDatabaseUnreachable
from bot.events import outbox

logger = logging.getLogger(__name__)

DEFAULT_WINDOW_TURNS = 12
MIN_WINDOW_TURNS = 10
DEFAULT_CACHED_CONVERSATIONS = 2000
DEFAULT_KEPT_CONVERSATIONS = 200
# Set on a tracker this store loaded: how many of its events are already in the database.
PERSISTED = "_overstap_persisted_events"
# Confirmed outbox rows are deleted with the next save, or after this many seconds.
FLUSH_AFTER_S = 1.0
# In the metadata of the opening events that stand for the part before the window.
WINDOW_MARK = "overstap_window_state"


def _cache_event_classes() -> None:
    """Rasa looks an event's class up by walking every subclass of Event, for every event it
    loads (a sixth of a reply's time in a long conversation). The classes do not change once
    imported, so a found class is remembered; unknown names still go through Rasa's lookup."""
    original = Event.resolve_by_type
    if getattr(original, "_overstap_cached", False):
        return
    found: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: Optional[type] = None) -> Optional[type]:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    resolve_by_type._overstap_cached = True  # type: ignore[attr-defined]
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]


_cache_event_classes()


class _Written:
    """What one save wrote: its outbox row and (event id, event) of each event."""

    __slots__ = ("outbox_id", "events")

    def __init__(self, outbox_id: int, events: list[tuple[int, dict[str, Any]]]) -> None:
        self.outbox_id = outbox_id
        self.events = events


class _EarlierState:
    """The state before the window of one conversation session, kept between messages."""

    __slots__ = ("session_start", "upto", "tracker")

    def __init__(self, session_start: int, upto: int, tracker: DialogueStateTracker) -> None:
        self.session_start = session_start  # first event id of the session
        self.upto = upto  # events with a smaller id are applied to `tracker`
        self.tracker = tracker


class WindowedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that loads the current session's last `window_turns` turns (see module doc).

    Configured in endpoints.yml as `type: bot.tracker_store.WindowedSQLTrackerStore` with the
    same settings as Rasa's `SQL` store, plus optional `window_turns` (`overstap run` writes
    `OVERSTAP_TRACKER_WINDOW_TURNS` there).
    """

    def __init__(
        self,
        *args: Any,
        window_turns: Optional[int] = None,
        cached_conversations: int = DEFAULT_CACHED_CONVERSATIONS,
        kept_conversations: int = DEFAULT_KEPT_CONVERSATIONS,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._use_future_engine()
        self.window_turns = max(MIN_WINDOW_TURNS, int(window_turns or DEFAULT_WINDOW_TURNS))
        self.cached_conversations = cached_conversations
        self.kept_conversations = kept_conversations
        self._earlier: OrderedDict[str, _EarlierState] = OrderedDict()
        # The last tracker of recent conversations, to go on with when the database is down.
        self._kept: OrderedDict[str, DialogueStateTracker] = OrderedDict()
        self._lock = threading.Lock()
        self._confirmed: list[int] = []  # outbox rows RabbitMQ confirmed, not yet deleted
        self._tasks: set[asyncio.Task] = set()
        self._flusher: Optional[asyncio.Task] = None
        self._create_index()
        if self.event_broker is not None:
            outbox.create(self.engine)

    def _use_future_engine(self) -> None:
        """The same database through a SQLAlchemy 2.0-style engine (`future=True`), for the Core
        statements of the hot paths here and for Rasa's own session-based methods alike."""
        import sqlalchemy as sa
        from rasa.core.tracker_store import create_engine_kwargs

        legacy = self.engine
        self.engine = sa.create_engine(legacy.url, future=True, **create_engine_kwargs(legacy.url))
        self.sessionmaker = sa.orm.sessionmaker(bind=self.engine, future=True)
        legacy.dispose()

    def _create_index(self) -> None:
        """Rasa indexes events by sender only; finding a session's start then reads every event
        of the conversation (1.3 ms at 2,400 events). This index makes it one lookup."""
        import sqlalchemy as sa

        table = self.SQLEvent.__table__
        name = "ix_events_sender_type_id"
        if any(index.name == name for index in table.indexes):
            index = next(index for index in table.indexes if index.name == name)
        else:
            index = sa.Index(name, table.c.sender_id, table.c.type_name, table.c.id)
        try:
            index.create(self.engine, checkfirst=True)
        except sa.exc.SQLAlchemyError as error:  # e.g. a database user without CREATE rights
            logger.warning("Could not create the tracker index %s: %s", name, error)

    # -- reading ---------------------------------------------------------------------------

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The current session of `sender_id`, windowed; None for an unknown conversation.

        With the database down: the tracker kept in memory, or a new one for a conversation
        this process has not seen (it is written when the database is back).
        """
        with self._lock:
            kept = self._kept.get(sender_id)
        if kept is not None and getattr(kept, PERSISTED, 0) < len(kept.events):
            try:  # what an outage kept in memory, now written
                self._publish(sender_id, self._append_unsaved(kept))
            except SQLAlchemyError as error:
                self._unreachable(error)
                return kept
        try:
            return self._retrieve_window(sender_id)
        except SQLAlchemyError as error:
            self._unreachable(error)
            if kept is not None:
                return kept
            fresh = DialogueStateTracker(sender_id, self.domain.slots)
            setattr(fresh, PERSISTED, 0)
            return fresh

    def _retrieve_window(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """One statement: the session's start, the window's start and the rows from the first
        one needed, which is where the remembered earlier state ends (see `_window_query`)."""
        with self._lock:
            earlier = self._earlier.get(sender_id)
        upto = earlier.upto if earlier is not None else 0
        with self.engine.connect() as conn:
            rows = conn.execute(
                self._window_query,
                {"sender": sender_id, "skip": self.window_turns - 1, "upto": upto},
            ).all()
            if not rows or self.domain is None:
                self._forget(sender_id, kept_tracker=True)  # also a conversation deleted
                return None
            start, window_start = rows[0].start, rows[0].window_start
            opening: list[Event] = []
            if window_start is None:
                self._forget(sender_id)
            else:
                opening = self._opening_events(conn, sender_id, start, window_start, earlier, rows)
        events = opening + [
            Event.from_parameters(json.loads(row.data))
            for row in rows
            if window_start is None or row.id >= window_start
        ]
        tracker = DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        setattr(tracker, PERSISTED, len(tracker.events))
        return tracker

    @functools.cached_property
    def _window_query(self) -> Any:
        """The rows of a conversation's current session from the lowest of: the session start
        without a window, else the window start, or `upto` (where the earlier state ends) when
        that lies between the session start and the window; each row with both starts."""
        import sqlalchemy as sa

        table = self.SQLEvent.__table__
        sender = table.c.sender_id == sa.bindparam("sender")
        session_start = (
            sa.select(table.c.id)
            .where(sender, table.c.type_name == SessionStarted.type_name)
            .order_by(table.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )
        start = sa.func.coalesce(session_start, 0)
        window_start = (
            sa.select(table.c.id)
            .where(
                sender,
                table.c.id >= start,
                table.c.type_name == "action",
                table.c.action_name == ACTION_LISTEN_NAME,
            )
            .order_by(table.c.id.desc())
            .offset(sa.bindparam("skip", type_=sa.Integer))
            .limit(1)
            .scalar_subquery()
        )
        bounds = sa.select(start.label("start"), window_start.label("window_start")).cte("bounds")
        upto = sa.bindparam("upto", type_=sa.Integer)
        first = sa.case(
            (bounds.c.window_start.is_(None), bounds.c.start),
            (upto >= bounds.c.window_start, bounds.c.window_start),
            (upto > bounds.c.start, upto),
            else_=bounds.c.start,
        )
        return (
            sa.select(table.c.id, table.c.data, bounds.c.start, bounds.c.window_start)
            .select_from(table.join(bounds, sa.true()))
            .where(sender, table.c.id >= first)
            .order_by(table.c.id)
        )

    @staticmethod
    def _first_read(upto: int, start: int, window_start: int) -> int:
        """The lowest id `_window_query` read (its `first`), for a session with a window."""
        if upto >= window_start:
            return window_start
        return upto if upto > start else start

    def _opening_events(
        self,
        conn: Any,
        sender_id: str,
        start: int,
        window_start: int,
        earlier: Optional[_EarlierState],
        rows: list,
    ) -> list[Event]:
        """Events that restore the state at `window_start`, from the remembered earlier state
        brought forward with the events between what it covers and the window."""
        import sqlalchemy as sa

        first_read = self._first_read(earlier.upto if earlier else 0, start, window_start)
        if earlier is None or earlier.session_start != start or earlier.upto > window_start:
            tracker = DialogueStateTracker(sender_id, self.domain.slots)
            earlier = _EarlierState(start, start, tracker)
        data = [row.data for row in rows if earlier.upto <= row.id < window_start]
        if earlier.upto < first_read:  # not read with the window (a new earlier state)
            table = self.SQLEvent.__table__
            query = (
                sa.select(table.c.data)
                .where(
                    table.c.sender_id == sender_id,
                    table.c.id >= earlier.upto,
                    table.c.id < first_read,
                )
                .order_by(table.c.id)
            )
            data = list(conn.execute(query).scalars()) + data
        for item in data:
            earlier.tracker.update(Event.from_parameters(json.loads(item)))
        earlier.upto = window_start
        with self._lock:
            self._earlier[sender_id] = earlier
            self._earlier.move_to_end(sender_id)
            while len(self._earlier) > self.cached_conversations:
                self._earlier.popitem(last=False)
        return opening_events(earlier.tracker)

    def _forget(self, sender_id: str, kept_tracker: bool = False) -> None:
        with self._lock:
            self._earlier.pop(sender_id, None)
            if kept_tracker:
                self._kept.pop(sender_id, None)

    def _keep(self, tracker: DialogueStateTracker) -> None:
        with self._lock:
            self._kept[tracker.sender_id] = tracker
            self._kept.move_to_end(tracker.sender_id)
            while len(self._kept) > self.kept_conversations:
                self._kept.popitem(last=False)

    @staticmethod
    def _unreachable(error: Exception) -> None:
        # The error's text would hold the SQL parameters, so the person's message.
        logger.error(
            "Tracker database unreachable (%s): the conversation goes on from memory and is "
            "written when the database is back.",
            type(error).__name__,
        )

    # -- writing ---------------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the events added since the tracker was loaded (or last saved).

        With an event broker the events go out only after they are stored, with their ids,
        through the outbox (bot/events/outbox.py): what RabbitMQ does not confirm is sent again.
        """
        persisted = getattr(tracker, PERSISTED, None)
        if erased_in(tracker, persisted or 0):
            self._erase(tracker)
            return
        if persisted is None:  # a tracker this store did not load: Rasa's own bookkeeping
            try:
                if self.event_broker is None:
                    await super().save(tracker)
                else:
                    setattr(tracker, PERSISTED, self._stored_in_session(tracker.sender_id))
                    self._publish(tracker.sender_id, self._append_unsaved(tracker))
            except SQLAlchemyError as error:
                self._unreachable(error)
                # Rasa's FailSafeTrackerStore logs this text and keeps the tracker in memory.
                raise TrackerDatabaseUnreachable(type(error).__name__) from None
            setattr(tracker, PERSISTED, len(tracker.events))
            return
        try:
            self._publish(tracker.sender_id, self._append_unsaved(tracker))
        except SQLAlchemyError as error:
            self._unreachable(error)  # kept below; written by the next read or save
        self._keep(tracker)

    def _erase(self, tracker: DialogueStateTracker) -> None:
        """The person had the conversation erased in this turn (actions/privacy.py): the action
        deleted everything stored before; this turn is deleted instead of written."""
        import sqlalchemy as sa

        sender_id = tracker.sender_id
        self._forget(sender_id, kept_tracker=True)
        try:
            with self.engine.begin() as conn:
                table = self.SQLEvent.__table__
                conn.execute(sa.delete(table).where(table.c.sender_id == sender_id))
                if sa.inspect(conn).has_table(outbox.outbox_table.name):
                    rows = outbox.outbox_table
                    conn.execute(sa.delete(rows).where(rows.c.sender_id == sender_id))
        except SQLAlchemyError as error:
            self._unreachable(error)
        setattr(tracker, PERSISTED, len(tracker.events))

    def _stored_in_session(self, sender_id: str) -> int:
        """How many events of the conversation's last session are stored (Rasa's count)."""
        with self.session_scope() as session:
            return self._event_query(
                session, sender_id, fetch_events_from_all_sessions=False
            ).count()

    def _append_unsaved(self, tracker: DialogueStateTracker) -> Optional[_Written]:
        """Write the tracker's events after the ones already in the database, in one commit;
        with an event broker also their outbox row."""
        persisted = getattr(tracker, PERSISTED)
        new_events = list(itertools.islice(tracker.events, persisted, None))
        if not new_events:
            return None
        if self.event_broker is None:
            rows = [self._values(tracker.sender_id, e, e.as_dict()) for e in new_events]
            with self.engine.begin() as conn:
                conn.execute(self.SQLEvent.__table__.insert(), rows)
            setattr(tracker, PERSISTED, persisted + len(new_events))
            return None
        dicts = [event.as_dict() for event in new_events]
        rows = [
            self._values(tracker.sender_id, e, d) for e, d in zip(new_events, dicts, strict=True)
        ]
        confirmed, self._confirmed = self._confirmed, []
        try:
            with self.engine.begin() as conn:
                ids = self._insert(conn, rows)
                outbox_id = outbox.add(conn, tracker.sender_id, ids)
                outbox.remove(conn, confirmed)
        except SQLAlchemyError:
            self._confirmed.extend(confirmed)
            raise
        setattr(tracker, PERSISTED, persisted + len(new_events))
        return _Written(outbox_id, list(zip(ids, dicts, strict=True)))

    def _insert(self, conn: Any, rows: list[dict[str, Any]]) -> list[int]:
        """Insert event rows; their ids in the order of `rows`."""
        table = self.SQLEvent.__table__
        if conn.dialect.name == "postgresql":
            # One statement; the sequence numbers the VALUES rows in order.
            result = conn.execute(table.insert().values(rows).returning(table.c.id))
            return sorted(row[0] for row in result)
        return [int(conn.execute(table.insert().values(r)).inserted_primary_key[0]) for r in rows]

    def _publish(self, sender_id: str, written: Optional[_Written]) -> None:
        if written is None or self.event_broker is None:
            return
        messages = [(i, outbox.message(sender_id, event)) for i, event in written.events]
        task = asyncio.get_running_loop().create_task(self._confirm(written.outbox_id, messages))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _confirm(self, outbox_id: int, messages: list[tuple[int, dict[str, Any]]]) -> None:
        publish = getattr(self.event_broker, "publish_confirmed", None)
        if publish is None:  # another broker: Rasa's way, the outbox row stays for the worker
            for _, body in messages:
                self.event_broker.publish(body)
            return
        if await publish(messages):
            self._confirmed.append(outbox_id)
            if self._flusher is None or self._flusher.done():
                self._flusher = asyncio.get_running_loop().create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        """Delete confirmed outbox rows when no save came to take them along."""
        await asyncio.sleep(FLUSH_AFTER_S)
        confirmed, self._confirmed = self._confirmed, []
        if not confirmed:
            return
        try:
            with self.engine.begin() as conn:
                outbox.remove(conn, confirmed)
        except SQLAlchemyError:
            self._confirmed.extend(confirmed)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's path for trackers this store did not load (with no broker: nothing)."""
        await super().stream_events(tracker)

    @staticmethod
    def _values(sender_id: str, event: Event, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }


def erased_in(tracker: DialogueStateTracker, persisted: int) -> bool:
    """Whether a bot message not yet saved says the conversation was erased."""
    for event in itertools.islice(tracker.events, persisted, None):
        if isinstance(event, BotUttered) and (event.data or {}).get("custom") == {ERASED_KEY: True}:
            return True
    return False


def opening_events(earlier: DialogueStateTracker) -> list[Event]:
    """Events that give a new tracker the slots, form and pause of `earlier`."""
    stamp = earlier.events[-1].timestamp if earlier.events else None
    meta = {WINDOW_MARK: True}
    events: list[Event] = []
    for name, slot in earlier.slots.items():
        if slot.value != slot.initial_value:
            events.append(SlotSet(name, slot.value, timestamp=stamp, metadata=dict(meta)))
    if earlier.active_loop_name:
        events.append(ActiveLoop(earlier.active_loop_name, timestamp=stamp, metadata=dict(meta)))
    if earlier.is_paused():
        events.append(ConversationPaused(timestamp=stamp, metadata=dict(meta)))
    return events


def is_opening(event: Event) -> bool:
    return bool((event.metadata or {}).get(WINDOW_MARK))
