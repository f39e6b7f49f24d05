"""The Dutch texts the console sends to a person, read from the domain's response YAML.

Every sentence a person reads lives in domain.yml; the console says "an advisor joined" and
"the advisor left" through Rasa's HTTP API, so it takes those texts from the same place.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT

DOMAIN_FILE = PROJECT_ROOT / "domain.yml"


@lru_cache(maxsize=1)
def responses(path: Path = DOMAIN_FILE) -> dict[str, list[dict[str, Any]]]:
    return yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}


def message(response: str, /, **values: str) -> dict[str, Any]:
    """The first variant of a response as a bot message: text (filled in) and buttons."""
    variants = responses().get(response)
    if not variants:
        raise KeyError(f"response {response} is missing from the domain")
    variant = next((v for v in variants if not v.get("condition")), variants[0])
    result: dict[str, Any] = {"text": variant["text"].format(**values)}
    if variant.get("buttons"):
        result["buttons"] = [dict(b) for b in variant["buttons"]]
    return result
