"""Sending to the Graph API: retries with back-off on 429/5xx, none on other 4xx."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time

import pytest
from whatsapp_fakes import ACCESS_TOKEN, PHONE, PHONE_NUMBER_ID, FakeGraph

from bot.whatsapp.graph import GraphClient, GraphError, RetryPolicy

FAST = RetryPolicy(attempts=4, first_wait_s=0.1, max_wait_s=2.0)
TEXT = {"type": "text", "text": {"preview_url": False, "body": "Hoi"}}


def send(graph: FakeGraph, policy: RetryPolicy = FAST) -> str | None:
    async def go() -> str | None:
        client = GraphClient(graph.base_url, PHONE_NUMBER_ID, ACCESS_TOKEN, 5.0, policy)
        try:
            return await client.send({"to": PHONE}, TEXT)
        finally:
            await client.close()

    return asyncio.run(go())


@pytest.fixture
def graph():
    with FakeGraph() as fake:
        yield fake


def test_a_send_is_one_authorised_post_to_the_phone_number(graph: FakeGraph) -> None:
    message_id = send(graph)
    (request,) = graph.requests
    assert message_id == request["message_id"] and message_id.startswith("wamid.")
    assert request["path"] == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert request["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request["body"] == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": PHONE,
        **TEXT,
    }


@pytest.mark.parametrize(
    ("status", "body"),
    [(429, "graph_error_429.json"), (500, "graph_error_500.json"), (503, "graph_error_500.json")],
)
def test_429_and_5xx_are_retried_with_growing_waits(
    graph: FakeGraph, status: int, body: str
) -> None:
    graph.fail_next(status, body, times=2)
    assert send(graph)
    times = [r["at"] for r in graph.requests]
    assert [r["status"] for r in graph.requests] == [status, status, 200]
    first_wait, second_wait = times[1] - times[0], times[2] - times[1]
    # Back-off of 0.1 s, then 0.2 s: the lower bounds show the wait grew. No upper bound or
    # ratio: on a busy machine scheduling delays stretch either wait.
    assert first_wait >= 0.09 and second_wait >= 0.19


def test_retries_stop_after_the_last_attempt(graph: FakeGraph) -> None:
    graph.fail_always(500, "graph_error_500.json")
    with pytest.raises(GraphError) as caught:
        send(graph)
    assert len(graph.requests) == 4 and caught.value.status == 500


def test_400_is_not_retried(graph: FakeGraph) -> None:
    graph.fail_next(400, "graph_error_400.json")
    with pytest.raises(GraphError) as caught:
        send(graph)
    assert len(graph.requests) == 1
    assert (caught.value.status, caught.value.code) == (400, 100)


def test_the_24_hour_window_error_is_reported_with_its_code(graph: FakeGraph) -> None:
    graph.fail_next(400, "graph_error_131047.json")
    with pytest.raises(GraphError) as caught:
        send(graph)
    assert caught.value.code == 131047 and len(graph.requests) == 1
    assert "24 hours" in caught.value.title


def test_an_unreachable_api_fails_after_the_attempts() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens here
    client_url = f"http://127.0.0.1:{port}/v21.0"

    async def go() -> None:
        client = GraphClient(client_url, PHONE_NUMBER_ID, ACCESS_TOKEN, 2.0, FAST)
        try:
            await client.send({"to": PHONE}, TEXT)
        finally:
            await client.close()

    with pytest.raises(GraphError) as caught:
        asyncio.run(go())
    assert caught.value.status == 0


def test_the_client_never_shows_the_token() -> None:
    client = GraphClient("https://graph.facebook.com/v21.0", PHONE_NUMBER_ID, ACCESS_TOKEN)
    assert ACCESS_TOKEN not in repr(client)


def test_retry_after_is_obeyed(graph: FakeGraph) -> None:
    graph.fail_next(429, "graph_error_429.json", retry_after="1")
    assert send(graph)
    first, second = graph.requests
    assert (first["status"], second["status"]) == (429, 200)
    assert 0.95 <= second["at"] - first["at"] < 1.9  # 1 s, not the 0.1 s back-off


def test_a_long_retry_after_is_cut_to_the_longest_wait(graph: FakeGraph) -> None:
    policy = RetryPolicy(attempts=2, first_wait_s=0.05, max_wait_s=0.3)
    graph.fail_next(503, "graph_error_500.json", retry_after="3600")
    started = time.monotonic()
    assert send(graph, policy)
    first, second = graph.requests
    assert 0.29 <= second["at"] - first["at"] < 1.0
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("status", [401, 403, 404, 413])
def test_other_4xx_are_final_even_with_retry_after(graph: FakeGraph, status: int) -> None:
    graph.fail_next(status, "graph_error_400.json", retry_after="1")
    with pytest.raises(GraphError) as caught:
        send(graph)
    assert caught.value.status == status and len(graph.requests) == 1


def test_a_slow_answer_times_out_and_is_not_sent_again(graph: FakeGraph) -> None:
    # The request reached Meta; sending it again could give the person the message twice.
    graph.delay_s = 1.0

    async def go() -> None:
        client = GraphClient(graph.base_url, PHONE_NUMBER_ID, ACCESS_TOKEN, 0.3, FAST)
        try:
            await client.send({"to": PHONE}, TEXT)
        finally:
            await client.close()

    started = time.monotonic()
    with pytest.raises(GraphError) as caught:
        asyncio.run(go())
    assert time.monotonic() - started < 0.9
    assert caught.value.status == 0 and caught.value.title == "ReadTimeout"
    graph.wait_for(1)
    time.sleep(1.2)  # a retry would have arrived by now
    assert len(graph.requests) == 1


def test_sends_run_in_a_bounded_pool_and_do_not_block_the_loop(graph: FakeGraph) -> None:
    graph.delay_s = 0.2

    async def go() -> tuple[list[str | None], int]:
        client = GraphClient(graph.base_url, PHONE_NUMBER_ID, ACCESS_TOKEN, 5.0, FAST, threads=2)
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        clock = asyncio.create_task(ticker())
        try:
            ids = await asyncio.gather(*(client.send({"to": PHONE}, TEXT) for _ in range(6)))
        finally:
            clock.cancel()
            await client.close()
        return ids, ticks

    ids, ticks = asyncio.run(go())
    assert len(set(ids)) == 6 and all(ids)
    assert graph.max_in_flight == 2  # never more than the pool's two threads at once
    assert ticks >= 30  # about 0.6 s of sends, and the loop kept running meanwhile


def test_the_token_phone_and_text_stay_out_of_the_logs(
    graph: FakeGraph, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # urllib3 logs every URL and retry at DEBUG
    secret = {"type": "text", "text": {"preview_url": False, "body": "Mijn schulden"}}
    graph.fail_next(429, "graph_error_429.json")
    graph.fail_next(500, "graph_error_500.json")
    graph.fail_next(400, "graph_error_400.json")

    async def go() -> None:
        client = GraphClient(graph.base_url, PHONE_NUMBER_ID, ACCESS_TOKEN, 5.0, FAST)
        try:
            with contextlib.suppress(GraphError):
                await client.send({"to": PHONE}, secret)
        finally:
            await client.close()

    asyncio.run(go())
    assert len(graph.requests) == 3
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert "urllib3" in logged and f"/{PHONE_NUMBER_ID}/messages" in logged  # it did log
    assert "WhatsApp send failed: HTTP 400" in logged
    for text in (ACCESS_TOKEN, PHONE, "schulden", "Bearer"):
        assert text not in logged
