"""Session expiry over the real REST channel: a person who returns much later starts fresh."""

from __future__ import annotations

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


def test_returning_after_the_session_expired_starts_fresh_and_says_so(stack) -> None:
    me = f"test-{uuid.uuid4().hex[:12]}"
    first = texts(stack.say(me, "hallo"))
    assert "Welkom terug" not in first  # a new person is not welcomed back
    stack.say(me, "ik wil een opleiding zoeken")
    stack.say(me, "ik heb een ww uitkering")
    tracker = api(stack, "GET", f"/conversations/{me}/tracker").json()
    assert tracker["slots"]["work_situation"] == "ww"

    # The same conversation, as if it happened three hours ago (the session lasts 120 minutes).
    events = tracker["events"]
    for event in events:
        event["timestamp"] -= THREE_HOURS
    api(stack, "PUT", f"/conversations/{me}/tracker/events", json=events)

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
    tracker = api(stack, "GET", f"/conversations/{me}/tracker").json()
    for event in tracker["events"]:
        event["timestamp"] -= 3600  # an hour ago: still the same session
    api(stack, "PUT", f"/conversations/{me}/tracker/events", json=tracker["events"])
    replies = texts(stack.say(me, "ik heb een ww uitkering"))
    assert "Welkom terug" not in replies
    assert "sector" in replies  # the form goes on with the next question
