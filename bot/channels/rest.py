"""Rasa's REST channel, with personal data redacted before Rasa stores or logs the message, and
no message text in its log lines."""

from __future__ import annotations

import asyncio
import functools
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from rasa.utils.endpoints import bool_arg
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.faults import TurnAborted, persons_turn
from bot.channels.limits import AnyLimits, LimitsUnavailable, limits_for, request_address
from bot.channels.texts import texts
from bot.handoff import contact
from bot.nlp.redact import redact
from bot.settings import MAX_MESSAGE_CHARS, Settings

# The conversation id is a column of 120 (console) to 255 (Rasa's events) characters.
MAX_SENDER_CHARS = 120

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _secret() -> str:
    return Settings.from_env().with_secrets().secret_key


def invalid_body(request: Request) -> Optional[str]:
    """Why a webhook post is refused (in Dutch), or None: {"sender": text, "message": text,
    "metadata": optional object}."""
    try:
        body = request.json
    except Exception:  # noqa: BLE001 - Sanic's own error for a body that is no JSON
        return "Stuur JSON."
    if not isinstance(body, dict):
        return "Stuur een JSON-object met sender en message."
    sender = body.get("sender")
    if not isinstance(sender, str) or not 0 < len(sender) <= MAX_SENDER_CHARS:
        return f"sender moet tekst zijn van 1 tot {MAX_SENDER_CHARS} tekens."
    if not sender.isprintable():
        return "sender mag alleen gewone tekens bevatten."
    if not isinstance(body.get("message"), str):
        return "message moet tekst zijn."
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return "metadata moet een JSON-object zijn."
    return None


def guarded(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable:
    """A message Rasa could not handle (the lock store's Redis is away, the tracker store
    failed) gets a Dutch apology instead of an empty answer; the log names only the error."""

    async def handle(message: UserMessage) -> None:
        try:
            with persons_turn():
                await on_new_message(message)
        except TurnAborted:
            pass  # the action server failed; the person has the apology already
        except Exception as exc:  # noqa: BLE001 - the person hears about it; Rasa goes on
            logger.error("Message not handled: %s", type(exc).__name__)
            await message.output_channel.send_text_message(message.sender_id, texts().unavailable)

    return handle


async def limited(limits: AnyLimits, request: Request) -> Optional[HTTPResponse]:
    """HTTP 429 with the Dutch message when the sender or the address is over its limit; the
    Dutch "not now" when the limits cannot be counted (their Redis is away), as when the lock
    store's Redis is away."""
    body = request.json if isinstance(request.json, dict) else {}
    sender = str(body.get("sender") or "default")
    try:
        wait = await limits.take(sender, request_address(request))
    except LimitsUnavailable:
        return response.json([{"recipient_id": sender, "text": texts().unavailable}])
    if wait <= 0:
        return None
    return response.json(
        [{"recipient_id": sender, "text": texts().too_many_messages}],
        status=429,
        headers={"Retry-After": str(math.ceil(wait))},
    )


class RestInput(RasaRestInput):
    """Same URL as Rasa's (`/webhooks/rest/webhook`), same payload: {"sender", "message"}.

    Over the limits of bot/channels/limits.py a message is answered 429 with a Dutch text in
    the channel's own shape, and never reaches Rasa.

    A message that is only a phone number or e-mail address is passed sealed in the metadata
    for the call-back form (bot/handoff/contact.py), as the socket.io channel does.
    """

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's routes (rasa.core.channels.rest), built here: Rasa's webhook logged the
        message text at ERROR when the request was cancelled or failed."""
        limits = limits_for(Settings.from_env())
        handle = guarded(on_new_message)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            return await self._receive(request, handle)

        @webhook.on_request
        async def check(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            # Rasa reads `request.json.get(...)`: a list, a number or a sender that is no string
            # would end in a 500 or in Rasa's "default" conversation.
            problem = invalid_body(request)
            if problem:
                return response.json({"error": problem}, status=400)
            return await limited(limits, request)

        return webhook

    async def _receive(
        self, request: Request, handle: Callable[[UserMessage], Awaitable[None]]
    ) -> Any:
        """Rasa's webhook: the replies as JSON, or streamed with `?stream=true`. `handle`
        (`guarded`) answers every failure with the Dutch apology and logs only its class; a
        request cancelled before the reply (the client went away, or timed out) is logged
        without the text, where Rasa logged it at ERROR."""
        sender_id = await self._extract_sender(request)
        text = self._extract_message(request)
        channel = self._extract_input_channel(request)
        metadata = self.get_metadata(request)
        if bool_arg(request, "stream", default=False):
            stream = self.stream_response(handle, text, sender_id, channel, metadata)
            return response.stream(stream, content_type="text/event-stream")
        collector = CollectingOutputChannel()
        try:
            await handle(
                UserMessage(text, collector, sender_id, input_channel=channel, metadata=metadata)
            )
        except asyncio.CancelledError:
            logger.warning("REST message cancelled before its reply (client gone or timed out)")
        return response.json(collector.messages)

    async def _extract_sender(self, req: Request) -> Optional[str]:
        return str(req.json["sender"])

    def _extract_input_channel(self, req: Request) -> str:
        return self.name()  # not the client's to choose: replies go back through this channel

    def _extract_message(self, req: Request) -> Optional[str]:
        text = super()._extract_message(req)
        if text is None:
            return None
        return redact(str(text)[:MAX_MESSAGE_CHARS])

    def get_metadata(self, request: Request) -> Optional[dict[str, Any]]:
        body = request.json if isinstance(request.json, dict) else {}
        metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
        metadata = dict(metadata)
        metadata.pop(contact.METADATA_KEY, None)
        found = contact.capture(str(body.get("message") or "")[:MAX_MESSAGE_CHARS])
        if found:
            metadata[contact.METADATA_KEY] = contact.seal(found, _secret())
        return metadata
