"""Rasa's RabbitMQ broker with publisher confirms, its own reconnection and no in-memory spool.

Rasa's `PikaEventBroker` publishes each event in a background task; a message RabbitMQ did not
take waits in a list in memory and is lost when the process stops. Here the tracker store's
outbox (bot/events/outbox.py) keeps what was not confirmed, in the database, so this broker only
publishes and reports whether RabbitMQ confirmed every message. Each message carries the event's
id in the `overstap-event-id` header, so a consumer can drop a message it already had.

aio-pika's robust connection did not always bring the channel back after a RabbitMQ restart
(publishing kept failing; measured in bench/results/faults-*). This broker uses a plain
connection and connects again itself, at most once a second, when a publish fails or finds it
closed; until then the outbox keeps the events. RabbitMQ being away at start does not stop
Rasa. Confirms that come later than CONFIRM_TIMEOUT_S on an open connection (a saturated
machine) leave the events in the outbox without a reconnection: cancelling those publishes
and reconnecting cost more CPU at the worst moment, and every cancelled confirm was logged
at ERROR ("Future exception was never retrieved", thousands a minute in bench-prod).

endpoints.yml: `event_broker: {type: bot.events.broker.ConfirmedPikaBroker, url, port, username,
password, exchange_name, queues: [overstap_events]}` (`overstap run-prod` writes it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from typing import Any, Optional

import aio_pika
from rasa.core.brokers.pika import PikaEventBroker

from bot.events.outbox import EVENT_ID_HEADER

logger = logging.getLogger(__name__)
CONFIRM_TIMEOUT_S = 5.0
RECONNECT_EVERY_S = 1.0


def _retrieved(publish: asyncio.Future) -> None:
    """Reads a late publish's outcome, so asyncio does not log it as never retrieved."""
    if not publish.cancelled():
        publish.exception()


class ConfirmedPikaBroker(PikaEventBroker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["should_keep_unpublished_messages"] = False
        super().__init__(*args, **kwargs)
        self._failing = False
        self._reconnecting: Optional[asyncio.Task] = None
        self._last_attempt = 0.0

    async def connect(self) -> None:
        """Connect once; on failure Rasa still starts and a later publish tries again."""
        try:
            await self._open()
        except Exception as error:  # noqa: BLE001 - RabbitMQ away: the outbox keeps events
            self._failed(f"connect: {type(error).__name__}")

    async def _open(self) -> None:
        self._last_attempt = time.monotonic()
        connection = await aio_pika.connect(
            url=self._configure_url(), host=self.host, port=self.port, login=self.username,
            password=self.password, timeout=CONFIRM_TIMEOUT_S,
        )  # fmt: skip
        channel = await connection.channel()  # publisher confirms are on by default
        self._exchange = await self._set_up_exchange(channel)
        self._connection = connection
        logger.info("RabbitMQ connection to '%s' was established.", self.host)

    def is_ready(self) -> bool:
        channel = getattr(self._exchange, "channel", None)
        return (
            self._connection is not None
            and not self._connection.is_closed
            and (channel is None or not channel.is_closed)
        )

    def _reconnect_soon(self) -> None:
        if self._reconnecting is not None and not self._reconnecting.done():
            return
        if time.monotonic() - self._last_attempt < RECONNECT_EVERY_S:
            return
        self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        old, self._connection, self._exchange = self._connection, None, None
        if old is not None:
            with contextlib.suppress(Exception):  # it is gone already
                await old.close()
        try:
            await self._open()
        except Exception as error:  # noqa: BLE001
            self._failed(f"connect: {type(error).__name__}")

    async def publish_confirmed(self, messages: Sequence[tuple[int, dict[str, Any]]]) -> bool:
        """Publish (event id, body) pairs; True when RabbitMQ confirmed all of them."""
        exchange = self._exchange
        if exchange is None or not self.is_ready():
            self._failed("not connected")
            self._reconnect_soon()
            return False
        publishes = [
            asyncio.ensure_future(
                exchange.publish(self._message(body, {EVENT_ID_HEADER: str(i)}), "")
            )
            for i, body in messages
        ]
        done, late = await asyncio.wait(publishes, timeout=CONFIRM_TIMEOUT_S)
        for publish in late:  # left to finish: cancelling them and reconnecting under load
            publish.add_done_callback(_retrieved)  # cost more and logged every lost confirm
        errors = [p.exception() for p in done if not p.cancelled() and p.exception()]
        if errors or late:  # the outbox keeps them; its relay publishes them again
            self._failed(type(errors[0]).__name__ if errors else "TimeoutError")
            if errors or not self.is_ready():  # late confirms alone: a busy moment, not a fault
                self._reconnect_soon()
            return False
        if self._failing:
            logger.warning("RabbitMQ takes events again.")
            self._failing = False
        return True

    def _failed(self, why: str) -> None:
        if not self._failing:
            logger.error("RabbitMQ did not confirm events (%s); they wait in the outbox.", why)
        self._failing = True

    def publish(self, event: dict[str, Any], headers: Optional[dict[str, str]] = None) -> None:
        """Rasa's path (a tracker this project's store did not write): publish, no spool."""
        super().publish(dict(event), headers)
