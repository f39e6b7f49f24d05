"""Rasa's REST channel, with personal data redacted before Rasa stores or logs the message."""

from __future__ import annotations

from typing import Optional

from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic.request import Request

from bot.nlp.redact import redact

MAX_MESSAGE_CHARS = 2000


class RestInput(RasaRestInput):
    """Same URL as Rasa's (`/webhooks/rest/webhook`), same payload: {"sender", "message"}."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_message(self, req: Request) -> Optional[str]:
        text = super()._extract_message(req)
        if text is None:
            return None
        return redact(str(text)[:MAX_MESSAGE_CHARS])
