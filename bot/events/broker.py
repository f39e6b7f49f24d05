"""Rasa's RabbitMQ broker with publisher confirms and without its in-memory spool.

Rasa's `PikaEventBroker` publishes each event in a background task; a message RabbitMQ did not
take waits in a list in memory and is lost when the process stops. Here the tracker store's
outbox (bot/events/outbox.py) keeps what was not confirmed, in the database, so this broker only
publishes and reports whether RabbitMQ confirmed every message. Each message carries the event's
id in the `overstap-event-id` header, so a consumer can drop a message it already had.

endpoints.yml: `event_broker: {type: bot.events.broker.ConfirmedPikaBroker, url, port, username,
password, queues: [overstap_events]}` (`overstap run-prod` writes it from OVERSTAP_RABBITMQ_URL).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Optional

from rasa.core.brokers.pika import PikaEventBroker

from bot.events.outbox import EVENT_ID_HEADER

logger = logging.getLogger(__name__)
CONFIRM_TIMEOUT_S = 5.0


class ConfirmedPikaBroker(PikaEventBroker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["should_keep_unpublished_messages"] = False
        kwargs.setdefault("connection_attempts", 3)
        kwargs.setdefault("retry_delay_in_seconds", 1)
        super().__init__(*args, **kwargs)
        self._failing = False

    async def publish_confirmed(self, messages: Sequence[tuple[int, dict[str, Any]]]) -> bool:
        """Publish (event id, body) pairs; True when RabbitMQ confirmed all of them."""
        exchange = self._exchange
        if exchange is None or not self.is_ready():
            self._failed("not connected")
            return False
        try:
            await asyncio.wait_for(
                asyncio.gather(
                    *(
                        exchange.publish(self._message(body, {EVENT_ID_HEADER: str(i)}), "")
                        for i, body in messages
                    )
                ),
                CONFIRM_TIMEOUT_S,
            )
        except Exception as error:  # noqa: BLE001 - any failure: the outbox keeps them
            self._failed(type(error).__name__)
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
