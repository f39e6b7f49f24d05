"""A Redis lock store for several Rasa instances: atomic tickets, no one-second wait.

Rasa 3.6's `RedisLockStore` reads a conversation's lock, changes it in Python and writes it back
(RasaHQ/rasa #9213): two instances that issue a ticket at the same moment can both be "first"
and handle one conversation side by side. A message that has to wait sleeps a whole second
between looks, so a person's second quick message waits about a second.

`AtomicRedisLockStore` keeps the same idea (tickets served in the order they were issued) with
every step in one Lua script, which Redis runs atomically:

- a ticket is `INCR` of the conversation's counter, put in a sorted set, with its expiry (Redis
  `TIME`, so the instances' clocks do not matter) in a hash;
- a ticket may go when it is the lowest one left; tickets at the head that expired are dropped
  first (their owner died: `kill -9`);
- the owner of a ticket renews it every `lifetime / 3` while it waits or holds, so a ticket
  lives `lifetime_s` (default 6 s) after its process stops, not Rasa's 60 s;
- releasing removes the ticket and deletes the keys when none is left.

Messages of one conversation that reach the same process queue first on a local `asyncio.Lock`
(FIFO), so they wake at once when the one before them is done and only one ticket per process
is in Redis. Tickets from other processes are polled for, from 2 ms doubling up to 40 ms.
HAProxy sends a conversation to one instance (README, "Production shape"), so the cross-process
case is rare: a failover or a request that carried no conversation key.

When Redis cannot be reached a message is not handled: `lock` raises `LockError` (logged once
per outage), and the channel tells the person in Dutch that it does not work right now
(bot/channels/). Going on with the local lock alone would let two instances work on one
conversation whenever HAProxy sends its messages to both (a failover, a socket's first request),
silently; a Redis outage must be seen, not papered over.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore
from redis import asyncio as aioredis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DEFAULT_LIFETIME_S = 6.0
DEFAULT_WAIT_S = 60.0
FIRST_POLL_S = 0.002
MAX_POLL_S = 0.04

_NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) "
_EXPIRE = "for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end "

# KEYS: queue (zset), expiries (hash), counter. ARGV: lifetime ms, key ttl ms.
ISSUE = (
    _NOW + "local n = redis.call('INCR', KEYS[3]) "
    "redis.call('ZADD', KEYS[1], n, n) "
    "redis.call('HSET', KEYS[2], n, now + tonumber(ARGV[1])) " + _EXPIRE + "return n"
)
# ARGV: ticket. Returns 1 (serving), 0 (wait) or -1 (the ticket is gone: it expired).
TRY = (
    _NOW + "if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return -1 end "
    "while true do "
    "  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1] "
    "  if head == ARGV[1] then return 1 end "
    "  local expires = tonumber(redis.call('HGET', KEYS[2], head) or '0') "
    "  if expires >= now then return 0 end "
    "  redis.call('ZREM', KEYS[1], head) redis.call('HDEL', KEYS[2], head) "
    "end"
)
# ARGV: lifetime ms, key ttl ms, tickets... Renews the tickets that still exist.
RENEW = (
    _NOW + "local renewed = 0 "
    "for i = 3, #ARGV do "
    "  if redis.call('ZSCORE', KEYS[1], ARGV[i]) then "
    "    redis.call('HSET', KEYS[2], ARGV[i], now + tonumber(ARGV[1])) renewed = renewed + 1 "
    "  end "
    "end " + _EXPIRE + "return renewed"
)
# ARGV: ticket.
RELEASE = (
    "redis.call('ZREM', KEYS[1], ARGV[1]) redis.call('HDEL', KEYS[2], ARGV[1]) "
    "if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end "
    "return 1"
)


@dataclass
class _Local:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class AtomicRedisLockStore(LockStore):
    """`lock_store: type: bot.lock_store.AtomicRedisLockStore` in endpoints.yml, with `url`,
    `port`, `db`, `username`, `password`, `use_ssl`, `key_prefix` like Rasa's redis store, and
    `lifetime_s`."""

    def __init__(
        self,
        endpoint_config: Any = None,
        *,
        url: str = "127.0.0.1",
        port: int = 6379,
        db: int = 0,
        username: Optional[str] = None,
        password: Optional[str] = None,
        use_ssl: bool = False,
        key_prefix: str = "overstap",
        lifetime_s: float = DEFAULT_LIFETIME_S,
        socket_timeout_s: float = 1.0,
    ) -> None:
        if endpoint_config is not None:
            kwargs = dict(endpoint_config.kwargs or {})
            url = endpoint_config.url or url
            port = int(kwargs.get("port", port))
            db = int(kwargs.get("db", db))
            username = kwargs.get("username", username)
            password = kwargs.get("password", password)
            use_ssl = bool(kwargs.get("use_ssl", use_ssl))
            key_prefix = str(kwargs.get("key_prefix", key_prefix))
            lifetime_s = float(kwargs.get("lifetime_s", lifetime_s))
        self.redis = aioredis.Redis(
            host=url,
            port=int(port),
            db=int(db),
            username=username,
            password=password,
            ssl=use_ssl,
            socket_timeout=socket_timeout_s,
            socket_connect_timeout=socket_timeout_s,
        )
        self.prefix = f"{key_prefix}:lock:"
        self.lifetime_ms = int(lifetime_s * 1000)
        self.key_ttl_ms = self.lifetime_ms * 2
        self._issue = self.redis.register_script(ISSUE)
        self._try = self.redis.register_script(TRY)
        self._renew = self.redis.register_script(RENEW)
        self._release = self.redis.register_script(RELEASE)
        self._local: dict[str, _Local] = {}
        self._held: dict[str, int] = {}  # conversation -> this process's ticket in Redis
        self._renewer: Optional[asyncio.Task] = None
        self._redis_down = False
        super().__init__()

    def _keys(self, conversation_id: str) -> list[str]:
        base = self.prefix + conversation_id
        return [base + ":q", base + ":e", base + ":n"]

    # -- Rasa's interface ------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = DEFAULT_WAIT_S,
        wait_time_in_seconds: float = FIRST_POLL_S,
    ) -> AsyncIterator[TicketLock]:
        """Hold the conversation: first in this process, then across processes.

        `lock_lifetime` (Rasa passes its 60 s) bounds the wait; a message that waited that
        long fails with LockError, as Rasa's own store does for an expired lock.
        """
        local = self._local.setdefault(conversation_id, _Local())
        local.users += 1
        try:
            try:
                await asyncio.wait_for(local.lock.acquire(), lock_lifetime)
            except asyncio.TimeoutError:
                raise LockError(f"Could not acquire lock for {conversation_id!r}.") from None
            try:
                ticket = await self._acquire_shared(conversation_id, lock_lifetime)
                try:
                    yield TicketLock(conversation_id)
                finally:
                    await self._release_shared(conversation_id, ticket)
            finally:
                local.lock.release()
        finally:
            local.users -= 1
            if local.users == 0:
                self._local.pop(conversation_id, None)

    # Rasa's base class reads and writes whole TicketLock objects; nothing calls these for
    # this store (Rasa uses only `lock`), they are here for completeness.
    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        return None

    def delete_lock(self, conversation_id: str) -> None:
        return None

    def save_lock(self, lock: TicketLock) -> None:
        return None

    # -- across processes ------------------------------------------------------------------

    async def _acquire_shared(self, conversation_id: str, max_wait_s: float) -> int:
        keys = self._keys(conversation_id)
        try:
            ticket = int(await self._issue(keys, [self.lifetime_ms, self.key_ttl_ms]))
        except (RedisError, OSError) as error:
            self._lost_redis(error)
            raise LockError("Lock store: Redis unreachable.") from None
        self._held[conversation_id] = ticket
        self._ensure_renewer()
        deadline = time.monotonic() + max_wait_s
        pause = FIRST_POLL_S
        try:
            while True:
                state = int(await self._try(keys, [ticket]))
                if state == 1:
                    self._redis_back()
                    return ticket
                if state == -1:
                    raise LockError(f"The lock ticket for {conversation_id!r} expired.")
                if time.monotonic() > deadline:
                    raise LockError(f"Could not acquire lock for {conversation_id!r}.")
                await asyncio.sleep(pause)
                pause = min(pause * 2, MAX_POLL_S)
        except (RedisError, OSError) as error:
            self._held.pop(conversation_id, None)
            self._lost_redis(error)
            raise LockError("Lock store: Redis unreachable.") from None
        except BaseException:
            self._held.pop(conversation_id, None)
            with contextlib.suppress(RedisError, OSError):
                await self._release(keys, [ticket])
            raise

    async def _release_shared(self, conversation_id: str, ticket: int) -> None:
        self._held.pop(conversation_id, None)
        try:
            await self._release(self._keys(conversation_id), [ticket])
        except (RedisError, OSError) as error:  # the ticket expires by itself
            self._lost_redis(error)

    def _ensure_renewer(self) -> None:
        if self._renewer is None or self._renewer.done():
            self._renewer = asyncio.get_running_loop().create_task(self._renew_forever())

    async def _renew_forever(self) -> None:
        """Keep this process's tickets alive (waiting or held) while it runs."""
        while self._held:
            await asyncio.sleep(self.lifetime_ms / 3000)
            for conversation_id, ticket in list(self._held.items()):
                try:
                    await self._renew(
                        self._keys(conversation_id), [self.lifetime_ms, self.key_ttl_ms, ticket]
                    )
                except (RedisError, OSError) as error:
                    self._lost_redis(error)
                    break

    def _lost_redis(self, error: BaseException) -> None:
        if not self._redis_down:
            logger.error(
                "Lock store: Redis unreachable (%s); messages are refused until it is back.",
                type(error).__name__,
            )
        self._redis_down = True

    def _redis_back(self) -> None:
        if self._redis_down:
            logger.warning("Lock store: Redis is reachable again.")
        self._redis_down = False

    async def close(self) -> None:
        if self._renewer is not None:
            self._renewer.cancel()
        await self.redis.close()
