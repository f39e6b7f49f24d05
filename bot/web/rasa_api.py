"""The web app's client for Rasa's HTTP API (started with --enable-api and a token)."""

from __future__ import annotations

from typing import Any

import requests

from bot.errors import RasaUnavailable
from bot.settings import Settings


class RasaApi:
    def __init__(self, settings: Settings) -> None:
        self.base_url = settings.rasa_url
        self.token = settings.rasa_token
        self.timeout = settings.http_timeout_s

    def conversation_events(self, conversation_id: str) -> list[dict[str, Any]]:
        """The events of a conversation since its last restart, oldest first."""
        try:
            response = requests.get(
                f"{self.base_url}/conversations/{conversation_id}/tracker",
                params={"include_events": "AFTER_RESTART", "token": self.token},
                timeout=self.timeout,
            )
            response.raise_for_status()
            events = response.json().get("events") or []
        except (requests.RequestException, ValueError, AttributeError) as exc:
            raise RasaUnavailable(f"Rasa tracker ophalen mislukt: {type(exc).__name__}") from None
        return [event for event in events if isinstance(event, dict)]
