"""The messages the chat widget receives: one shape for live replies and for restored history.

A message is a dict with `sender` ("user", "bot" or "adviseur"), `text`, and optionally
`buttons` ([{"title", "payload"}]), `custom` (the response's custom payload) and, for an
adviser, `name`. An adviser's message is a bot message whose metadata holds
`{"sender": "adviseur", "sender_name": "..."}` (see README, "Advisor messages").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Optional

from bot.nlp.redact import redact

ADVISER = "adviseur"
MAX_BUTTONS = 12
MAX_NAME_CHARS = 60
MAX_SHOWN_CHARS = 200


def _buttons(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        return []
    buttons = []
    for button in raw[:MAX_BUTTONS]:
        if isinstance(button, Mapping) and button.get("title") and button.get("payload"):
            buttons.append({"title": str(button["title"]), "payload": str(button["payload"])})
    return buttons


def bot_message(message: Mapping[str, Any]) -> Optional[dict[str, Any]]:
    """The widget message for one bot message as Rasa hands it to an output channel.

    `message` is what `BotUttered.message()` gives: the response data with the event's
    metadata merged in. Returns None when there is nothing to show.
    """
    item: dict[str, Any] = {"sender": "bot", "text": str(message.get("text") or "")}
    buttons = _buttons(message.get("quick_replies") or message.get("buttons"))
    if buttons:
        item["buttons"] = buttons
    custom = message.get("custom")
    if isinstance(custom, Mapping) and custom:
        item["custom"] = dict(custom)
    if message.get("sender") == ADVISER:
        item["sender"] = ADVISER
        name = message.get("sender_name")
        if isinstance(name, str) and name.strip():
            item["name"] = name.strip()[:MAX_NAME_CHARS]
    if not item["text"] and "buttons" not in item and "custom" not in item:
        return None
    return item


def clean_metadata(raw: Any) -> dict[str, str]:
    """What Rasa keeps of the metadata a widget sends with a message: only the title of a
    clicked button (`shown`), redacted like the text itself."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    if not isinstance(raw, Mapping) or not isinstance(raw.get("shown"), str):
        return {}
    return {"shown": redact(raw["shown"][:MAX_SHOWN_CHARS])}


def user_text(event: Mapping[str, Any]) -> str:
    """What the person saw of their own message: the text, or a button's title for a payload.

    A payload without a title (the widget's opening /greet) was never shown and stays out.
    """
    text = str(event.get("text") or "")
    if not text.startswith("/"):
        return text
    shown = (event.get("metadata") or {}).get("shown")
    return shown if isinstance(shown, str) else ""


def history(events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The person's and the bot's messages among a tracker's events, in order."""
    items: list[dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = user_text(event)
            if text:
                items.append({"sender": "user", "text": text})
        elif kind == "bot":
            message = dict(event.get("data") or {})
            message["text"] = event.get("text")
            message.update(event.get("metadata") or {})
            item = bot_message(message)
            if item is not None:
                items.append(item)
    return items
