"""The chat channels' own Dutch texts, read once from texts.yml beside this module."""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from pathlib import Path

import yaml

from bot.errors import ConfigError

TEXTS_FILE = Path(__file__).resolve().with_name("texts.yml")


@dataclass(frozen=True)
class Texts:
    too_many_messages: str
    action_failed: str
    retry_button: str
    restart_button: str
    unavailable: str


def load_texts(path: Path = TEXTS_FILE) -> Texts:
    """Every text of `Texts` from `path`; a missing, unknown or empty one is an error."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: verwacht een lijst van naam: tekst.")
    names = {f.name for f in fields(Texts)}
    missing = sorted(names - data.keys())
    unknown = sorted(data.keys() - names)
    if missing or unknown:
        raise ConfigError(f"{path}: ontbreekt {missing}, onbekend {unknown}.")
    for name, text in data.items():
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"{path}: {name} moet een tekst zijn.")
    return Texts(**{name: data[name].strip() for name in names})


@functools.cache
def texts() -> Texts:
    return load_texts()
