"""The handoff time-out worker: a request nobody took in time gets the call-back offer. It runs
in the web app's lifespan unless `overstap worker` runs it (OVERSTAP_WEB_WORKER=nee)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from starlette.applications import Starlette

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


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    console: Console = app.state.console
    task = asyncio.create_task(expire_waiting(console))
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        console.close()
