"""Button payloads with entities (`/inform{"sector": "zorg"}`) reach the person unchanged and
without an ERROR line: Rasa's interpolator reads `{...}` as a slot placeholder, so the domain
writes them with double braces, which the interpolator turns back into one."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import yaml
from rasa.core.nlg import interpolator

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
PAYLOAD = re.compile(r"^/(?P<intent>[a-z_]+)(?P<entities>\{.*\})?$")


def button_variants():
    for name, variants in DOMAIN["responses"].items():
        for variant in variants:
            if variant.get("buttons"):
                yield name, variant


def test_every_button_payload_survives_interpolation_without_an_error(monkeypatch) -> None:
    errors = []

    class Recorder:
        def exception(self, *args, **kwargs):
            errors.append((args, kwargs))

        error = exception

    monkeypatch.setattr(interpolator, "structlogger", Recorder())
    slots = {name: None for name in DOMAIN.get("slots", {})}
    checked = 0
    for name, variant in button_variants():
        for button in interpolator.interpolate(copy.deepcopy(variant["buttons"]), slots):
            match = PAYLOAD.match(button["payload"])
            assert match, (name, button["payload"])
            if match["entities"]:
                assert isinstance(json.loads(match["entities"]), dict), (name, button)
                checked += 1
    assert errors == []
    assert checked >= 50  # work situation, sector, level, age, goal, answers to change, schemes


def test_no_payload_in_the_domain_has_a_single_brace() -> None:
    for name, variant in button_variants():
        for button in variant["buttons"]:
            payload = button["payload"]
            if "{" in payload:
                assert "{{" in payload and "}}" in payload, (name, payload)
