"""Helpers for the work-to-work tests: the domain's responses, trackers, running an action."""

from __future__ import annotations

import asyncio
from pathlib import Path

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[3]


def load_domain() -> dict:
    domain: dict = {"responses": {}, "slots": {}, "forms": {}}
    for path in [ROOT / "domain.yml"]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in ("responses", "slots", "forms"):
            domain[key].update(data.get(key) or {})
    return domain


DOMAIN = load_domain()


def make_tracker(
    slots: dict | None = None,
    text: str = "",
    intent: str = "ask_other_work",
    entities: list | None = None,
    active_loop: str | None = None,
    events: list | None = None,
) -> Tracker:
    return Tracker(
        sender_id="unit",
        slots=slots or {},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 0.9},
            "entities": entities or [],
        },
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run_action(action, tracker: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return dispatcher.messages, events


def slot_values(events: list[dict]) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def b1_check():
    """The project's B1 check of a response text (tests/**/test_copy_b1.py), one definition."""
    import importlib.util

    path = next(ROOT.joinpath("tests").rglob("test_copy_b1.py"))
    spec = importlib.util.spec_from_file_location("copy_b1_rules", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
