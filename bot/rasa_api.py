"""The one client for Rasa's HTTP API (token auth, a timeout on every call, errors in one type).

Rasa runs with `--enable-api --auth-token` bound to 127.0.0.1 (bot/run.py); the web app (the
widget's history) and the console (takeover, transcripts) talk to it from the same machine.
Conversation ids are quoted into the path, never trusted as-is. Every failure is a
`bot.errors.RasaUnavailable`.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

import requests

from bot.errors import RasaUnavailable
from bot.settings import Settings

logger = logging.getLogger(__name__)


class RasaClient:
    def __init__(self, base_url: str, token: str, timeout_s: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout_s = timeout_s
        self.http = requests.Session()

    @classmethod
    def from_settings(cls, settings: Settings) -> RasaClient:
        return cls(settings.rasa_url, settings.rasa_token, settings.http_timeout_s)

    def _call(
        self,
        method: str,
        conversation_id: str,
        path: str,
        params: dict[str, str] | None = None,
        body: Any = None,
        need_json: bool = False,
    ) -> Any:
        url = f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/{path}"
        query = {"token": self.token, **(params or {})}
        try:
            response = self.http.request(
                method, url, params=query, json=body, timeout=self.timeout_s
            )
        except requests.RequestException as exc:
            logger.error("Rasa API %s %s failed: %s", method, path, type(exc).__name__)
            raise RasaUnavailable("Rasa is niet bereikbaar.") from exc
        if response.status_code >= 400:
            # The body may quote the request; log only the status.
            logger.error("Rasa API %s %s answered %s", method, path, response.status_code)
            raise RasaUnavailable(f"Rasa gaf een fout ({response.status_code}).")
        try:
            return response.json()
        except ValueError:
            if need_json:
                logger.error("Rasa API %s %s answered no JSON", method, path)
                raise RasaUnavailable("Rasa gaf geen leesbaar antwoord.") from None
            return None

    def tracker(self, conversation_id: str) -> dict[str, Any]:
        """The whole tracker, with the events of every session."""
        return self._call("GET", conversation_id, "tracker", {"include_events": "ALL"}) or {}

    def events(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every event of the conversation, of every session."""
        return list(self.tracker(conversation_id).get("events") or [])

    def conversation_events(self, conversation_id: str) -> list[dict[str, Any]]:
        """The events since the conversation's last restart, oldest first (the widget's history)."""
        tracker = self._call(
            "GET", conversation_id, "tracker", {"include_events": "AFTER_RESTART"}, need_json=True
        )
        if not isinstance(tracker, dict):
            raise RasaUnavailable("Rasa gaf geen leesbaar antwoord.")
        return [event for event in tracker.get("events") or [] if isinstance(event, dict)]

    def append(
        self, conversation_id: str, events: list[dict[str, Any]], send: bool = False
    ) -> dict[str, Any]:
        """Append events; with `send`, bot messages in them go out through the person's channel."""
        params = {"include_events": "NONE"}
        if send:
            params.update(execute_side_effects="true", output_channel="latest")
        return self._call("POST", conversation_id, "tracker/events", params, events) or {}

    def trigger_intent(self, conversation_id: str, intent: str) -> dict[str, Any]:
        """Make the bot act as if the person said `intent`; replies go to their channel."""
        params = {"output_channel": "latest", "include_events": "NONE"}
        return self._call("POST", conversation_id, "trigger_intent", params, {"name": intent}) or {}

    def close(self) -> None:
        self.http.close()


def pause_event() -> dict[str, Any]:
    return {"event": "pause"}


def resume_event() -> dict[str, Any]:
    return {"event": "resume"}


ADVISER = "adviseur"


def adviser_metadata(name: str) -> dict[str, str]:
    """The BotUttered metadata that marks an adviser's message (README, "Advisor messages")."""
    return {"sender": ADVISER, "sender_name": name}


def is_adviser(metadata: Any) -> bool:
    return isinstance(metadata, dict) and metadata.get("sender") == ADVISER


def bot_event(
    text: str,
    custom: dict[str, Any] | None = None,
    buttons: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = {"event": "bot", "text": text}
    if metadata:
        event["metadata"] = metadata
    data: dict[str, Any] = {}
    if custom:
        data["custom"] = custom
    if buttons:
        data["buttons"] = buttons
    if data:
        event["data"] = data
    return event
