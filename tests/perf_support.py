"""Real trackers for the tests of bot/perf.py: the project's domain, its stories, rules and test
stories, as they come from Rasa's story reader and as a conversation leaves them in the tracker
store (session start, Rasa's featurization event after each message, bot messages)."""

from __future__ import annotations

import contextlib
import copy
import functools
from collections.abc import Iterator
from pathlib import Path

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    Event,
    SessionStarted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader

from bot import perf

ROOT = Path(__file__).resolve().parents[1]
# What the trained model's RulePolicy found to occur only in rules (its rule_only_data.json).
RULE_ONLY_DATA = {
    "rule_only_slots": ["answer_reset"],
    "rule_only_loops": ["occupation_form", "callback_form"],
}


@contextlib.contextmanager
def rasa_only(*names: str) -> Iterator[None]:
    """Rasa's own methods for a moment, in place of the named patches."""
    perf.switch(names, False)
    try:
        yield
    finally:
        perf.switch(names, True)


@contextlib.contextmanager
def patched(*names: str) -> Iterator[None]:
    """The named patches of bot/perf.py on, and Rasa's own methods back afterwards."""
    for name in names:
        {**perf.PATCHES, **perf.OPTIONAL}[name]()
    perf.switch(names, True)
    try:
        yield
    finally:
        perf.switch(names, False)


@functools.lru_cache(maxsize=1)
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@functools.lru_cache(maxsize=1)
def story_steps() -> tuple:
    files = [
        *sorted((ROOT / "data" / "stories").glob("*.yml")),
        *sorted((ROOT / "data" / "rules").glob("*.yml")),
        *sorted((ROOT / "tests").glob("test_*.yml")),
    ]
    steps = []
    for path in files:
        steps += YAMLStoryReader(domain(), source_name=str(path)).read_from_file(str(path))
    return tuple(steps)


def story_events() -> Iterator[tuple[str, list[Event]]]:
    """Each story and rule as Rasa reads it, then as a live conversation stores it."""
    for step in story_steps():
        events = step.explicit_events(domain())
        # own copies: events change a user message in place (DefinePrevUserUtteredFeaturization)
        yield step.block_name, copy.deepcopy(events)
        yield f"{step.block_name} (live)", live(copy.deepcopy(events))


def live(events: list[Event]) -> list[Event]:
    out: list[Event] = [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted()]
    if not events or not _is_listen(events[0]):
        out.append(ActionExecuted(ACTION_LISTEN_NAME))
    for event in events:
        out.append(event)
        if isinstance(event, UserUttered):
            out.append(DefinePrevUserUtteredFeaturization(False))
        elif isinstance(event, ActionExecuted) and (event.action_name or "").startswith("utter_"):
            out.append(BotUttered("tekst", metadata={"utter_action": event.action_name}))
    return out


def _is_listen(event: Event) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME


def grown(events: list[Event]) -> Iterator[DialogueStateTracker]:
    """One tracker that gets the events one by one, as a conversation does; yielded where
    Rasa would predict an action (before each action, and at the end), the same object."""
    tracker = DialogueStateTracker("perf-test", domain().slots)
    for event, following in zip(events, [*events[1:], None], strict=True):
        tracker.update(event)
        if following is None or isinstance(following, ActionExecuted):
            yield tracker
