"""What a person sees when the action server fails: a Dutch apology with buttons, in time.

Rasa 3.6 waits up to 5 minutes for the action server (`DEFAULT_REQUEST_TIMEOUT`), and when a
call fails (refused, HTTP 500, a body that is not JSON or not an action result) it logs the
error and goes on without the action's part: the person gets no answer, or half of one.
`patch_remote_actions` wraps `RemoteAction.run`:

- a call that takes longer than OVERSTAP_ACTION_TIMEOUT is given up;
- after a failed or given-up call the person gets the apology from texts.yml with the buttons
  "Nog een keer" (their last message again) and "Opnieuw beginnen", and the turn ends there:
  `TurnAborted` (a BaseException, so Rasa's own `except Exception` in the processor lets it
  through) leaves `handle_message` before the tracker is saved. The message is not stored,
  slots and forms stay as they were, and "Nog een keer" does that step again. Going on
  without the action's part instead (Rasa's way) moved a form to the next question with an
  unchecked answer, under an apology;
- a rejection (`ActionExecutionRejection`, a form's validation saying no) stays Rasa's.

This holds for a person's message through our channels (REST, socket.io, WhatsApp; they mark
it with `persons_turn()` and catch `TurnAborted`, the apology being out already). A call through
Rasa's HTTP API (the console) keeps Rasa's behaviour, with the timeout. Nothing is lost: the
next message is a new turn and goes to the action server again.
The log line names the action and the kind of error, never the person's text.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Iterator
from typing import Any

from bot.channels.texts import texts

logger = logging.getLogger(__name__)

MAX_RETRY_PAYLOAD = 256  # WhatsApp's limit for a button id; longer: no "Nog een keer" button
RESTART_PAYLOAD = "/greet"


def apology_buttons(last_text: str | None) -> list[dict[str, str]]:
    buttons = []
    if last_text and len(last_text) <= MAX_RETRY_PAYLOAD:
        buttons.append({"title": texts().retry_button, "payload": last_text})
    buttons.append({"title": texts().restart_button, "payload": RESTART_PAYLOAD})
    return buttons


# Set while one of our channels hands a person's message to Rasa. Only then does a failed
# action end the turn with an apology; a call through Rasa's HTTP API (the console) gets
# Rasa's own behaviour.
_IN_PERSONS_TURN: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "overstap_persons_turn", default=False
)


@contextlib.contextmanager
def persons_turn() -> Iterator[None]:
    token = _IN_PERSONS_TURN.set(True)
    try:
        yield
    finally:
        _IN_PERSONS_TURN.reset(token)


class TurnAborted(BaseException):  # noqa: N818 - not an error: the turn ends on purpose
    """The action server failed in this turn; the person has been told. Not an Exception, so
    that Rasa's processor does not catch it and go on with the turn."""


def apology(last_text: str | None) -> dict[str, Any]:
    return {"text": texts().action_failed, "buttons": apology_buttons(last_text)}


def patch_remote_actions(timeout_s: float) -> None:
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction

    original = getattr(RemoteAction.run, "_overstap_original", RemoteAction.run)

    async def run(self, output_channel, nlg, tracker, domain) -> list:
        try:
            return await asyncio.wait_for(
                original(self, output_channel, nlg, tracker, domain), timeout_s
            )
        except ActionExecutionRejection:
            raise
        except Exception as exc:  # noqa: BLE001 - refused, 500, not JSON, invalid, timeout
            if not _IN_PERSONS_TURN.get():
                raise  # not a person's message through our channels: Rasa's way
            logger.error(
                "Action server failed for %s (%s); the person got an apology",
                self.name(),
                type(exc).__name__,
            )
            latest = getattr(tracker, "latest_message", None)
            try:
                await output_channel.send_response(
                    tracker.sender_id, apology(getattr(latest, "text", None))
                )
            except Exception as send_error:  # noqa: BLE001 - the turn ends all the same
                logger.error("Apology not sent: %s", type(send_error).__name__)
            raise TurnAborted() from None

    run._overstap_original = original  # type: ignore[attr-defined]
    run._overstap_timeout = timeout_s  # type: ignore[attr-defined]
    RemoteAction.run = run
