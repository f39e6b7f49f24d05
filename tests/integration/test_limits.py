"""Abuse limits of the chat inputs, over real HTTP: the REST channel's blueprint in a Sanic
server of its own with the body limits the Rasa server gets (bot/rasa_cli.py), and a fake
`on_new_message` standing in for Rasa (the channel's real interface to Rasa)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from sanic import Sanic

from bot.channels.limits import SERVER_MAX_BODY_BYTES, Limits, TokenBucket, install_body_limits
from bot.channels.rest import RestInput
from bot.channels.texts import texts
from bot.settings import Settings

Sanic.test_mode = True
WAIT_TEXT = "Je stuurt veel berichten kort na elkaar"


def test_a_bucket_lets_a_burst_through_then_one_per_interval() -> None:
    bucket = TokenBucket(per_minute=6)
    for _ in range(6):
        assert bucket.wait("a", now=100.0) == 0
        bucket.take("a", now=100.0)
    assert bucket.wait("a", now=100.0) == pytest.approx(10.0)  # one per 10 s
    assert bucket.wait("b", now=100.0) == 0  # another key is not touched
    assert bucket.wait("a", now=110.0) == 0


def test_a_refused_message_does_not_count_against_the_address() -> None:
    limits = Limits(per_conversation=2, per_address=3)
    assert [limits.check("a", "1.2.3.4") for _ in range(3)][:2] == [0, 0]
    # "a" is over its own limit; its third try did not use the address's third message
    assert limits.check("b", "1.2.3.4") == 0
    assert limits.check("c", "1.2.3.4") > 0


def test_buckets_are_bounded() -> None:
    bucket = TokenBucket(per_minute=1, max_keys=100)
    for n in range(1000):
        bucket.take(str(n), now=1.0)
    assert len(bucket._buckets) == 100


class RestServer:
    """RestInput's blueprint in a Sanic server in a thread, with the Rasa server's limits."""

    def __init__(self, settings: Settings, delay_s: float = 0.0, fail: Any = None) -> None:
        self.received: list[Any] = []
        self.delay_s = delay_s
        self.fail = fail
        self.app = Sanic(f"rest_{uuid.uuid4().hex[:8]}", configure_logging=False)
        self.app.config.REQUEST_MAX_SIZE = SERVER_MAX_BODY_BYTES
        channel = RestInput()
        self.app.blueprint(channel.blueprint(self._on_new_message), url_prefix="/webhooks/rest")
        install_body_limits(self.app, settings)
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    async def _on_new_message(self, message: Any) -> None:
        if self.fail is not None:
            raise self.fail
        self.received.append(message.text)
        await asyncio.sleep(self.delay_s)
        await message.output_channel.send_text_message(message.sender_id, "ok")

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._serve())

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = await self.app.create_server(sock=sock, return_asyncio_server=True)
        await server.startup()
        await server.before_start()
        self.port = server.server.sockets[0].getsockname()[1]
        await server.after_start()
        self._ready.set()
        await self._stop.wait()
        await server.before_stop()
        await server.close()
        await server.after_stop()

    def __enter__(self) -> RestServer:
        self.thread.start()
        assert self._ready.wait(20)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(20)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"

    def say(self, sender: str, text: str) -> requests.Response:
        return requests.post(self.url, json={"sender": sender, "message": text}, timeout=10)


def limited_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    values = {"OVERSTAP_VAR_DIR": str(tmp_path / "var"), **env}
    for name, value in values.items():
        monkeypatch.setenv(name, value)  # RestInput reads its limits from the environment
    return Settings.from_env(values)


def test_a_sender_over_its_limit_gets_429_in_dutch_and_others_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = limited_settings(tmp_path, monkeypatch, OVERSTAP_RATE_CONVERSATION_PER_MINUTE="5")
    with RestServer(settings) as server:
        answers = [server.say("flood", f"bericht {n}") for n in range(7)]
        assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
        refused = answers[-1]
        assert refused.json() == [{"recipient_id": "flood", "text": texts().too_many_messages}]
        assert WAIT_TEXT in refused.json()[0]["text"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 12  # one message per 12 s
        other = server.say("someone-else", "hallo")
        assert other.status_code == 200 and other.json()[0]["text"] == "ok"
        assert server.received == [f"bericht {n}" for n in range(5)] + ["hallo"]


def test_an_address_over_its_limit_gets_429(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = limited_settings(tmp_path, monkeypatch, OVERSTAP_RATE_ADDRESS_PER_MINUTE="4")
    with RestServer(settings) as server:
        codes = [server.say(f"person-{n}", "hallo").status_code for n in range(6)]
        assert codes == [200] * 4 + [429] * 2
        assert len(server.received) == 4


def raw_post(port: int, path: str, declared: int, sent: bytes) -> tuple[str, float]:
    """POST with a declared Content-Length but only `sent` bytes: the status line, and how
    long it took. A server that reads the body first never answers this."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        head = (
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {declared}\r\n\r\n"
        ).encode()
        sock.sendall(head + sent)
        status = sock.recv(200).split(b"\r\n")[0].decode()
    return status, time.monotonic() - started


def test_a_5_mb_message_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = limited_settings(tmp_path, monkeypatch)
    with RestServer(settings) as server:
        status, took = raw_post(server.port, "/webhooks/rest/webhook", 5 * 1024 * 1024, b"{")
        assert status.startswith("HTTP/1.1 413"), status
        assert took < 5
        big = requests.post(
            server.url,
            data=b'{"sender": "s", "message": "' + b"a" * (5 * 1024 * 1024) + b'"}',
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert big.status_code == 413
        just_under = "a" * (60 * 1024)  # within the 64 KB default: read, cut to 2,000
        assert server.say("s", just_under).status_code == 200
        assert server.received == ["a" * 2000]


def test_the_chat_body_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = limited_settings(tmp_path, monkeypatch, OVERSTAP_CHAT_MAX_BODY_KB="8")
    with RestServer(settings) as server:
        assert server.say("s", "a" * (9 * 1024)).status_code == 413
        assert server.say("s", "a" * (7 * 1024)).status_code == 200


def test_a_message_rasa_cannot_take_gets_a_dutch_answer_not_an_empty_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The lock store's Redis is away (several instances): the message is refused, and the
    person reads why instead of getting nothing."""
    from rasa.core.lock_store import LockError

    settings = limited_settings(tmp_path, monkeypatch)
    with RestServer(settings, fail=LockError("Lock store: Redis unreachable.")) as server:
        answer = server.say("someone", "mijn telefoon is 0612345678")
    assert answer.status_code == 200
    assert answer.json() == [{"recipient_id": "someone", "text": texts().unavailable}]
    assert "0612345678" not in caplog.text and "telefoon" not in caplog.text


class SocketServer(RestServer):
    """The socket.io channel's blueprint in a Sanic server of its own."""

    def __init__(self, settings: Settings) -> None:  # noqa: D107 - same shape as RestServer
        from bot.channels.socketio import SocketIOInput

        self.received = []
        self.delay_s = 0.0
        self.fail = None
        self.app = Sanic(f"sio_{uuid.uuid4().hex[:8]}", configure_logging=False)
        self.app.config.REQUEST_MAX_SIZE = SERVER_MAX_BODY_BYTES
        channel = SocketIOInput(settings)
        self.app.blueprint(channel.blueprint(self._on_new_message), url_prefix="/webhooks/socketio")
        install_body_limits(self.app, settings)
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._stop = None
        self.thread = threading.Thread(target=self._run, daemon=True)


def test_a_socket_over_its_limit_is_told_to_wait_and_another_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import queue

    import socketio

    settings = limited_settings(
        tmp_path,
        monkeypatch,
        OVERSTAP_RATE_CONVERSATION_PER_MINUTE="3",
        OVERSTAP_ALLOWED_ORIGINS="http://localhost:8000",
        OVERSTAP_SECRET_KEY="test-secret",
    ).with_secrets()
    with SocketServer(settings) as server:
        clients = []
        for _ in range(2):
            events: queue.Queue = queue.Queue()
            client = socketio.Client(reconnection=False)
            client.on("bot_uttered", lambda m, q=events: q.put(m))
            client.on("session_confirm", lambda t, q=events: q.put({"session": t}))
            client.connect(
                f"http://127.0.0.1:{server.port}",
                headers={"Origin": "http://localhost:8000"},
                transports=["polling"],
                socketio_path="/socket.io",
                wait_timeout=10,
            )
            client.emit("session_request", {"session_id": None})
            assert "session" in events.get(timeout=10)
            clients.append((client, events))
        flood, flood_events = clients[0]
        for n in range(5):
            flood.emit("user_uttered", {"message": f"bericht {n}"})
        texts_seen = [flood_events.get(timeout=10)["text"] for _ in range(5)]
        other, other_events = clients[1]
        other.emit("user_uttered", {"message": "hallo"})
        assert other_events.get(timeout=10)["text"] == "ok"
        for client, _ in clients:
            client.eio.disconnect(abort=True)  # plain disconnect waits out a long-poll: 30 s
    assert texts_seen.count("ok") == 3
    assert texts_seen.count(texts().too_many_messages) == 2
    assert sorted(server.received) == ["bericht 0", "bericht 1", "bericht 2", "hallo"]
