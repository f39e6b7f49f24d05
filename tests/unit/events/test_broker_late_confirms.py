"""Late publisher confirms on an open connection: the events stay in the outbox, the broker
does not reconnect, and nothing is logged as a never-retrieved future."""

from __future__ import annotations

import asyncio
import gc

from bot.events import broker as broker_module
from bot.events.broker import ConfirmedPikaBroker


class SlowExchange:
    """Confirms only when told to; fails the ones still waiting when the channel goes."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.fail = False
        self.published = 0

    async def publish(self, message, routing_key) -> None:
        self.published += 1
        await self.release.wait()
        if self.fail:
            raise ConnectionError("channel closed")


class OpenConnection:
    is_closed = False


def test_late_confirms_leave_the_events_in_the_outbox_without_reconnecting(monkeypatch) -> None:
    monkeypatch.setattr(broker_module, "CONFIRM_TIMEOUT_S", 0.05)
    unretrieved: list[dict] = []

    async def scenario() -> tuple[bool, bool, object]:
        asyncio.get_running_loop().set_exception_handler(lambda _, ctx: unretrieved.append(ctx))
        broker = ConfirmedPikaBroker(
            "127.0.0.1", "guest", "guest", port=1, queues=["q"], exchange_name="q"
        )
        exchange = SlowExchange()
        broker._exchange, broker._connection = exchange, OpenConnection()
        confirmed = await broker.publish_confirmed([(1, {"event": "user"}), (2, {"event": "bot"})])
        reconnecting = broker._reconnecting
        # The late publishes end in an error later (the channel went): read, not logged.
        exchange.fail = True
        exchange.release.set()
        await asyncio.sleep(0.01)
        gc.collect()
        await asyncio.sleep(0)
        return confirmed, exchange.published == 2, reconnecting

    confirmed, both_sent, reconnecting = asyncio.run(scenario())
    gc.collect()
    assert confirmed is False  # the tracker store keeps them in the outbox
    assert both_sent
    assert reconnecting is None  # an open connection with slow confirms is not a fault
    assert unretrieved == []


def test_a_failed_publish_still_reconnects(monkeypatch) -> None:
    class BrokenExchange:
        async def publish(self, message, routing_key) -> None:
            raise ConnectionError("gone")

    async def scenario() -> tuple[bool, bool]:
        broker = ConfirmedPikaBroker(
            "127.0.0.1", "guest", "guest", port=1, queues=["q"], exchange_name="q"
        )
        broker._exchange, broker._connection = BrokenExchange(), OpenConnection()
        broker._last_attempt = 0.0
        confirmed = await broker.publish_confirmed([(1, {"event": "user"})])
        started = broker._reconnecting is not None
        if started:
            await broker._reconnecting  # port 1: fails quietly, the outbox keeps them
        return confirmed, started

    confirmed, started = asyncio.run(scenario())
    assert confirmed is False
    assert started
