"""The atomic Redis lock store against a real Redis: one holder at a time across processes,
tickets served in order, a dead holder's ticket gone within its lifetime, no one-second wait."""

from __future__ import annotations

import asyncio
import os
import time
import uuid

import pytest
import redis
from rasa.core.lock_store import LockError

from bot.lock_store import ISSUE, AtomicRedisLockStore

REDIS_HOST = os.environ.get("OVERSTAP_TEST_REDIS_HOST", "127.0.0.1")


def redis_up() -> bool:
    try:
        return bool(redis.Redis(host=REDIS_HOST, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not redis_up(), reason="Redis on 127.0.0.1:6379 is needed")


def store(**kwargs) -> AtomicRedisLockStore:
    prefix = "t" + uuid.uuid4().hex[:10]
    return AtomicRedisLockStore(url=REDIS_HOST, key_prefix=kwargs.pop("prefix", prefix), **kwargs)


def test_two_processes_never_hold_one_conversation_at_once_and_keep_the_order():
    async def scenario() -> tuple[list, int]:
        a = store(prefix="shared1")
        b = AtomicRedisLockStore(url=REDIS_HOST, key_prefix="shared1")
        cid = uuid.uuid4().hex
        inside = 0
        most = 0
        order: list[int] = []

        async def message(number: int, lock_store: AtomicRedisLockStore) -> None:
            nonlocal inside, most
            async with lock_store.lock(cid):
                inside += 1
                most = max(most, inside)
                order.append(number)
                await asyncio.sleep(0.005)
                inside -= 1

        tasks = []
        for number in range(40):
            tasks.append(asyncio.create_task(message(number, a if number % 2 else b)))
            # Arrival order: 1 ms apart, the two connections' ticket requests could reach
            # Redis the other way round on a loaded machine (seen once in a full run).
            await asyncio.sleep(0.03)
        await asyncio.gather(*tasks)
        await a.close()
        await b.close()
        return order, most

    order, most = asyncio.run(scenario())
    assert most == 1
    assert order == list(range(40))


def test_a_dead_holders_ticket_expires_after_its_lifetime():
    async def scenario() -> float:
        lock_store = store(lifetime_s=0.4)
        cid = uuid.uuid4().hex
        # A process that took a ticket and was killed: nobody renews or releases it.
        await lock_store._issue(lock_store._keys(cid), [400, 800])
        started = time.monotonic()
        async with lock_store.lock(cid):
            waited = time.monotonic() - started
        await lock_store.close()
        return waited

    waited = asyncio.run(scenario())
    assert 0.3 < waited < 1.5


def test_a_long_holder_keeps_its_ticket_alive():
    async def scenario() -> bool:
        a = store(prefix="shared2", lifetime_s=0.3)
        b = AtomicRedisLockStore(url=REDIS_HOST, key_prefix="shared2", lifetime_s=0.3)
        cid = uuid.uuid4().hex
        overlap = False
        holding = False

        async def long_holder() -> None:
            nonlocal holding
            async with a.lock(cid):
                holding = True
                await asyncio.sleep(1.0)  # three lifetimes
                holding = False

        async def second() -> None:
            nonlocal overlap
            await asyncio.sleep(0.05)
            async with b.lock(cid):
                overlap = holding

        await asyncio.gather(long_holder(), second())
        await a.close()
        await b.close()
        return overlap

    assert asyncio.run(scenario()) is False


def test_a_second_quick_message_waits_only_for_the_first():
    async def scenario() -> tuple[float, float]:
        a = store(prefix="shared3")
        b = AtomicRedisLockStore(url=REDIS_HOST, key_prefix="shared3")
        waits = []

        async def pair(cid: str, other: AtomicRedisLockStore) -> None:
            released = 0.0

            async def first() -> None:
                nonlocal released
                async with a.lock(cid):
                    await asyncio.sleep(0.1)
                    released = time.monotonic()

            async def second() -> None:
                await asyncio.sleep(0.01)
                async with other.lock(cid):
                    waits.append(time.monotonic() - released)

            await asyncio.gather(first(), second())

        await pair(uuid.uuid4().hex, a)  # same process
        await pair(uuid.uuid4().hex, b)  # another process
        await a.close()
        await b.close()
        return waits[0], waits[1]

    same_process, other_process = asyncio.run(scenario())
    assert same_process < 0.02
    assert other_process < 0.1  # polled at most every 40 ms, not once a second


def test_without_redis_a_message_is_refused_not_handled_in_one_process_alone(caplog):
    """No silent single-instance mode: with Redis away nothing takes the conversation, and
    the outage is logged once (not per message)."""

    async def scenario() -> list[str]:
        lock_store = AtomicRedisLockStore(url="127.0.0.1", port=1, key_prefix="down")
        outcomes = []
        for _ in range(3):
            try:
                async with lock_store.lock("c1"):
                    outcomes.append("handled")
            except LockError:
                outcomes.append("refused")
        await lock_store.close()
        return outcomes

    with caplog.at_level("ERROR", logger="bot.lock_store"):
        started = time.monotonic()
        assert asyncio.run(scenario()) == ["refused"] * 3
        assert time.monotonic() - started < 5  # refused at once, not after Rasa's 60 s
    unreachable = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(unreachable) == 1


def test_a_redis_outage_refuses_messages_and_they_are_handled_again_after_it():
    """Redis stops (a client kill of every connection and a closed port stand in for it) and
    comes back: the store refuses in between and serves tickets again after."""

    async def scenario() -> list[str]:
        proxy = await TcpProxy.start(REDIS_HOST, 6379)
        lock_store = AtomicRedisLockStore(url="127.0.0.1", port=proxy.port, key_prefix=prefix())
        outcomes = []
        for phase in ("up", "down", "up"):
            if phase == "down":
                await proxy.stop()
            elif proxy.stopped:
                await proxy.restart()
            try:
                async with lock_store.lock("c1"):
                    outcomes.append(f"{phase}: handled")
            except LockError:
                outcomes.append(f"{phase}: refused")
        await lock_store.close()
        await proxy.stop()
        return outcomes

    assert asyncio.run(scenario()) == ["up: handled", "down: refused", "up: handled"]


def prefix() -> str:
    return "t" + uuid.uuid4().hex[:10]


class TcpProxy:
    """A TCP forwarder to Redis that can be stopped (connections cut, port closed) and
    started again on the same port: Redis going away without stopping the shared Redis."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.target_port = host, port
        self.port = 0
        self.server: asyncio.AbstractServer | None = None
        self.writers: list[asyncio.StreamWriter] = []
        self.stopped = True

    @classmethod
    async def start(cls, host: str, port: int) -> TcpProxy:
        proxy = cls(host, port)
        await proxy.restart()
        return proxy

    async def restart(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]
        self.stopped = False

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
        for writer in self.writers:
            writer.close()
        self.writers.clear()
        self.stopped = True

    async def _serve(self, reader, writer) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.host, self.target_port)
        self.writers += [writer, up_writer]

        async def pipe(src, dst) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


def test_the_issue_script_is_atomic_per_ticket():
    client = redis.Redis(host=REDIS_HOST)
    keys = [f"t{uuid.uuid4().hex}:{k}" for k in "qen"]
    issue = client.register_script(ISSUE)
    tickets = [int(issue(keys, [1000, 2000])) for _ in range(5)]
    assert tickets == [1, 2, 3, 4, 5]
    assert client.zcard(keys[0]) == 5
    client.delete(*keys)
