"""Abuse limits of the public inputs in the Rasa server: body sizes and message rates.

Body sizes. Sanic reads a request's whole body before a handler runs, up to its
REQUEST_MAX_SIZE (100 MB by default): a 5 MB REST message was read whole and then cut to
2,000 characters. `overstap run` sets SANIC_REQUEST_MAX_SIZE to SERVER_MAX_BODY_BYTES (what
Meta's webhooks may send), and `install_body_limits` lowers it per route once Sanic knows the
route, before it reads the body: a larger Content-Length is answered 413 without reading it.
The socket.io server has its own limit (`max_http_buffer_size`, bot/channels/socketio.py).

Rates. Two token buckets: per conversation (REST's sender, the socket's session, the WhatsApp
pseudonym) and per client address. A message over either limit is answered in Dutch (HTTP 429
on REST), never passed on, and costs no other conversation anything; a refused message does not
count. `limits_for` picks where the buckets live:

- without OVERSTAP_REDIS_URL (`make run`, one Rasa process) in the process: `Limits`;
- with it (`make run-prod`, several instances behind HAProxy) in Redis: `RedisLimits`, the same
  buckets in one Lua script that Redis runs atomically, so every instance counts against one
  bucket. Counted per process, a person's limit was multiplied by the number of instances (an
  address's requests are spread over them, and a conversation moves on a failover). The keys
  are named after OVERSTAP_PUBLIC_RASA_URL, as the socket.io channel is (bot/channels/
  cluster.py), so two deployments on one Redis do not count each other's messages.

When Redis cannot be reached, `RedisLimits.take` raises `LimitsUnavailable` within its short
socket timeout and the message is not taken, as the lock store does (bot/lock_store.py): REST
and socket.io answer "het lukt nu even niet", WhatsApp tries the message again later. Counting
in the process instead would be a silent single-instance mode. The log says so once per outage.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from typing import Any, Union

from redis import asyncio as aioredis
from redis.exceptions import RedisError

from bot.settings import Settings

logger = logging.getLogger(__name__)

SERVER_MAX_BODY_BYTES = 3 * 1024 * 1024  # Meta: a webhook POST is at most 3 MB
API_MAX_BODY_BYTES = 1024 * 1024  # Rasa's HTTP API behind the token (the console's calls)
WHATSAPP_PATH = "/webhooks/whatsapp/"
CHAT_PATHS = ("/webhooks/rest/", "/socket.io")
MAX_KEYS = 100_000  # buckets kept per limiter; the least recently used go first


def route_max_body(path: str, chat_max_bytes: int) -> int:
    """The largest body a route accepts."""
    if path.startswith(WHATSAPP_PATH):
        return SERVER_MAX_BODY_BYTES
    if path.startswith(CHAT_PATHS):
        return chat_max_bytes
    return API_MAX_BODY_BYTES


def install_body_limits(app: Any, settings: Settings) -> None:
    """Per-route body limits on a Sanic app, checked before the body is read."""
    chat_max = settings.chat_max_body_kb * 1024

    @app.signal("http.routing.after")
    async def limit_body(request: Any, route: Any, kwargs: Any, handler: Any) -> None:
        if request.stream is not None:
            limit = route_max_body(request.path, chat_max)
            request.stream.request_max_size = min(request.stream.request_max_size, limit)


class TokenBucket:
    """At most `per_minute` messages at once, then `per_minute` a minute, per key."""

    def __init__(self, per_minute: int, max_keys: int = MAX_KEYS) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def _level(self, key: str, now: float) -> float:
        tokens, at = self._buckets.get(key, (self.capacity, now))
        return min(self.capacity, tokens + (now - at) * self.rate)

    def wait(self, key: str, now: float) -> float:
        """Seconds until `key` may send again; 0 when it may now."""
        level = self._level(key, now)
        return 0.0 if level >= 1.0 else (1.0 - level) / self.rate

    def take(self, key: str, now: float) -> None:
        self._buckets[key] = (self._level(key, now) - 1.0, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)


class Limits:
    """The per-conversation and per-address limits of one process (thread safe)."""

    def __init__(self, per_conversation: int, per_address: int) -> None:
        self.conversations = TokenBucket(per_conversation)
        self.addresses = TokenBucket(per_address)
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(settings.rate_conversation_per_minute, settings.rate_address_per_minute)

    def check(self, conversation: str, address: str | None = None) -> float:
        """0 and the message counts, or the seconds to wait (and it does not count)."""
        now = time.monotonic()
        with self._lock:
            wait = self.conversations.wait(conversation, now)
            if address:
                wait = max(wait, self.addresses.wait(address, now))
            if wait > 0:
                return wait
            self.conversations.take(conversation, now)
            if address:
                self.addresses.take(address, now)
            return 0.0

    async def take(self, conversation: str, address: str | None = None) -> float:
        """`check`, with the interface of `RedisLimits`."""
        return self.check(conversation, address)


class LimitsUnavailable(Exception):
    """The shared counters (Redis) cannot be reached: the message is not taken."""


# The buckets of `TokenBucket` in Redis. KEYS: one hash per bucket (the conversation's, the
# address's); ARGV: each bucket's messages per minute. Time is Redis's own (TIME, in ms), so the
# instances' clocks do not matter. Returns 0 (taken from every bucket) or the ms to wait (taken
# from none). A bucket is full again 60 s after its last message: then its key expires.
TAKE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local levels = {}
local wait = 0
for i = 1, #KEYS do
  local capacity = tonumber(ARGV[i])
  local saved = redis.call('HMGET', KEYS[i], 'tokens', 'at')
  local level = capacity
  if saved[1] then
    level = math.min(capacity, tonumber(saved[1]) + (now - tonumber(saved[2])) * capacity / 60000)
  end
  levels[i] = level
  if level < 1 then wait = math.max(wait, (1 - level) * 60000 / capacity) end
end
if wait > 0 then return math.ceil(wait) end
for i = 1, #KEYS do
  redis.call('HSET', KEYS[i], 'tokens', levels[i] - 1, 'at', now)
  redis.call('PEXPIRE', KEYS[i], 60000)
end
return 0
"""


class RedisLimits:
    """The per-conversation and per-address limits of all instances, counted in Redis."""

    def __init__(
        self,
        url: str,
        per_conversation: int,
        per_address: int,
        *,
        prefix: str = "overstap:rate:",
        timeout_s: float = 0.5,
    ) -> None:
        self.per_conversation = per_conversation
        self.per_address = per_address
        self.prefix = prefix
        self.redis = aioredis.Redis.from_url(
            url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
        )
        self._take = self.redis.register_script(TAKE)
        self._down = False

    async def take(self, conversation: str, address: str | None = None) -> float:
        """0 and the message counts, or the seconds to wait (and it does not count)."""
        keys = [f"{self.prefix}c:{conversation}"]
        limits = [self.per_conversation]
        if address:
            keys.append(f"{self.prefix}a:{address}")
            limits.append(self.per_address)
        try:
            wait_ms = int(await self._take(keys, limits))
        except (RedisError, OSError) as error:
            if not self._down:
                logger.error(
                    "Rate limits: Redis unreachable (%s); messages are refused until it is back.",
                    type(error).__name__,
                )
            self._down = True
            raise LimitsUnavailable() from None
        if self._down:
            logger.warning("Rate limits: Redis is reachable again.")
            self._down = False
        return wait_ms / 1000.0

    async def close(self) -> None:
        await self.redis.close()


AnyLimits = Union[Limits, RedisLimits]


def limits_for(settings: Settings) -> AnyLimits:
    """In Redis when OVERSTAP_REDIS_URL is set (several instances share it), else in process."""
    if not settings.redis_url:
        return Limits.from_settings(settings)
    return RedisLimits(
        settings.redis_url,
        settings.rate_conversation_per_minute,
        settings.rate_address_per_minute,
        prefix=f"overstap:rate:{settings.public_rasa_url}:",
    )


def request_address(request: Any) -> str:
    """The client's address: behind HAProxy the one it forwarded (Sanic's PROXIES_COUNT)."""
    return str(getattr(request, "remote_addr", "") or getattr(request, "ip", "") or "")
