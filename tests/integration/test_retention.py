"""Retention: a conversation past OVERSTAP_CONVERSATION_RETENTION_DAYS is deleted from every
table by the worker's run, on real SQLite and PostgreSQL; an adviser's hold keeps one longer."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from types import SimpleNamespace

import pytest
from privacy_scan import rows_holding, table_names
from sqlalchemy import text

from bot import worker
from bot.console import retention
from bot.console.audit import AuditLog
from bot.console.reviews import Reviews
from bot.console.transcripts import TrackerStore
from bot.db import Database, utcnow
from bot.db.erasure import CONVERSATION, digest
from bot.errors import ReviewError
from bot.events import outbox, projection
from bot.handoff.store import HandoffStore
from bot.settings import Settings

DAY = 86400.0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    """Application and tracker tables in one migrated database (as the tests of the console)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'overstap.db'}"
    else:
        url = request.getfixturevalue("postgres_database")
    settings = Settings.from_env(
        {
            "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
            "OVERSTAP_DATABASE_URL": url,
            "OVERSTAP_TRACKER_URL": url,
            "OVERSTAP_CONVERSATION_RETENTION_DAYS": "90",
        }
    )
    database = Database(settings)
    database.migrate()
    with database.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS events"))
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255)"
                " NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name"
                " VARCHAR(255), action_name VARCHAR(255), data TEXT)"
            )
        )
    outbox.create(database.engine)
    with database.engine.begin() as conn:
        conn.execute(text("DELETE FROM event_outbox"))
    yield SimpleNamespace(
        settings=settings,
        database=database,
        engine=database.engine,
        sessions=database.sessions,
        tracker=TrackerStore(database.engine),
    )
    database.close()


def fill(db, cid: str, last: float) -> None:
    """One conversation in every store: events, outbox, handoff, call-back, review data,
    live events and statistics, and the WhatsApp tables."""
    events = [
        {"event": "user", "text": f"hallo {cid}", "timestamp": last - 60},
        {"event": "bot", "text": "Hoi!", "timestamp": last},
    ]
    with db.engine.begin() as conn:
        next_id = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM events")).scalar_one()
        ids = []
        for i, event in enumerate(events, start=1):
            conn.execute(
                text(
                    "INSERT INTO events (id, sender_id, type_name, timestamp, data)"
                    " VALUES (:id, :s, :t, :ts, :d)"
                ),
                {"id": next_id + i, "s": cid, "t": event["event"], "ts": event["timestamp"],
                 "d": str(event).replace("'", '"')},
            )  # fmt: skip
            ids.append(next_id + i)
            projection.apply(conn, next_id + i, {"sender_id": cid, **event})
        outbox.add(conn, cid, ids)
        conn.execute(
            text(
                "INSERT INTO whatsapp_contacts (pseudonym, address_enc, options, created_at,"
                " last_inbound_at) VALUES (:p, 'x', '[]', :t, :t)"
            ),
            {"p": cid, "t": utcnow()},
        )
        conn.execute(
            text(
                "INSERT INTO whatsapp_send_errors (pseudonym, error_code, error_title,"
                " created_at) VALUES (:p, 131047, 'window', :t)"
            ),
            {"p": cid, "t": utcnow()},
        )
    handoff = HandoffStore(db.sessions)
    request_id = handoff.record(cid, "topic", {}, "vraag", "socketio")
    handoff.record_callback(cid, "phone", "sealed", request_id, "socketio")
    reviews = Reviews(db.sessions)
    reviews.add_tag(cid, "label")
    reviews.add_note(cid, "Anna", "notitie")
    reviews.mark_reviewed(cid, "Anna")


def test_the_workers_run_deletes_an_old_conversation_from_every_table(db) -> None:
    now = time.time()
    old, young, held = (f"{k}-{uuid.uuid4().hex[:8]}" for k in ("old", "young", "held"))
    fill(db, old, now - 91 * DAY)
    fill(db, young, now - 89 * DAY)
    fill(db, held, now - 200 * DAY)
    retention.keep_longer(db.sessions, held, 30, "Klacht loopt nog", "anna")
    AuditLog(db.sessions).record(None, "retain", held, "30 dagen", advisor_name="anna")

    assert set(rows_holding(db.engine, [old])) >= {
        "events", "event_outbox", "live_events", "stats_conversations", "handoff_requests",
        "callback_requests", "conversation_notes", "conversation_tags", "conversation_reviews",
        "whatsapp_contacts", "whatsapp_send_errors",
    }  # fmt: skip

    once = worker.retention_once(db.settings, db.database, db.tracker)
    asyncio.run(once())

    # Every table, listed by inspection, the tombstones too (bot/console/erased.py): they may
    # hold a row for `old`, a keyed hash that keeps late events from writing it back, never
    # the id itself.
    assert {"erased_conversations", "whatsapp_erased_messages"} <= set(table_names(db.engine))
    assert rows_holding(db.engine, [old]) == {}, table_names(db.engine)
    with db.engine.connect() as conn:
        keys = set(conn.execute(text("SELECT key FROM erased_conversations")).scalars())
    assert digest(CONVERSATION, old) in keys and digest(CONVERSATION, young) not in keys
    assert "events" in rows_holding(db.engine, [young])
    assert "events" in rows_holding(db.engine, [held])
    assert "conversation_holds" in rows_holding(db.engine, [held])
    entries = AuditLog(db.sessions).entries(10)
    purge = [e for e in entries if e.action == "retention_purge"]
    assert purge and purge[0].conversation_id is None
    assert purge[0].detail.endswith("ouder dan 90 dagen")


def test_a_hold_ends_and_then_the_purge_takes_the_conversation(db) -> None:
    now = time.time()
    cid = f"hold-{uuid.uuid4().hex[:8]}"
    fill(db, cid, now - 100 * DAY)
    retention.keep_longer(db.sessions, cid, 10, "  onderzoek \n naar klacht ", "anna")
    hold = retention.hold_of(db.sessions, cid)
    assert hold is not None and hold.reason == "onderzoek naar klacht"
    retention.purge_once(db.sessions, db.tracker, 90, now=now)
    assert "events" in rows_holding(db.engine, [cid])
    # Eleven days later the hold has ended.
    later = now + 11 * DAY
    assert cid in retention.expired(db.sessions, db.tracker, 90, later, limit=1000)
    while retention.purge_once(db.sessions, db.tracker, 90, now=later):
        pass
    assert rows_holding(db.engine, [cid]) == {}


def test_a_conversation_kept_only_by_the_event_consumer_goes_too(db) -> None:
    now = time.time()
    cid = f"proj-{uuid.uuid4().hex[:8]}"
    fill(db, cid, now - 95 * DAY)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE sender_id = :s"), {"s": cid})
    assert cid in retention.expired(db.sessions, db.tracker, 90, now, limit=1000)
    retention.purge_all(db.sessions, db.tracker, 90)
    assert rows_holding(db.engine, [cid]) == {}


def test_a_hold_needs_a_reason_and_sane_days(db) -> None:
    with pytest.raises(ReviewError):
        retention.keep_longer(db.sessions, "x", 30, "   ", "anna")
    with pytest.raises(ReviewError):
        retention.keep_longer(db.sessions, "x", 0, "reden", "anna")
    with pytest.raises(ReviewError):
        retention.keep_longer(db.sessions, "x", 5000, "reden", "anna")


def test_old_misunderstood_counters_go_by_day(db) -> None:
    now = time.time()
    old_day = (dt.datetime.fromtimestamp(now, dt.timezone.utc) - dt.timedelta(days=100)).date()
    new_day = (dt.datetime.fromtimestamp(now, dt.timezone.utc) - dt.timedelta(days=10)).date()
    with db.engine.begin() as conn:
        for day, key in ((old_day, "oud bericht"), (new_day, "nieuw bericht")):
            conn.execute(
                text("INSERT INTO stats_misunderstood (day, text_key, count) VALUES (:d, :k, 1)"),
                {"d": day, "k": key},
            )
    retention.purge_once(db.sessions, db.tracker, 90, now=now)
    assert rows_holding(db.engine, ["oud bericht"]) == {}
    assert "stats_misunderstood" in rows_holding(db.engine, ["nieuw bericht"])


def test_overstap_privacy_purge_says_what_it_did(tmp_path, monkeypatch, capsys) -> None:
    from bot.cli import main

    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    env = {
        "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
        "OVERSTAP_DATABASE_URL": f"sqlite:///{tmp_path / 'overstap.db'}",
        "OVERSTAP_TRACKER_URL": tracker_url,
        "OVERSTAP_CONVERSATION_RETENTION_DAYS": "30",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    tracker = Database(Settings.from_env(env), tracker_url)
    with tracker.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255)"
                " NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name"
                " VARCHAR(255), action_name VARCHAR(255), data TEXT)"
            )
        )
        for sender, age_days in (("oud", 31), ("nieuw", 29)):
            conn.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data)"
                     " VALUES (:s, 'user', :t, '{}')"),
                {"s": sender, "t": time.time() - age_days * DAY},
            )  # fmt: skip
    assert main(["privacy", "purge"]) == 0
    out = capsys.readouterr().out
    assert "ouder is dan 30 dagen" in out and "Klaar: 1 gesprekken verwijderd" in out
    assert rows_holding(tracker.engine, ["oud"]) == {}
    assert "events" in rows_holding(tracker.engine, ["nieuw"])
    tracker.close()
