"""The advisor console against the running stack (Rasa, action server, web app), over HTTP.

Handoff triggers in the trained model, the takeover round trip through Rasa's HTTP API (pause,
advisor messages, hand back), the time-out with its call-back, and the AVG delete.
"""

from __future__ import annotations

import re
import sqlite3
import time
import uuid

import pytest
import requests

pytestmark = pytest.mark.rasa


def new_sender() -> str:
    return f"console-{uuid.uuid4().hex[:12]}"


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def buttons(replies: list[dict]) -> list[str]:
    return [b["title"] for r in replies for b in r.get("buttons", [])]


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture(scope="module")
def advisers(stack) -> dict[str, str]:
    return {
        "lisa": stack.create_advisor("lisa", "adviseur", "Lisa"),
        "beheer": stack.create_advisor("beheer", "beheerder", "Bea"),
    }


def console(stack, advisers, name: str = "lisa") -> requests.Session:
    session = requests.Session()
    page = session.get(stack.web_url + "/adviseur/login", timeout=10)
    response = session.post(
        stack.web_url + "/adviseur/login",
        data={"name": name, "password": advisers[name], "csrf_token": csrf_of(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 303, response.text
    return session


def request_row(stack, sender: str):
    db = sqlite3.connect(stack.var_dir / "overstap.db")
    try:
        return db.execute(
            "SELECT id, status, reason, summary, open_question FROM handoff_requests"
            " WHERE conversation_id = ? ORDER BY id DESC",
            (sender,),
        ).fetchone()
    finally:
        db.close()


def tracker_events(stack, sender: str) -> list[dict]:
    response = requests.get(
        f"{stack.rasa_url}/conversations/{sender}/tracker",
        params={"token": stack.rasa_token, "include_events": "ALL"},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["events"]


def test_make_run_prints_the_console_url(stack) -> None:
    output = stack.output.read_text(errors="replace")
    assert f"Adviseurs:      {stack.web_url}/adviseur\n" in output
    assert ".venv/bin/overstap advisor create <naam> --role beheerder" in output
    assert "Kantooruren:    ma-zo 00:00-23:59 (nu open)" in output


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ("ik heb veel schulden", "debt"),
        ("ik zit thuis met een burn-out", "illness"),
        ("ik heb ruzie met mijn baas", "employer_conflict"),
        ("moet ik het studiekostenbeding terugbetalen", "legal"),
    ],
)
def test_hard_topics_offer_a_human_and_the_request_says_why(stack, message, topic) -> None:
    me = new_sender()
    stack.say(me, "hallo")
    replies = stack.say(me, message)
    assert "Daar helpt een mens je beter bij" in texts(replies)
    assert "Ja, een adviseur" in buttons(replies)
    stack.say(me, "/request_human")
    row = request_row(stack, me)
    assert row is not None and row[2] == "topic"
    assert f'"topic": "{topic}"' in row[3]
    assert row[4] == message


def test_hard_topic_in_the_middle_of_the_questions_then_the_questions_go_on(stack) -> None:
    me = new_sender()
    stack.say(me, "hallo")
    assert "Wat doe je nu" in texts(stack.say(me, "ja"))
    replies = stack.say(me, "ik heb een burn-out")
    assert "burn-out" in texts(replies) and "Wat doe je nu" in texts(replies)


def test_reading_trouble_first_shorter_then_a_person(stack) -> None:
    me = new_sender()
    stack.say(me, "hallo")
    first = stack.say(me, "ik snap het niet")
    assert "Ik zeg het korter" in texts(first)
    second = stack.say(me, "dit is te moeilijk")
    assert "Zal ik een mens voor je vragen" in texts(second)
    stack.say(me, "/request_human")
    assert request_row(stack, me)[2] == "literacy"


def test_asking_for_voice(stack) -> None:
    me = new_sender()
    stack.say(me, "hallo")
    assert "kan je wel bellen" in texts(stack.say(me, "kun je het voorlezen"))


def test_takeover_round_trip_through_rasa(stack, advisers) -> None:
    me = new_sender()
    stack.say(me, "hallo")
    stack.say(me, "ik wil een mens spreken")
    request_id, status, *_ = request_row(stack, me)
    assert status == "open"
    lisa = console(stack, advisers)
    queue = lisa.get(stack.web_url + "/adviseur/api/wachtrij", timeout=10).json()
    assert request_id in [item["id"] for item in queue["open"]]

    page = lisa.get(stack.web_url + "/adviseur/wachtrij", timeout=10)
    claimed = lisa.post(
        f"{stack.web_url}/adviseur/verzoek/{request_id}/oppakken",
        data={"csrf_token": csrf_of(page.text)},
        timeout=30,
    )
    assert claimed.url.endswith(f"/adviseur/verzoek/{request_id}")
    events = tracker_events(stack, me)
    assert events[-2]["event"] == "pause"
    assert "Lisa" in events[-1]["text"]

    # Paused: the bot does not answer the person, the advisor sees the message.
    assert stack.say(me, "hallo, is daar iemand?") == []
    messages = lisa.get(
        f"{stack.web_url}/adviseur/api/verzoek/{request_id}/berichten?na=-1", timeout=10
    ).json()
    assert messages["mine"] and messages["status"] == "claimed"
    last_turn = messages["turns"][-1]
    assert (last_turn["kind"], last_turn["text"]) == ("person", "hallo, is daar iemand?")

    token = csrf_of(claimed.text)
    sent = lisa.post(
        f"{stack.web_url}/adviseur/api/verzoek/{request_id}/bericht",
        json={"text": "Hoi, ik ben Lisa. Waar kan ik je mee helpen?"},
        headers={"X-CSRF-Token": token},
        timeout=30,
    )
    assert sent.status_code == 200, sent.text
    last = tracker_events(stack, me)[-1]
    assert last["event"] == "bot" and last["text"] == "Hoi, ik ben Lisa. Waar kan ik je mee helpen?"
    # Rasa adds its own assistant_id and model_id to the metadata; ours marks the adviser.
    assert {k: last["metadata"].get(k) for k in ("sender", "sender_name")} == {
        "sender": "adviseur",
        "sender_name": "Lisa",
    }

    back = lisa.post(
        f"{stack.web_url}/adviseur/verzoek/{request_id}/teruggeven",
        data={"csrf_token": token},
        timeout=30,
    )
    assert "Teruggegeven aan de bot" in back.text
    assert request_row(stack, me)[1] == "returned"
    assert any(e["event"] == "resume" for e in tracker_events(stack, me)[-3:])
    assert "computerprogramma" in texts(stack.say(me, "hallo"))  # the bot answers again


def test_nobody_in_time_offers_a_call_back_with_consent_first(stack) -> None:
    me = new_sender()
    stack.say(me, "hallo")
    stack.say(me, "ik wil een mens spreken")
    request_id = request_row(stack, me)[0]
    db = sqlite3.connect(stack.var_dir / "overstap.db")
    with db:
        db.execute(
            "UPDATE handoff_requests SET created_at = datetime('now', '-1 hour') WHERE id = ?",
            (request_id,),
        )
    db.close()
    deadline = time.monotonic() + 60  # the worker looks every 15 seconds
    while request_row(stack, me)[1] != "expired":
        assert time.monotonic() < deadline, "the request did not expire"
        time.sleep(1)
    deadline = time.monotonic() + 30
    while "Wil je dat een adviseur contact met je opneemt" not in "\n".join(
        e.get("text") or "" for e in tracker_events(stack, me) if e["event"] == "bot"
    ):
        assert time.monotonic() < deadline, "no call-back offer after the time-out"
        time.sleep(1)
    bot_texts = [e.get("text") or "" for e in tracker_events(stack, me) if e["event"] == "bot"]
    assert any("Er is nu geen adviseur vrij" in t for t in bot_texts)

    assert "Hoe wil je contact" in texts(stack.say(me, "ja"))
    assert "telefoonnummer" in texts(stack.say(me, '/inform{"callback_method": "phone"}'))
    assert "lijkt geen telefoonnummer" in texts(stack.say(me, "weet ik niet"))
    saved = stack.say(me, "06 87654321")
    assert "neemt contact met je op" in texts(saved)
    db = sqlite3.connect(stack.var_dir / "overstap.db")
    row = db.execute(
        "SELECT method, handoff_id, contact_enc FROM callback_requests WHERE conversation_id = ?",
        (me,),
    ).fetchone()
    db.close()
    assert row[0] == "phone" and row[1] == request_id and "87654321" not in row[2]
    stored = "\n".join(str(e) for e in tracker_events(stack, me))
    assert "87654321" not in stored


def test_declining_the_call_back_asks_nothing_more(stack) -> None:
    me = new_sender()
    stack.say(me, "hallo")
    offer = stack.say(me, "kunnen jullie mij terugbellen")
    assert "Wil je dat een adviseur contact met je opneemt" in texts(offer)
    assert "niemand contact" in texts(stack.say(me, "nee"))


def test_callback_list_shows_the_number_to_advisers(stack, advisers) -> None:
    me = new_sender()
    stack.say(me, "hallo")
    stack.say(me, "bel me terug")
    stack.say(me, "ja")
    stack.say(me, '/inform{"callback_method": "email"}')
    assert "neemt contact met je op" in texts(stack.say(me, "mail: piet@example.nl"))
    lisa = console(stack, advisers)
    page = lisa.get(stack.web_url + "/adviseur/terugbellen", timeout=10)
    assert "piet@example.nl" in page.text


def test_avg_delete_by_a_beheerder(stack, advisers) -> None:
    me = new_sender()
    stack.say(me, "hallo")
    stack.say(me, "ik wil een mens spreken")
    admin = console(stack, advisers, "beheer")
    page = admin.get(f"{stack.web_url}/adviseur/gesprekken/{me}", timeout=10)
    assert page.status_code == 200
    done = admin.post(
        f"{stack.web_url}/adviseur/gesprekken/{me}/verwijderen",
        data={"csrf_token": csrf_of(page.text), "zeker": "ja"},
        timeout=30,
    )
    assert "overal verwijderd" in done.text
    db = sqlite3.connect(stack.var_dir / "tracker.db")
    assert db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (me,)).fetchone()[0] == 0
    db.close()
    assert request_row(stack, me) is None
    audit = admin.get(f"{stack.web_url}/adviseur/auditlog?gesprek={me}", timeout=10).text
    assert "gesprek verwijderd (AVG)" in audit and "gesprek bekeken" in audit
