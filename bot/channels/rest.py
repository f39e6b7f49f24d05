"""Rasa's REST channel, with personal data redacted before Rasa stores or logs the message."""

from __future__ import annotations

import functools
from typing import Any, Optional

from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic.request import Request

from bot.handoff import contact
from bot.nlp.redact import redact
from bot.settings import MAX_MESSAGE_CHARS, Settings


@functools.lru_cache(maxsize=1)
def _secret() -> str:
    return Settings.from_env().with_secrets().secret_key


class RestInput(RasaRestInput):
    """Same URL as Rasa's (`/webhooks/rest/webhook`), same payload: {"sender", "message"}.

    A message that is only a phone number or e-mail address is passed sealed in the metadata
    for the call-back form (bot/handoff/contact.py), as the socket.io channel does.
    """

    @classmethod
    def name(cls) -> str:
        return "rest"

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
