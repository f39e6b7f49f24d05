"""Advisers see the person's occupation and the work they looked at: in the handoff summary, the
queue and the transcript (the console over real HTTP, SQLite)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import text
from webserver import serve

from bot.catalog.store import Catalog
from bot.console.auth import Accounts
from bot.db import Database
from bot.handoff import summary
from bot.handoff.store import HandoffStore
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.console import labels

PASSWORD = "een lang wachtwoord"


@pytest.fixture(scope="module")
def conversation(by_label) -> tuple[list[dict], dict]:
    bus, tram = by_label("buschauffeur"), by_label("trambestuurder")
    now = time.time()
    events = [
        {
            "event": "user",
            "text": "ik ben buschauffeur, wat voor ander werk kan ik doen?",
            "timestamp": now,
            "input_channel": "rest",
            "parse_data": {"intent": {"name": "ask_other_work", "confidence": 0.9}},
        },
        {"event": "slot", "name": "current_occupation", "value": bus.id, "timestamp": now},
        {"event": "slot", "name": "work_viewed", "value": [tram.id], "timestamp": now},
        {"event": "bot", "text": "Trambestuurder", "timestamp": now},
    ]
    slots = {"current_occupation": bus.id, "work_viewed": [tram.id], "occupation": "buschauffeur"}
    return events, slots


def test_the_summary_names_the_work_in_words(conversation) -> None:
    events, slots = conversation
    built = summary.build(events, slots)
    assert built["work"] == {"occupation": "Buschauffeur", "viewed": ["Trambestuurder"]}
    assert ("Beroep (ESCO)", "Buschauffeur") in labels.profile(built)
    assert ("Bekeken werk", "Trambestuurder") in labels.profile(built)
    assert summary.build(events[:1], {})["work"] == {}


@pytest.fixture(scope="module")
def site(tmp_path_factory, conversation):
    tmp: Path = tmp_path_factory.mktemp("careers-console")
    settings = Settings.from_env(
        {
            "OVERSTAP_VAR_DIR": str(tmp / "var"),
            "OVERSTAP_DATABASE_URL": f"sqlite:///{tmp / 'var' / 'overstap.db'}",
            "OVERSTAP_TRACKER_URL": f"sqlite:///{tmp / 'var' / 'tracker.db'}",
            "OVERSTAP_SECRET_KEY": "careers console secret",
            "OVERSTAP_RASA_TOKEN": "careers console token",
        }
    )
    catalog = Catalog.open(settings)
    catalog.migrate()
    Accounts(catalog.sessions).create("adv", PASSWORD, "adviseur", "Anna")
    events, slots = conversation
    HandoffStore(catalog.sessions).record(
        "bus-conv", "asked", summary.build(events, slots), "wat kan ik nog meer", "rest"
    )
    tracker = Database(settings, settings.tracker_url)
    with tracker.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
                " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
                " action_name VARCHAR(255), data TEXT)"
            )
        )
        for i, event in enumerate(events, start=1):
            conn.execute(
                text(
                    "INSERT INTO events (id, sender_id, type_name, timestamp, intent_name, data)"
                    " VALUES (:i, 'bus-conv', :t, :ts, :n, :d)"
                ),
                {
                    "i": i,
                    "t": event["event"],
                    "ts": event["timestamp"],
                    "n": (event.get("parse_data") or {}).get("intent", {}).get("name"),
                    "d": json.dumps(event),
                },
            )
    tracker.close()
    with serve(create_app(settings, catalog=catalog, worker=False)) as url:
        yield url
    catalog.close()


def login(url: str) -> requests.Session:
    session = requests.Session()
    page = session.get(url + "/adviseur/login", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = session.post(
        url + "/adviseur/login",
        data={"name": "adv", "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 303
    return session


def test_queue_request_and_transcript_show_the_work(site) -> None:
    session = login(site)
    queue = session.get(site + "/adviseur/api/wachtrij", timeout=10).json()
    mine = next(r for r in queue["open"] if r["open_question"] == "wat kan ik nog meer")
    assert "Beroep (ESCO): Buschauffeur" in mine["profile"]
    assert "Bekeken werk: Trambestuurder" in mine["profile"]
    request_page = session.get(f"{site}/adviseur/verzoek/{mine['id']}", timeout=10)
    assert "Beroep (ESCO)" in request_page.text and "Trambestuurder" in request_page.text
    transcript = session.get(site + "/adviseur/gesprekken/bus-conv", timeout=10)
    assert transcript.status_code == 200
    dl = transcript.text.split('<dl class="summary">', 1)[1].split("</dl>", 1)[0]
    assert "Beroep (ESCO)" in dl and "Buschauffeur" in dl
    assert "Bekeken werk" in dl and "Trambestuurder" in dl
