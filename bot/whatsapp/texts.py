"""The WhatsApp channel's own Dutch texts, read once from texts.yml beside this module."""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TypeVar

import yaml

from bot.errors import ConfigError

TEXTS_FILE = Path(__file__).resolve().with_name("texts.yml")
T = TypeVar("T")
# WhatsApp's own limits (Meta's messages reference): longer labels are refused by the API.
LIMITS = {"list_button_label": 20, "list_section_title": 24}


@dataclass(frozen=True)
class Texts:
    not_text_reply: str
    failed_reply: str
    list_button_label: str
    list_section_title: str
    numbered_prompt: str
    choose_prompt: str


def read_texts(path: Path, cls: type[T], limits: dict[str, int] | None = None) -> T:
    """Every field of the dataclass `cls` from the YAML file `path`; a missing, unknown, empty
    or too long text is an error. Also used by the chat channels' texts (bot/channels/texts.py)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: verwacht een lijst van naam: tekst.")
    names = {f.name for f in fields(cls)}
    missing = sorted(names - data.keys())
    unknown = sorted(data.keys() - names)
    if missing or unknown:
        raise ConfigError(f"{path}: ontbreekt {missing}, onbekend {unknown}.")
    for name, text in data.items():
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"{path}: {name} moet een tekst zijn.")
        if len(text) > (limits or {}).get(name, 1024):
            raise ConfigError(f"{path}: {name} is te lang voor WhatsApp.")
    return cls(**{name: data[name].strip() for name in names})


def load_texts(path: Path = TEXTS_FILE) -> Texts:
    """Every text of `Texts` from `path`, within WhatsApp's limits."""
    return read_texts(path, Texts, LIMITS)


@functools.cache
def texts() -> Texts:
    return load_texts()
