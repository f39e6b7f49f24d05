"""The worker's side of the event stream: the consumer of the queue and the outbox relay.

`EventConsumer.consume_once()` takes what the queue holds (up to `batch` messages, waiting at
most `wait_s` for the first), applies it to the console's tables in one transaction
(bot/events/projection.py) and only then acknowledges it: a worker that dies before the commit
gets the messages again, and a message applied twice counts once. An event of a conversation
that was erased after it happened is acknowledged and dropped (bot/console/erased.py).

`OutboxRelay.relay_once()` publishes the events of outbox rows that stayed longer than
`older_than_s` (RabbitMQ was away, or the Rasa instance died before the confirm) and deletes the
rows after RabbitMQ confirmed them.

Both are one unit of work per call; bot/worker.py runs them in a loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any, Optional

import aio_pika
from sqlalchemy.engine import Engine

from bot.console import erased
from bot.events import outbox, projection

logger = logging.getLogger(__name__)
DEFAULT_QUEUE = "overstap_events"


async def _channel(url: str, queue_name: str, prefetch: int = 0):
    """A connection, a channel with confirms, the fanout exchange the broker publishes to
    (named like the queue, bot/prod.py) and the durable queue bound to it. A plain connection,
    opened again by the caller when it closed: aio-pika's robust one did not always restore
    the consumer after a RabbitMQ restart (bench/results/faults-*)."""
    connection = await aio_pika.connect(url, timeout=10)
    channel = await connection.channel()
    if prefetch:
        await channel.set_qos(prefetch_count=prefetch)
    exchange = await channel.declare_exchange(queue_name, aio_pika.ExchangeType.FANOUT)
    queue = await channel.declare_queue(queue_name, durable=True)
    await queue.bind(exchange, "")
    return connection, channel, exchange, queue


def _open(connection: Any, channel: Any) -> bool:
    """Both open: after `rabbitmqctl stop_app` the connection may look open while its channel
    is closed."""
    return (
        connection is not None
        and not connection.is_closed
        and channel is not None
        and not channel.is_closed
    )


def event_id_of(message: aio_pika.abc.AbstractIncomingMessage) -> Optional[int]:
    raw = (message.headers or {}).get(outbox.EVENT_ID_HEADER)
    if isinstance(raw, bytes):
        raw = raw.decode()
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


class EventConsumer:
    def __init__(
        self, engine: Engine, url: str, queue: str = DEFAULT_QUEUE, batch: int = 200,
        wait_s: float = 1.0,
    ) -> None:  # fmt: skip
        self.engine = engine
        self.url = url
        self.queue_name = queue
        self.batch = batch
        self.wait_s = wait_s
        self._inbox: asyncio.Queue = asyncio.Queue()
        self._connection: Any = None
        self._channel: Any = None
        self.applied = 0  # new events applied (for tests and the log)
        self.dropped = 0  # events of erased conversations, not applied

    async def start(self) -> None:
        self._inbox = asyncio.Queue()  # deliveries of a closed channel come again
        await self.close()
        self._connection, self._channel, _, queue = await _channel(
            self.url, self.queue_name, self.batch
        )
        await queue.consume(self._inbox.put)

    async def _ensure_connected(self) -> bool:
        if _open(self._connection, self._channel):
            return True
        try:
            await self.start()
        except Exception as error:  # noqa: BLE001 - RabbitMQ away: try again later
            logger.warning("Event consumer: RabbitMQ unreachable (%s)", type(error).__name__)
            await asyncio.sleep(2.0)
            return False
        logger.info("Event consumer: connected to RabbitMQ")
        return True

    async def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
        self._connection = self._channel = None

    async def consume_once(self) -> int:
        """Apply one batch; the number of messages taken (0 when none came in `wait_s`)."""
        if not await self._ensure_connected():
            return 0
        try:
            first = await asyncio.wait_for(self._inbox.get(), self.wait_s)
        except asyncio.TimeoutError:
            return 0
        messages = [first]
        while len(messages) < self.batch and not self._inbox.empty():
            messages.append(self._inbox.get_nowait())
        try:
            self.applied += await asyncio.to_thread(self._apply, messages)
        except Exception as error:  # noqa: BLE001 - database away: RabbitMQ keeps them
            logger.error("Event consumer: could not apply events (%s)", type(error).__name__)
            for message in messages:
                with contextlib.suppress(Exception):
                    await message.nack(requeue=True)
            await asyncio.sleep(1.0)
            return len(messages)
        for message in messages:
            with contextlib.suppress(Exception):  # a closed channel: RabbitMQ sends it again
                await message.ack()
        return len(messages)

    def _apply(self, messages: list) -> int:
        events = []
        for message in messages:
            event_id = event_id_of(message)
            if event_id is None:
                continue  # not from our outbox: no id to count it once
            try:
                body = json.loads(message.body)
            except ValueError:
                continue
            if isinstance(body, dict):
                events.append((event_id, body))
        new = 0
        with self.engine.begin() as conn:
            # An event of a conversation erased after it happened is not written back.
            gone = erased.guard(conn, (str(body.get("sender_id") or "") for _, body in events))
            for event_id, body in events:
                sender = str(body.get("sender_id") or "")
                if erased.before_erase(gone, sender, body.get("timestamp")):
                    self.dropped += 1
                elif projection.apply(conn, event_id, body):
                    new += 1
        return new


class OutboxRelay:
    def __init__(self, tracker_engine: Engine, url: str, queue: str = DEFAULT_QUEUE,
                 older_than_s: float = 10.0) -> None:  # fmt: skip
        self.engine = tracker_engine
        self.url = url
        self.queue_name = queue
        self.older_than_s = older_than_s
        self._connection: Any = None
        self._channel: Any = None
        self._exchange: Any = None

    async def start(self) -> None:
        await asyncio.to_thread(outbox.create, self.engine)
        await self.close()
        self._connection, self._channel, self._exchange, _ = await _channel(
            self.url, self.queue_name
        )

    async def close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close()
        self._connection = self._channel = None

    async def relay_once(self) -> int:
        """Publish stale outbox rows; the number of rows RabbitMQ confirmed."""
        if not _open(self._connection, self._channel):
            try:
                await self.start()
            except Exception as error:  # noqa: BLE001 - RabbitMQ away: next round
                logger.warning("Outbox relay: RabbitMQ unreachable (%s)", type(error).__name__)
                return 0
        pending = await asyncio.to_thread(outbox.stale, self.engine, self.older_than_s)
        done = []
        for row in pending:
            try:
                await asyncio.gather(
                    *(
                        self._exchange.publish(
                            aio_pika.Message(
                                json.dumps(body).encode(),
                                headers={outbox.EVENT_ID_HEADER: str(event_id)},
                                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                            ),
                            "",
                        )
                        for event_id, body in row.messages
                    )
                )
            except Exception as error:  # noqa: BLE001 - RabbitMQ away: next round
                logger.warning("Outbox relay: RabbitMQ did not confirm (%s)", type(error).__name__)
                await self.close()  # connect anew next round
                break
            done.append(row.outbox_id)
        if done:
            await asyncio.to_thread(self._remove, done)
            logger.info("Outbox relay: published %s waiting turns again", len(done))
        return len(done)

    def _remove(self, ids: list[int]) -> None:
        with self.engine.begin() as conn:
            outbox.remove(conn, ids)
