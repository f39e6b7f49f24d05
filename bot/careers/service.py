"""The careers facade the actions and the CLI use: one object per process, loaded at start."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from bot.careers import match
from bot.careers.build import DATA_FILE
from bot.careers.data import CareersData, Occupation, default_data
from bot.careers.demand import DEMAND_FILE, Demand, Fact, read_facts
from bot.careers.recognise import Recognised, Recogniser
from bot.nlp.lexicon import Entry, Lexicon, default_lexicon


class Careers:
    """Someone's occupation, other work that fits, and UWV's facts about it."""

    def __init__(
        self,
        data: CareersData,
        lexicon: Lexicon,
        demand_file: Path = DEMAND_FILE,
    ) -> None:
        self.data = data
        self.recogniser = Recogniser(data, lexicon)
        self.demand = Demand(read_facts(demand_file), data, self.recogniser.links)

    @property
    def attribution(self) -> str:
        return self.data.attribution

    def warm(self) -> None:
        self.recogniser.warm()

    def occupation(self, occupation_id: str | None) -> Occupation | None:
        return self.data.get(occupation_id)

    def recognise(self, text: str) -> Recognised:
        return self.recogniser.recognise(text)

    def from_lexicon(self, lexicon_id: str | None) -> Recognised:
        """The ESCO occupation(s) a lexicon occupation stands for."""
        linked = self.recogniser.links.get(lexicon_id or "", ())
        if len(linked) == 1:
            return Recognised(linked[0])
        return Recognised(None, tuple(linked))

    def lexicon_entry(self, occupation: Occupation) -> Entry | None:
        return self.recogniser.lexicon_entry(occupation)

    def suggest(
        self, occupation: Occupation, nlqf: str | None = None, offset: int = 0, limit: int = 3
    ) -> list[match.Suggestion]:
        return match.suggest(self.data, occupation, nlqf, limit=limit, offset=offset)

    def explain(self, person: Occupation, other: Occupation) -> match.Suggestion:
        """The reason in words for any pair, also one the ranking left out."""
        can, learn = match.explain(self.data, person, other)
        shared = len(person.skills & other.essential)
        score = match.similarity(person, other)
        return match.Suggestion(other, score, shared, len(other.essential), can, learn)

    def needs(self, occupation: Occupation) -> tuple[str, ...]:
        """The Dutch skill groups of an occupation's essential skills, most first."""
        return tuple(match.top_groups(self.data, set(occupation.essential)))

    def facts(self, occupation: Occupation, today: dt.date | None = None) -> list[Fact]:
        return self.demand.for_occupation(occupation, today)


_lock = threading.Lock()
_careers: Careers | None = None


def default_careers() -> Careers:
    """The process's Careers, built once (the action server does it at start)."""
    global _careers
    with _lock:
        if _careers is None:
            careers = Careers(default_data(DATA_FILE), default_lexicon())
            careers.warm()
            _careers = careers
        return _careers
