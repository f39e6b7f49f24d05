"""The web app's background work: the handoff time-out worker (a request nobody took in time gets
the call-back offer) and the retention purge. They run in the web app's lifespan unless
`overstap worker` runs them (OVERSTAP_WEB_WORKER=nee)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from starlette.applications import Starlette

from bot.console import retention
from bot.web.console.state import Console, run

logger = logging.getLogger(__name__)
WORKER_INTERVAL_S = 15.0


async def expire_waiting(console: Console) -> None:
    wait = dt.timedelta(minutes=console.settings.handoff_wait_minutes)
    hours = console.settings.hours
    while True:
        try:
            while await run(console.takeover.expire_one, wait, hours) is not None:
                pass
        except Exception as exc:  # noqa: BLE001 - the loop must survive an outage
            logger.error("handoff time-out worker: %s", type(exc).__name__)
        await asyncio.sleep(WORKER_INTERVAL_S)


async def purge_old(console: Console) -> None:
    """Delete conversations past the retention, hourly (bot/console/retention.py)."""
    days = console.settings.conversation_retention_days
    while True:
        try:
            found = await run(
                retention.purge_and_audit, console.database.sessions, console.tracker, days
            )
            if found:
                logger.info("retention: %s conversations deleted", found)
        except Exception as exc:  # noqa: BLE001 - the loop must survive an outage
            logger.error("retention worker: %s", type(exc).__name__)
        await asyncio.sleep(retention.INTERVAL_S)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    console: Console = app.state.console
    tasks = [asyncio.create_task(expire_waiting(console)), asyncio.create_task(purge_old(console))]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        console.close()
