"""bot/perf.py's tracker copies are what Rasa's replay gives, at every point of every story,
rule and test story of the project, and stay apart from each other and from the tracker."""

from __future__ import annotations

import copy

import pytest
from perf_support import domain, grown, patched, story_events
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    LoopInterrupted,
    SessionStarted,
    SlotSet,
    StoryExported,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker


@pytest.fixture(scope="module", autouse=True)
def patches():
    with patched("tracker_copies", "slot_copies"):
        yield


def rasa_copy(tracker: DialogueStateTracker) -> DialogueStateTracker:
    return DialogueStateTracker.copy._overstap_original(tracker)


def state(tracker: DialogueStateTracker) -> dict:
    """Everything a tracker holds, its slots and messages spelled out."""
    found = {key: value for key, value in vars(tracker).items() if key != "slots"}
    found["events"] = [id(event) for event in tracker.events]
    found["maxlen"] = tracker.events.maxlen
    found["slots"] = {name: vars(slot) for name, slot in tracker.slots.items()}
    events = {id(event) for event in tracker.events}
    for key in ("latest_message", "latest_bot_utterance"):
        message = getattr(tracker, key)
        found[key] = (type(message), message.as_dict() if message else None)
        if message is not None and id(message) not in events:
            # the empty one of the tracker's reset: its timestamp is when it was made
            found[key][1].pop("timestamp")
    found["active_loop"] = copy.deepcopy(tracker.active_loop)
    found["message_flags"] = [
        (e.use_text_for_featurization, list(e.entities))
        for e in tracker.events
        if isinstance(e, UserUttered)
    ]
    return found


def assert_apart(copied: DialogueStateTracker, tracker: DialogueStateTracker) -> None:
    assert copied is not tracker and copied.events is not tracker.events
    assert all(copied.slots[n] is not tracker.slots[n] for n in tracker.slots)
    if tracker.active_loop is not None:
        assert copied.active_loop is not tracker.active_loop


def test_every_copy_of_every_story_is_rasas() -> None:
    copies = 0
    for name, events in story_events():
        for tracker in grown(events):
            expected = state(rasa_copy(tracker))
            ours = tracker.copy()
            assert type(ours) is DialogueStateTracker
            assert state(ours) == expected, name
            assert_apart(ours, tracker)
            again = tracker.copy()  # from the kept replay, without new events
            assert state(again) == expected, name
            assert_apart(again, ours)
            copies += 1
    assert copies > 2_000


def test_the_copies_of_a_tracker_from_events_are_rasas() -> None:
    trackers = 0
    for name, events in story_events():
        if not events:
            continue
        half = len(events) // 2
        tracker = DialogueStateTracker.from_events(
            "uit", events[:half], domain().slots, sender_source="bron"
        )
        assert state(tracker.copy()) == state(rasa_copy(tracker)), name
        for event in events[half:]:
            tracker.update(event)
            assert state(tracker.copy()) == state(rasa_copy(tracker)), name
        trackers += 1
    assert trackers > 300


def conversation() -> DialogueStateTracker:
    tracker = DialogueStateTracker("kopie", domain().slots)
    for event in [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted(ACTION_LISTEN_NAME),
        UserUttered("ik werk in de zorg", {"name": "inform", "confidence": 0.9}),
        DefinePrevUserUtteredFeaturization(False),
        SlotSet("sector", "zorg"),
        ActionExecuted("occupation_form"),
        ActiveLoop("occupation_form"),
        BotUttered("welk beroep?"),
        ActionExecuted(ACTION_LISTEN_NAME),
        UserUttered("verpleegkundige", {"name": "inform", "confidence": 0.8}),
        EntitiesAdded([{"entity": "occupation", "value": "verpleegkundige"}]),
    ]:
        tracker.update(event)
    return tracker


def test_a_changed_copy_changes_neither_the_tracker_nor_the_next_copy() -> None:
    tracker = conversation()
    expected = state(rasa_copy(tracker))
    first = tracker.copy()
    first.update(SlotSet("sector", "techniek"))
    first.update(LoopInterrupted(True))
    first.active_loop.rejected = True
    first.latest_action["action_name"] = "veranderd"
    first.slots["sector"].value = "horeca"
    assert state(tracker.copy()) == expected
    assert tracker.get_slot("sector") == "zorg"


def test_a_user_message_changed_by_hand_is_set_back_as_rasas_replay_does() -> None:
    tracker = conversation()
    message = tracker.latest_message
    tracker.copy()  # the replay is kept
    message.use_text_for_featurization = True
    message.entities.clear()
    ours = state(tracker.copy())
    after_ours = (message.use_text_for_featurization, list(message.entities))
    message.use_text_for_featurization = True
    message.entities.clear()
    assert state(rasa_copy(tracker)) == ours
    assert (message.use_text_for_featurization, list(message.entities)) == after_ours


def test_events_added_later_are_replayed_onto_the_kept_copy() -> None:
    tracker = conversation()
    tracker.copy()
    for event in [
        ActionExecuted("occupation_form"),
        SlotSet("occupation", "verpleegkundige"),
        ActiveLoop(None),
        ActionExecuted(ACTION_LISTEN_NAME),
    ]:
        tracker.update(event)
        assert state(tracker.copy()) == state(rasa_copy(tracker))


@pytest.mark.parametrize(
    "odd", [UserUtteranceReverted(), StoryExported("/dev/null")], ids=["revert", "export"]
)
def test_events_a_replay_here_does_not_go_through_get_rasas_copy(odd) -> None:
    tracker = conversation()
    tracker.copy()
    tracker.update(odd)
    for _ in range(2):
        assert state(tracker.copy()) == state(rasa_copy(tracker))
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    assert state(tracker.copy()) == state(rasa_copy(tracker))


def test_a_tracker_of_another_class_gets_rasas_copy() -> None:
    class Other(DialogueStateTracker):
        pass

    tracker = Other("ander", domain().slots)
    tracker.update(ActionExecuted(ACTION_LISTEN_NAME))
    assert state(tracker.copy()) == state(rasa_copy(tracker))
