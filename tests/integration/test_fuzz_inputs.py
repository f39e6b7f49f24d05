"""Generated text and JSON (hypothesis) into the public inputs of the running stack: the REST
webhook, the socket.io events and the WhatsApp webhook. None may answer 500, crash the server
or take unbounded time; afterwards the stack still holds an ordinary conversation."""

from __future__ import annotations

import json
import sqlite3
import time
import uuid

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_socketio_channel import ChatClient
from test_whatsapp_conversation import Person
from whatsapp_fakes import sign, text_payload

pytestmark = pytest.mark.rasa

MAX_REPLY_S = 20.0  # one turn on two busy cores takes a few seconds; a hang takes forever
FUZZ = settings(
    max_examples=40,
    deadline=None,  # timed below, per request, with a bound that fits a busy machine
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=60)
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)
# Messages people could type, with Unicode of every kind, control characters and long runs.
texts = st.text(max_size=2500) | st.text(alphabet="{}[]/\\\"'<>&%$#@!0123456789 ", max_size=80)
rest_bodies = json_values | st.fixed_dictionaries(
    {"sender": st.text(min_size=1, max_size=40) | json_values, "message": texts | json_values},
    optional={"metadata": json_values, "input_channel": json_values},
)


def timed_post(url: str, **kwargs) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = requests.post(url, timeout=MAX_REPLY_S + 10, **kwargs)
    return response, time.monotonic() - started


def still_talks(stack) -> None:
    replies = stack.say(f"fuzz-after-{uuid.uuid4().hex[:8]}", "hallo")
    assert replies and replies[0].get("text")


@FUZZ
@given(body=rest_bodies)
def test_rest_json_never_fails_the_server(stack, body) -> None:
    url = f"{stack.rasa_url}/webhooks/rest/webhook"
    if isinstance(body, dict) and isinstance(body.get("sender"), str):
        body = {**body, "sender": f"fuzz-{uuid.uuid4().hex[:6]}-{body['sender']}"}
    response, took = timed_post(url, json=body)
    assert response.status_code < 500, (body, response.text[:300])
    assert took < MAX_REPLY_S, (body, took)


@FUZZ
@given(raw=st.binary(max_size=3000))
def test_rest_bytes_never_fail_the_server(stack, raw) -> None:
    response, took = timed_post(
        f"{stack.rasa_url}/webhooks/rest/webhook",
        data=raw,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code < 500, (raw[:100], response.text[:300])
    assert took < MAX_REPLY_S


def test_rest_still_talks_after_the_fuzzing(stack) -> None:
    still_talks(stack)


@pytest.fixture(scope="module")
def chat(stack):
    client = ChatClient(stack)
    client.request_session(None)
    yield client
    client.close()


@settings(FUZZ, max_examples=30)
@given(event=st.sampled_from(["user_uttered", "session_request"]), data=json_values | texts)
def test_socketio_events_never_break_the_socket(chat, event, data) -> None:
    if event == "user_uttered" and isinstance(data, str):
        data = {"message": data}
    chat.sio.emit(event, data)
    if event == "session_request":  # answered, whatever came with it (replies may come first)
        deadline = time.monotonic() + MAX_REPLY_S
        while chat.events.get(timeout=max(0.1, deadline - time.monotonic()))[0] != "session":
            pass
    else:
        chat.replies(wait=3, quiet=0.5)
    assert chat.sio.connected


def test_the_socket_still_talks_after_the_fuzzing(chat) -> None:
    chat.request_session(None)
    chat.say("hallo")
    replies = chat.replies(wait=MAX_REPLY_S)
    assert replies and replies[0].get("text"), replies


@settings(FUZZ, max_examples=30)
@given(body=json_values)
def test_signed_whatsapp_posts_of_any_shape_are_never_a_500(stack, body) -> None:
    raw = json.dumps(body).encode()
    response, took = timed_post(
        stack.whatsapp_url,
        data=raw,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(raw)},
    )
    assert response.status_code < 500, (body, response.text[:300])
    assert took < 5.0  # the webhook only stores; the bot works afterwards


def inbox_state(stack, message_id: str) -> str | None:
    db = sqlite3.connect(stack.var_dir / "overstap.db")
    try:
        row = db.execute(
            "SELECT state FROM whatsapp_inbox WHERE message_id = ?", (message_id,)
        ).fetchone()
    finally:
        db.close()
    return row[0] if row else None


@settings(FUZZ, max_examples=15)
@given(text=texts)
def test_whatsapp_text_of_any_kind_is_handled(stack, text) -> None:
    me = Person(stack)
    message_id = f"wamid.fuzz.{uuid.uuid4().hex}"
    payload = text_payload(text, message_id, sender=me.phone, timestamp=int(time.time()))
    raw = json.dumps(payload).encode()
    response, _ = timed_post(
        stack.whatsapp_url,
        data=raw,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(raw)},
    )
    assert response.status_code == 200, response.text
    deadline = time.monotonic() + MAX_REPLY_S * 3
    while inbox_state(stack, message_id) not in {"done", "failed", None}:
        assert time.monotonic() < deadline, f"still {inbox_state(stack, message_id)}"
        time.sleep(0.2)
    assert inbox_state(stack, message_id) in {"done", None}  # None: empty text, not stored


def test_the_stack_still_talks_after_all_the_fuzzing(stack) -> None:
    still_talks(stack)
    assert requests.get(f"{stack.web_url}/health", timeout=10).status_code == 200
