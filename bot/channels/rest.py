"""Rasa's REST channel, with personal data redacted before Rasa stores or logs the message."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, Optional

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.handoff import contact
from bot.nlp.redact import redact
from bot.settings import MAX_MESSAGE_CHARS, Settings

# The conversation id is a column of 120 (console) to 255 (Rasa's events) characters.
MAX_SENDER_CHARS = 120


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


class RestInput(RasaRestInput):
    """Same URL as Rasa's (`/webhooks/rest/webhook`), same payload: {"sender", "message"}.

    A message that is only a phone number or e-mail address is passed sealed in the metadata
    for the call-back form (bot/handoff/contact.py), as the socket.io channel does.
    """

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(on_new_message)

        @webhook.on_request
        async def check(request: Request) -> Optional[HTTPResponse]:
            # Rasa reads `request.json.get(...)`: a list, a number or a sender that is no string
            # would end in a 500 or in Rasa's "default" conversation.
            if request.method == "POST" and request.path.endswith("/webhook"):
                problem = invalid_body(request)
                if problem:
                    return response.json({"error": problem}, status=400)
            return None

        return webhook

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
