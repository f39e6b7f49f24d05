"""Works through the inbox: one task per sender, so a sender's messages go one at a time and
in order, while different senders are handled side by side.

The webhook only stores a message and kicks the sender's task; the task claims the sender's
oldest unfinished message in the database, hands it to the bot, and marks it done. While the
bot works on it the claim is renewed every `lease_s / 3`; a claim that is not renewed (its
process was killed mid-turn) is free again after `lease_s`, and the turn runs again: replies
the person already has are not sent twice (bot/channels/whatsapp.py). A sweep (at start and
every `sweep_s`) kicks every sender with work left: messages stored while the bot was down or
slow, retries that are due, and claims of a worker that died, looked at again when their lease
ends. With a lease of two minutes and no renewal, the rest of a turn interrupted by a `kill -9`
came two and a half minutes after the restart, and the person's new messages waited behind it.
Beside it, `purge` (the retention purge of the store) runs at start and every `purge_s`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from bot.whatsapp.store import Claimed, Purged, WhatsAppStore

logger = logging.getLogger(__name__)

Handler = Callable[[Claimed], Awaitable[None]]
Purge = Callable[[], Purged]


class InboxWorker:
    def __init__(
        self,
        store: WhatsAppStore,
        handle: Handler,
        give_up: Handler,
        *,
        lease_s: float = 30.0,
        timeout_s: float = 90.0,
        sweep_s: float = 30.0,
        max_attempts: int = 5,
        retry_base_s: float = 2.0,
        purge: Purge | None = None,
        purge_s: float = 3600.0,
    ):
        self.store = store
        self.handle = handle
        self.give_up = give_up
        self.lease_s = lease_s
        self.timeout_s = timeout_s
        self.sweep_s = sweep_s
        self.max_attempts = max_attempts
        self.retry_base_s = retry_base_s
        self.purge = purge
        self.purge_s = purge_s
        self._active: dict[str, asyncio.Task] = {}
        self._again: set[str] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        self._sweeper: asyncio.Task | None = None
        self._purger: asyncio.Task | None = None
        self._stopping = False

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        self._stopping = False
        loop = asyncio.get_running_loop()
        self._sweeper = loop.create_task(self._sweep_forever())
        if self.purge is not None:
            self._purger = loop.create_task(self._purge_forever())

    async def stop(self) -> None:
        self._stopping = True
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        tasks = [t for t in (self._sweeper, self._purger, *self._active.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._active.clear()

    async def idle(self, timeout_s: float = 10.0) -> None:
        """Wait until no sender has a running task (for tests and orderly shutdowns)."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while self._active and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.01)

    # -- scheduling --------------------------------------------------------------------------

    def kick(self, pseudonym: str) -> None:
        """Make sure the sender's task runs (again) and looks for new messages."""
        if self._stopping:
            return
        if pseudonym in self._active:
            self._again.add(pseudonym)
            return
        task = asyncio.get_running_loop().create_task(self._drain(pseudonym))
        self._active[pseudonym] = task

    def _kick_later(self, pseudonym: str, delay_s: float) -> None:
        loop = asyncio.get_running_loop()

        def fire() -> None:
            self._timers.discard(timer)
            self.kick(pseudonym)

        timer = loop.call_later(max(delay_s, 0.01), fire)
        self._timers.add(timer)

    async def _sweep_forever(self) -> None:
        while True:
            try:
                senders = await asyncio.to_thread(self.store.senders_with_work)
            except Exception as exc:  # noqa: BLE001 - the database may be down for a while
                logger.warning("WhatsApp inbox sweep failed: %s", type(exc).__name__)
            else:
                for pseudonym in senders:
                    self.kick(pseudonym)
            await asyncio.sleep(self.sweep_s)

    async def _purge_forever(self) -> None:
        assert self.purge is not None
        while True:
            try:
                purged = await asyncio.to_thread(self.purge)
            except Exception as exc:  # noqa: BLE001 - tried again at the next interval
                logger.warning("WhatsApp retention purge failed: %s", type(exc).__name__)
            else:
                if purged.total:
                    logger.info(
                        "WhatsApp retention purge: %s inbox rows, %s statuses, %s contacts, "
                        "%s send errors, %s outbox rows deleted",
                        purged.inbox, purged.statuses, purged.contacts, purged.send_errors,
                        purged.outbox,
                    )  # fmt: skip
            await asyncio.sleep(self.purge_s)

    async def _drain(self, pseudonym: str) -> None:
        try:
            while True:
                self._again.discard(pseudonym)
                claim = await asyncio.to_thread(self.store.claim_next, pseudonym, self.lease_s)
                if claim.row is None:
                    if claim.retry_in is not None:
                        self._kick_later(pseudonym, claim.retry_in)
                    if pseudonym in self._again:
                        continue  # a message came in while we looked
                    return
                await self._run(claim.row)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the sweep will try this sender again
            logger.warning("WhatsApp inbox worker stopped for a sender: %s", type(exc).__name__)
        finally:
            self._active.pop(pseudonym, None)

    async def _run(self, row: Claimed) -> None:
        renewing = asyncio.get_running_loop().create_task(self._keep_claim(row))
        try:
            await self._handle(row)
        finally:
            renewing.cancel()

    async def _keep_claim(self, row: Claimed) -> None:
        """Renew the claim while the bot works on the message, so that only a dead worker's
        claim runs out."""
        while True:
            await asyncio.sleep(self.lease_s / 3)
            try:
                if not await asyncio.to_thread(self.store.renew_claim, row.id, row.attempts):
                    return  # finished meanwhile, or no longer ours
            except Exception as exc:  # noqa: BLE001 - the database may be down for a moment
                logger.warning("WhatsApp inbox claim not renewed: %s", type(exc).__name__)

    async def _handle(self, row: Claimed) -> None:
        try:
            await asyncio.wait_for(self.handle(row), self.timeout_s)
        except asyncio.CancelledError:
            # Shutting down: give the message back, it is picked up again after the restart.
            with contextlib.suppress(Exception):
                self.store.retry_later(row.id, 0)
            raise
        except Exception as exc:  # noqa: BLE001 - includes a timeout of the bot
            logger.warning(
                "WhatsApp inbox message %s failed (attempt %s of %s): %s",
                row.id, row.attempts, self.max_attempts, type(exc).__name__,
            )  # fmt: skip
            if row.attempts >= self.max_attempts:
                await asyncio.to_thread(self.store.finish, row.id, "failed")
                with contextlib.suppress(Exception):
                    await self.give_up(row)
            else:
                delay = self.retry_base_s * 2 ** (row.attempts - 1)
                await asyncio.to_thread(self.store.retry_later, row.id, delay)
            return
        await asyncio.to_thread(self.store.finish, row.id, "done")
