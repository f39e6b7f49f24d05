"""Sends the replies that wait in the outbox because the Graph API did not take them.

While Meta's API is down (5xx, 429, no connection) the channel queues replies instead of
dropping them (bot/channels/whatsapp.py). The relay looks every `every_s` seconds, and per
person sends what waits in order, oldest first; a reply that fails again waits longer
(doubling up to `max_wait_s`) and nothing behind it goes before it. A claim (with a lease) on
each row keeps two Rasa instances from sending one reply twice. A reply Meta refuses for good
(a 4xx: the 24-hour window closed) is recorded as a send error, as a direct send would be.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.errors import GraphError
from bot.whatsapp.graph import RETRY_STATUSES, GraphClient
from bot.whatsapp.store import WhatsAppStore

logger = logging.getLogger(__name__)

LEASE_S = 60.0


def retryable(error: GraphError) -> bool:
    """The Graph API did not take the message (down, overloaded, no connection): send it later.
    A read timeout is not retried: Meta may have delivered it (bot/whatsapp/graph.py)."""
    if error.status in RETRY_STATUSES:
        return True
    return error.status == 0 and error.title in {"ConnectionError", "ConnectTimeout"}


class OutboxRelay:
    def __init__(
        self,
        store: WhatsAppStore,
        graph: GraphClient,
        *,
        every_s: float = 5.0,
        first_wait_s: float = 5.0,
        max_wait_s: float = 300.0,
    ) -> None:
        self.store = store
        self.graph = graph
        self.every_s = every_s
        self.first_wait_s = first_wait_s
        self.max_wait_s = max_wait_s
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._forever())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    async def _forever(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception as exc:  # noqa: BLE001 - the database may be down for a while
                logger.warning("WhatsApp outbox relay failed: %s", type(exc).__name__)
            await asyncio.sleep(self.every_s)

    async def run_once(self) -> int:
        """Send what is due; returns how many replies went out."""
        sent = 0
        for pseudonym in await asyncio.to_thread(self.store.queued_senders):
            sent += await self._drain(pseudonym)
        return sent

    async def _drain(self, pseudonym: str) -> int:
        sent = 0
        while True:
            claim = await asyncio.to_thread(self.store.claim_reply, pseudonym, LEASE_S)
            if claim is None:
                return sent
            row_id, body, attempt = claim
            outcome = await self._send(pseudonym, body)
            if outcome == "later":
                wait = min(self.max_wait_s, self.first_wait_s * 2 ** (attempt - 1))
                await asyncio.to_thread(self.store.reply_later, row_id, wait)
                return sent  # nothing behind it goes first
            await asyncio.to_thread(self.store.reply_done, row_id, outcome)
            sent += outcome == "sent"

    async def _send(self, pseudonym: str, body: dict) -> str:
        """ "sent", "later" or "failed"."""
        address = await asyncio.to_thread(self.store.address, pseudonym)
        if address is None:
            return "failed"  # the contact was erased meanwhile
        try:
            message_id = await self.graph.send(address.recipient_fields(), body)
        except GraphError as exc:
            if retryable(exc):
                return "later"
            await asyncio.to_thread(
                self.store.record_send_error, pseudonym, exc.code or exc.status, exc.title
            )
            return "failed"
        if message_id:
            await asyncio.to_thread(self.store.record_sent, message_id, pseudonym)
        return "sent"
