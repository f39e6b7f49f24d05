"""bot/cli.yml holds what `overstap` prints: every text the command asks for is there, and
every text there is asked for (read from bot/cli.py's source)."""

from __future__ import annotations

import ast
import string

from bot import cli


def said_keys() -> set[str]:
    tree = ast.parse(cli.__loader__.get_source(cli.__name__))
    keys = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say":
            first = node.args[0]
            if isinstance(first, ast.Constant):
                keys.add(first.value)
            elif isinstance(first, ast.IfExp):  # say("a" if x else "b")
                keys.update(part.value for part in (first.body, first.orelse))
    return keys


def test_every_text_is_there_and_used() -> None:
    assert said_keys() == set(cli.texts())


def test_the_texts_are_format_strings() -> None:
    for key, text in cli.texts().items():
        list(string.Formatter().parse(text))  # raises on a broken {…}
        assert text.strip() or key.startswith("password"), key


def test_say_fills_in_values() -> None:
    assert (
        cli.say("catalog_loaded", schemes=3, courses=40) == "Geladen: 3 regelingen, 40 opleidingen."
    )
    assert cli.say("suggestion", score=0.5, label="Kok", shared=2, needed=4) == (
        "  0.50  Kok  (2 van 4 vaardigheden)"
    )
