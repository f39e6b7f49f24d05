"""Rasa's events through RabbitMQ into the console's tables, against real PostgreSQL and RabbitMQ:
one message per event with its own content and id, the outbox keeping what RabbitMQ did not
confirm, the relay sending it again, the consumer counting a repeat once, and a RabbitMQ restart
in the middle of a run losing nothing."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine.url import make_url

from bot.db import Base
from bot.events import outbox, projection
from bot.events.broker import ConfirmedPikaBroker
from bot.events.consumer import EventConsumer, OutboxRelay
from bot.tracker_store import WindowedSQLTrackerStore

ROOT = Path(__file__).resolve().parents[2]
AMQP = "amqp://guest:guest@127.0.0.1:5672/"


def rabbitmq_up() -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 5672)) == 0


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not rabbitmq_up(), reason="RabbitMQ on 127.0.0.1:5672 is needed"),
]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def drop(name: str) -> None:
    """The run's durable queue and fanout exchange of that name."""
    import aio_pika

    async def go() -> None:
        connection = await aio_pika.connect(AMQP)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(name)
            await channel.exchange_delete(name)

    with contextlib.suppress(Exception):
        asyncio.run(go())


@pytest.fixture
def queue() -> str:
    name = f"test_events_{uuid.uuid4().hex[:8]}"
    yield name
    drop(name)


def turn(number: int) -> list:
    return [
        UserUttered(f"bericht {number}", {"name": "inform", "confidence": 0.9}, []),
        SlotSet("sector", f"zorg-{number}"),
        ActionExecuted("utter_ask_profile_form_sector"),
        BotUttered(f"antwoord {number}"),
        ActionExecuted("action_listen"),
    ]


async def make_store(domain, database: str, queue: str, connect: bool = True):
    url = make_url(database)
    # connect=False: RabbitMQ "away" (nothing listens on port 1), the broker cannot connect.
    broker = ConfirmedPikaBroker(
        "127.0.0.1", "guest", "guest", port=5672 if connect else 1, queues=[queue],
        exchange_name=queue,
    )  # fmt: skip
    await broker.connect()
    store = WindowedSQLTrackerStore(
        domain=domain, event_broker=broker, dialect="postgresql", host=url.host, port=url.port,
        db=url.database, username=url.username,
    )  # fmt: skip
    return store, broker


async def save_turns(store, sender: str, turns: range) -> None:
    tracker = await store.retrieve(sender)
    if tracker is None:
        tracker = DialogueStateTracker.from_events(
            sender, [ActionExecuted("action_session_start"), SessionStarted()], store.domain.slots
        )
        await store.save(tracker)
        tracker = await store.retrieve(sender)
    for number in turns:
        for event in turn(number):
            tracker.update(event)
        await store.save(tracker)


async def wait_for_outbox(store, count: int, timeout_s: float = 10.0) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        waiting = outbox.waiting(store.engine)
        if waiting == count:
            return waiting
    return outbox.waiting(store.engine)


async def consume_all(consumer: EventConsumer, idle_rounds: int = 2) -> None:
    idle = 0
    while idle < idle_rounds:
        idle = idle + 1 if not await consumer.consume_once() else 0


def stored(store, sender: str) -> list[tuple[int, dict]]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, data FROM events WHERE sender_id=:s ORDER BY id"), {"s": sender}
        ).all()
    return [(row.id, json.loads(row.data)) for row in rows]


def live(engine, sender: str) -> list[int]:
    with engine.connect() as conn:
        return [
            row.event_id
            for row in conn.execute(
                sa.select(projection.live_events.c.event_id)
                .where(projection.live_events.c.sender_id == sender)
                .order_by(projection.live_events.c.event_id)
            )
        ]


def test_every_message_carries_its_own_event_and_id(domain, module_postgres_database, queue):
    async def scenario():
        store, broker = await make_store(domain, module_postgres_database, queue)
        sender = f"c-{uuid.uuid4().hex[:8]}"
        import aio_pika

        connection = await aio_pika.connect_robust(AMQP)
        channel = await connection.channel()
        q = await channel.declare_queue(queue, durable=True)
        await save_turns(store, sender, range(3))
        assert await wait_for_outbox(store, 0) == 0  # all confirmed, rows deleted
        got = []
        while (message := await q.get(fail=False, no_ack=True)) is not None:
            got.append((int(message.headers["overstap-event-id"]), json.loads(message.body)))
        await connection.close()
        await broker.close()
        return stored(store, sender), got

    rows, got = asyncio.run(scenario())
    assert len(got) == len(rows) == 2 + 3 * 5
    by_id = dict(got)
    for event_id, data in rows:
        body = by_id[event_id]
        assert body["sender_id"].startswith("c-")
        assert {k: v for k, v in body.items() if k != "sender_id"} == data
    texts = [b.get("text") for _, b in sorted(got) if b["event"] == "user"]
    assert texts == ["bericht 0", "bericht 1", "bericht 2"]  # not the last one three times


def test_unconfirmed_events_wait_in_the_outbox_and_are_counted_once(
    domain, module_postgres_database, queue, tmp_path
):
    app = sa.create_engine(f"sqlite:///{tmp_path / 'app.db'}", future=True)
    Base.metadata.create_all(app, tables=list(projection.TABLES))

    async def scenario():
        # RabbitMQ "away": the broker cannot connect, and keeps trying.
        store, broker = await make_store(domain, module_postgres_database, queue, connect=False)
        sender = f"o-{uuid.uuid4().hex[:8]}"
        await save_turns(store, sender, range(2))
        waiting = await wait_for_outbox(store, 3, 2)
        consumer = EventConsumer(app, AMQP, queue, wait_s=0.5)
        await consumer.start()
        relay = OutboxRelay(store.engine, AMQP, queue, older_than_s=0)
        await relay.start()
        relayed = await relay.relay_once()
        await consume_all(consumer)
        first = list(live(app, sender))
        # The same rows once more (a relay that died before deleting them): no double count.
        with store.engine.begin() as conn:
            ids = [i for i, _ in stored(store, sender)]
            outbox.add(conn, sender, ids)
        await relay.relay_once()
        await consume_all(consumer)
        await relay.close()
        await consumer.close()
        return waiting, relayed, first, live(app, sender), stored(store, sender)

    waiting, relayed, first, again, rows = asyncio.run(scenario())
    assert waiting == 3 and relayed == 3
    shown = [i for i, e in rows if e["event"] in projection.LIVE_TYPES]
    assert first == again == shown
    with app.connect() as conn:
        counts = dict(
            conn.execute(
                sa.select(projection.stats_intents.c.intent, projection.stats_intents.c.count)
            ).all()
        )
    assert counts == {"inform": 2}
    turns = projection.live_turns(app, rows[0][1].get("sender_id") or "", -1)
    assert turns == []  # another conversation's id shows nothing


@pytest.mark.parametrize("app_db", ["sqlite", "postgres"])
def test_events_of_an_erased_conversation_do_not_come_back(
    domain, module_postgres_database, queue, tmp_path, app_db
):
    """Events published before an erase that the worker had not consumed yet, and one published
    again after it (as the outbox relay does), write no row of the conversation; the same id
    writing again afterwards is a new conversation (bot/console/erased.py)."""
    from privacy_scan import rows_holding
    from sqlalchemy.orm import sessionmaker

    from bot.console.avg import delete_conversation
    from bot.console.transcripts import TrackerStore

    url = module_postgres_database if app_db == "postgres" else f"sqlite:///{tmp_path / 'app.db'}"
    app = sa.create_engine(url, future=True)
    Base.metadata.create_all(app, tables=list(projection.TABLES))

    async def republish(event_id: int, body: dict) -> None:
        import aio_pika

        connection = await aio_pika.connect(AMQP)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.get_exchange(queue)
            message = aio_pika.Message(
                json.dumps(body).encode(), headers={outbox.EVENT_ID_HEADER: str(event_id)}
            )
            await exchange.publish(message, "")

    async def scenario():
        store, broker = await make_store(domain, module_postgres_database, queue)
        consumer = EventConsumer(app, AMQP, queue, wait_s=0.5)
        await consumer.start()
        sender = f"e-{uuid.uuid4().hex[:8]}"
        await save_turns(store, sender, range(2))
        assert await wait_for_outbox(store, 0) == 0  # RabbitMQ has them all, none consumed
        before = stored(store, sender)
        deleted = delete_conversation(sessionmaker(app), TrackerStore(store.engine), sender)
        first_id, first = before[0]
        await republish(first_id, {"sender_id": sender, **first})
        await consume_all(consumer)
        after_erase = (rows_holding(app, [sender]), consumer.dropped, consumer.applied)
        await save_turns(store, sender, range(2, 3))  # the same id, after the erase
        await consume_all(consumer)
        again = stored(store, sender)
        await consumer.close()
        await broker.close()
        return before, deleted, after_erase, again, live(app, sender)

    before, deleted, after_erase, again, shown = asyncio.run(scenario())
    assert deleted.counts["events"] == len(before) == 2 + 2 * 5
    assert after_erase == ({}, len(before) + 1, 0)
    assert shown == [i for i, e in again if e["event"] in projection.LIVE_TYPES] and shown
    assert min(shown) > max(i for i, _ in before)
    app.dispose()


@pytest.mark.skipif(shutil.which("rabbitmqctl") is None, reason="rabbitmqctl is needed")
def test_a_rabbitmq_restart_in_the_middle_of_a_run_loses_nothing(
    domain, module_postgres_database, queue, tmp_path
):
    app = sa.create_engine(f"sqlite:///{tmp_path / 'app.db'}", future=True)
    Base.metadata.create_all(app, tables=list(projection.TABLES))

    async def scenario():
        store, broker = await make_store(domain, module_postgres_database, queue)
        consumer = EventConsumer(app, AMQP, queue, wait_s=0.5)
        await consumer.start()
        relay = OutboxRelay(store.engine, AMQP, queue, older_than_s=0.5)
        await relay.start()
        senders = [f"r{i}-{uuid.uuid4().hex[:6]}" for i in range(4)]
        stop_consuming = asyncio.Event()

        async def consume() -> None:
            while not stop_consuming.is_set():
                with contextlib.suppress(Exception):
                    await consumer.consume_once()

        consuming = asyncio.create_task(consume())
        for sender in senders:
            await save_turns(store, sender, range(0, 3))
        await asyncio.to_thread(subprocess.run, ["rabbitmqctl", "-q", "stop_app"], check=True)
        try:
            for sender in senders:
                await save_turns(store, sender, range(3, 6))  # RabbitMQ is away
        finally:
            await asyncio.to_thread(subprocess.run, ["rabbitmqctl", "-q", "start_app"], check=True)
        await asyncio.to_thread(subprocess.run, ["rabbitmqctl", "-q", "await_startup"], check=False)
        for sender in senders:
            await save_turns(store, sender, range(6, 8))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and outbox.waiting(store.engine):
            with contextlib.suppress(Exception):
                await relay.relay_once()
            await asyncio.sleep(1)
        await asyncio.sleep(3)
        stop_consuming.set()
        await consuming
        await consume_all(consumer)
        result = {s: (stored(store, s), live(app, s)) for s in senders}
        await relay.close()
        await consumer.close()
        await broker.close()
        return result, outbox.waiting(store.engine)

    try:
        result, waiting = asyncio.run(scenario())
    finally:
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=False)  # always leave it running
    assert waiting == 0
    for rows, shown in result.values():
        expected = [i for i, e in rows if e["event"] in projection.LIVE_TYPES]
        assert shown == expected
        texts = [e["text"] for _, e in rows if e["event"] == "user"]
        assert texts == [f"bericht {n}" for n in range(8)]
