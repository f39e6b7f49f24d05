"""Answers to questions about rules, money and work: facts with sources, read from data/topics/.

Like the schemes, every fact carries its sources, how certain it is and when it was checked;
`overstap catalog verify` checks them (`verify_topics`). The actions pick the facts that fit the
person (`Topic.facts_for`) and render them through response templates; the Dutch sentences are
data (data/topics/topics.yml), never Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.catalog.verify import Problem
from bot.errors import CatalogImportError
from bot.nlp.lexicon import normalize
from bot.nlp.questions import mentions
from bot.settings import PROJECT_ROOT

TOPICS_FILE = PROJECT_ROOT / "data" / "topics" / "topics.yml"
CERTAINTIES = ("verified", "secondary", "uncertain")
SITUATIONS = ("employed", "self_employed", "ww", "bijstand", "no_benefit", "student", "other")
MAX_BUTTON_TITLE = 20  # WhatsApp reply buttons

# Words in a message that say which situation a question is about, whatever the profile says:
# "mag ik studeren met bijstand?" is about bijstand even for someone who said they work.
SITUATION_WORDS: dict[str, tuple[str, ...]] = {
    "ww": ("ww", "ww uitkering", "werkloosheidsuitkering", "werkloosheidswet", "uwv"),
    "bijstand": ("bijstand", "bijstandsuitkering", "participatiewet", "gemeente", "sociale dienst",
                 "werkplein", "klantmanager"),
    "self_employed": ("zzp", "zzp'er", "zzper", "zzp'ers", "zelfstandige", "zelfstandig ondernemer",
                      "ondernemer", "ondernemers", "freelancer", "eigen bedrijf"),
}  # fmt: skip


@dataclass(frozen=True)
class Fact:
    text: str
    certainty: str
    sources: tuple[str, ...]
    note: str | None = None
    situations: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Topic:
    id: str
    intent: str
    title: str
    facts: tuple[Fact, ...]
    last_verified: dt.date | None
    ask: Mapping[str, str] = field(default_factory=dict)
    buttons: tuple[Button, ...] = ()
    terms: tuple[str, ...] = ()

    @property
    def situations(self) -> set[str]:
        return {s for f in self.facts for s in f.situations}

    def facts_for(self, situation: str | None, text: str | None = None) -> list[Fact]:
        """The facts for this person: the general ones, plus those for their situation.

        When the situation is unknown (or the topic has no facts for it), a fact meant for one
        situation is shown too: the person hears both sides and whom to ask. A fact with
        `mentions` is shown only when the message names one of those words.
        """
        own = situation if situation in self.situations else None
        chosen = []
        for fact in self.facts:
            if fact.situations and own is not None and own not in fact.situations:
                continue
            if fact.mentions and not mentions(text, fact.mentions):
                continue
            chosen.append(fact)
        return chosen

    def ask_for(self, situation: str | None) -> str:
        return self.ask.get(situation or "", "") or self.ask.get("default", "")

    def sources_for(self, facts: Iterable[Fact], limit: int = 2) -> list[str]:
        found: list[str] = []
        for fact in facts:
            if fact.sources and fact.sources[0] not in found:
                found.append(fact.sources[0])
        return found[:limit]


def situation_in(text: str | None) -> str | None:
    """The work situation a question names ("met bijstand", "als zzp'er"), if exactly one."""
    if not text:
        return None
    words = f" {normalize(text)} "
    named = [
        s for s, ws in SITUATION_WORDS.items() if any(f" {normalize(w)} " in words for w in ws)
    ]
    return named[0] if len(named) == 1 else None


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CatalogImportError(f"{where}: geen datum (JJJJ-MM-DD): {value!r}") from None


def _fact(raw: Mapping[str, Any], where: str) -> Fact:
    if not raw.get("text"):
        raise CatalogImportError(f"{where}: feit zonder tekst")
    return Fact(
        text=str(raw["text"]).strip(),
        certainty=str(raw.get("certainty") or ""),
        sources=tuple(str(s) for s in raw.get("sources") or ()),
        note=(str(raw["note"]).strip() if raw.get("note") else None),
        situations=tuple(raw.get("situations") or ()),
        mentions=tuple(raw.get("mentions") or ()),
        valid_from=_date(raw.get("valid_from"), where),
        valid_until=_date(raw.get("valid_until"), where),
    )


def topic_from_record(raw: Mapping[str, Any], where: str) -> Topic:
    for key in ("id", "intent", "title", "facts"):
        if not raw.get(key):
            raise CatalogImportError(f"{where}: veld '{key}' ontbreekt")
    facts = tuple(_fact(f, f"{where}, feit {i + 1}") for i, f in enumerate(raw["facts"]))
    buttons = tuple(
        Button(str(b["title"]), str(b["payload"])) for b in raw.get("buttons") or () if b
    )
    return Topic(
        id=str(raw["id"]),
        intent=str(raw["intent"]),
        title=str(raw["title"]),
        facts=facts,
        last_verified=_date(raw.get("last_verified"), where),
        ask={str(k): str(v).strip() for k, v in (raw.get("ask") or {}).items()},
        buttons=buttons,
        terms=tuple(raw.get("terms") or ()),
    )


def load_topics(path: Path = TOPICS_FILE) -> list[Topic]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    topics = [
        topic_from_record(raw, f"{path.name}, onderwerp {i + 1}")
        for i, raw in enumerate(data.get("topics") or [])
    ]
    ids = [t.id for t in topics]
    intents = [t.intent for t in topics]
    if len(set(ids)) != len(ids) or len(set(intents)) != len(intents):
        raise CatalogImportError(f"{path.name}: elk onderwerp heeft een eigen id en intent")
    return topics


@lru_cache(maxsize=1)
def default_topics() -> dict[str, Topic]:
    """Topics by intent, read once per process (the action server)."""
    return {t.intent: t for t in load_topics()}


def verify_topics(topics: list[Topic], today: dt.date, max_age_days: int) -> list[Problem]:
    """Every fact has a source and a known certainty, a doubtful one says so; recently checked."""
    problems: list[Problem] = []
    for topic in topics:
        key = f"onderwerp {topic.id}"
        if topic.last_verified is None:
            problems.append(Problem(key, "heeft geen datum van laatste controle"))
        elif (today - topic.last_verified).days > max_age_days:
            age = (today - topic.last_verified).days
            problems.append(
                Problem(key, f"is {age} dagen niet gecontroleerd (maximaal {max_age_days})")
            )
        for i, fact in enumerate(topic.facts, start=1):
            where = f"{key}, feit {i}"
            if not [s for s in fact.sources if s.startswith(("http://", "https://"))]:
                problems.append(Problem(where, "heeft geen bron (URL)"))
            if fact.certainty not in CERTAINTIES:
                problems.append(
                    Problem(where, f"heeft een onbekende zekerheid: {fact.certainty!r}")
                )
            elif fact.certainty != "verified" and not fact.note:
                problems.append(Problem(where, "is niet zeker maar zegt dat niet (note ontbreekt)"))
            unknown = [s for s in fact.situations if s not in SITUATIONS]
            if unknown:
                problems.append(Problem(where, f"heeft een onbekende situatie: {unknown}"))
        for button in topic.buttons:
            if len(button.title) > MAX_BUTTON_TITLE or not button.payload.startswith("/"):
                problems.append(Problem(key, f"knop {button.title!r} is te lang of heeft geen /"))
    return problems
