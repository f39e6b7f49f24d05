"""The faster model loading of bot/rasa_cli.py gives exactly the weights and parses of Rasa's own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.rasa
ROOT = Path(__file__).resolve().parents[2]
MESSAGES = [
    "hallo",
    "ik werk in de zorg",
    "ik wil een mens spreken",
    "bestaat stap nog",
    "mbo 2",
    "geen idee",
]
SCRIPT = """
import asyncio, json, sys, time
if sys.argv[1] == "patched":
    from bot.rasa_cli import patch_model_loading
    patch_model_loading()
from rasa.core.agent import Agent
started = time.monotonic()
agent = Agent.load("models/overstap.tar.gz")
seconds = time.monotonic() - started
async def parse():
    return [await agent.parse_message(m) for m in json.loads(sys.argv[2])]
results = asyncio.run(parse())
import hashlib, numpy
models = {}
for name, node in agent.processor.graph_runner._instantiated_nodes.items():
    component = getattr(node, "_component", None)
    if type(component).__name__ not in ("DIETClassifier", "TEDPolicy"):
        continue
    model = component.model  # None when Rasa could not restore it (logged only at DEBUG)
    if model is None:
        models[type(component).__name__] = None
        continue
    digest = hashlib.sha256()
    for weight in sorted(model.weights, key=lambda w: w.name):
        digest.update(weight.name.encode())
        digest.update(numpy.ascontiguousarray(weight.numpy()).tobytes())
    models[type(component).__name__] = {"weights": len(model.weights), "sha256": digest.hexdigest()}
print("RESULT" + json.dumps({"seconds": seconds, "models": models, "parses": [
    {"intent": r["intent"]["name"], "confidence": r["intent"]["confidence"],
     "entities": sorted((e["entity"], str(e["value"])) for e in r["entities"])} for r in results]}))
"""


def load_and_parse(mode: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, json.dumps(MESSAGES)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    line = next(x for x in result.stdout.splitlines() if x.startswith("RESULT"))
    return json.loads(line.removeprefix("RESULT"))


def test_patched_loading_predicts_the_same() -> None:
    plain, patched = load_and_parse("plain"), load_and_parse("patched")
    # Every TensorFlow component has its model, with the very same weights as Rasa's load.
    assert set(plain["models"]) == {"DIETClassifier", "TEDPolicy"}
    assert all(plain["models"].values()), plain["models"]
    assert patched["models"] == plain["models"]
    for a, b in zip(plain["parses"], patched["parses"], strict=True):
        assert a["intent"] == b["intent"]
        assert a["entities"] == b["entities"]
        assert a["confidence"] == pytest.approx(b["confidence"], abs=1e-5)


def test_weights_that_do_not_fit_stop_the_load(tmp_path) -> None:
    """Rasa catches ValueError and serves without TED; the patched load refuses to go on."""
    import tarfile

    unpacked = tmp_path / "model"
    with tarfile.open(ROOT / "models" / "overstap.tar.gz") as archive:
        archive.extractall(unpacked, filter="data")  # noqa: S202 (our own model)
    components = unpacked / "components"
    ted = next(components.glob("train_TEDPolicy*"))
    diet = next(components.glob("train_DIETClassifier*"))
    for suffix in ("index", "data-00000-of-00001"):  # DIET's weights under TED's name
        (ted / f"ted_policy.tf_model.{suffix}").write_bytes(
            (diet / f"DIETClassifier.tf_model.{suffix}").read_bytes()
        )
    broken = tmp_path / "broken.tar.gz"
    with tarfile.open(broken, "w:gz") as archive:
        for path in sorted(unpacked.iterdir()):
            archive.add(path, arcname=path.name)
    script = (
        "from bot.rasa_cli import patch_model_loading\n"
        "patch_model_loading()\n"
        "from rasa.core.agent import Agent\n"
        f"Agent.load({str(broken)!r})\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode != 0
    assert "TED: trained weights do not fit" in result.stderr
