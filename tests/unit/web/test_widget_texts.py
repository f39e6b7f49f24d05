"""The chat widget's texts: every one the script uses is in bot/web/texts.yml, none is left in
the script, they reach the browser inside /widget.js, and the footer's buttons match the bot's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from bot.errors import ConfigError
from bot.web.app import WIDGET_SOURCE, widget_bundle
from bot.web.texts import TEXTS_FILE, load_texts

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = WIDGET_SOURCE.read_text(encoding="utf-8")
# The footer's buttons in widget.js: text name -> payload.
FOOTER = {"request_human": "/request_human", "reading_trouble": "/signal_reading_trouble"}


def test_the_script_and_the_texts_file_name_the_same_texts() -> None:
    used = set(re.findall(r"(?<![\w$.])T\.(\w+)", SCRIPT))
    assert used == set(load_texts())


def test_no_text_is_left_in_the_script() -> None:
    code = re.sub(r"(?m)(^|\s)//.*$", "", SCRIPT)  # comments may quote a text
    literals = re.findall(r'"((?:[^"\\\n]|\\.)*)"', code)
    for name, text in load_texts().items():
        plain = re.sub(r"\{\w+\}", "", text).strip(" ,:")
        assert not [x for x in literals if plain in x], f"{name}: {text!r} is in widget.js"


def test_the_footer_sends_the_payloads_the_script_pairs_with_those_texts() -> None:
    for name, payload in FOOTER.items():
        assert f'{{ title: T.{name}, payload: "{payload}" }}' in SCRIPT


def test_the_footer_title_is_the_title_the_bot_gives_the_same_button() -> None:
    """A bot button is not shown again above the footer when its title and payload are the
    footer's; if the domain renamed its button, that would silently stop."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    buttons = {
        (b["title"], b["payload"])
        for variants in domain["responses"].values()
        for variant in variants
        for b in variant.get("buttons") or []
    }
    texts = load_texts()
    assert (texts["request_human"], FOOTER["request_human"]) in buttons


def test_the_texts_are_inside_the_assembled_script(settings, tmp_path: Path) -> None:
    client = tmp_path / "socket.io.min.js"
    client.write_text("var io = 1;\n")
    body = widget_bundle(settings, client, WIDGET_SOURCE, TEXTS_FILE)
    line = next(x for x in body.splitlines() if x.startswith("var OVERSTAP_CONFIG = "))
    config = json.loads(line.removeprefix("var OVERSTAP_CONFIG = ").rstrip(";"))
    assert config["texts"] == load_texts()
    assert config["texts"]["launcher"] == "Stel je vraag"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- een lijst\n", "naam: tekst"),
        ("launcher: ''\n", "launcher moet een tekst zijn"),
        ("panel_label: 'Chat: {titel}'\n", "onbekende waarden ['titel']"),
    ],
)
def test_a_broken_texts_file_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "texts.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_texts(path)
