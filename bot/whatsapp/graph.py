"""Sending through the WhatsApp Cloud API: POST {graph_url}/{phone_number_id}/messages.

`requests` on a session with urllib3's Retry: a (connect, read) timeout per attempt, and
exponential back-off on 429, 500, 502, 503 and 504 and on a failed connection (nothing was
sent then). A Retry-After header is obeyed, but never longer than the policy's longest wait.
Other 4xx answers are final, and so is a read timeout or a connection that broke after the
request went out: Meta may have delivered that message, and sending it again would reach the
person twice. The blocking calls run in a small thread pool of their own, so the event loop
never waits and a burst of sends cannot take every thread of the loop's default pool.

Nothing here logs the token, the recipient or the message text: only HTTP statuses and Meta's
error codes. The token travels in the Authorization header only; the URL holds the phone
number id (not a phone number), which is all urllib3 writes to its debug log.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from bot.errors import GraphError

logger = logging.getLogger(__name__)

RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # the first try included
    first_wait_s: float = 0.5  # then 1, 2, ... up to max_wait_s
    max_wait_s: float = 8.0  # also the longest Retry-After we obey


class _Retry(Retry):
    """urllib3's Retry, waiting after the first failure too, and only on 429/503 Retry-After.

    urllib3 2 retries the first failure at once and waits backoff_factor * 2**(n-1) only from
    the second on; a rate limit deserves a pause every time, so this waits first_wait_s after
    the first failure, then twice as long each time.
    """

    # urllib3 also honours Retry-After on 413; a too-large request stays too large.
    RETRY_AFTER_STATUS_CODES = frozenset({429, 503})

    def get_backoff_time(self) -> float:
        failures = 0
        for attempt in reversed(self.history):
            if attempt.redirect_location is not None:
                break
            failures += 1
        if failures == 0:
            return 0.0
        return float(min(self.backoff_max, self.backoff_factor * 2 ** (failures - 1)))


def make_retry(policy: RetryPolicy) -> Retry:
    return _Retry(
        total=max(policy.attempts - 1, 0),
        read=False,  # the request may have arrived: never send twice
        redirect=0,
        backoff_factor=policy.first_wait_s,
        backoff_max=policy.max_wait_s,
        retry_after_max=policy.max_wait_s,
        status_forcelist=list(RETRY_STATUSES),
        allowed_methods=frozenset({"POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,  # the last answer comes back, with Meta's error in it
    )


class GraphClient:
    def __init__(
        self,
        graph_url: str,
        phone_number_id: str,
        access_token: str,
        timeout_s: float = 5.0,
        retry: RetryPolicy | None = None,
        *,
        connect_timeout_s: float = 3.0,
        threads: int = 4,
    ):
        self.url = f"{graph_url.rstrip('/')}/{phone_number_id}/messages"
        self._token = access_token
        self._timeout = (min(connect_timeout_s, timeout_s), timeout_s)
        self._retry = retry or RetryPolicy()
        self._threads = threads
        self._executor: ThreadPoolExecutor | None = None
        # requests does not promise that one Session is safe across threads: one per thread.
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "GraphClient(<hidden>)"

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no .netrc credentials or proxy settings from the host
            adapter = HTTPAdapter(max_retries=make_retry(self._retry), pool_maxsize=1)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.headers["Authorization"] = f"Bearer {self._token}"
            with self._lock:
                self._sessions.append(session)
            self._local.session = session
        return session

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self._threads, thread_name_prefix="whatsapp-graph"
                )
            return self._executor

    async def send(self, recipient: dict[str, str], message: dict[str, Any]) -> str | None:
        """Send one message; returns Meta's message id (wamid). Raises GraphError."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool(), self.send_blocking, recipient, message)

    def send_blocking(self, recipient: dict[str, str], message: dict[str, Any]) -> str | None:
        """The same as `send`, for a thread that may block."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        body.update(recipient)
        body.update(message)
        try:
            response = self._session().post(
                self.url, json=body, timeout=self._timeout, allow_redirects=False
            )
        except requests.RequestException as exc:
            # The exception's text names the URL and the cause, never the header or body.
            logger.warning("WhatsApp send failed: %s", type(exc).__name__)
            raise GraphError(0, None, type(exc).__name__) from None
        status = response.status_code
        try:
            data = response.json()
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        if 200 <= status < 300:
            messages = data.get("messages") or [{}]
            first = messages[0] if isinstance(messages[0], dict) else {}
            return str(first.get("id") or "") or None
        error = data.get("error") if isinstance(data.get("error"), dict) else {}
        code = error.get("code") if isinstance(error.get("code"), int) else None
        details = (error.get("error_data") or {}).get("details") if error else None
        title = str(details or error.get("message") or f"HTTP {status}")[:300]
        logger.warning("WhatsApp send failed: HTTP %s, error code %s", status, code)
        raise GraphError(status, code, title)

    async def close(self) -> None:
        """Stop the thread pool and close every connection; a later send starts afresh."""
        with self._lock:
            executor, self._executor = self._executor, None
            sessions, self._sessions = self._sessions, []
            self._local = threading.local()
        if executor is not None:
            # Sends in flight finish on their own (bounded by timeouts and retries).
            executor.shutdown(wait=False, cancel_futures=True)
        for session in sessions:
            session.close()
