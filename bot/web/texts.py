"""The chat widget's own Dutch texts, from texts.yml beside this module; the web app puts them
into /widget.js."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.errors import ConfigError

TEXTS_FILE = Path(__file__).resolve().with_name("texts.yml")
# The values the widget fills in; any other {word} would show as typed.
PLACEHOLDERS = {"title", "name"}


def load_texts(
    path: Path = TEXTS_FILE, placeholders: frozenset[str] | set[str] = PLACEHOLDERS
) -> dict[str, str]:
    """name -> text from `path`; an empty text or a {placeholder} not in `placeholders` is an
    error."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data:
        raise ConfigError(f"{path}: verwacht een lijst van naam: tekst.")
    for name, text in data.items():
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"{path}: {name} moet een tekst zijn.")
        unknown = set(re.findall(r"\{(\w+)\}", text)) - set(placeholders)
        if unknown:
            raise ConfigError(f"{path}: {name} gebruikt onbekende waarden {sorted(unknown)}.")
    return {str(name): text.strip() for name, text in data.items()}
