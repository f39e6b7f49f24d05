"""The person's rights in the chat: what is stored, erasing it all, with real SQLite stores."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
import yaml
from privacy_scan import rows_holding
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text

import actions.common as common
import actions.privacy as privacy
from bot.console.audit import AuditLog
from bot.db import Database, utcnow
from bot.events import outbox
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
_DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text())
DOMAIN = {"responses": _DOMAIN["responses"], "forms": _DOMAIN["forms"]}


@pytest.fixture
def stores(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'overstap.db'}"
    settings = Settings.from_env(
        {
            "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
            "OVERSTAP_DATABASE_URL": url,
            "OVERSTAP_TRACKER_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
            "OVERSTAP_CONVERSATION_RETENTION_DAYS": "45",
        }
    )
    database = Database(settings)
    database.migrate()
    for fn in (common.settings, common.database, common.handoff, privacy.tracker_store):
        fn.cache_clear()
    monkeypatch.setattr(common, "settings", lambda: settings)
    monkeypatch.setattr(common, "database", lambda: database)
    tracker_db = privacy.tracker_store()
    with tracker_db.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
                " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
                " action_name VARCHAR(255), data TEXT)"
            )
        )
    outbox.create(tracker_db.engine)
    yield database, tracker_db
    privacy.tracker_store.cache_clear()
    common.handoff.cache_clear()
    database.close()


def tracker(sender: str, slots=None, channel: str = "socketio", form: str | None = None) -> Tracker:
    message = {"text": "x", "intent": {"name": "affirm", "confidence": 1.0}, "entities": []}
    events = [{"event": "user", "text": "x", "input_channel": channel, "parse_data": message}]
    return Tracker(
        sender_id=sender, slots=slots or {}, latest_message=message, events=events,
        paused=False, followup_action=None, active_loop={"name": form} if form else {},
        latest_action_name="action_listen",
    )  # fmt: skip


def run(action, t: Tracker) -> list[dict]:
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, t, DOMAIN))
    return dispatcher.messages


def fill(database, tracker_db, cid: str) -> None:
    with tracker_db.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, :d)"),
            {"s": cid, "t": time.time(), "d": json.dumps({"event": "user", "text": "ik werk in de zorg"})},
        )  # fmt: skip
        outbox.add(conn, cid, [1])
    request_id = common.handoff().record(cid, "topic", {}, "vraag", "whatsapp")
    common.handoff().record_callback(cid, "phone", "sealed", request_id, "whatsapp")
    with database.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO whatsapp_contacts (pseudonym, address_enc, options, created_at,"
                " last_inbound_at) VALUES (:p, 'x', '[]', :t, :t)"
            ),
            {"p": cid, "t": utcnow()},
        )


def test_privacy_says_how_long_a_conversation_is_kept(stores) -> None:
    messages = run(privacy.ActionExplainPrivacy(), tracker("p1"))
    assert [m["response"] for m in messages] == ["utter_privacy", "utter_privacy_retention"]
    assert messages[1]["retention_days"] == 45


def test_what_is_stored_lists_the_answers_and_requests(stores) -> None:
    database, tracker_db = stores
    messages = run(privacy.ActionShowStoredData(), tracker("nobody"))
    assert [m["response"] for m in messages] == ["utter_stored_nothing", "utter_stored_after"]
    fill(database, tracker_db, "known")
    slots = {"work_situation": "ww", "sector": "zorg", "age": "27-44"}
    messages = run(privacy.ActionShowStoredData(), tracker("known", slots))
    assert [m["response"] for m in messages] == [
        "utter_stored_profile", "utter_stored_handoff", "utter_stored_callback", "utter_stored_after",
    ]  # fmt: skip
    assert messages[0]["sector"] == "Zorg en welzijn" and messages[0]["age"] == "27 - 44"
    assert messages[-1]["retention_days"] == 45


@pytest.mark.parametrize("form", ["profile_form", "callback_form", "occupation_form"])
def test_in_a_form_the_answers_ask_nothing_since_the_form_asks_next(stores, form: str) -> None:
    """The form's own question follows (data/rules): one question at a time."""
    shown = run(privacy.ActionShowStoredData(), tracker("nobody", form=form))
    assert [m["response"] for m in shown] == ["utter_stored_nothing", "utter_stored_after_form"]
    explained = run(privacy.ActionExplainPrivacy(), tracker("nobody", form=form))
    assert [m["response"] for m in explained] == ["utter_privacy", "utter_privacy_retention_form"]
    assert shown[-1]["retention_days"] == explained[-1]["retention_days"] == 45
    for name in ("utter_stored_after_form", "utter_privacy_retention_form"):
        (variant,) = DOMAIN["responses"][name]
        assert "?" not in variant["text"] and "buttons" not in variant


def erase_asked(before: list[dict], *, in_form: bool) -> list[dict]:
    """The events of the turn that asks "Wil je echt alles wissen?", then the person's "nee"."""

    def user(intent: str) -> dict:
        return {"event": "user", "text": intent, "parse_data": {"intent": {"name": intent}}}

    def action(name: str) -> dict:
        return {"event": "action", "name": name}

    stop = [action("action_deactivate_loop"), {"event": "active_loop", "name": None}]
    return [*before, user("request_erasure"), *(stop if in_form else []),
            action("utter_ask_erase_confirm"), {"event": "bot", "text": "Wil je echt alles wissen?"},
            action("action_listen"), user("deny")]  # fmt: skip


def cancel(events: list[dict]) -> tuple[list[str], list[dict]]:
    t = tracker("p")
    t.events = events
    dispatcher = CollectingDispatcher()
    result = asyncio.run(privacy.ActionCancelErase().run(dispatcher, t, DOMAIN))
    return [m["response"] for m in dispatcher.messages], result


@pytest.mark.parametrize("form", ["profile_form", "callback_form", "occupation_form"])
def test_not_erasing_goes_on_with_the_form_the_question_stopped(form: str) -> None:
    started = [{"event": "action", "name": form}, {"event": "active_loop", "name": form},
               {"event": "slot", "name": "requested_slot", "value": "x"},
               {"event": "action", "name": "action_listen"}]  # fmt: skip
    shown, events = cancel(erase_asked(started, in_form=True))
    assert shown == ["utter_erase_cancelled"]
    assert events == [{"event": "followup", "name": form, "timestamp": None}]


def test_not_erasing_outside_a_form_asks_what_next() -> None:
    # A form that ended before: nothing to go on with.
    ended = [{"event": "active_loop", "name": "profile_form"}, {"event": "active_loop", "name": None},
             {"event": "action", "name": "action_search_courses"}]  # fmt: skip
    for events in (erase_asked([], in_form=False), erase_asked(ended, in_form=False)):
        assert cancel(events) == (["utter_erase_cancelled", "utter_what_next"], [])


def test_erase_deletes_everything_but_the_whatsapp_number_until_the_reply(stores) -> None:
    database, tracker_db = stores
    fill(database, tracker_db, "wa-person")
    fill(database, tracker_db, "web-person")
    messages = run(privacy.ActionEraseConversation(), tracker("wa-person", channel="whatsapp"))
    assert [m.get("response") for m in messages] == ["utter_erase_done", None]
    assert messages[1]["custom"] == {"overstap_erased": True}
    assert rows_holding(database.engine, ["wa-person"]) == {"whatsapp_contacts": ["wa-person"]}
    assert rows_holding(tracker_db.engine, ["wa-person"]) == {}
    run(privacy.ActionEraseConversation(), tracker("web-person"))
    assert rows_holding(database.engine, ["web-person"]) == {}
    assert rows_holding(tracker_db.engine, ["web-person"]) == {}
    entries = [e for e in AuditLog(database.sessions).entries(10) if e.action == "erase_self"]
    assert [e.conversation_id for e in entries] == [None, None]
    assert entries[1].detail.startswith("kanaal=whatsapp, rijen=")


def test_erase_that_fails_says_so_and_sends_no_marker(stores, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(privacy, "delete_conversation", broken)
    messages = run(privacy.ActionEraseConversation(), tracker("p2"))
    assert [m.get("response") for m in messages] == ["utter_erase_failed"]
