"""The project's socket.io channel against the running stack, with the python-socketio client:
origins, server-issued sessions, replies after resuming (Rasa #13027), the history endpoint."""

from __future__ import annotations

import queue
import threading

import pytest
import requests
import socketio

pytestmark = [pytest.mark.rasa]


class ChatClient:
    """One socket, as a browser tab would hold it."""

    def __init__(self, stack, origin: str | None = None) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.events: queue.Queue = queue.Queue()
        self.sio.on("session_confirm", lambda token: self.events.put(("session", token)))
        self.sio.on("bot_uttered", lambda message: self.events.put(("bot", message)))
        self.sio.connect(
            stack.rasa_url,
            headers={"Origin": origin or stack.web_url},
            socketio_path="/socket.io",
            wait_timeout=15,
        )

    def request_session(self, session_id: object = None) -> str:
        self.sio.emit("session_request", {"session_id": session_id})
        kind, token = self.events.get(timeout=15)
        assert kind == "session"
        return token

    def say(self, text: str, metadata: dict | None = None) -> None:
        self.sio.emit("user_uttered", {"message": text, "metadata": metadata or {}})

    def replies(self, wait: float = 30, quiet: float = 2) -> list[dict]:
        """Bot messages until none came for `quiet` seconds (waiting up to `wait` for the first)."""
        messages = []
        timeout = wait
        while True:
            try:
                kind, message = self.events.get(timeout=timeout)
            except queue.Empty:
                return messages
            if kind == "bot":
                messages.append(message)
                timeout = quiet

    def close(self) -> None:
        # python-engineio joins its reader thread without a time limit; once seen to hang a
        # whole run under load. The server's side of a closed socket is not what these tests
        # check, so wait at most 30 s for a clean close.
        closer = threading.Thread(target=self.sio.disconnect, daemon=True)
        closer.start()
        closer.join(30)


def history(stack, token: str) -> requests.Response:
    return requests.get(
        f"{stack.web_url}/api/history", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def test_a_foreign_origin_is_refused(stack) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        ChatClient(stack, origin="https://evil.example")
    for allowed in (stack.web_url, stack.site_url):
        client = ChatClient(stack, origin=allowed)
        assert client.sio.connected
        client.close()


def test_replies_reach_a_resumed_session(stack) -> None:
    """Rasa 3.6 does not await enter_room, so a socket that resumes a session never joins its
    room and gets no replies (Rasa #13027). The channel awaits it."""
    first = ChatClient(stack)
    token = first.request_session()
    first.say("/greet")
    greeting = first.replies()
    assert greeting and greeting[0]["sender"] == "bot"
    assert "computerprogramma" in greeting[0]["text"]
    assert greeting[-1]["buttons"]  # one event per message, buttons included
    first.close()

    second = ChatClient(stack)
    assert second.request_session(token) == token  # the same conversation
    second.say("/start_profile", {"shown": "Ja, we beginnen"})
    replies = second.replies()
    assert any("Wat doe je nu?" in m["text"] for m in replies)
    second.close()

    messages = history(stack, token).json()["messages"]
    assert [m["sender"] for m in messages[:2]] == ["bot", "user"]
    assert messages[1]["text"] == "Ja, we beginnen"  # the button's title, not its payload
    assert "Wat doe je nu?" in messages[-1]["text"]


def test_the_server_issues_the_session_id(stack) -> None:
    owner = ChatClient(stack)
    owner_token = owner.request_session()
    owner_id = owner_token.split(".")[0]
    owner.say("/greet")
    assert owner.replies()

    other = ChatClient(stack)
    for made_up in ("my-own-id", owner_id, f"{owner_id}.{'0' * 32}", {"id": owner_id}):
        token = other.request_session(made_up)
        session_id, mac = token.split(".")
        assert session_id != owner_id and token != made_up
        assert len(session_id) == 32 and len(mac) == 32
    # A made-up session gets its own replies, and none of the owner's; and the other way round.
    other.say("hallo")
    assert other.replies()
    assert owner.replies(wait=3) == []
    owner.say("ik ben lasser")
    assert owner.replies()
    assert other.replies(wait=3) == []
    assert "ik ben lasser" not in str(history(stack, token).json())
    other.close()
    owner.close()


def test_history_needs_a_token_the_server_issued(stack) -> None:
    client = ChatClient(stack)
    token = client.request_session()
    client.say("ik werk in de zorg en mijn nummer is 06-12345678")
    assert client.replies()
    client.close()

    messages = history(stack, token).json()["messages"]
    user = [m for m in messages if m["sender"] == "user"]
    assert user == [{"sender": "user", "text": "ik werk in de zorg en mijn nummer is [telefoon]"}]
    assert history(stack, token).headers["cache-control"] == "no-store"

    session_id = token.split(".")[0]
    for bad in ("", session_id, f"{session_id}.{'0' * 32}", "my-own-id"):
        response = history(stack, bad)
        assert response.status_code == 401
        assert "error" in response.json()
    assert requests.get(f"{stack.web_url}/api/history", timeout=30).status_code == 401


def test_the_history_may_be_read_from_an_allowed_site_only(stack) -> None:
    preflight = {
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
    }
    allowed = requests.options(
        f"{stack.web_url}/api/history", headers={"Origin": stack.site_url, **preflight}, timeout=30
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == stack.site_url
    refused = requests.options(
        f"{stack.web_url}/api/history",
        headers={"Origin": "https://evil.example", **preflight},
        timeout=30,
    )
    assert "access-control-allow-origin" not in refused.headers
