"""The cheaper paths of bot/perf.py answer exactly as Rasa's own."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from rasa.core.nlg import interpolator
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot import perf

ROOT = Path(__file__).resolve().parents[2]


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_interpolation_gives_rasas_result_for_every_string_of_the_domain() -> None:
    original = interpolator.interpolate_text
    perf.patch_interpolation()
    patched = interpolator.interpolate_text
    try:
        domain = Domain.load(str(ROOT / "domain.yml"))
        values = {slot.name: "waarde" for slot in domain.slots}
        values.update(name="Anna", wish="de zorg", work_situation=None)
        texts = list(strings(domain.responses))
        texts += ["{onbekend} en {name}", "{{name}}", "geen accolades", '/inform{"a": "b"}']
        assert len(texts) > 200
        for text in texts:
            assert patched(text, values) == original(text, values), text
    finally:
        interpolator.interpolate_text = original


def test_an_endpoint_keeps_one_session_and_its_connection() -> None:
    async def scenario() -> tuple[int, int]:
        peers = set()

        async def handle(request: web.Request) -> web.Response:
            peers.add(request.transport.get_extra_info("peername"))
            return web.json_response({"ok": True})

        app = web.Application()
        app.router.add_post("/webhook", handle)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        original = EndpointConfig.session
        perf.patch_endpoint_sessions()
        try:
            endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
            answers = [await endpoint.request(json={"n": n}) for n in range(5)]
            session = endpoint._overstap_session
        finally:
            EndpointConfig.session = original
        await session.close()
        await runner.cleanup()
        assert answers == [{"ok": True}] * 5
        assert isinstance(session, aiohttp.ClientSession)
        return len(peers), len(answers)

    connections, calls = asyncio.run(scenario())
    assert connections == 1 and calls == 5


def test_debug_copies_copy_only_when_rasa_logs_at_debug() -> None:
    import logging

    from rasa.core import processor

    perf.patch_debug_copies()
    value = {"a": [1, 2]}
    logger = logging.getLogger("rasa")
    level = logger.level
    try:
        logger.setLevel(logging.INFO)
        assert processor.copy.deepcopy(value) is value
        logger.setLevel(logging.DEBUG)
        copied = processor.copy.deepcopy(value)
        assert copied == value and copied is not value
        assert processor.copy.copy(value) is not value
    finally:
        logger.setLevel(level)


# The patches that replace Rasa's methods; `model_gc` freezes after loading (checked below).
SWITCHABLE = [
    "tracker_states", "applied_events", "graph_runner", "rule_matching", "debug_states_text",
    "reply_check", "domain_json", "spacy_docs", "entity_ruler", "tracker_copies", "tf_predict",
    "ted_when_outvoted",
]  # fmt: skip


@pytest.mark.rasa
def test_the_trained_model_predicts_alike_with_and_without_the_patches() -> None:
    """Every prediction of every test story and story (plain and as a live conversation
    leaves it), and the parse of every NLU test message, with bot/perf.py and without."""
    import gc

    from perf_support import patched, story_events
    from rasa.core import agent as rasa_agent
    from rasa.shared.core.events import ActionExecuted
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.nlu.training_data.loading import load_data

    from bot.rasa_cli import patch_model_loading

    patch_model_loading()
    with patched(*SWITCHABLE, "model_gc"):
        loaded = asyncio.run(
            rasa_agent.load_agent(model_path=str(ROOT / "models" / "overstap.tar.gz"))
        )
        assert gc.get_freeze_count() > 100_000
        processor, slots = loaded.processor, loaded.domain.slots
        # How often TED's network runs, with the patches and without (ted_when_outvoted).
        ted_runs = {True: 0, False: 0}
        ted_node = next(
            node
            for node in processor.graph_runner._instantiated_nodes.values()
            if perf._is_ted_prediction(node)
        )
        ted_predict, state = ted_node._fn, {"on": True}

        def counted(*args, **kwargs):
            ted_runs[state["on"]] += 1
            return ted_predict(*args, **kwargs)

        ted_node._fn = counted
        predictions = 0
        for name, events in story_events():
            trackers = {on: DialogueStateTracker("perf", slots) for on in (True, False)}
            for event, following in zip(events, [*events[1:], None], strict=True):
                for tracker in trackers.values():
                    tracker.update(event)
                if following is not None and not isinstance(following, ActionExecuted):
                    continue
                found = {}
                for on, tracker in trackers.items():
                    perf.switch(SWITCHABLE, on)
                    state["on"] = on
                    found[on] = processor._predict_next_with_tracker(tracker)
                    if following is None:  # and on a copy, as the actions get one
                        found[on, "copy"] = processor._predict_next_with_tracker(tracker.copy())
                perf.switch(SWITCHABLE, True)
                assert found[True] == found[False], name
                assert found[True].probabilities == found[False].probabilities, name
                if following is None:
                    assert found[True, "copy"] == found[False, "copy"] == found[True], name
                predictions += 1
        assert predictions > 2_000
        # TED runs where no rule or story decides, and only there: the same predictions.
        assert 0 < ted_runs[True] < ted_runs[False] / 2, ted_runs
        texts = [
            m.get("text") for m in load_data(str(ROOT / "tests" / "nlu_test.yml")).nlu_examples
        ]

        async def parse_all() -> list:
            return [await loaded.parse_message(text) for text in texts]

        with_patches = asyncio.run(parse_all())
        perf.switch(SWITCHABLE, False)
        without = asyncio.run(parse_all())
        perf.switch(SWITCHABLE, True)
        assert len(texts) > 200 and with_patches == without


def _event_view(event) -> dict:
    """An event as stored, without what differs between two runs of one conversation."""
    data = event.as_dict()
    data.pop("timestamp", None)
    data.pop("message_id", None)
    if "parse_data" in data:
        data["parse_data"] = {k: v for k, v in data["parse_data"].items() if k != "message_id"}
    data["metadata"] = {
        k: v for k, v in data.get("metadata", {}).items() if k not in ("model_id", "assistant_id")
    }
    return data


@pytest.mark.rasa
def test_a_conversation_with_the_action_server_goes_alike_with_and_without_the_patches(
    tmp_path,
) -> None:
    """The load benchmark's script twice over (past the tracker window), through Rasa's agent
    with the action server and the windowed tracker store: the same replies and the same
    stored events with bot/perf.py and without (copies of trackers, spaCy docs, ...)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    import requests
    import yaml
    from perf_support import patched
    from rasa.core import agent as rasa_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints
    from stacks import free_port

    from bench.load import SCRIPT
    from bot.rasa_cli import patch_model_loading
    from bot.run import tracker_store_config
    from bot.settings import Settings
    from bot.setup import prepare_database

    var_dir = tmp_path / "var"
    var_dir.mkdir()
    env = {
        **os.environ,
        "OVERSTAP_VAR_DIR": str(var_dir),
        "OVERSTAP_DATABASE_URL": f"sqlite:///{var_dir / 'overstap.db'}",
        "PYTHONPATH": str(ROOT),
    }
    prepare_database(Settings.from_env(env))
    port = free_port()
    actions = subprocess.Popen(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        endpoints = tmp_path / "endpoints.yml"
        store = {**tracker_store_config(f"sqlite:///{var_dir / 'tracker.db'}"), "window_turns": 10}
        endpoints.write_text(
            yaml.safe_dump(
                {
                    "action_endpoint": {"url": f"http://127.0.0.1:{port}/webhook"},
                    "tracker_store": store,
                }
            )
        )
        patch_model_loading()
        with patched(*SWITCHABLE):
            loaded = asyncio.run(
                rasa_agent.load_agent(
                    model_path=str(ROOT / "models" / "overstap.tar.gz"),
                    endpoints=AvailableEndpoints.read_endpoints(str(endpoints)),
                )
            )

            async def talk(sender: str) -> tuple[list, list]:
                replies = []
                for text in SCRIPT * 2:
                    output = CollectingOutputChannel()
                    await loaded.handle_message(UserMessage(text, output, sender))
                    replies.append([{**m, "recipient_id": None} for m in output.messages])
                tracker = await loaded.tracker_store.retrieve_full_tracker(sender)
                return replies, [_event_view(e) for e in tracker.events]

            runs = {}
            for on in (True, False):
                perf.switch(SWITCHABLE, on)
                runs[on] = asyncio.run(talk(f"alike-{on}"))
            perf.switch(SWITCHABLE, True)
    finally:
        os.killpg(actions.pid, signal.SIGTERM)
        actions.wait(timeout=15)
    replies, events = runs[True]
    assert sum(map(len, replies)) > 20 and len(events) > 150
    assert runs[True][0] == runs[False][0]
    for n, (ours, rasas) in enumerate(zip(*(runs[on][1] for on in (True, False)), strict=True)):
        assert ours == rasas, n
