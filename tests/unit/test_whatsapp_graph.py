"""Sending to the Graph API: retries with back-off on 429/5xx, none on other 4xx."""

from __future__ import annotations

import asyncio
import socket

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
    assert first_wait >= 0.09 and second_wait >= 0.19  # 0.1 s, then 0.2 s
    assert second_wait > first_wait * 1.5


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
