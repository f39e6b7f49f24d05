"""Accounts, rate limit, audit log, claims, time-outs, exports and the AVG delete, on real
SQLite and PostgreSQL databases."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from privacy_scan import rows_holding
from sqlalchemy import text

from bot.console import export
from bot.console.audit import AuditLog
from bot.console.auth import AccountError, Accounts, RateLimited
from bot.console.avg import delete_conversation
from bot.console.reviews import ReviewError, Reviews
from bot.console.transcripts import Filters, TrackerStore, Turn, tracker_engine, turns
from bot.db import Database, utcnow
from bot.db.erasure import CONVERSATION, digest
from bot.handoff.store import HandoffStore
from bot.office_hours import OfficeHours
from bot.settings import Settings

PASSWORD = "een lang wachtwoord"


def make_settings(tmp_path: Path, **env: str) -> Settings:
    """Settings in a temporary directory (tests/conftest.py has the same; conftest modules
    are not imported, two of them clash)."""
    base = {
        "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
        "OVERSTAP_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'overstap.db'}",
    }
    return Settings.from_env({**base, **env})


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def db(request, tmp_path_factory):
    """An empty application database, migrated, per backend."""
    tmp = tmp_path_factory.mktemp("console")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp / 'overstap.db'}"
    else:
        url = request.getfixturevalue("module_postgres_database")
    database = Database(make_settings(tmp, OVERSTAP_DATABASE_URL=url))
    database.migrate()
    yield SimpleNamespace(
        sessions=database.sessions, engine=database.engine, handoff=HandoffStore(database.sessions)
    )
    database.close()


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


# -- accounts ----------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes(db) -> None:
    accounts = Accounts(db.sessions)
    name = unique("anna")
    made = accounts.create(name, PASSWORD, "beheerder", "anna")
    assert made.role == "beheerder" and made.display_name == "Anna" and made.is_admin
    with db.engine.connect() as conn:
        stored = conn.execute(
            text("SELECT password_hash FROM advisors WHERE name = :n"), {"n": name}
        ).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.authenticate(name, PASSWORD, "10.0.0.1").id == made.id
    assert accounts.authenticate(name.upper(), PASSWORD, "10.0.0.1") is not None
    assert accounts.authenticate(name, "wrong password", "10.0.0.1") is None
    assert accounts.authenticate("nobody", PASSWORD, "10.0.0.1") is None


@pytest.mark.parametrize(
    ("name", "password", "role"),
    [
        ("kort", "short", "adviseur"),
        ("Bad Name!", PASSWORD, "adviseur"),
        ("goede", PASSWORD, "baas"),
    ],
)
def test_bad_accounts_are_refused(db, name: str, password: str, role: str) -> None:
    with pytest.raises(AccountError):
        Accounts(db.sessions).create(name, password, role)


def test_a_name_is_taken_only_once(db) -> None:
    accounts = Accounts(db.sessions)
    name = unique("dup")
    accounts.create(name, PASSWORD)
    with pytest.raises(AccountError, match="al een account"):
        accounts.create(name.upper(), PASSWORD)


def test_deactivating_or_a_new_password_ends_old_sessions(db) -> None:
    accounts = Accounts(db.sessions)
    made = accounts.create(unique("epoch"), PASSWORD)
    accounts.set_password(made.id, "nog een lang wachtwoord")
    after = accounts.get(made.id)
    assert after.session_epoch == made.session_epoch + 1
    assert accounts.authenticate(made.name, PASSWORD, "10.0.0.2") is None
    accounts.set_active(made.id, False)
    assert accounts.get(made.id).session_epoch == made.session_epoch + 2
    assert accounts.authenticate(made.name, "nog een lang wachtwoord", "10.0.0.2") is None


def test_rate_limit_per_account(db) -> None:
    accounts = Accounts(db.sessions)
    made = accounts.create(unique("limit"), PASSWORD)
    for i in range(5):
        assert accounts.authenticate(made.name, "wrong", f"10.1.0.{i}") is None
    # Even the right password is refused now, from any address.
    with pytest.raises(RateLimited):
        accounts.authenticate(made.name, PASSWORD, "10.1.1.1")
    later = utcnow() + dt.timedelta(minutes=16)
    assert accounts.authenticate(made.name, PASSWORD, "10.1.1.1", now=later) is not None


def test_rate_limit_per_address(db) -> None:
    accounts = Accounts(db.sessions)
    ip = f"10.2.{uuid.uuid4().int % 250}.9"
    for i in range(20):
        accounts.authenticate(unique(f"guess{i}"), "wrong", ip)
    made = accounts.create(unique("victim"), PASSWORD)
    with pytest.raises(RateLimited):
        accounts.authenticate(made.name, PASSWORD, ip)
    assert accounts.authenticate(made.name, PASSWORD, "10.2.255.1") is not None


# -- audit log ---------------------------------------------------------------------------


def test_audit_log_is_append_only(db) -> None:
    audit = AuditLog(db.sessions)
    advisor = Accounts(db.sessions).create(unique("audit"), PASSWORD)
    cid = unique("conv")
    audit.record(advisor, "view", cid)
    audit.record(advisor, "export", cid, "csv")
    entries = audit.entries(conversation_id=cid)
    assert [e.action for e in entries] == ["export", "view"]
    assert entries[0].advisor_name == advisor.name
    for statement in (
        "UPDATE audit_log SET action = 'nothing' WHERE conversation_id = :c",
        "DELETE FROM audit_log WHERE conversation_id = :c",
    ):
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement), {"c": cid})
    assert len(audit.entries(conversation_id=cid)) == 2
    with pytest.raises(ValueError):
        audit.record(advisor, "something else", cid)


# -- claims and time-outs ----------------------------------------------------------------


def new_request(db, status: str = "open", created: dt.datetime | None = None) -> int:
    request_id = db.handoff.record(unique("conv"), "asked", {"turns": 1}, "vraag", "rest", status)
    if created:
        with db.engine.begin() as conn:
            conn.execute(
                text("UPDATE handoff_requests SET created_at = :t WHERE id = :i"),
                {"t": created, "i": request_id},
            )
    return request_id


def test_two_advisors_claim_at_once_exactly_one_wins(db) -> None:
    for _round in range(5):
        request_id = new_request(db)
        barrier = threading.Barrier(2)
        results = {}

        def claim(
            advisor_id: int, name: str, barrier=barrier, results=results, request_id=request_id
        ) -> None:
            barrier.wait()
            results[name] = db.handoff.claim(request_id, advisor_id, name)

        threads = [
            threading.Thread(target=claim, args=(1, "Anna")),
            threading.Thread(target=claim, args=(2, "Bram")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [name for name, result in results.items() if result.won]
        assert len(winners) == 1
        loser = next(r for name, r in results.items() if name not in winners)
        assert loser.holder == winners[0] and loser.status == "claimed"
        stored = db.handoff.get(request_id)
        assert stored.claimed_by_name == winners[0]


def test_only_the_claimer_ends_a_request(db) -> None:
    request_id = new_request(db)
    assert db.handoff.claim(request_id, 1, "Anna").won
    assert not db.handoff.end(request_id, 2, "returned")
    assert db.handoff.end(request_id, 1, "returned")
    assert db.handoff.get(request_id).status == "returned"
    assert not db.handoff.claim(request_id, 2, "Bram").won


def test_time_out_expires_one_old_request_per_call(db) -> None:
    hours = OfficeHours.parse("ma-zo 00:00-23:59")
    old = new_request(db, created=utcnow() - dt.timedelta(minutes=30))
    fresh = new_request(db)
    taken = new_request(db, created=utcnow() - dt.timedelta(minutes=30))
    db.handoff.claim(taken, 1, "Anna")
    expired = []
    while (request := db.handoff.expire_one(dt.timedelta(minutes=10), hours)) is not None:
        expired.append(request.id)
    assert old in expired and fresh not in expired and taken not in expired
    assert db.handoff.get(old).status == "expired"
    assert db.handoff.get(fresh).status == "open"


def test_outside_office_hours_every_waiting_request_expires(db) -> None:
    closed = OfficeHours.parse("ma 09:00-09:01")
    monday_evening = dt.datetime(2026, 11, 23, 20, 0, tzinfo=dt.timezone.utc)
    fresh = new_request(db)
    while db.handoff.expire_one(dt.timedelta(minutes=10), closed, now=monday_evening):
        pass
    assert db.handoff.get(fresh).status == "expired"


# -- review data, exports and the AVG delete ---------------------------------------------


def test_tags_notes_and_review(db) -> None:
    reviews = Reviews(db.sessions)
    cid = unique("rev")
    assert reviews.add_tag(cid, "  Werk  Zoeken ") == "werk zoeken"
    reviews.add_tag(cid, "werk zoeken")
    assert reviews.tags(cid) == ["werk zoeken"]
    with pytest.raises(ReviewError):
        reviews.add_tag(cid, "<script>")
    reviews.add_note(cid, "Anna", "Belde terug, komt goed.")
    assert [n.text for n in reviews.notes(cid)] == ["Belde terug, komt goed."]
    reviews.mark_reviewed(cid, "Anna")
    assert cid in reviews.reviewed_ids()
    reviews.remove_tag(cid, "werk zoeken")
    assert reviews.tags(cid) == []


XSS = '<img src=x onerror="alert(1)">'


def sample_turns() -> list[Turn]:
    events = [
        {"event": "user", "text": XSS, "timestamp": 1764000000.0,
         "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.31}}},
        {"event": "bot", "text": "Sorry, dat snapte ik niet.", "timestamp": 1764000001.0},
        {"event": "user", "text": "=HYPERLINK(\"http://evil\")", "timestamp": 1764000002.0,
         "parse_data": {"intent": {"name": "inform", "confidence": 0.9}}},
        {"event": "bot", "text": "-1+1", "timestamp": 1764000003.0,
         "metadata": {"sender": "adviseur", "sender_name": "Anna"}},
        {"event": "user", "text": "@SUM(A1)", "timestamp": 1764000004.0,
         "parse_data": {"intent": {"name": "inform", "confidence": 0.8}}},
    ]  # fmt: skip
    return turns(events)


def test_csv_export_guards_against_formulas() -> None:
    data = export.to_csv([("conv-1", sample_turns())])
    assert data.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(data.lstrip("\ufeff"))))
    assert rows[0] == list(export.CSV_COLUMNS)
    texts = [row[5] for row in rows[1:]]
    assert texts[0] == XSS  # text stays text; a CSV is never rendered
    assert texts[2] == '\'=HYPERLINK("http://evil")'
    assert texts[3] == "'-1+1" and rows[4][3] == "adviseur" and rows[4][4] == "Anna"
    assert texts[4] == "'@SUM(A1)"
    for row in rows[1:]:
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_json_export_keeps_text_as_text() -> None:
    data = json.loads(export.to_json([("conv-1", sample_turns(), {"tags": ["x"]})]))
    conversation = data["conversations"][0]
    assert conversation["conversation_id"] == "conv-1" and conversation["tags"] == ["x"]
    assert conversation["turns"][0]["text"] == XSS
    assert conversation["turns"][0]["intent"] == "nlu_fallback"
    assert conversation["turns"][0]["confidence"] == 0.31
    assert [t["kind"] for t in conversation["turns"]] == [
        "person",
        "bot",
        "person",
        "advisor",
        "person",
    ]


def make_tracker_store(db) -> TrackerStore:
    """The `events` table as Rasa's SQL tracker store makes it, in the same database."""
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255)"
                " NOT NULL, type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name"
                " VARCHAR(255), action_name VARCHAR(255), data TEXT)"
            )
        )
    return TrackerStore(db.engine)


def add_events(db, cid: str, events: list[dict]) -> None:
    with db.engine.begin() as conn:
        next_id = conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM events")).scalar_one()
        for i, event in enumerate(events, start=1):
            conn.execute(
                text(
                    "INSERT INTO events (id, sender_id, type_name, timestamp, intent_name,"
                    " action_name, data) VALUES (:id, :s, :t, :ts, :i, :a, :d)"
                ),
                {
                    "id": next_id + i,
                    "s": cid,
                    "t": event["event"],
                    "ts": event.get("timestamp"),
                    "i": ((event.get("parse_data") or {}).get("intent") or {}).get("name"),
                    "a": event.get("name"),
                    "d": json.dumps(event),
                },
            )


def test_transcript_filters_and_text_search(db) -> None:
    store = make_tracker_store(db)
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    a, b = unique("filter-a"), unique("filter-b")
    add_events(db, a, [
        {"event": "user", "text": "ik zoek een cursus lassen", "timestamp": now,
         "input_channel": "socketio", "parse_data": {"intent": {"name": "search_courses"}}},
        {"event": "user", "text": "café blabla", "timestamp": now + 1, "input_channel": "socketio",
         "parse_data": {"intent": {"name": "nlu_fallback"}}},
    ])  # fmt: skip
    add_events(db, b, [
        {"event": "user", "text": "hallo", "timestamp": now, "input_channel": "whatsapp",
         "parse_data": {"intent": {"name": "greet"}}},
    ])  # fmt: skip

    def ids(**filters) -> set[str]:
        rows = store.conversations(Filters(**filters), {b}, {a}, {a: ["lassen"]})
        return {r.conversation_id for r in rows} & {a, b}

    assert ids() == {a, b}
    assert ids(channel="whatsapp") == {b}
    assert ids(handed_off=True) == {b}
    assert ids(with_fallbacks=True) == {a}
    assert ids(intent="greet") == {b}
    assert ids(tag="lassen") == {a}
    assert ids(reviewed=False) == {b}
    assert ids(text="LASSEN") == {a}
    assert ids(text="café") == {a}  # stored JSON-escaped, found all the same
    assert ids(text="search_courses") == set()  # only the message text counts
    today = dt.datetime.now(dt.timezone.utc).date()
    assert ids(date_from=today + dt.timedelta(days=2)) == set()
    assert ids(date_from=today - dt.timedelta(days=1), date_to=today + dt.timedelta(days=1)) == {
        a,
        b,
    }
    row = next(
        r for r in store.conversations(Filters(), set(), set(), {}) if r.conversation_id == a
    )
    assert (row.user_turns, row.fallbacks, row.channel) == (2, 1, "socketio")


def test_avg_delete_removes_the_conversation_everywhere(db) -> None:
    store = make_tracker_store(db)
    cid = unique("avg")
    other = unique("keep")
    add_events(db, cid, [{"event": "user", "text": "ik heb schulden", "timestamp": 1.0}])
    add_events(db, other, [{"event": "user", "text": "hallo", "timestamp": 1.0}])
    request_id = db.handoff.record(cid, "topic", {}, "ik heb schulden", "socketio")
    db.handoff.record_callback(cid, "phone", "sealed", request_id, "socketio")
    reviews = Reviews(db.sessions)
    reviews.add_tag(cid, "schulden")
    reviews.add_note(cid, "Anna", "gebeld")
    reviews.mark_reviewed(cid, "Anna")
    advisor = Accounts(db.sessions).create(unique("admin"), PASSWORD, "beheerder")
    AuditLog(db.sessions).record(advisor, "view", cid)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO whatsapp_contacts (pseudonym, address_enc, options, created_at,"
                " last_inbound_at) VALUES (:p, 'x', '[]', :t, :t)"
            ),
            {"p": cid, "t": utcnow()},
        )

    deleted = delete_conversation(db.sessions, store, cid)

    assert deleted.counts["events"] == 1
    assert deleted.counts["handoff_requests"] == 1
    assert deleted.counts["callback_requests"] == 1
    assert deleted.counts["whatsapp_contacts"] == 1
    assert store.events(cid) == [] and len(store.events(other)) == 1
    assert db.handoff.for_conversation(cid) == []
    assert [c for c in db.handoff.callbacks(None) if c.conversation_id == cid] == []
    assert reviews.tags(cid) == [] and reviews.notes(cid) == [] and reviews.review(cid) is None
    with db.engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT COUNT(*) FROM whatsapp_contacts WHERE pseudonym = :p"), {"p": cid}
            ).scalar_one()
            == 0
        )
    # The audit log keeps that it was viewed; the delete itself is recorded by the console.
    assert [e.action for e in AuditLog(db.sessions).entries(conversation_id=cid)] == ["view"]
    # Every table, listed by inspection: only that audit line names the conversation. The erase
    # also leaves its tombstone (bot/console/erased.py) for a few days, which is allowed: it
    # holds a keyed hash, not the id, so that an event sent before the erase is not written
    # back after it.
    assert set(rows_holding(db.engine, [cid])) == {"audit_log"}
    with db.engine.connect() as conn:
        keys = set(conn.execute(text("SELECT key FROM erased_conversations")).scalars())
    assert digest(CONVERSATION, cid) in keys


def test_tracker_engine_leaves_rasas_sqlite_file_alone(tmp_path) -> None:
    settings = make_settings(tmp_path, OVERSTAP_TRACKER_URL=f"sqlite:///{tmp_path / 't.db'}")
    store = TrackerStore(tracker_engine(settings))
    assert store.events("nobody") == []  # no events table yet: empty, not an error
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "delete"
    store.close()
