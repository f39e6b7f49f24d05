"""bot/perf.py around action calls: the quick reply check says what Rasa's full check says, the
request body with the domain written once is json.dumps's text, the rule policy's debug text
is made only for DEBUG, and the collector is frozen after a model is loaded."""

from __future__ import annotations

import asyncio
import copy
import functools
import gc
import json
import logging

import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from perf_support import domain, live, patched, rasa_only, story_events
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.trackers import DialogueStateTracker

from bot import perf

SCHEMA = RemoteAction.action_response_format_spec()


@functools.lru_cache(maxsize=1)
def replies() -> list:
    """Replies as the action server sends them: the events of every fourth story and rule of
    the project as JSON, a few per reply, with a response."""
    events = [e.as_dict() for _, story in list(story_events())[::4] for e in story]
    found = [
        {"events": events[i : i + 5], "responses": [{"text": "Hallo"}]}
        for i in range(0, len(events), 5)
    ]
    found += [{"events": []}, {"responses": []}, {}]
    return found


def broken(reply: dict) -> list:
    """Ways an action server could get a reply wrong."""
    variants = [
        {**reply, "events": "geen lijst"},
        {**reply, "responses": ["geen object"]},
        {**reply, "events": [*reply.get("events", []), 1]},
        {**reply, "events": [*reply.get("events", []), {"name": "sector"}]},
        {**reply, "events": [*reply.get("events", []), {"event": "geen_type"}]},
        {**reply, "events": [*reply.get("events", []), {"event": "slot", "name": "x"}]},
        {**reply, "events": [*reply.get("events", []), {"event": "slot", "name": 1, "value": 2}]},
        {**reply, "events": [*reply.get("events", []), {"event": "user", "text": 5}]},
        {**reply, "events": [*reply.get("events", []), {"event": "action", "timestamp": "nu"}]},
        {**reply, "events": [*reply.get("events", []), {"event": 7}]},
        ["geen", "object"],
    ]
    for event in reply.get("events", [])[:2]:
        damaged = copy.deepcopy(event)
        damaged["metadata"] = "geen object"
        variants.append({**reply, "events": [damaged]})
    return variants


def verdict(action: RemoteAction, reply) -> str:
    try:
        return str(action._validate_action_result(reply))
    except ValidationError as error:
        return f"error: {error.message}"


def test_the_quick_check_passes_a_reply_only_when_rasas_schema_does() -> None:
    reply, by_type = perf._event_checks()
    full = validator_for(SCHEMA)(SCHEMA)
    valid = 0
    for good in replies():
        assert perf.reply_is_valid(good, reply, by_type) and full.is_valid(good)
        valid += 1
        for candidate in broken(good):
            assert not full.is_valid(candidate)
            assert not perf.reply_is_valid(candidate, reply, by_type), candidate
    assert valid > 100


def test_a_wrong_reply_gets_rasas_error() -> None:
    action = RemoteAction("action_search_courses", None)
    with patched("reply_check"):
        for candidate in broken(replies()[3]):
            ours = verdict(action, candidate)
            with rasa_only("reply_check"):
                assert ours == verdict(action, candidate) != "True"


def test_a_valid_reply_passes_without_the_full_check(monkeypatch) -> None:
    import jsonschema

    monkeypatch.setattr(jsonschema, "validate", lambda *a, **k: pytest.fail("full check ran"))
    action = RemoteAction("action_search_courses", None)
    with patched("reply_check"):
        for reply in replies()[:50]:
            assert action._validate_action_result(reply) is True


@functools.lru_cache(maxsize=1)
def bodies() -> list:
    """Request bodies as RemoteAction makes them, for trackers of the project's stories."""
    found = []
    for _, events in list(story_events())[::7]:
        tracker = DialogueStateTracker.from_events("perf", events, domain().slots)
        found.append(
            RemoteAction("action_search_courses", None)._action_call_format(tracker, domain())
        )
    return found


def test_a_body_with_the_domain_written_once_is_json_dumps_text() -> None:
    dumps = perf._DomainJson()
    cases = list(bodies())
    data = domain().as_dict()
    cases += [{"domain": data}, {"a": 1, "domain": data}, {"domain": data, "a": 1}, {"domain": [1]}]
    cases += [{}, [], "tekst", {"tracker": {"events": []}}]
    for _ in range(2):  # the second time from what was kept
        for body in cases:
            assert dumps(body) == json.dumps(body)
    assert len(dumps.kept) == 1


def test_the_kept_sessions_write_bodies_with_the_patch() -> None:
    with patched("domain_json"):
        assert isinstance(perf._dumps, perf._DomainJson)
    assert perf._dumps(bodies()[0]) == json.dumps(bodies()[0])


def test_the_rule_policys_states_text_is_made_for_debug_only() -> None:
    tracker = DialogueStateTracker.from_events(
        "perf", live(next(story_events())[1]), domain().slots
    )
    states = tracker.past_states(domain())
    logger = logging.getLogger("rasa")
    level = logger.level
    with patched("debug_states_text"):
        try:
            logger.setLevel(logging.INFO)
            assert RulePolicy.format_tracker_states(states) == ""
            logger.setLevel(logging.DEBUG)
            text = RulePolicy.format_tracker_states(states)
        finally:
            logger.setLevel(level)
    assert text == RulePolicy.format_tracker_states(states) != ""


def test_the_collector_is_frozen_after_a_model_is_loaded(monkeypatch) -> None:
    from rasa.core import agent

    seen = []

    async def load_agent(*args, **kwargs):
        seen.append(gc.get_freeze_count())
        return "agent"

    monkeypatch.setattr(agent, "load_agent", load_agent)
    perf.REPLACED.pop("model_gc", None)
    try:
        perf.patch_model_gc()
        gc.freeze()
        assert asyncio.run(agent.load_agent()) == "agent"
        assert seen == [0]  # what an earlier load froze can be collected again
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        perf.REPLACED.pop("model_gc", None)
