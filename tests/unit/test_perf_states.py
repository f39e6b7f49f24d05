"""bot/perf.py's states of a tracker's history and applied events are Rasa's own, at every
point of every story, rule and test story of the project, for every way the policies ask."""

from __future__ import annotations

import copy
import itertools

import pytest
from perf_support import (
    RULE_ONLY_DATA,
    domain,
    grown,
    live,
    patched,
    rasa_only,
    story_events,
)
from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SlotSet,
    StoryExported,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import opening_events

# (omit_unset_slots, ignore_rule_only_turns, rule_only_data): Memoization and Rule ask the
# first way, TED the second; the third for good measure.
WAYS = [(False, False, None), (False, True, RULE_ONLY_DATA), (True, True, None)]


@pytest.fixture(scope="module", autouse=True)
def patches():
    with patched("tracker_states", "applied_events"):
        yield


def rasa_states(tracker, omit, ignore, rule_only_data):
    original = Domain.states_for_tracker_history._overstap_original
    return original(domain(), tracker, omit, ignore, rule_only_data)


def our_states(tracker, omit, ignore, rule_only_data):
    return domain().states_for_tracker_history(
        tracker,
        omit_unset_slots=omit,
        ignore_rule_only_turns=ignore,
        rule_only_data=rule_only_data,
    )


def rasa_applied(tracker):
    return DialogueStateTracker.applied_events._overstap_original(tracker)


def assert_same_everywhere(events) -> int:
    """Compares where Rasa predicts an action, and asks twice after a person's message (as
    the policies of one prediction do); returns the number of comparisons."""
    compared = 0
    for tracker in grown(events):
        assert [id(e) for e in tracker.applied_events()] == [id(e) for e in rasa_applied(tracker)]
        repeats = 2 if tracker.latest_action_name == ACTION_LISTEN_NAME else 1
        for _ in range(repeats):
            for way in WAYS:
                assert our_states(tracker, *way) == rasa_states(tracker, *way), way
                compared += 1
    return compared


def test_states_are_rasas_at_every_event_of_every_story() -> None:
    compared = 0
    for name, events in story_events():
        try:
            compared += assert_same_everywhere(events)
        except AssertionError as error:
            raise AssertionError(name) from error
    assert compared > 5_000


def test_states_are_rasas_in_a_window_of_the_tracker_store() -> None:
    """A tracker as the windowed tracker store loads it: opening events for the part before
    the window, then the window, which starts at an action_listen."""
    for name, events in story_events():
        if "(live)" not in name or len(events) < 12:
            continue
        cut = max(i for i, e in enumerate(events[:-4]) if _listen(e))
        earlier = DialogueStateTracker.from_events("earlier", events[:cut], domain().slots)
        window = opening_events(earlier) + events[cut:]
        assert_same_everywhere(window)


def test_featurized_states_are_rasas() -> None:
    """What the featurizers make of them, changing the states in place, is the same too."""
    featurizers = [MaxHistoryTrackerFeaturizer(max_history=n) for n in (None, 4)]
    for _, events in list(story_events())[::5]:
        for tracker in grown(events):
            for featurizer, use_text, (ignore, data) in itertools.product(
                featurizers, (False, True), ((False, None), (True, RULE_ONLY_DATA))
            ):
                kwargs = dict(
                    use_text_for_last_user_input=use_text,
                    ignore_rule_only_turns=ignore,
                    rule_only_data=data,
                )
                ours = featurizer.prediction_states([tracker], domain(), **kwargs)
                with rasa_only("tracker_states"):
                    rasas = featurizer.prediction_states([tracker], domain(), **kwargs)
                assert ours == rasas


def test_a_caller_that_changes_its_states_changes_nothing_for_the_next() -> None:
    _, events = next(e for e in story_events() if "(live)" in e[0] and len(e[1]) > 30)
    tracker = DialogueStateTracker.from_events("x", events, domain().slots)
    for way in WAYS:
        first = our_states(tracker, *way)
        expected = copy.deepcopy(first)
        for state in first:
            for sub_state in state.values():
                sub_state.clear()
            state.clear()
        assert our_states(tracker, *way) == expected == rasa_states(tracker, *way)
    applied = tracker.applied_events()
    applied.clear()
    assert tracker.applied_events() == rasa_applied(tracker)


def conversation(*middle) -> list:
    """A test story's first turns, `middle`, then its next turns, as a conversation stores
    them."""
    _, events = next(e for e in story_events() if "(live)" not in e[0] and len(e[1]) > 30)
    return live(events[:12] + list(middle) + events[12:30])


@pytest.mark.parametrize(
    "middle",
    [
        [UserUtteranceReverted()],
        [ActionReverted()],
        [Restarted()],
        [StoryExported(None)],
        [ActionExecutionRejected("profile_form"), ActionExecuted("utter_greet")],
        [LoopInterrupted(True), ActiveLoop(None), ActiveLoop("profile_form")],
        [FollowupAction("utter_greet"), ActionExecuted("utter_greet")],
        [ActiveLoop("occupation_form"), ActionExecuted("occupation_form"), ActiveLoop(None)],
        [EntitiesAdded([{"entity": "sector", "value": "zorg"}])],
        [DefinePrevUserUtteredFeaturization(True), DefinePrevUserUtteredFeaturization(False)],
        # a user message changed after an earlier step showed it (no new message between)
        [
            ActionExecuted(ACTION_LISTEN_NAME),
            EntitiesAdded([{"entity": "place", "value": "Zwolle"}]),
            DefinePrevUserUtteredFeaturization(True),
        ],
        [UserUttered("ja", {"name": "affirm"}), SlotSet("sector", "zorg")],
    ],
    ids=lambda middle: "+".join(type(e).__name__ for e in middle),
)
def test_states_are_rasas_around_events_that_change_what_applies(middle) -> None:
    assert_same_everywhere(conversation(*middle))


def _listen(event) -> bool:
    return isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN_NAME


def test_a_slot_copied_for_a_tracker_is_what_copy_copy_makes() -> None:
    from rasa.shared.core import trackers

    from bot import perf

    with patched("slot_copies"):
        ours = trackers.copy
        assert isinstance(ours, perf._SlotCopy)
        for slot in domain().slots:
            for value in (None, "zorg", 3.0, ["a"], True):
                original = copy.copy(slot)
                original.value = value
                for made in (ours.copy(original), copy.copy(original)):
                    assert type(made) is type(original) and made is not original
                    assert made.__dict__ == original.__dict__
                    assert all(made.__dict__[k] is v for k, v in original.__dict__.items())
        _, events = next(e for e in story_events() if "(live)" in e[0] and len(e[1]) > 30)
        fast = DialogueStateTracker.from_events("x", events, domain().slots)
    plain = DialogueStateTracker.from_events("x", events, domain().slots)
    assert fast.current_state() == plain.current_state()
    assert [vars(s) for s in fast.slots.values()] == [vars(s) for s in plain.slots.values()]


def test_only_plain_classes_are_copied_the_quick_way() -> None:
    from bot import perf

    class Plain:
        pass

    class WithCopy:
        def __copy__(self):
            return self

    class WithSlots:
        __slots__ = ("a",)

    class WithState:
        def __setstate__(self, state):
            pass

    assert perf._is_plain(Plain)
    assert not any(perf._is_plain(c) for c in (WithCopy, WithSlots, WithState, dict, list, int))
