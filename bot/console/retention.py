"""How long a conversation is kept: deleted everywhere once its last message is older than the
retention (OVERSTAP_CONVERSATION_RETENTION_DAYS), unless an adviser keeps it longer.

`purge_once` deletes one batch through the one erase path (bot/console/avg.py) and says how
many conversations it deleted; the worker calls it hourly and again at once while it finds
work, `overstap privacy purge` until nothing is left. Once nothing is left it also deletes the
erase tombstones older than their days (bot/console/erased.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import sessionmaker

from bot.console import erased
from bot.console.avg import delete_conversation
from bot.console.models import ConversationHold, live_events, stats_misunderstood
from bot.console.transcripts import TrackerStore
from bot.db import session_scope
from bot.errors import ReviewError

BATCH = 50
INTERVAL_S = 3600.0  # the worker purges hourly
MAX_HOLD_DAYS = 3650
REASON_MAX = 500


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Hold:
    conversation_id: str
    until: dt.datetime
    reason: str
    advisor_name: str


def keep_longer(
    sessions: sessionmaker, conversation_id: str, days: int, reason: str, advisor_name: str
) -> Hold:
    """Keep a conversation until `days` from now, whatever its age; a new hold replaces one."""
    reason = " ".join(str(reason or "").split())[:REASON_MAX]
    if not reason:
        raise ReviewError("Schrijf op waarom het gesprek langer bewaard moet worden.")
    if not 1 <= days <= MAX_HOLD_DAYS:
        raise ReviewError(f"Kies 1 tot {MAX_HOLD_DAYS} dagen.")
    until = utcnow() + dt.timedelta(days=days)
    with session_scope(sessions) as session:
        session.execute(
            delete(ConversationHold).where(ConversationHold.conversation_id == conversation_id)
        )
        session.add(
            ConversationHold(
                conversation_id=conversation_id,
                until=until,
                reason=reason,
                advisor_name=advisor_name[:80],
            )
        )
    return Hold(conversation_id, until, reason, advisor_name)


def hold_of(sessions: sessionmaker, conversation_id: str) -> Hold | None:
    with session_scope(sessions) as session:
        row = session.get(ConversationHold, conversation_id)
        if row is None or row.until <= utcnow():
            return None
        return Hold(row.conversation_id, row.until, row.reason, row.advisor_name)


def _held(sessions: sessionmaker, now: dt.datetime) -> set[str]:
    with session_scope(sessions) as session:
        query = select(ConversationHold.conversation_id).where(ConversationHold.until > now)
        return set(session.execute(query).scalars())


def expired(
    sessions: sessionmaker, tracker: TrackerStore, days: int, now: float, limit: int = BATCH
) -> list[str]:
    """Conversations whose last message is more than `days` before `now`, not held.

    The tracker's events decide; what the event consumer keeps (live events) counts too, for a
    conversation whose events are gone but whose projection stayed.
    """
    cutoff = now - days * 86400
    held = _held(sessions, dt.datetime.fromtimestamp(now, dt.timezone.utc).replace(tzinfo=None))
    found = tracker.last_messages_before(cutoff, exclude=held, limit=limit)
    if len(found) < limit:
        found += _projection_only(sessions, tracker, cutoff, held | set(found), limit - len(found))
    return found


def _projection_only(
    sessions: sessionmaker, tracker: TrackerStore, cutoff: float, skip: set[str], limit: int
) -> list[str]:
    c = live_events.c
    query = (
        select(c.sender_id)
        .group_by(c.sender_id)
        .having(func.max(c.timestamp) < cutoff)
        .order_by(func.max(c.timestamp))
        .limit(limit + len(skip))
    )
    with session_scope(sessions) as session:
        senders = [s for s in session.execute(query).scalars() if s not in skip][:limit]
    if not senders:
        return []
    newer = {s for s, last in tracker.last_timestamps(senders).items() if last >= cutoff}
    return [s for s in senders if s not in newer]


def purge_once(
    sessions: sessionmaker,
    tracker: TrackerStore,
    days: int,
    now: float | None = None,
    limit: int = BATCH,
) -> int:
    """Delete one batch of expired conversations; how many were deleted (0: nothing left)."""
    now = now if now is not None else dt.datetime.now(dt.timezone.utc).timestamp()
    ids = expired(sessions, tracker, days, now, limit)
    for conversation_id in ids:
        delete_conversation(sessions, tracker, conversation_id)
    if not ids:
        _purge_counters(sessions, days, now)
        erased.purge(sessions, dt.datetime.fromtimestamp(now, dt.timezone.utc).replace(tzinfo=None))
    return len(ids)


def _purge_counters(sessions: sessionmaker, days: int, now: float) -> None:
    """The statistics' misunderstood messages (their first words) go after the retention too;
    they cannot be traced to one conversation, so they go by day."""
    day = dt.datetime.fromtimestamp(now - days * 86400, dt.timezone.utc).date()
    with session_scope(sessions) as session:
        session.execute(delete(stats_misunderstood).where(stats_misunderstood.c.day < day))


def purge_and_audit(sessions: sessionmaker, tracker: TrackerStore, days: int) -> int:
    """Purge everything expired and write one audit line with the number (no ids)."""
    from bot.console.audit import AuditLog

    total = purge_all(sessions, tracker, days)
    if total:
        detail = f"{total} gesprekken, ouder dan {days} dagen"
        AuditLog(sessions).record(None, "retention_purge", None, detail, advisor_name="systeem")
    return total


def purge_all(
    sessions: sessionmaker,
    tracker: TrackerStore,
    days: int,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Purge until nothing is left; `progress` gets the running total after each batch."""
    total = 0
    while True:
        found = purge_once(sessions, tracker, days)
        if not found:
            return total
        total += found
        if progress is not None:
            progress(total)
