"""UWV's published demand facts per occupation group (data/careers/demand.yml), and their check.

The bot names a fact with "volgens UWV" and its date, and says nothing about demand where no
fact fits. `overstap catalog verify` checks the file like the schemes: a source, a date, a
known kind and group, and a recent check.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.careers.build import DATA_DIR
from bot.careers.data import CareersData, Occupation
from bot.errors import CareersError

DEMAND_FILE = DATA_DIR / "demand.yml"
KINDS = (
    "very_tight", "not_tight", "tighter", "easing", "grows", "shrinks", "fewer_prospects",
    "switches",
)  # fmt: skip
NEEDS = {
    "tighter": "until",
    "easing": "until",
    "grows": "until",
    "shrinks": "until",
    "switches": "to",
}
MAX_FACTS = 2  # at most this many facts about one occupation, newest first
OLD_AFTER_DAYS = 3 * 365  # a fact published longer ago is flagged by verify (not fatal)
PUBLISHED = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class Fact:
    id: str
    kind: str
    group: str
    isco: tuple[str, ...]
    esco: tuple[str, ...]
    lexicon: tuple[str, ...]
    source: str
    published: str  # "YYYY-MM" or "YYYY-MM-DD", as the source gives it
    last_verified: dt.date | None
    until: int | None = None
    to: str | None = None
    url: str | None = None
    figure: str | None = None

    @property
    def published_on(self) -> dt.date | None:
        """The publication date; a month alone counts as its first day."""
        match = PUBLISHED.match(self.published or "")
        if not match:
            return None
        year, month, day = match.groups()
        try:
            return dt.date(int(year), int(month), int(day or 1))
        except ValueError:
            return None

    @property
    def has_day(self) -> bool:
        return len(self.published) == len("YYYY-MM-DD")

    @property
    def month(self) -> int:
        return int(self.published[5:7])

    @property
    def year(self) -> int:
        return int(self.published[:4])


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def _codes(value: Any) -> tuple[str, ...]:
    return tuple(_text(v) for v in (value or []) if _text(v))


def read_facts(path: Path = DEMAND_FILE) -> list[Fact]:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise CareersError(f"{path} ontbreekt.") from None
    except (OSError, yaml.YAMLError) as exc:
        raise CareersError(f"{path} is niet te lezen: {exc}") from exc
    facts = []
    for n, rec in enumerate(raw.get("facts") or []):
        if not isinstance(rec, dict):
            raise CareersError(f"{path}: feit {n + 1} is geen lijst van velden.")
        facts.append(
            Fact(
                id=_text(rec.get("id")) or f"feit {n + 1}",
                kind=_text(rec.get("kind")),
                group=_text(rec.get("group")),
                isco=_codes(rec.get("isco")),
                esco=_codes(rec.get("esco")),
                lexicon=_codes(rec.get("lexicon")),
                source=_text(rec.get("source")),
                published=_text(rec.get("published")),
                last_verified=_date(rec.get("last_verified")),
                until=int(rec["until"]) if str(rec.get("until") or "").isdigit() else None,
                to=_text(rec.get("to")) or None,
                url=_text(rec.get("url")) or None,
                figure=_text(rec.get("figure")) or None,
            )
        )
    return facts


class Demand:
    """The facts that apply to an occupation, by ISCO code, ESCO label or lexicon link."""

    def __init__(self, facts: list[Fact], data: CareersData, links: dict[str, tuple] | None = None):
        self.facts = facts
        by_label = {o.label: o for o in data.occupations}
        self._named: dict[str, set[str]] = {}  # fact id -> ESCO occupation ids
        for fact in facts:
            ids = {by_label[label].id for label in fact.esco if label in by_label}
            for lexicon_id in fact.lexicon:
                ids.update(o.id for o in (links or {}).get(lexicon_id, ()))
            self._named[fact.id] = ids

    def applies(self, fact: Fact, occupation: Occupation) -> bool:
        return any(occupation.isco.startswith(code) for code in fact.isco) or (
            occupation.id in self._named.get(fact.id, ())
        )

    def for_occupation(self, occupation: Occupation, today: dt.date | None = None) -> list[Fact]:
        """The newest facts about this occupation's group (at most MAX_FACTS), never a fact
        without a source or a date, or one dated in the future."""
        today = today or dt.date.today()
        usable = [
            f
            for f in self.facts
            if f.source and f.published_on and f.published_on <= today and f.kind in KINDS
        ]
        found = [f for f in usable if self.applies(f, occupation)]
        found.sort(key=lambda f: (f.published_on, f.id), reverse=True)
        return found[:MAX_FACTS]


@dataclass(frozen=True)
class Problem:
    subject: str
    message: str  # Dutch, for whoever maintains the file
    fatal: bool = True


def verify(
    facts: list[Fact],
    data: CareersData,
    lexicon_ids: set[str],
    today: dt.date,
    max_age_days: int,
) -> list[Problem]:
    """Every fact has a source, a date, a known kind and group, and a recent check."""
    problems: list[Problem] = []
    seen: set[str] = set()
    labels = {o.label for o in data.occupations}

    def problem(fact: Fact, message: str, fatal: bool = True) -> None:
        problems.append(Problem(fact.id, message, fatal))

    for fact in facts:
        if fact.id in seen:
            problem(fact, "komt twee keer voor")
        seen.add(fact.id)
        if not fact.source:
            problem(fact, "heeft geen bron")
        if fact.kind not in KINDS:
            problem(fact, f"heeft een onbekende soort: {fact.kind!r} (kies uit {', '.join(KINDS)})")
        elif NEEDS.get(fact.kind) and not getattr(fact, NEEDS[fact.kind]):
            problem(fact, f"mist het veld {NEEDS[fact.kind]!r} (nodig bij soort {fact.kind})")
        if not fact.group:
            problem(fact, "noemt geen groep (group)")
        published = fact.published_on
        if published is None:
            problem(fact, f"heeft geen geldige publicatiedatum: {fact.published!r}")
        elif published > today:
            problem(fact, f"heeft een publicatiedatum in de toekomst: {fact.published}")
        elif (today - published).days > OLD_AFTER_DAYS:
            problem(fact, f"is gepubliceerd in {fact.published}: meer dan 3 jaar geleden", False)
        if fact.last_verified is None:
            problem(fact, "heeft geen datum van laatste controle")
        elif (today - fact.last_verified).days > max_age_days:
            age = (today - fact.last_verified).days
            problem(fact, f"is {age} dagen niet gecontroleerd (maximaal {max_age_days})")
        if not (fact.isco or fact.esco or fact.lexicon):
            problem(fact, "noemt geen beroepen (isco, esco of lexicon)")
        for code in fact.isco:
            if not code.isdigit() or not any(o.isco.startswith(code) for o in data.occupations):
                problem(fact, f"ISCO-code {code!r} past bij geen enkel beroep")
        for label in fact.esco:
            if label not in labels:
                problem(fact, f"ESCO-beroep {label!r} bestaat niet")
        for lexicon_id in fact.lexicon:
            if lexicon_id not in lexicon_ids:
                problem(fact, f"beroep {lexicon_id!r} staat niet in data/lexicon/occupations.yml")
    return problems
