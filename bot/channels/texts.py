"""The chat channels' own Dutch texts, read once from texts.yml beside this module."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from bot.whatsapp.texts import read_texts

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
    return read_texts(path, Texts)


@functools.cache
def texts() -> Texts:
    return load_texts()
