"""bot/perf.py's rule index finds exactly Rasa's applicable rules, in the same set order, and the
rule policy predicts what it predicts; on a RulePolicy trained here on the project's rules."""

from __future__ import annotations

import functools

import pytest
from perf_support import domain, grown, live, patched, rasa_only, story_steps
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.training_data.structures import StoryGraph


@pytest.fixture(scope="module", autouse=True)
def patches():
    with patched("rule_matching"):
        yield


@functools.lru_cache(maxsize=1)
def policy() -> RulePolicy:
    import tempfile
    from pathlib import Path

    trackers = TrainingDataGenerator(
        StoryGraph(list(story_steps())), domain(), augmentation_factor=0
    ).generate()
    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    context = ExecutionContext(GraphSchema({}), "test")
    rule_policy = RulePolicy.create(
        {**RulePolicy.get_default_config(), "core_fallback_threshold": 0.3},
        storage,
        Resource("rule_policy"),
        context,
    )
    with rasa_only("rule_matching"):
        rule_policy.train(trackers, domain())
    return rule_policy


def conversations():
    for step in story_steps()[::3]:
        yield from grown(live(step.explicit_events(domain())))


def test_the_applicable_rules_and_their_order_are_rasas() -> None:
    rule_policy = policy()
    assert len(rule_policy.lookup[RULES]) > 100
    compared = 0
    for tracker in conversations():
        for use_text in (False, True):
            states = rule_policy._prediction_states(
                tracker, domain(), use_text, rule_only_data=rule_policy._get_rule_only_data()
            )
            for lookup in (
                rule_policy.lookup[RULES],
                rule_policy.lookup[RULES_FOR_LOOP_UNHAPPY_PATH],
            ):
                ours = rule_policy._get_possible_keys(lookup, states)
                with rasa_only("rule_matching"):
                    rasas = rule_policy._get_possible_keys(lookup, states)
                assert list(ours) == list(rasas)
                compared += 1
    assert compared > 1000


def test_the_rule_policy_predicts_what_it_predicts_with_rasas_matching() -> None:
    rule_policy = policy()
    for tracker in conversations():
        ours = rule_policy.predict_action_probabilities(tracker, domain())
        with rasa_only("rule_matching"):
            rasas = rule_policy.predict_action_probabilities(tracker, domain())
        assert ours.probabilities == rasas.probabilities
        assert ours.events == rasas.events
        assert ours.action_metadata == rasas.action_metadata


def test_the_index_follows_a_changed_lookup() -> None:
    rule_policy = policy()
    lookup = dict(rule_policy.lookup[RULES])
    tracker = next(conversations())
    states = rule_policy._prediction_states(tracker, domain(), False)
    before = rule_policy._get_possible_keys(lookup, states)
    lookup.clear()
    assert rule_policy._get_possible_keys(lookup, states) == set()
    lookup.update(rule_policy.lookup[RULES])
    assert rule_policy._get_possible_keys(lookup, states) == before
