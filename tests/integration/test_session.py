"""Session expiry over the real REST channel: a person who returns much later starts fresh."""

from __future__ import annotations

import sqlite3
import uuid

import pytest
import requests

pytestmark = pytest.mark.rasa

THREE_HOURS = 3 * 3600


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def api(stack, method: str, path: str, **kw) -> requests.Response:
    token = (stack.var_dir / "rasa_token").read_text().strip()
    response = requests.request(
        method, f"{stack.rasa_url}{path}", params={"token": token}, timeout=30, **kw
    )
    response.raise_for_status()
    return response


def shift_back(stack, sender: str, seconds: int) -> None:
    """Make a conversation look older: move every stored event back in time.

    Rasa's HTTP API cannot do this (replacing events keeps the stored ones), so the test
    edits the SQL tracker store that `overstap run` uses, column and JSON alike.
    """
    with sqlite3.connect(stack.var_dir / "tracker.db") as db:
        changed = db.execute(
            "UPDATE events SET timestamp = timestamp - ?, "
            "data = json_set(data, '$.timestamp', json_extract(data, '$.timestamp') - ?) "
            "WHERE sender_id = ?",
            (seconds, seconds, sender),
        ).rowcount
    assert changed > 0


def test_returning_after_the_session_expired_starts_fresh_and_says_so(stack) -> None:
    me = f"test-{uuid.uuid4().hex[:12]}"
    first = texts(stack.say(me, "hallo"))
    assert "Welkom terug" not in first  # a new person is not welcomed back
    stack.say(me, "ik wil een opleiding zoeken")
    stack.say(me, "ik heb een ww uitkering")
    tracker = api(stack, "GET", f"/conversations/{me}/tracker").json()
    assert tracker["slots"]["work_situation"] == "ww"

    # The same conversation, as if it happened three hours ago (the session lasts 120 minutes).
    shift_back(stack, me, THREE_HOURS)

    replies = texts(stack.say(me, "hoi"))
    assert "Welkom terug" in replies
    assert "begin ik opnieuw" in replies
    tracker = api(stack, "GET", f"/conversations/{me}/tracker").json()
    assert tracker["slots"]["work_situation"] is None
    assert sum(e["event"] == "session_started" for e in tracker["events"]) == 2


def test_a_pause_within_the_session_picks_up_where_it_was(stack) -> None:
    me = f"test-{uuid.uuid4().hex[:12]}"
    stack.say(me, "hallo")
    stack.say(me, "ik wil een opleiding zoeken")
    shift_back(stack, me, 3600)  # an hour ago: still the same session
    replies = texts(stack.say(me, "ik heb een ww uitkering"))
    assert "Welkom terug" not in replies
    assert "sector" in replies  # the form goes on with the next question
