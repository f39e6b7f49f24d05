"""`overstap worker`: the background work of the production shape, in one process.

- the event consumer: Rasa's events from RabbitMQ into the console's live view and statistics
  (bot/events/consumer.py);
- the outbox relay: events RabbitMQ did not confirm, published again;
- handoff time-outs: a request nobody took in time gets the call-back offer;
- retention: hourly, conversations whose last message is older than
  OVERSTAP_CONVERSATION_RETENTION_DAYS are deleted everywhere (bot/console/retention.py).

Each job is a function that does one unit of work per call; `run_forever` only repeats them,
logs a failure by its class name (never a message text) and goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
from collections.abc import Awaitable, Callable

from bot.settings import Settings

logger = logging.getLogger("bot.worker")
RELAY_INTERVAL_S = 5.0
HANDOFF_INTERVAL_S = 15.0
CATALOG_CHECK_S = 3600.0
CATALOG_SOURCES = ("duo-ho", "duo-mbo", "duo-nfo")
RETENTION_INTERVAL_S = 3600.0


async def repeat(name: str, once: Callable[[], Awaitable[int]], idle_s: float) -> None:
    """Call `once` again at once while it finds work, else after `idle_s`."""
    while True:
        try:
            found = await once()
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - a database or broker outage
            logger.error("worker %s: %s", name, type(error).__name__)
            found = 0
        if not found:
            await asyncio.sleep(idle_s)


def handoff_once(settings: Settings, database, rasa) -> Callable[[], Awaitable[int]]:
    """One expired handoff request per call (bot/handoff/takeover.py)."""
    from bot.handoff.store import HandoffStore
    from bot.handoff.takeover import Takeover

    takeover = Takeover(HandoffStore(database.sessions), rasa)
    wait = dt.timedelta(minutes=settings.handoff_wait_minutes)
    hours = settings.hours

    async def once() -> int:
        return int(await asyncio.to_thread(takeover.expire_one, wait, hours) is not None)

    return once


def catalog_due(imported: dict[str, dt.datetime], every_days: int, now: dt.datetime) -> list[str]:
    """The DUO sources to update now: never imported, or imported `every_days` days ago."""
    due = []
    for source in CATALOG_SOURCES:
        last = imported.get(source)
        if last is None or now - last >= dt.timedelta(days=every_days):
            due.append(source)
    return due


def catalog_once(settings: Settings, database) -> Callable[[], Awaitable[int]]:
    """`overstap catalog update` on a schedule (OVERSTAP_CATALOG_UPDATE_DAYS; 0 = off): each
    due source is downloaded and imported in its own transaction; a failure changes nothing
    and is tried again at the next check."""
    from sqlalchemy import select

    from bot.catalog.models import CatalogSource
    from bot.catalog.store import Catalog
    from bot.db import session_scope
    from bot.errors import CatalogImportError

    catalog = Catalog(database)

    def update() -> int:
        with session_scope(database.sessions) as session:
            rows = session.execute(select(CatalogSource.id, CatalogSource.imported_at)).all()
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        for source in catalog_due(dict(rows), settings.catalog_update_days, now):
            try:
                report = catalog.update_source(source)
                logger.info("catalog update %s: %s courses", source, report.courses)
            except CatalogImportError:
                logger.error("catalog update %s failed; the catalog is unchanged", source)
        return 0

    async def once() -> int:
        return await asyncio.to_thread(update)

    return once


def retention_once(settings: Settings, database, tracker) -> Callable[[], Awaitable[int]]:
    """Every conversation past the retention, deleted (bot/console/retention.py); returns 0 so
    that `repeat` waits an hour before the next run."""
    from bot.console import retention

    days = settings.conversation_retention_days

    async def once() -> int:
        found = await asyncio.to_thread(retention.purge_and_audit, database.sessions, tracker, days)
        if found:
            logger.info("retention: %s conversations deleted", found)
        return 0

    return once


async def run_forever(settings: Settings) -> None:
    from bot.console.transcripts import TrackerStore, tracker_engine
    from bot.db import Database
    from bot.events.consumer import EventConsumer, OutboxRelay
    from bot.rasa_api import RasaClient

    settings = settings.with_secrets()
    database = Database(settings)
    database.migrate()
    rasa = RasaClient.from_settings(settings)
    tracker = TrackerStore(tracker_engine(settings))
    jobs: list[asyncio.Task] = [
        asyncio.create_task(
            repeat("handoff", handoff_once(settings, database, rasa), HANDOFF_INTERVAL_S)
        ),
        asyncio.create_task(
            repeat("retention", retention_once(settings, database, tracker), RETENTION_INTERVAL_S)
        ),
    ]
    if settings.catalog_update_days:
        jobs.append(
            asyncio.create_task(
                repeat("catalog", catalog_once(settings, database), CATALOG_CHECK_S)
            )
        )
    closers = []
    if settings.rabbitmq_url:
        consumer = EventConsumer(database.engine, settings.rabbitmq_url, settings.event_queue)
        relay = OutboxRelay(tracker_engine(settings), settings.rabbitmq_url, settings.event_queue)
        # Both connect on first use and again after RabbitMQ went away.
        closers += [consumer.close, relay.close]
        jobs.append(asyncio.create_task(repeat("events", consumer.consume_once, 0)))
        jobs.append(asyncio.create_task(repeat("outbox", relay.relay_once, RELAY_INTERVAL_S)))
    logger.info("worker started: %s jobs", len(jobs))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        for job in jobs:
            job.cancel()
        for job in jobs:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await job
        for close in closers:
            await close()
        rasa.close()
        tracker.close()
        database.close()


def main(settings: Settings) -> int:
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(message)s")
    asyncio.run(run_forever(settings))
    return 0
