"""What a person sees when the action server fails: a Dutch apology with buttons, in time.

Rasa 3.6 waits up to 5 minutes for the action server (`DEFAULT_REQUEST_TIMEOUT`), and when a
call fails (refused, HTTP 500, a body that is not JSON or not an action result) it logs the
error and goes on without the action's part: the person gets no answer, or half of one.
`patch_remote_actions` wraps `RemoteAction.run`:

- a call that takes longer than OVERSTAP_ACTION_TIMEOUT is given up;
- a failed or given-up call returns one bot message instead: the apology from texts.yml with
  the buttons "Nog een keer" (the person's last message again) and "Opnieuw beginnen";
- the other custom actions of the same turn are not called (one apology per turn, and a slow
  server costs the timeout once, not once per action);
- a rejection (`ActionExecutionRejection`, a form's validation saying no) stays Rasa's.

Nothing is lost: the next message is a new turn and goes to the action server again.
The log line names the action and the kind of error, never the person's text.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

from bot.channels.texts import texts

logger = logging.getLogger(__name__)

MAX_RETRY_PAYLOAD = 256  # WhatsApp's limit for a button id; longer: no "Nog een keer" button
RESTART_PAYLOAD = "/greet"
REMEMBERED_TURNS = 10_000


def apology_buttons(last_text: str | None) -> list[dict[str, str]]:
    buttons = []
    if last_text and len(last_text) <= MAX_RETRY_PAYLOAD:
        buttons.append({"title": texts().retry_button, "payload": last_text})
    buttons.append({"title": texts().restart_button, "payload": RESTART_PAYLOAD})
    return buttons


def turn_key(tracker: Any) -> tuple[str, float]:
    latest = getattr(tracker, "latest_message", None)
    return (str(tracker.sender_id), float(getattr(latest, "timestamp", 0.0) or 0.0))


class FailedTurns:
    """The turns in which an action already failed (bounded, oldest forgotten first)."""

    def __init__(self, size: int = REMEMBERED_TURNS) -> None:
        self.size = size
        self._turns: OrderedDict[tuple[str, float], None] = OrderedDict()

    def __contains__(self, key: tuple[str, float]) -> bool:
        return key in self._turns

    def add(self, key: tuple[str, float]) -> None:
        self._turns[key] = None
        while len(self._turns) > self.size:
            self._turns.popitem(last=False)


def patch_remote_actions(timeout_s: float) -> None:
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.shared.core.events import BotUttered

    original = getattr(RemoteAction.run, "_overstap_original", RemoteAction.run)
    failed = FailedTurns()

    async def run(self, output_channel, nlg, tracker, domain) -> list:
        key = turn_key(tracker)
        if key in failed:
            return []
        try:
            return await asyncio.wait_for(
                original(self, output_channel, nlg, tracker, domain), timeout_s
            )
        except ActionExecutionRejection:
            raise
        except Exception as exc:  # noqa: BLE001 - refused, 500, not JSON, invalid, timeout
            failed.add(key)
            logger.error(
                "Action server failed for %s (%s); the person got an apology",
                self.name(),
                type(exc).__name__,
            )
            latest = getattr(tracker, "latest_message", None)
            buttons = apology_buttons(getattr(latest, "text", None))
            return [BotUttered(texts().action_failed, data={"buttons": buttons})]

    run._overstap_original = original  # type: ignore[attr-defined]
    run._overstap_timeout = timeout_s  # type: ignore[attr-defined]
    RemoteAction.run = run
