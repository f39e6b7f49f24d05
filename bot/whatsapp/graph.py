"""Sending through the WhatsApp Cloud API: POST {graph_url}/{phone_number_id}/messages.

aiohttp with a total timeout per attempt; aiohttp-retry repeats a send with exponential
back-off on 429 and on every 5xx, and on a refused connection (nothing was sent then). Other
4xx answers are final. Nothing here logs the token, the recipient or the message text: only
HTTP statuses and Meta's error codes.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp_retry import ExponentialRetry, RetryClient

logger = logging.getLogger(__name__)


class GraphError(Exception):
    """A send that failed for good. `code` is Meta's error code when it gave one."""

    def __init__(self, status: int, code: int | None, title: str):
        super().__init__(f"WhatsApp send failed: HTTP {status}, error code {code}")
        self.status = status
        self.code = code
        self.title = title


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # the first try included
    first_wait_s: float = 0.5  # then 1, 2, ... up to max_wait_s
    max_wait_s: float = 8.0


class GraphClient:
    def __init__(
        self,
        graph_url: str,
        phone_number_id: str,
        access_token: str,
        timeout_s: float = 5.0,
        retry: RetryPolicy | None = None,
    ):
        self.url = f"{graph_url.rstrip('/')}/{phone_number_id}/messages"
        self._token = access_token
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._retry = retry or RetryPolicy()
        self._http: aiohttp.ClientSession | None = None
        self._client: RetryClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def __repr__(self) -> str:
        return "GraphClient(<hidden>)"

    def _session(self) -> RetryClient:
        """One connection pool per event loop, created on first use inside that loop."""
        loop = asyncio.get_running_loop()
        if (
            self._client is None
            or self._http is None
            or self._http.closed
            or self._loop is not loop
        ):
            options = ExponentialRetry(
                attempts=self._retry.attempts,
                # aiohttp-retry waits start_timeout * 2**attempt before the next attempt.
                start_timeout=self._retry.first_wait_s / 2,
                max_timeout=self._retry.max_wait_s,
                statuses={429},
                retry_all_server_errors=True,
                exceptions={aiohttp.ClientConnectorError},
            )
            self._http = aiohttp.ClientSession(timeout=self._timeout)
            self._client = RetryClient(
                client_session=self._http, retry_options=options, logger=_quiet_logger
            )
            self._loop = loop
        return self._client

    async def close(self) -> None:
        if self._http is not None and not self._http.closed:
            await self._http.close()
        self._http = self._client = self._loop = None

    async def send(self, recipient: dict[str, str], message: dict[str, Any]) -> str | None:
        """Send one message; returns Meta's message id (wamid). Raises GraphError."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        body.update(recipient)
        body.update(message)
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with self._session().post(self.url, json=body, headers=headers) as response:
                try:
                    data = await response.json(content_type=None)
                except (ValueError, aiohttp.ContentTypeError):
                    data = {}
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            logger.warning("WhatsApp send failed: %s", type(exc).__name__)
            raise GraphError(0, None, type(exc).__name__) from None
        data = data if isinstance(data, dict) else {}
        if 200 <= status < 300:
            messages = data.get("messages") or [{}]
            return str(messages[0].get("id") or "") or None
        error = data.get("error") if isinstance(data.get("error"), dict) else {}
        code = error.get("code") if isinstance(error.get("code"), int) else None
        details = (error.get("error_data") or {}).get("details") if error else None
        title = str(details or error.get("message") or f"HTTP {status}")[:300]
        logger.warning("WhatsApp send failed: HTTP %s, error code %s", status, code)
        raise GraphError(status, code, title)


class _QuietLogger:
    """aiohttp-retry logs exception reprs at debug; we log our own lines without details."""

    def debug(self, *args: Any, **kwargs: Any) -> None:
        pass

    info = warning = error = exception = debug


_quiet_logger = _QuietLogger()
