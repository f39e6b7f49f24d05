"""The project's actions for the action server, with one of them able to stop half-way: a turn
made slow at a known point, so a test can kill Rasa in the middle of it.

Started as `python -m rasa_sdk --actions held_actions` (this folder on PYTHONPATH). Every action
of `actions/` is registered as it is; `action_match_schemes` first looks in HOLD_DIR (from the
environment): while `<sender>.hold` exists it writes `<sender>.held` and waits, once per sender.
When the hold file is gone, or the sender was held before, it runs unchanged. Nothing of this is
in the project's own action server.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import pkgutil
from pathlib import Path

import actions

for module in pkgutil.iter_modules(actions.__path__):
    importlib.import_module(f"actions.{module.name}")

from actions.schemes import ActionMatchSchemes  # noqa: E402 - after every action module

HOLD_DIR = Path(os.environ["OVERSTAP_TEST_HOLD_DIR"])
_original = ActionMatchSchemes.run


async def _held_run(self, dispatcher, tracker, domain):
    hold = HOLD_DIR / f"{tracker.sender_id}.hold"
    held = HOLD_DIR / f"{tracker.sender_id}.held"
    if hold.exists() and not held.exists():
        held.touch()
        while hold.exists():
            await asyncio.sleep(0.05)
    return await _original(self, dispatcher, tracker, domain)


ActionMatchSchemes.run = _held_run
