"""Abuse limits of the public inputs in the Rasa server: body sizes and message rates.

Body sizes. Sanic reads a request's whole body before a handler runs, up to its
REQUEST_MAX_SIZE (100 MB by default): a 5 MB REST message was read whole and then cut to
2,000 characters. `overstap run` sets SANIC_REQUEST_MAX_SIZE to SERVER_MAX_BODY_BYTES (what
Meta's webhooks may send), and `install_body_limits` lowers it per route once Sanic knows the
route, before it reads the body: a larger Content-Length is answered 413 without reading it.
The socket.io server has its own limit (`max_http_buffer_size`, bot/channels/socketio.py).

Rates. `Limits` keeps two token buckets in memory: per conversation (REST's sender, the
socket's session, the WhatsApp pseudonym) and per client address. A message over either limit
is answered in Dutch (HTTP 429 on REST), never passed on, and costs no other conversation
anything. The buckets live in one process: with several Rasa instances a conversation's
messages reach one instance (HAProxy hashes by conversation), and an address may get the limit
once per instance.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from bot.settings import Settings

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


def request_address(request: Any) -> str:
    """The client's address: behind HAProxy the one it forwarded (Sanic's PROXIES_COUNT)."""
    return str(getattr(request, "remote_addr", "") or getattr(request, "ip", "") or "")
