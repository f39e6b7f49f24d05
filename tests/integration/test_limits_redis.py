"""The rate limits counted in Redis (several Rasa instances, `make run-prod`), against the real
Redis at 127.0.0.1:6379 with keys of each test's own, and against a Redis that is away.

Counted in each process, a person's limit was multiplied by the number of instances: two
limiters here stand for two processes."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis
from test_limits import RestServer, SocketServer, limited_settings
from test_prod_shape import PrivateRedis, free_port

from bot.channels.limits import LimitsUnavailable, RedisLimits, limits_for
from bot.channels.texts import texts

REDIS_HOST = os.environ.get("OVERSTAP_TEST_REDIS_HOST", "127.0.0.1")
REDIS_URL = f"redis://{REDIS_HOST}:6379/0"


def redis_up() -> bool:
    try:
        return bool(redis.Redis(host=REDIS_HOST, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not redis_up(), reason="Redis on 127.0.0.1:6379 is needed")


def prefix() -> str:
    return f"test:rate:{uuid.uuid4().hex}:"


def test_two_limiters_on_one_redis_share_one_count() -> None:
    async def scenario() -> tuple[list[float], float, float]:
        shared = prefix()
        first = RedisLimits(REDIS_URL, 4, 1000, prefix=shared)
        second = RedisLimits(REDIS_URL, 4, 1000, prefix=shared)
        waits = []
        for n in range(6):  # the person's messages alternate between the two instances
            waits.append(await (first if n % 2 else second).take("person", "10.0.0.1"))
        other = await first.take("someone-else", "10.0.0.2")
        alone = await RedisLimits(REDIS_URL, 4, 1000, prefix=prefix()).take("person")
        await first.close()
        await second.close()
        return waits, other, alone

    waits, other, alone = asyncio.run(scenario())
    assert waits[:4] == [0, 0, 0, 0]
    assert 0 < waits[4] <= 15 and 0 < waits[5] <= 15  # 4 a minute: one per 15 s
    assert other == 0  # another conversation is not touched
    assert alone == 0  # another deployment (prefix) counts apart


def test_a_refused_message_counts_for_no_bucket_and_the_address_is_shared() -> None:
    async def scenario() -> list[float]:
        shared = prefix()
        first = RedisLimits(REDIS_URL, 2, 3, prefix=shared)
        second = RedisLimits(REDIS_URL, 2, 3, prefix=shared)
        waits = [
            await first.take("a", "1.2.3.4"),
            await second.take("a", "1.2.3.4"),
            await first.take("a", "1.2.3.4"),  # "a" over its own limit: not counted
            await second.take("b", "1.2.3.4"),  # the address's third message
            await first.take("c", "1.2.3.4"),  # the address's fourth: over its limit
        ]
        await first.close()
        await second.close()
        return waits

    waits = asyncio.run(scenario())
    assert waits[:2] == [0, 0] and waits[2] > 0
    assert waits[3] == 0 and waits[4] > 0


def test_a_bucket_refills_at_its_rate() -> None:
    async def scenario() -> tuple[float, float]:
        limits = RedisLimits(REDIS_URL, 60, 1000, prefix=prefix())  # one a second
        for _ in range(60):
            assert await limits.take("p") == 0
        refused = await limits.take("p")
        await asyncio.sleep(refused + 0.05)
        again = await limits.take("p")
        await limits.close()
        return refused, again

    refused, again = asyncio.run(scenario())
    assert 0 < refused <= 1.0
    assert again == 0


def test_two_rest_servers_on_one_redis_give_a_person_the_limit_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = limited_settings(
        tmp_path,
        monkeypatch,
        OVERSTAP_REDIS_URL=REDIS_URL,
        OVERSTAP_PUBLIC_RASA_URL=f"http://limits-{uuid.uuid4().hex[:8]}.test",  # keys of its own
        OVERSTAP_RATE_CONVERSATION_PER_MINUTE="5",
    )
    assert isinstance(limits_for(settings), RedisLimits)
    with RestServer(settings) as one, RestServer(settings) as two:
        answers = [(one if n % 2 else two).say("flood", f"bericht {n}") for n in range(8)]
        assert [a.status_code for a in answers] == [200] * 5 + [429] * 3
        assert answers[-1].json() == [{"recipient_id": "flood", "text": texts().too_many_messages}]
        assert len(one.received) + len(two.received) == 5
        assert two.say("someone-else", "hallo").status_code == 200


def test_without_redis_each_process_counts_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make run`: one Rasa process, no Redis: the limits stay in the process."""
    monkeypatch.delenv("OVERSTAP_REDIS_URL", raising=False)
    settings = limited_settings(tmp_path, monkeypatch, OVERSTAP_RATE_CONVERSATION_PER_MINUTE="2")
    assert not isinstance(limits_for(settings), RedisLimits)
    with RestServer(settings) as one, RestServer(settings) as two:
        codes = [(one if n % 2 else two).say("p", "x").status_code for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]


def test_with_redis_away_no_message_is_taken_and_the_person_is_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """As with the lock store: no silent counting per process while Redis is away; the person
    reads "het lukt nu even niet", the log says it once, and it works again once Redis is back."""
    port = free_port()
    settings = limited_settings(
        tmp_path,
        monkeypatch,
        OVERSTAP_REDIS_URL=f"redis://127.0.0.1:{port}/0",
        OVERSTAP_RATE_CONVERSATION_PER_MINUTE="5",
    )
    private = PrivateRedis(port)
    caplog.set_level(logging.WARNING, logger="bot.channels.limits")
    with RestServer(settings) as server:
        started = time.monotonic()
        down = [server.say("person", "mijn nummer is 0612345678") for _ in range(3)]
        assert time.monotonic() - started < 5
        assert [a.status_code for a in down] == [200] * 3
        assert all(
            a.json() == [{"recipient_id": "person", "text": texts().unavailable}] for a in down
        )
        assert server.received == []
        private.start()
        try:
            back = server.say("person", "hallo")
        finally:
            private.stop()
    assert back.status_code == 200 and back.json()[0]["text"] == "ok"
    assert server.received == ["hallo"]
    unreachable = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(unreachable) == 1
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    assert "0612345678" not in caplog.text


def test_a_redis_that_does_not_answer_costs_at_most_the_short_timeout() -> None:
    """A Redis that accepts connections and never answers (hung, or a firewall dropping
    packets) must not hold the person's message for long."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = listener.getsockname()[1]

    async def scenario() -> float:
        limits = RedisLimits(f"redis://127.0.0.1:{port}/0", 5, 5, prefix=prefix(), timeout_s=0.5)
        started = time.monotonic()
        with pytest.raises(LimitsUnavailable):
            await limits.take("person", "10.0.0.1")
        return time.monotonic() - started

    try:
        took = asyncio.run(scenario())
    finally:
        stop.set()
        thread.join(2)
        for conn in accepted:
            conn.close()
        listener.close()
    assert took < 2.0


def test_a_socket_is_told_it_does_not_work_now_while_redis_is_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import queue

    import socketio

    settings = limited_settings(
        tmp_path,
        monkeypatch,
        OVERSTAP_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        OVERSTAP_ALLOWED_ORIGINS="http://localhost:8000",
        OVERSTAP_SECRET_KEY="test-secret",
    ).with_secrets()
    monkeypatch.setattr("bot.channels.socketio.client_manager", lambda _settings: None)
    with SocketServer(settings) as server:
        events: queue.Queue = queue.Queue()
        client = socketio.Client(reconnection=False)
        client.on("bot_uttered", events.put)
        client.on("session_confirm", lambda t: events.put({"session": t}))
        client.connect(
            f"http://127.0.0.1:{server.port}",
            headers={"Origin": "http://localhost:8000"},
            transports=["polling"],
            socketio_path="/socket.io",
            wait_timeout=10,
        )
        try:
            client.emit("session_request", {"session_id": None})
            assert "session" in events.get(timeout=10)
            client.emit("user_uttered", {"message": "hallo"})
            assert events.get(timeout=10)["text"] == texts().unavailable
        finally:
            # Without abort the polling client waits out its open long-poll: 30 s.
            client.eio.disconnect(abort=True)
    assert server.received == []
