"""Cheaper messages in the Rasa server, each without a change in what Rasa answers.

Found by profiling one message end to end under load (py-spy on a Rasa instance, README "Cost
of a message"):

- `single_threaded_math`: TensorFlow and the BLAS libraries start a pool of threads per core
  and spin them up for every small prediction; one Rasa process per core (run-prod) does better
  with one thread each. Set only where nothing else was set.
- `patch_interpolation`: Rasa fills slot values into every string of a response, button payloads
  too. A payload such as `/inform{"sector": "zorg"}` looks like a placeholder, fails, and Rasa
  logs an error with the whole traceback and its local variables, for every button of every
  reply. A string whose placeholders are not all known slots comes back unchanged, as before,
  without that log.
- `patch_endpoint_sessions`: Rasa opens a new HTTP client session and TCP connection to the
  action server for every action it runs. One session per endpoint keeps connections open
  (closed after 3 s idle, before the action server's 5 s keep-alive ends them).
- `patch_debug_copies`: Rasa deep-copies the tracker's states, events and slots for its debug
  log lines on every prediction, also when nothing logs at DEBUG. In the modules where
  `copy.deepcopy` serves only those log lines it copies only when Rasa logs at DEBUG.
"""

from __future__ import annotations

import itertools
import json
import operator
import os
import re
import sys
from collections.abc import Iterable

PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")
KEEPALIVE_S = 3.0


def single_threaded_math() -> None:
    for name in (
        "TF_INTRA_OP_PARALLELISM_THREADS",
        "TF_INTER_OP_PARALLELISM_THREADS",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
    ):
        os.environ.setdefault(name, "1")


def patch_interpolation() -> None:
    from rasa.core.nlg import interpolator

    original = interpolator.interpolate_text
    if getattr(original, "_overstap_patched", False):
        return

    def interpolate_text(response, values):
        if not isinstance(response, str) or "{{" in response:
            return original(response, values)
        if "{" not in response and "}" not in response:
            return response.format(values)  # Rasa's result for text without placeholders
        names = PLACEHOLDER.findall(response)
        if names and any(name not in values for name in names):
            return response  # what Rasa returns after logging the KeyError
        return original(response, values)

    interpolate_text._overstap_patched = True  # type: ignore[attr-defined]
    interpolator.interpolate_text = interpolate_text


class _KeptSession:
    """`async with` around a session that stays open."""

    def __init__(self, session) -> None:
        self.session = session

    async def __aenter__(self):
        return self.session

    async def __aexit__(self, *exc) -> bool:
        return False


def patch_endpoint_sessions() -> None:
    import asyncio

    import aiohttp
    from rasa.utils import endpoints

    original = endpoints.EndpointConfig.session
    if getattr(original, "_overstap_patched", False):
        return

    def session(self):
        loop = asyncio.get_running_loop()
        kept = getattr(self, "_overstap_session", None)
        if kept is None or kept.closed or getattr(self, "_overstap_loop", None) is not loop:
            fresh = original(self)
            connector = aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_S)
            kept = aiohttp.ClientSession(
                headers=fresh._default_headers,
                auth=fresh._default_auth,
                timeout=fresh.timeout,
                connector=connector,
                json_serialize=lambda value: _dumps(value),  # looked up per call: switchable
            )
            loop.create_task(fresh.close())
            self._overstap_session = kept
            self._overstap_loop = loop
        return _KeptSession(kept)

    session._overstap_patched = True  # type: ignore[attr-defined]
    endpoints.EndpointConfig.session = session


def _dumps(value) -> str:
    """How a kept session writes a `json=` body: as aiohttp does, unless `domain_json`."""
    return json.dumps(value)


class _DomainJson:
    """`json.dumps` of a request body that ends with the domain, with the domain's JSON
    written once per domain: the same text, as a dict is written key by key in order."""

    def __init__(self) -> None:
        self.kept: dict[int, tuple[dict, str]] = {}

    def __call__(self, value) -> str:
        if type(value) is not dict or not value or next(reversed(value)) != "domain":
            return json.dumps(value)
        domain = value["domain"]
        if type(domain) is not dict:
            return json.dumps(value)
        found = self.kept.get(id(domain))
        if found is None or found[0] is not domain:
            if len(self.kept) >= 8:
                self.kept.clear()
            found = self.kept[id(domain)] = (domain, json.dumps(domain))
        head = json.dumps({key: item for key, item in value.items() if key != "domain"})
        return ("{" if head == "{}" else head[:-1] + ", ") + '"domain": ' + found[1] + "}"


def patch_domain_json() -> None:
    module = sys.modules[__name__]
    if getattr(module._dumps, "_overstap_patched", False):
        return
    _replace("domain_json", module, "_dumps", _DomainJson())


# Rasa modules where every `copy.deepcopy(...)` is an argument of a structlog debug line.
LOG_ONLY_DEEPCOPY = (
    "rasa.core.processor",
    "rasa.core.policies.memoization",
    "rasa.core.policies.rule_policy",
    "rasa.core.actions.forms",
    "rasa.core.channels.rest",
)


class _DebugCopy:
    """`copy` for a module whose deep copies only feed debug log lines."""

    def __init__(self) -> None:
        import copy
        import logging

        self._copy = copy
        self._rasa_log = logging.getLogger("rasa")

    def __getattr__(self, name: str):
        return getattr(self._copy, name)

    def deepcopy(self, value, memo=None):
        import logging

        if self._rasa_log.isEnabledFor(logging.DEBUG):
            return self._copy.deepcopy(value, memo)
        return value


def patch_debug_copies() -> None:
    import importlib

    shim = _DebugCopy()
    for name in LOG_ONLY_DEEPCOPY:
        module = importlib.import_module(name)
        if not isinstance(getattr(module, "copy", None), _DebugCopy):
            module.copy = shim


# -- replaced methods, switchable for comparisons ----------------------------------------------

# patch name -> (class or module, attribute, what it held (or MISSING), ours)
REPLACED: dict[str, list[tuple[object, str, object, object]]] = {}
MISSING = object()  # the attribute was inherited: switching back deletes ours


def _replace(patch: str, owner, name: str, new, static: bool = False) -> None:
    new._overstap_patched = True
    new._overstap_original = getattr(owner, name)
    held = owner.__dict__.get(name, MISSING)
    ours = staticmethod(new) if static else new
    setattr(owner, name, ours)
    REPLACED.setdefault(patch, []).append((owner, name, held, ours))


def switch(patches: Iterable[str], on: bool) -> None:
    """Puts Rasa's own methods back (`on=False`) or ours again, for the named patches that
    replace methods; for benchmarks and tests that compare both in one process."""
    import gc

    for patch in patches:
        for owner, name, held, ours in REPLACED.get(patch, ()):
            if on:
                setattr(owner, name, ours)
            elif held is not MISSING:
                setattr(owner, name, held)
            elif name in owner.__dict__:
                delattr(owner, name)
        if patch == "model_gc" and on:  # what the patch did after loading the model
            gc.freeze()
        elif patch == "model_gc":
            gc.unfreeze()


# -- the states of a tracker's history ------------------------------------------------------

# Events whose `apply_to` (Rasa 3.6.21) changes only the tracker it is applied to, so a prior
# tracker replayed once stays what a new replay would give. Not here: events that write files
# (StoryExported), reset or rewind (they change which events apply), and any subclass.
PURE_EVENTS = frozenset(
    {
        "UserUttered", "BotUttered", "SlotSet", "AllSlotsReset", "FollowupAction",
        "ConversationPaused", "ConversationResumed", "ActionExecuted", "ActiveLoop",
        "LoopInterrupted", "ActionExecutionRejected", "ReminderScheduled", "ReminderCancelled",
    }
)  # fmt: skip
# Events that change the latest user message itself, in place, when the latest action is
# action_listen: after one, a step recorded earlier with that message would be stale.
MESSAGE_EVENTS = frozenset({"DefinePrevUserUtteredFeaturization", "EntitiesAdded"})
EVENTS_MODULE = "rasa.shared.core.events"
KEPT_HISTORIES = 64


def _kind(event) -> str:
    kind = type(event)
    return kind.__name__ if kind.__module__ == EVENTS_MODULE else ""


class _Step:
    """What `states_for_tracker_history` reads from one prior tracker."""

    __slots__ = (
        "state", "flat", "hide", "followup", "action_name", "loop_name", "prev_action", "message"
    )  # fmt: skip

    def __init__(self, domain, tracker, hide: bool, omit_unset_slots: bool) -> None:
        self.state = domain.get_active_state(tracker, omit_unset_slots=omit_unset_slots)
        self.flat = _is_flat(self.state)
        self.hide = hide
        self.followup = tracker.followup_action
        self.action_name = tracker.latest_action_name
        self.loop_name = tracker.active_loop_name
        self.prev_action = tracker.latest_action
        self.message = tracker.latest_message


class _Applied:
    """One tracker's applied events, as far as computed."""

    def __init__(self, tracker) -> None:
        import weakref

        self.tracker = weakref.ref(tracker)
        self.seen: list = []  # tracker.events when `applied` was computed
        self.loop_names: set = set()
        self.applied: list = []

    def get(self, tracker) -> list:
        """`tracker.applied_events()`: the loop of Rasa 3.6.21 there, continued over the events
        added since the last call; from the start when a new loop name appears (it changes how
        earlier events apply) or the events before are not the ones seen. Not to be changed:
        callers outside this module get a copy."""
        from rasa.shared.core import events as e

        events = tracker.events
        if not _starts_with(events, self.seen):
            return self._again(tracker)
        added = list(events)[len(self.seen) :]
        if any(
            isinstance(x, e.ActiveLoop) and x.name and x.name not in self.loop_names for x in added
        ):
            return self._again(tracker)
        applied = self.applied
        for event in added:
            if isinstance(event, e.Restarted | e.SessionStarted):
                applied = []
            elif isinstance(event, e.ActionReverted):
                tracker._undo_till_previous(e.ActionExecuted, applied)
            elif isinstance(event, e.UserUtteranceReverted):
                tracker._undo_till_previous(e.UserUttered, applied)
                tracker._undo_till_previous(e.ActionExecuted, applied)
            elif (
                isinstance(event, e.ActionExecuted)
                and event.action_name in self.loop_names
                and not tracker._first_loop_execution_or_unhappy_path(event.action_name, applied)
            ):
                tracker._undo_till_previous_loop_execution(event.action_name, applied)
            else:
                applied.append(event)
        self.seen.extend(added)
        self.applied = applied
        return applied

    def _again(self, tracker) -> list:
        from rasa.shared.core.events import ActiveLoop

        self.seen = list(tracker.events)
        self.loop_names = {e.name for e in self.seen if isinstance(e, ActiveLoop) and e.name}
        self.applied = RASA["applied_events"](tracker)
        return self.applied


class _Kept:
    """Something computed per tracker (by identity, held weakly) and key, for the last
    `KEPT_HISTORIES` of them. What `make` returns holds what its key names (the domain)."""

    def __init__(self) -> None:
        from collections import OrderedDict

        self.kept: OrderedDict = OrderedDict()

    def get(self, tracker, key: tuple, make):
        full = (id(tracker), *key)
        found = self.kept.get(full)
        if found is None or found.tracker() is not tracker:
            found = self.kept[full] = make()
        self.kept.move_to_end(full)
        while len(self.kept) > KEPT_HISTORIES:
            self.kept.popitem(last=False)
        return found


APPLIED = _Kept()
# Rasa's own functions that a patch here replaced and that this module still calls.
RASA: dict = {}


def applied_events_of(tracker) -> list:
    """The applied events of a `DialogueStateTracker`, kept per tracker; not to be changed."""
    return APPLIED.get(tracker, (), lambda: _Applied(tracker)).get(tracker)


class _History:
    """One tracker's prior-tracker steps, as far as computed."""

    def __init__(self, tracker, domain, omit_unset_slots: bool) -> None:
        import weakref

        self.tracker = weakref.ref(tracker)
        self.domain = domain
        self.omit_unset_slots = omit_unset_slots
        self._restart(tracker)

    def _restart(self, tracker) -> None:
        self.replayed: list = []  # the applied events `replay` went through
        self.replay = tracker.init_copy()
        self.steps: list[_Step] = []

    def steps_for(self, tracker) -> list[_Step] | None:
        """The steps of `generate_all_prior_trackers`: one before each `ActionExecuted` and
        one at the end. None when an applied event is not one replayed here."""
        applied = applied_events_of(tracker)
        if not _starts_with(applied, self.replayed):
            self._restart(tracker)
        elif self.steps:
            self.steps.pop()  # the step at the end of the events replayed so far
        if not self._replay(applied[len(self.replayed) :]):
            self._restart(tracker)
            if not self._replay(applied):
                self._restart(tracker)
                return None
        self.steps.append(self._step(False))
        return self.steps

    def _replay(self, events: list) -> bool:
        """Replays `events` as `generate_all_prior_trackers` does; False when one of them is
        not replayed here or changes a user message an earlier step shows."""
        from rasa.shared.core.constants import ACTION_LISTEN_NAME

        for event in events:
            kind = _kind(event)
            if kind in MESSAGE_EVENTS:
                target = self.replay.latest_message
                if self.replay.latest_action_name == ACTION_LISTEN_NAME and any(
                    step.message is target for step in self.steps
                ):
                    return False
            elif kind not in PURE_EVENTS:
                return False
            if kind == "ActionExecuted":
                self.steps.append(self._step(event.hide_rule_turn))
            self.replay.update(event)
            self.replayed.append(event)
        return True

    def _step(self, hide: bool) -> _Step:
        return _Step(self.domain, self.replay, hide, self.omit_unset_slots)


def _starts_with(items, prefix: list) -> bool:
    if len(items) < len(prefix):
        return False
    return all(map(operator.is_, itertools.islice(items, len(prefix)), prefix))


def _copied(value, memo: dict):
    """A copy of nested dicts and lists that keeps which parts were the same object."""
    if isinstance(value, dict | list):
        found = memo.get(id(value))
        if found is None:
            if isinstance(value, dict):
                found = {key: _copied(item, memo) for key, item in value.items()}
            else:
                found = [_copied(item, memo) for item in value]
            memo[id(value)] = found
        return found
    return value


def _is_flat(state: dict) -> bool:
    """Whether a state is a dict of dicts of values no one can change in place."""
    return all(
        type(sub) is dict and all(_immutable(item) for item in sub.values())
        for sub in state.values()
    )


def _immutable(value) -> bool:
    if type(value) is tuple:
        return all(_immutable(item) for item in value)
    return value is None or type(value) in (str, int, float, bool)


def _copied_state(step: _Step, memo: dict) -> dict:
    """`_copied(step.state, memo)`, quicker for a flat state: its sub-states copied once each."""
    if not step.flat:
        return _copied(step.state, memo)
    state = {}
    for key, sub in step.state.items():
        found = memo.get(id(sub))
        if found is None:
            found = memo[id(sub)] = sub.copy()
        state[key] = found
    return state


def _states_from_steps(domain, steps, ignore_rule_only_turns: bool, rule_only_data) -> list:
    """The loop of Rasa 3.6.21's `Domain.states_for_tracker_history`, over recorded steps;
    each call gets its own copies, so a caller that changes its states changes nothing here.
    Without `ignore_rule_only_turns` Rasa's final `_clean_state` keeps every part of a state
    that `get_active_state` made (it cleans too), so a copy is the same."""
    from rasa.shared.core.constants import PREVIOUS_ACTION

    memo: dict = {}
    if not ignore_rule_only_turns:
        return [_copied_state(step, memo) for step in steps]
    states: list = []
    last_ml_action_sub_state = None
    turn_was_hidden = False
    for step in steps:
        if not turn_was_hidden:
            last_ml_action_sub_state = _copied(step.prev_action, memo)
        if not step.followup and step.action_name != step.loop_name:
            turn_was_hidden = step.hide
        if turn_was_hidden:
            continue
        state = _copied_state(step, memo)
        domain._remove_rule_only_features(state, rule_only_data)
        if states:
            domain._substitute_rule_only_user_input(state, states[-1])
        if last_ml_action_sub_state:
            state[PREVIOUS_ACTION] = last_ml_action_sub_state
        states.append(domain._clean_state(state))
    return states


def patch_tracker_states() -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    original = Domain.states_for_tracker_history
    if getattr(original, "_overstap_patched", False):
        return
    RASA.setdefault("applied_events", DialogueStateTracker.applied_events)
    histories = _Kept()

    def states_for_tracker_history(
        self, tracker, omit_unset_slots=False, ignore_rule_only_turns=False, rule_only_data=None
    ):
        steps = None
        if type(tracker) is DialogueStateTracker:
            history = histories.get(
                tracker,
                (id(self), omit_unset_slots),
                lambda: _History(tracker, self, omit_unset_slots),
            )
            steps = history.steps_for(tracker)
        if steps is None:
            return original(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        return _states_from_steps(self, steps, ignore_rule_only_turns, rule_only_data)

    _replace("tracker_states", Domain, "states_for_tracker_history", states_for_tracker_history)


def patch_applied_events() -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    original = DialogueStateTracker.applied_events
    if getattr(original, "_overstap_patched", False):
        return
    RASA.setdefault("applied_events", original)

    def applied_events(self):
        if type(self) is not DialogueStateTracker:
            return original(self)
        return list(applied_events_of(self))

    _replace("applied_events", DialogueStateTracker, "applied_events", applied_events)


# -- copying slots -----------------------------------------------------------------------------


def _is_plain(cls: type) -> bool:
    """Whether `copy.copy` (Python 3.10) of an instance of `cls` is a new instance with the
    same `__dict__` contents: no copy hook of its own, object's reduce, no slots or state
    methods, object's `__new__`."""
    import copy as copy_module
    import copyreg

    return (
        cls not in copy_module._copy_dispatch
        and not issubclass(cls, type)
        and getattr(cls, "__copy__", None) is None
        and copyreg.dispatch_table.get(cls) is None
        and cls.__reduce_ex__ is object.__reduce_ex__
        and cls.__reduce__ is object.__reduce__
        and cls.__new__ is object.__new__
        and not any(
            hasattr(cls, name)
            for name in ("__getstate__", "__setstate__", "__getnewargs__", "__getnewargs_ex__")
        )
        and not any(getattr(base, "__slots__", ()) for base in cls.__mro__)
        and cls.__itemsize__ == 0
    )


class _SlotCopy:
    """`copy` for Rasa's trackers module, which copies each slot for every new tracker; a
    plain class's instances are copied the way `copy.copy` does, without its detour."""

    def __init__(self) -> None:
        import copy as copy_module

        self._copy = copy_module
        self._plain: dict[type, bool] = {}

    def __getattr__(self, name: str):
        return getattr(self._copy, name)

    def copy(self, value):
        cls = type(value)
        plain = self._plain.get(cls)
        if plain is None:
            plain = self._plain[cls] = _is_plain(cls)
        if not plain:
            return self._copy.copy(value)
        copied = object.__new__(cls)
        copied.__dict__.update(value.__dict__)
        return copied


SLOT_COPY = _SlotCopy()


def patch_slot_copies() -> None:
    from rasa.shared.core import trackers

    if isinstance(trackers.copy, _SlotCopy):
        return
    _replace("slot_copies", trackers, "copy", _SlotCopy())


# -- copies of a tracker -------------------------------------------------------------------------

# Events a kept replay goes through itself; with any other (reverts replay the events inside
# `apply_to`, StoryExported writes a file) `copy` is Rasa's.
COPIED_EVENTS = PURE_EVENTS | MESSAGE_EVENTS | {"SessionStarted", "Restarted"}


class _MessageOnly:
    """What a message event's `apply_to` reads of a tracker, to apply it to a message again."""

    __slots__ = ("latest_action_name", "latest_message")

    def __init__(self, listen: str) -> None:
        self.latest_action_name = listen
        self.latest_message = None


class _Replay:
    """`tracker.copy()` of Rasa 3.6.21 replays every event into a new tracker. This keeps that
    replay for one tracker and brings it forward with the events added since, so a copy is
    the replay's state with containers of its own: new events deque, slots, latest action and
    active loop; the events (and the messages they set) shared, as a replay shares them.

    A replay also applies the message events (DefinePrevUserUtteredFeaturization,
    EntitiesAdded) again to the user messages they changed; a copy does that too, in order."""

    def __init__(self, tracker) -> None:
        import weakref

        self.tracker = weakref.ref(tracker)
        self._restart(tracker)

    def _restart(self, tracker) -> None:
        self.replay = tracker.init_copy()
        self.seen: list = []
        self.touched: list = []  # (message event, the user message it changed)
        self.own_message = True  # latest_message is the replay's own empty one, no event
        self.own_utterance = True  # the same for latest_bot_utterance
        self.broken = False

    def copy(self, tracker):
        """The copy, or None when Rasa's own is needed."""
        if not _starts_with(tracker.events, self.seen):
            self._restart(tracker)
        elif self.broken:
            return None  # the event it stopped at is still there
        if not self._forward(itertools.islice(tracker.events, len(self.seen), None)):
            self.broken = True
            return None
        if self.own_message:
            return None
        return self._clone()

    def _forward(self, events) -> bool:
        from rasa.shared.core.constants import ACTION_LISTEN_NAME

        replay = self.replay
        for event in events:
            kind = _kind(event)
            if kind not in COPIED_EVENTS:
                return False
            try:
                if not event.timestamp <= float("inf"):
                    return False  # `travel_back_in_time` stops here
            except TypeError:
                return False  # Rasa's error
            if kind in MESSAGE_EVENTS and replay.latest_action_name == ACTION_LISTEN_NAME:
                if self.own_message:
                    return False
                self.touched.append((event, replay.latest_message))
            message, utterance = replay.latest_message, replay.latest_bot_utterance
            replay.update(event)
            if replay.latest_message is not message:
                self.own_message = replay.latest_message is not event
            if replay.latest_bot_utterance is not utterance:
                self.own_utterance = replay.latest_bot_utterance is not event
            self.seen.append(event)
        return True

    def _clone(self):
        import copy
        from collections import deque

        from rasa.shared.core.events import BotUttered

        replay = self.replay
        clone = object.__new__(type(replay))
        clone.__dict__.update(replay.__dict__)
        clone.events = deque(replay.events, replay._max_event_history)
        slot_copy = SLOT_COPY.copy
        clone.slots = {name: slot_copy(slot) for name, slot in replay.slots.items()}
        if replay.latest_action is not None:
            clone.latest_action = dict(replay.latest_action)
        if replay.active_loop is not None:
            clone.active_loop = copy.copy(replay.active_loop)
        if self.own_utterance:
            clone.latest_bot_utterance = BotUttered.empty()
        if self.touched:
            from rasa.shared.core.constants import ACTION_LISTEN_NAME

            target = _MessageOnly(ACTION_LISTEN_NAME)
            for event, message in self.touched:
                target.latest_message = message
                event.apply_to(target)
        return clone


def _copyable(tracker) -> bool:
    """A tracker whose state and slots are Rasa's `DialogueStateTracker`'s own."""
    from rasa.shared.core.trackers import AnySlotDict, DialogueStateTracker

    return type(tracker) is DialogueStateTracker and type(tracker.slots) is not AnySlotDict


def patch_tracker_copies() -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    original = DialogueStateTracker.copy
    if getattr(original, "_overstap_patched", False):
        return
    fresh = DialogueStateTracker("x", [])
    expected = {
        "_max_event_history", "events", "sender_id", "slots", "sender_source",
        "is_rule_tracker", "_paused", "followup_action", "latest_action", "latest_message",
        "latest_bot_utterance", "active_loop", "model_id", "assistant_id",
    }  # fmt: skip
    if set(fresh.__dict__) != expected:
        return  # another Rasa: its tracker holds state a copy here would not know
    replays = _Kept()

    def copy(self):
        copied = None
        if _copyable(self):
            copied = replays.get(self, (), lambda: _Replay(self)).copy(self)
        return original(self) if copied is None else copied

    _replace("tracker_copies", DialogueStateTracker, "copy", copy)


# -- calling a model's prediction function ---------------------------------------------------------


class _PredictCall:
    """The one concrete function of a RasaModel's `tf.function` prediction step (it has an
    input signature) and that signature, flat."""

    def __init__(self, step) -> None:
        import tensorflow as tf

        self.step = step
        self.concrete = step.get_concrete_function()
        self.specs = tf.nest.flatten(step.input_signature, expand_composites=True)

    def inputs(self, batch_in) -> list | None:
        """The tensors `tf.function` would pass (numpy arrays converted with the spec's dtype as
        a hint), or None where it would do more or fail."""
        import tensorflow as tf
        from tensorflow.python.framework import ops

        if type(batch_in) not in (tuple, list) or len(batch_in) != len(self.specs):
            return None
        flat = []
        for value, spec in zip(batch_in, self.specs, strict=True):
            if type(spec) is not tf.TensorSpec:
                return None
            if not tf.is_tensor(value):
                try:
                    value = ops.convert_to_tensor(value, dtype_hint=spec.dtype)
                except (TypeError, ValueError):
                    return None
            if not spec.is_compatible_with(value):
                return None
            flat.append(value)
        return flat


def patch_tf_predict() -> None:
    from rasa.utils.tensorflow.models import RasaModel

    original = RasaModel._rasa_predict
    if getattr(original, "_overstap_patched", False):
        return

    def _rasa_predict(self, batch_in):
        from keras.utils import tf_utils
        from rasa.shared.constants import DIAGNOSTIC_DATA

        step = self.__dict__.get("_tf_predict_step")
        if step is None or self._run_eagerly or not self.prepared_for_prediction:
            return original(self, batch_in)  # the first call makes the tf.function
        call = self.__dict__.get("_overstap_predict_call")
        if call is None or call.step is not step:
            call = self.__dict__["_overstap_predict_call"] = _PredictCall(step)
        flat = call.inputs(batch_in)
        if flat is None:
            return original(self, batch_in)
        self._training = False
        # What `tf.function.__call__` runs after matching the inputs to the function.
        found = call.concrete._call_flat(flat, captured_inputs=call.concrete.captured_inputs)
        outputs = tf_utils.sync_to_numpy_or_python_type(found)
        if DIAGNOSTIC_DATA in outputs:
            outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
        return outputs

    _replace("tf_predict", RasaModel, "_rasa_predict", _rasa_predict)


# -- running a prediction graph ----------------------------------------------------------------


class _Recorder:
    """Calls a graph node for dask and notes the order in which dask called the nodes."""

    def __init__(self, node, name: str, order: list) -> None:
        self.node, self.name, self.order = node, name, order

    def __call__(self, *inputs):
        self.order.append(self.name)
        return self.node(*inputs)


def _graph_plan(runner, inputs: dict, targets: list) -> tuple[dict, list]:
    """Runs the graph once with dask, as Rasa does, and returns its result and the plan: each
    node with the names of its inputs, in the order dask ran them."""
    import dask

    schema = runner._graph_schema.minimal_graph_schema(targets)
    order: list = []
    graph = {
        name: (_Recorder(runner._instantiated_nodes[name], name, order), *node.needs.values())
        for name, node in schema.nodes.items()
    }
    for name, value in inputs.items():
        graph[name] = (name, value)
    result = dict(dask.get(graph, targets))
    needs = {name: tuple(node.needs.values()) for name, node in schema.nodes.items()}
    order = _ted_last(order, needs, runner._instantiated_nodes)
    plan = [(name, runner._instantiated_nodes[name], needs[name]) for name in order]
    return result, plan


def _run_plan(plan: list, inputs: dict, targets: list) -> dict:
    """What dask's synchronous scheduler does with the graph: each node gets the outputs of
    the nodes it needs (an input as `(name, value)`; a name that is neither as it is).
    `_PlanHooks.answer` may give a node's output without running it."""
    done = {name: (name, value) for name, value in inputs.items()}
    answer = _PlanHooks.answer
    for name, node, needs in plan:
        args = [done.get(need, need) for need in needs]
        output = None
        if answer is not None:
            output = answer(node, args, done)
        done[name] = (name, output) if output is not None else node(*args)
    return dict(done[target] for target in targets)


def _ted_last(order: list, needs: dict, nodes: dict) -> list:
    """The plan's order with each TED prediction moved to just before the first node that
    needs it (the ensemble), after the other policies: a valid order, as TED needs none of
    them."""
    for name in [n for n in order if _is_ted_prediction(nodes[n])]:
        order.remove(name)
        first = next((i for i, n in enumerate(order) if name in needs[n]), len(order))
        order.insert(first, name)
    return order


DECISIVE_POLICIES = frozenset({"RulePolicy", "MemoizationPolicy", "AugmentedMemoizationPolicy"})


class _PlanHooks:
    """Steps of the graph runner's plan that a switchable patch may answer without running the
    node: `answer(node, args, done)` returns the node's output, or None to run it (`done`: the
    run's outputs so far, name -> (name, value))."""

    answer = None


def _is_ted_prediction(node) -> bool:
    component = getattr(node, "_component", None)
    return (
        type(component).__name__ == "TEDPolicy"
        and getattr(node, "_fn_name", "") == "predict_action_probabilities"
    )


def _ted_outvoted(node, args: list, done: dict):
    """TED's prediction when it cannot win: a rule or memorised story already gives an action
    with confidence 1.0 and a higher priority. Rasa's ensemble (`_pick_best_policy`, 3.6.21)
    takes the highest (confidence, priority); TED's confidence is at most 1.0 and its priority
    is lower. An end-to-end prediction would outrank them: only a TED trained without text in
    its stories (no text features) is skipped. Not after a rejected action: the ensemble then
    sets that action's confidence to 0 in every prediction and TED may win. TED then gives
    zeros, as it does without a model; its events are empty either way."""
    if not _is_ted_prediction(node):  # first: this runs for every node of every graph run
        return None
    from rasa.core.policies.policy import PolicyPrediction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected
    from rasa.shared.core.trackers import DialogueStateTracker

    ted = node._component
    if ted.model is None or "text" in (ted.fake_features or {}):  # could predict end-to-end
        return None
    outputs = (value[1] for value in done.values() if isinstance(value, tuple))
    decided = any(
        isinstance(p, PolicyPrediction)
        and p.policy_name in DECISIVE_POLICIES
        and p.max_confidence >= 1.0
        and p.policy_priority > ted.priority
        and not p.is_end_to_end_prediction
        for p in outputs
    )
    if not decided:
        return None
    values = [a[1] if isinstance(a, tuple) and len(a) == 2 else a for a in args]
    tracker = next((v for v in values if isinstance(v, DialogueStateTracker)), None)
    domain = next((v for v in values if isinstance(v, Domain)), None)
    if tracker is None or domain is None:
        return None
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecutionRejected):
            return None
        if isinstance(event, ActionExecuted):
            break
    return ted._prediction(ted._default_predictions(domain))


def patch_ted_when_outvoted() -> None:
    """TED's network runs only when its prediction can count (`_ted_outvoted`); the graph plan
    runs TED after the rule and memoisation policies (patch_graph_runner)."""
    _replace("ted_when_outvoted", _PlanHooks, "answer", _ted_outvoted, static=True)


def patch_graph_runner() -> None:
    import logging

    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    log = logging.getLogger("rasa.engine.runner.dask")

    original = DaskGraphRunner.run
    if getattr(original, "_overstap_patched", False):
        return

    def run(self, inputs=None, targets=None):
        nodes = self._instantiated_nodes.values()
        if any(node._hooks for node in nodes):  # training: Rasa's own run
            return original(self, inputs, targets)
        run_targets = list(targets if targets else self._graph_schema.target_names)
        inputs = inputs or {}
        for value in inputs.values():
            if isinstance(value, str) and value in self._graph_schema.nodes:
                return original(self, inputs, targets)  # Rasa's error
        log.debug(
            "Running graph with inputs: %s, targets: %s and %s.",
            inputs,
            targets,
            self._execution_context,
        )
        plans = self.__dict__.setdefault("_overstap_plans", {})
        key = (tuple(run_targets), tuple(sorted(inputs)))
        try:
            if key not in plans:
                result, plans[key] = _graph_plan(self, inputs, run_targets)
                return result
            return _run_plan(plans[key], inputs, run_targets)
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e

    _replace("graph_runner", DaskGraphRunner, "run", run)


# -- checking the action server's replies ---------------------------------------------------


def _event_checks():
    """Validators for Rasa's action reply schema without its events, and for one event of
    each type: Rasa's event schema with the one branch of its `oneOf` that the type names."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.utils.schemas.events import EVENT_SCHEMA

    spec = RemoteAction.action_response_format_spec()
    validator = validator_for(spec)  # the class jsonschema.validate picks for Rasa's check
    others = {key: value for key, value in spec["properties"].items() if key != "events"}
    reply = validator({**spec, "properties": others})
    base = {key: value for key, value in EVENT_SCHEMA.items() if key != "oneOf"}
    by_type = {
        branch["properties"]["event"]["const"]: validator({"allOf": [base, branch]})
        for branch in EVENT_SCHEMA["oneOf"]
    }
    return reply, by_type


def reply_is_valid(result, reply, by_type) -> bool:
    """True only when Rasa's schema check passes: the reply without its events is valid, and
    each event is valid against the branch its type names (the other branches of the `oneOf`
    fail on their `const`, so exactly one matches). False means: ask the full check."""
    if not reply.is_valid(result):
        return False
    if "events" not in result:
        return True
    events = result["events"]
    if not isinstance(events, list):
        return False
    for event in events:
        kind = event.get("event") if isinstance(event, dict) else None
        check = by_type.get(kind) if isinstance(kind, str) else None
        if check is None or not check.is_valid(event):
            return False
    return True


def patch_reply_check() -> None:
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._validate_action_result
    if getattr(original, "_overstap_reply_check", False):
        return
    reply, by_type = _event_checks()

    def validate_action_result(self, result):
        if reply_is_valid(result, reply, by_type):
            return True
        return original(self, result)  # the full check, with Rasa's error

    validate_action_result._overstap_reply_check = True  # type: ignore[attr-defined]
    # bot.rasa_cli.patch_action_validation leaves this alone (it would check everything first)
    _replace("reply_check", RemoteAction, "_validate_action_result", validate_action_result)


# -- which rules apply --------------------------------------------------------------------------


def _constraint(value):
    """The value a rule requires of the conversation, or None when it requires nothing that
    an index can use (Rasa's `_does_rule_match_state` skips empty and `should_not_be_set`)."""
    from rasa.shared.core.constants import SHOULD_NOT_BE_SET

    return value if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET else None


class _RuleIndex:
    """The rules of one lookup, by what their last state requires of the conversation's last
    state: its previous action's name and its user intent."""

    def __init__(self, lookup: dict) -> None:
        from rasa.core.policies.rule_policy import RulePolicy
        from rasa.shared.core.constants import PREVIOUS_ACTION, USER
        from rasa.shared.nlu.constants import ACTION_NAME, INTENT

        self.keys = set(lookup)
        self.length: dict[str, int] = {}
        self.always: set[str] = set()  # no states: apply at any turn
        self.start: set[str] = set()  # last state without a previous action
        self.by: dict[tuple, set[str]] = {}
        for key in lookup:
            rule_states = RulePolicy._rule_key_to_state(key)
            self.length[key] = len(rule_states)
            if not rule_states:
                self.always.add(key)
                continue
            last = rule_states[-1]
            previous = last.get(PREVIOUS_ACTION)
            if not previous:
                self.start.add(key)
                continue
            user = last.get(USER) or {}
            wanted = (_constraint(previous.get(ACTION_NAME)), _constraint(user.get(INTENT)))
            self.by.setdefault(wanted, set()).add(key)

    def candidates(self, state: dict) -> set[str]:
        """The rules that may apply at the conversation's last state, `state`: a rule whose
        last state has a previous action needs one in `state` with the same name and intent
        (where the rule names them); a rule whose last state has none needs `state` without."""
        from rasa.shared.core.constants import PREVIOUS_ACTION, USER
        from rasa.shared.nlu.constants import ACTION_NAME, INTENT

        found = set(self.always)
        previous = state.get(PREVIOUS_ACTION)
        if not previous:
            return found | self.start
        name, intent = previous.get(ACTION_NAME), (state.get(USER) or {}).get(INTENT)
        for wanted in {(name, intent), (name, None), (None, intent), (None, None)}:
            found |= self.by.get(wanted, set())
        return found


def patch_rule_matching() -> None:
    from rasa.core.policies.rule_policy import RulePolicy

    original = RulePolicy._get_possible_keys
    if getattr(original, "_overstap_patched", False):
        return
    indexes: dict[int, _RuleIndex] = {}

    def _get_possible_keys(self, lookup, states):
        index = indexes.get(id(lookup))
        if index is None or index.keys != lookup.keys():
            index = indexes[id(lookup)] = _RuleIndex(lookup)
        # As Rasa: a new set per state, filled in the order of the one before, so that equal
        # sets iterate alike (`max(..., key=len)` picks the first of equally long rules).
        possible_keys = set(lookup.keys())
        for i, state in enumerate(reversed(states)):
            if i == 0:
                candidates = index.candidates(state)
                possible_keys = set(
                    key
                    for key in possible_keys
                    if key in candidates and self._is_rule_applicable(key, i, state)
                )
            else:  # a rule with at most i states applies at turn i whatever the state
                possible_keys = set(
                    key
                    for key in possible_keys
                    if index.length[key] <= i or self._is_rule_applicable(key, i, state)
                )
        return possible_keys

    _replace("rule_matching", RulePolicy, "_get_possible_keys", _get_possible_keys)


# -- the collector and the loaded model -----------------------------------------------------


def patch_model_gc() -> None:
    import gc

    from rasa.core import agent

    original = agent.load_agent
    if getattr(original, "_overstap_patched", False):
        return

    async def load_agent(*args, **kwargs):
        gc.unfreeze()  # a model loaded before may be garbage now
        loaded = await original(*args, **kwargs)
        gc.collect()
        gc.freeze()
        return loaded

    _replace("model_gc", agent, "load_agent", load_agent)


def patch_debug_states_text() -> None:
    import logging

    from rasa.core.policies.rule_policy import RulePolicy

    original = RulePolicy.format_tracker_states
    if getattr(original, "_overstap_patched", False):
        return
    rasa_log = logging.getLogger("rasa")

    def format_tracker_states(states):
        if rasa_log.isEnabledFor(logging.DEBUG):
            return original(states)
        return ""

    _replace("debug_states_text", RulePolicy, "format_tracker_states", format_tracker_states, True)


# -- spaCy: the docs of a message and the entity ruler ------------------------------------------

# spaCy components (by factory) that only set `doc.ents`.
ENTITY_FACTORIES = frozenset({"entity_ruler"})


def _is_lookup_lemmatizer(nlp, name: str) -> bool:
    """A lemmatizer that looks each token's text up in a table: it reads no entities."""
    return (
        nlp.get_pipe_meta(name).factory == "lemmatizer"
        and getattr(nlp.get_pipe(name), "mode", None) == "lookup"
    )


class _SpacyPlan:
    """Which components of one spaCy pipeline the docs of a message can go without.

    Rasa runs the whole pipeline twice per message: SpacyNLP for the doc of the lowercased text,
    which only SpacyTokenizer reads (tokens, lemmas, tags; no entities), and
    SpacyEntityExtractor for the doc of the text itself, of which it reads only the entities.
    In a pipeline of entity rulers and lookup lemmatizers, the first doc needs no ruler and the
    second no lemmatizer after the last ruler. With any other component nothing is left out.
    """

    def __init__(self, nlp) -> None:
        names = list(nlp.pipe_names)
        rulers = [name for name in names if nlp.get_pipe_meta(name).factory in ENTITY_FACTORIES]
        lemmatizers = [name for name in names if _is_lookup_lemmatizer(nlp, name)]
        self.key = tuple(names)
        self.without_entities: list[str] = []
        self.entities_only: list[str] = []
        if rulers and len(rulers) + len(lemmatizers) == len(names):
            last_ruler = max(names.index(name) for name in rulers)
            self.without_entities = rulers
            self.entities_only = [name for name in lemmatizers if names.index(name) > last_ruler]


def _spacy_plan(plans: dict, nlp) -> _SpacyPlan:
    plan = plans.get(id(nlp))
    if plan is None or plan.key != tuple(nlp.pipe_names):
        plan = plans[id(nlp)] = _SpacyPlan(nlp)
    return plan


def patch_spacy_docs() -> None:
    from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.shared.nlu.constants import ENTITIES, TEXT

    original = SpacyNLP._doc_for_text
    if getattr(original, "_overstap_patched", False):
        return
    plans: dict[int, _SpacyPlan] = {}

    def _doc_for_text(self, model, text):
        plan = _spacy_plan(plans, model)
        return model(self._preprocess_text(text), disable=plan.without_entities)

    def process(self, messages, model):
        # Rasa 3.6.21's SpacyEntityExtractor.process, with the doc made without lemmas.
        for message in messages:
            spacy_nlp = model.model
            plan = _spacy_plan(plans, spacy_nlp)
            doc = spacy_nlp(message.get(TEXT), disable=plan.entities_only)
            all_extracted = self.add_extractor_name(self._extract_entities(doc))
            dimensions = self._config["dimensions"]
            extracted = self.filter_irrelevant_entities(all_extracted, dimensions)
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages

    _replace("spacy_docs", SpacyNLP, "_doc_for_text", _doc_for_text)
    _replace("spacy_docs", SpacyEntityExtractor, "process", process)


def _lower_in(pattern) -> list | None:
    """The words of a token pattern `[{"LOWER": {"IN": [word, ...]}}]`, else None."""
    if type(pattern) is not list or len(pattern) != 1 or type(pattern[0]) is not dict:
        return None
    spec = pattern[0]
    if set(spec) != {"LOWER"} or type(spec["LOWER"]) is not dict or set(spec["LOWER"]) != {"IN"}:
        return None
    words = spec["LOWER"]["IN"]
    if type(words) is not list or not all(type(word) is str for word in words):
        return None
    return words


class _RulerPlan:
    """An entity ruler's token patterns, split: those of one token that only require its
    lowercase form to be in a list, as a dict from that form to the match keys, and a Matcher
    with the others. spaCy's Matcher checks each list for each token (a few hundred lists here:
    most of the ruler's time); a match is the same `(key, i, i + 1)` either way."""

    def __init__(self, ruler, count: int) -> None:
        from spacy.matcher import Matcher
        from spacy.strings import get_string_id

        self.matcher = ruler.matcher
        self.count = count
        self.by_lower: dict[int, list[int]] = {}
        self.rest = Matcher(ruler.nlp.vocab, validate=False)
        for label, patterns in ruler.token_patterns.items():
            key = ruler.matcher._normalize_key(label)
            for pattern in patterns:
                words = _lower_in(pattern)
                if words is None:
                    self.rest.add(label, [pattern])
                    continue
                for word in dict.fromkeys(get_string_id(word) for word in words):
                    self.by_lower.setdefault(word, []).append(key)

    def token_matches(self, doc) -> list[tuple[int, int, int]]:
        by_lower = self.by_lower
        found = [
            (key, i, i + 1) for i, token in enumerate(doc) for key in by_lower.get(token.lower, ())
        ]
        if len(self.rest):
            found += self.rest(doc)
        return found


def patch_entity_ruler() -> None:
    import warnings

    from spacy.pipeline import EntityRuler

    original = EntityRuler.match
    if getattr(original, "_overstap_patched", False):
        return
    plans: dict[int, _RulerPlan] = {}

    def match(self, doc):
        count = sum(map(len, self.token_patterns.values()))
        if not count or type(self) is not EntityRuler:
            return original(self, doc)  # Rasa's warning without patterns; a subclass
        plan = plans.get(id(self))
        if plan is None or plan.matcher is not self.matcher or plan.count != count:
            plan = plans[id(self)] = _RulerPlan(self, count)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="\\[W036")
            matches = plan.token_matches(doc) + list(self.phrase_matcher(doc))
        final_matches = set((m_id, start, end) for m_id, start, end in matches if start != end)
        spans: dict[tuple[int, int], int] = {}
        for m_id, start, end in final_matches:
            if spans.setdefault((start, end), m_id) != m_id:
                # two labels for one span: spaCy's pick depends on the order of its matches
                return original(self, doc)
        return sorted(final_matches, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)

    _replace("entity_ruler", EntityRuler, "match", match)


PATCHES = {
    "single_threaded_math": single_threaded_math,
    "interpolation": patch_interpolation,
    "endpoint_sessions": patch_endpoint_sessions,
    "debug_copies": patch_debug_copies,
    "tracker_states": patch_tracker_states,
    "applied_events": patch_applied_events,
    "slot_copies": patch_slot_copies,
    "graph_runner": patch_graph_runner,
    "reply_check": patch_reply_check,
    "rule_matching": patch_rule_matching,
    "model_gc": patch_model_gc,
    "debug_states_text": patch_debug_states_text,
    "domain_json": patch_domain_json,
    "spacy_docs": patch_spacy_docs,
    "entity_ruler": patch_entity_ruler,
    "tf_predict": patch_tf_predict,
    "ted_when_outvoted": patch_ted_when_outvoted,
}
# Exact, tested, and applied only when named: with the windowed tracker store a tracker holds
# about 40 events, a copy replays them in about the time the kept replay takes to be cloned,
# and half the copies are the first of a tracker (bench/results/message_cpu-2026-12-08.md).
# For long windows (OVERSTAP_TRACKER_WINDOW_TURNS) it may pay.
OPTIONAL = {
    "tracker_copies": patch_tracker_copies,
}


def apply_all(skip: Iterable[str] = (), extra: Iterable[str] = ()) -> None:
    """Applies every patch; `skip` names patches to leave out (benchmarks compare with them),
    `extra` optional ones to apply too."""
    unknown = (set(skip) - set(PATCHES)) | (set(extra) - set(OPTIONAL))
    if unknown:
        raise ValueError(f"unknown patches: {sorted(unknown)}")
    for name, patch in PATCHES.items():
        if name not in skip:
            patch()
    for name in extra:
        OPTIONAL[name]()
