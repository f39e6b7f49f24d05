"""The console's own Dutch texts, from texts.yml beside this module."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.web.texts import load_texts

TEXTS_FILE = Path(__file__).resolve().with_name("texts.yml")
PLACEHOLDERS = frozenset({"holder", "number", "name", "state", "minutes", "hours", "until"})


@cache
def texts() -> dict[str, str]:
    return load_texts(TEXTS_FILE, PLACEHOLDERS)


def text(key: str, **values: object) -> str:
    """The text called `key`, its {placeholders} filled in; an unknown key is a KeyError."""
    found = texts()[key]
    return found.format(**values) if values else found
