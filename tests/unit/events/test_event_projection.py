"""The console's tables fed from events give the same statistics and live turns as reading the
tracker store, and a repeated event changes nothing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.console import stats
from bot.console.transcripts import turns
from bot.db import Base
from bot.events import projection
from bot.office_hours import TIMEZONE


def events_for(day: dt.date) -> list[tuple[str, dict]]:
    noon = dt.datetime.combine(day, dt.time(12), TIMEZONE).timestamp()

    def user(text: str, intent: str, offset: float) -> dict:
        return {"event": "user", "text": text, "timestamp": noon + offset,
                "parse_data": {"intent": {"name": intent, "confidence": 0.8}, "entities": []},
                "input_channel": "socketio"}  # fmt: skip

    return [
        ("a", user("hallo", "greet", 0)),
        ("a", {"event": "bot", "text": "Hoi!", "timestamp": noon + 1}),
        ("a", user("blabla  ZZ", "nlu_fallback", 2)),
        ("b", user("hoi", "greet", 3)),
        ("b", user("blabla zz", "nlu_fallback", 4)),
        ("b", {"event": "pause", "timestamp": noon + 5}),
        ("c", user("ik wil werk", "inform", -86400 * 2)),
        ("a", {"event": "action", "name": "action_listen", "timestamp": noon + 6}),
    ]


def test_counters_give_the_same_statistics_as_reading_every_event(tmp_path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'app.db'}", future=True)
    Base.metadata.create_all(engine, tables=list(projection.TABLES))
    today = dt.date(2026, 11, 20)
    events = events_for(today)
    with engine.begin() as conn:
        for event_id, (sender, event) in enumerate(events, start=1):
            projection.apply(conn, event_id, {"sender_id": sender, **event})
        for event_id, (sender, event) in enumerate(events, start=1):  # delivered twice
            assert not projection.apply(conn, event_id, {"sender_id": sender, **event})
    expected = stats.compute(events, {"b"}, today, 30)
    got = projection.statistics(engine, {"b"}, today, 30)
    for name in ("conversations_per_day", "handoffs_per_day", "conversations", "handed_off",
                 "user_turns", "fallbacks", "top_intents", "misunderstood"):  # fmt: skip
        assert getattr(got, name) == getattr(expected, name), name


def test_live_turns_are_the_transcripts_turns_by_event_id(tmp_path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'app.db'}", future=True)
    Base.metadata.create_all(engine, tables=list(projection.TABLES))
    events = events_for(dt.date(2026, 11, 20))
    with engine.begin() as conn:
        for event_id, (sender, event) in enumerate(events, start=10):
            projection.apply(conn, event_id, {"sender_id": sender, **event})
    a_events = [e for s, e in events if s == "a"]
    expected = [(t.kind, t.text, t.intent) for t in turns(a_events)]
    got = projection.live_turns(engine, "a")
    assert [(t.kind, t.text, t.intent) for t in got] == expected
    assert [t.index for t in got] == [10, 11, 12]
    assert [t.index for t in projection.live_turns(engine, "a", after=11)] == [12]
