"""Rasa's REST channel, with personal data redacted before Rasa stores or logs the message."""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.faults import TurnAborted, persons_turn
from bot.channels.limits import Limits, request_address
from bot.channels.texts import texts
from bot.handoff import contact
from bot.nlp.redact import redact
from bot.settings import MAX_MESSAGE_CHARS, Settings

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _secret() -> str:
    return Settings.from_env().with_secrets().secret_key


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


def limited(limits: Limits, request: Request) -> Optional[HTTPResponse]:
    """HTTP 429 with the Dutch message when the sender or the address is over its limit."""
    body = request.json if isinstance(request.json, dict) else {}
    sender = str(body.get("sender") or "default")
    wait = limits.check(sender, request_address(request))
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
        limits = Limits.from_settings(Settings.from_env())
        blueprint = super().blueprint(guarded(on_new_message))

        @blueprint.middleware("request")
        async def rate_limit(request: Request) -> Optional[HTTPResponse]:
            if request.method != "POST":
                return None
            try:
                return limited(limits, request)
            except Exception:  # noqa: BLE001 - not JSON: Rasa's own handler answers it
                return None

        return blueprint

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
