"""Shared behaviour of the custom actions: store access with timeouts, copy rendering, errors."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from rasa_sdk import Tracker

from bot.catalog.profile import PROFILE_SLOTS, Profile
from bot.catalog.store import Catalog
from bot.db import Database
from bot.errors import CatalogError, DatabaseUnavailable, StoreUnavailable
from bot.handoff.store import HandoffStore
from bot.nlp.lexicon import Lexicon, default_lexicon
from bot.settings import Settings

logger = logging.getLogger(__name__)
T = TypeVar("T")


@functools.lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


def secret_key() -> str:
    """The key the channels seal contact details with (generated into var/ when not set)."""
    return settings().secret_key or settings().with_secrets().secret_key


@functools.lru_cache(maxsize=1)
def database() -> Database:
    """The application database of the action server: one engine for every store."""
    return Database(settings())


@functools.lru_cache(maxsize=1)
def catalog() -> Catalog:
    return Catalog(database())


@functools.lru_cache(maxsize=1)
def handoff() -> HandoffStore:
    return HandoffStore(database().sessions)


def lexicon() -> Lexicon:
    return default_lexicon()


async def call_store(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking catalog call in a thread, bounded by the database timeout.

    Rasa's lock on a conversation lasts 60 s and the action timeout is 300 s; an action
    must never wait that long, so every store call has its own deadline.
    """
    timeout = settings().db_timeout_s + 1
    try:
        return await asyncio.wait_for(asyncio.to_thread(fn, *args, **kwargs), timeout)
    except asyncio.TimeoutError as exc:
        logger.error("catalog call %s timed out after %.1fs", fn.__name__, timeout)
        raise StoreUnavailable from exc
    except (CatalogError, DatabaseUnavailable) as exc:
        logger.error("catalog call %s failed: %s", fn.__name__, type(exc).__name__)
        raise StoreUnavailable from exc
    except Exception as exc:  # a store failure must end in an apology, never in silence
        logger.exception("catalog call %s failed unexpectedly", fn.__name__)
        raise StoreUnavailable from exc


def render(domain: dict[str, Any], response: str, **values: Any) -> str:
    """The text of a response from the domain, filled in; Dutch copy stays in response YAML."""
    variants = (domain.get("responses") or {}).get(response) or []
    if not variants:
        logger.error("response %s is missing from the domain", response)
        return ""
    text = variants[0].get("text", "")
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        logger.error("response %s needs values it did not get", response)
        return text


def dutch_date(domain: dict[str, Any], day: dt.date | None) -> str:
    """A date as a person reads it, the one format the bot uses: '1 september 2027'.

    The month names are responses (utter_month_1 .. utter_month_12), like all Dutch copy.
    """
    if day is None:
        return ""
    return f"{day.day} {render(domain, f'utter_month_{day.month}')} {day.year}"


def profile_from(tracker: Tracker) -> Profile:
    return Profile.from_slots({name: tracker.get_slot(name) for name in PROFILE_SLOTS})


def render_reason(domain: dict[str, Any], code: str, values: dict[str, Any]) -> str:
    """One reason code as a sentence, with lexicon ids in its values shown as Dutch labels."""
    lex = lexicon()
    values = dict(values)
    if "sector" in values:
        values["sector"] = lex.label("sector", values["sector"], default=values["sector"])
    if "fund_sectors" in values:
        values["fund_sectors"] = ", ".join(
            lex.label("sector", s, default=s) for s in values["fund_sectors"] or ()
        )
    if "occupation" in values:
        occupation = values["occupation"]
        values["occupation"] = lex.label("occupation", occupation, default=occupation)
    if "work_situation" in values:
        situation = values["work_situation"]
        values["work_situation"] = lex.label("work_situation", situation, default=situation).lower()
    return render(domain, f"utter_reason_{code}", **values)
