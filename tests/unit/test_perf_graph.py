"""bot/perf.py's graph runs give what Rasa's dask runs give, calling the nodes in dask's order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from perf_support import patched, rasa_only
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.training.hooks import LoggingHook

CALLS: list[str] = []


class Step(GraphComponent):
    """Notes its call and returns what it got, with its name."""

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> Step:
        return cls(execution_context.node_name, config)

    def __init__(self, name: str, config: dict[str, Any]) -> None:
        self.name, self.config = name, config

    def run(self, **inputs: Any) -> dict[str, Any]:
        CALLS.append(self.name)
        if self.config.get("fail"):
            raise ValueError("failed on purpose")
        return {"node": self.name, "inputs": inputs}


def node(needs: dict[str, str], target: bool = False, **config: Any) -> SchemaNode:
    return SchemaNode(needs=needs, uses=Step, constructor_name="create", fn="run",
                      config=config, eager=True, is_target=target)  # fmt: skip


SCHEMA = GraphSchema(
    {
        "provider_a": node({}),
        "provider_b": node({}),
        "first": node({"message": "__message__", "model": "provider_a"}),
        "left": node({"data": "first"}),
        "right": node({"data": "first", "model": "provider_b"}),
        "unused": node({"data": "left"}),
        "joined": node({"a": "left", "b": "right", "tracker": "__tracker__"}, target=True),
        "alone": node({"missing": "__not_given__"}, target=True),
        "broken": node({"data": "first"}, target=True, fail=True),
    }
)


def runner(tmp_path: Path, hooks=None) -> DaskGraphRunner:
    storage = LocalModelStorage(tmp_path)
    return DaskGraphRunner(SCHEMA, storage, ExecutionContext(SCHEMA, "test"), hooks)


@pytest.fixture(scope="module", autouse=True)
def patches():
    with patched("graph_runner"):
        yield


def run_both(graph: DaskGraphRunner, inputs: dict, targets: list[str]):
    """Rasa's run, then ours twice (the first one goes through dask and keeps the plan)."""
    results = []
    for mode in ("rasa", "ours", "ours"):
        CALLS.clear()
        if mode == "rasa":
            with rasa_only("graph_runner"):
                output = graph.run(inputs=inputs, targets=targets)
        else:
            output = graph.run(inputs=inputs, targets=targets)
        results.append((output, list(CALLS)))
    return results


@pytest.mark.parametrize("targets", [["joined"], ["left", "right"], ["joined", "left"]])
def test_a_run_gives_rasas_outputs_with_the_nodes_in_dasks_order(tmp_path, targets) -> None:
    graph = runner(tmp_path)
    inputs = {"__message__": ["hallo"], "__tracker__": object()}
    rasas, first, kept = run_both(graph, inputs, targets)
    assert rasas[0] == first[0] == kept[0]
    assert rasas[1] == first[1] == kept[1]
    assert "unused" not in kept[1]
    assert graph._overstap_plans


def test_inputs_are_passed_as_rasa_passes_them(tmp_path) -> None:
    graph = runner(tmp_path)
    tracker = object()
    for _ in range(2):
        output = graph.run(inputs={"__tracker__": tracker, "__message__": []}, targets=["joined"])
        assert output["joined"]["inputs"]["tracker"] is tracker


def test_an_input_not_given_fails_as_in_rasa(tmp_path) -> None:
    graph = runner(tmp_path)
    with rasa_only("graph_runner"), pytest.raises(GraphRunError) as rasas:
        graph.run(inputs={}, targets=["alone"])
    with pytest.raises(GraphRunError) as ours:
        graph.run(inputs={}, targets=["alone"])
    assert str(ours.value) == str(rasas.value)


def test_a_failing_node_fails_the_same_way(tmp_path) -> None:
    graph = runner(tmp_path)
    for _ in range(2):
        with rasa_only("graph_runner"), pytest.raises(GraphComponentException) as rasas:
            graph.run(inputs={"__message__": []}, targets=["broken"])
        with pytest.raises(GraphComponentException) as ours:
            graph.run(inputs={"__message__": []}, targets=["broken"])
        assert str(ours.value) == str(rasas.value)
        assert isinstance(ours.value.__cause__, ValueError)


def test_a_training_graph_runs_as_rasa_runs_it(tmp_path) -> None:
    graph = runner(tmp_path, hooks=[LoggingHook(pruned_schema=SCHEMA)])
    graph.run(inputs={"__message__": []}, targets=["left"])
    assert not hasattr(graph, "_overstap_plans")
