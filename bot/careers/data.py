"""The compact ESCO copy (data/careers/esco_nl.json) in memory, with the indexes the bot uses."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.careers.build import DATA_DIR, DATA_FILE, FORMAT
from bot.errors import CareersError

GROUP_LABELS_FILE = DATA_DIR / "group_labels.yml"

# ISCO-08 skill level of each major group (ILO, ISCO-08 vol. 1, table 1): 1 elementary tasks,
# 2 secondary education, 3 short tertiary, 4 a degree. Managers span 3 and 4; 3 is used, so a
# step up to team leader stays visible. Armed forces: officers 4, others 2, ranks 1.
MAJOR_GROUP_LEVEL = {"1": 3, "2": 4, "3": 3, "4": 2, "5": 2, "6": 2, "7": 2, "8": 2, "9": 1}
ARMED_FORCES_LEVEL = {"01": 4, "02": 2, "03": 1}


def isco_level(isco: str) -> int:
    """The ISCO-08 skill level (1-4) of an ISCO group code such as '8331'."""
    if isco.startswith("0"):
        return ARMED_FORCES_LEVEL.get(isco[:2], 2)
    return MAJOR_GROUP_LEVEL.get(isco[:1], 2)


def group_rank(group_id: str, code: str) -> int:
    """0 for a skill group ('besturen van voertuigen'), 1 for a transversal one ('communiceren'),
    2 for a field of knowledge ('recht'): the first say most about a job."""
    if group_id.startswith("isced-f/"):
        return 2
    return 0 if code.startswith("S") else 1


@dataclass(frozen=True, eq=False)
class Occupation:
    index: int
    id: str  # the ESCO concept id (the UUID at the end of its URI)
    label: str  # ESCO's Dutch preferred label, lower case as ESCO writes it
    alt: tuple[str, ...]
    hidden: tuple[str, ...]
    isco: str  # ISCO-08 unit group, e.g. "8331"
    code: str  # ESCO code, e.g. "8331.1.1" (more parts: a more specific occupation)
    essential: frozenset[int]
    optional: frozenset[int]
    skills: frozenset[int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "skills", self.essential | self.optional)

    @property
    def level(self) -> int:
        return isco_level(self.isco)

    @property
    def specificity(self) -> int:
        """How far down ESCO's tree the occupation sits: 1 for '8331.1', 2 for '8331.1.1'."""
        return max(1, self.code.count("."))

    @property
    def title(self) -> str:
        """The label as a heading: first letter upper case."""
        return self.label[:1].upper() + self.label[1:]

    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.alt, *self.hidden)


class CareersData:
    """Occupations, skills and Dutch skill groups of ESCO, read once per process."""

    def __init__(
        self, raw: dict, source: Path | None = None, plain: dict[str, str] | None = None
    ) -> None:
        if raw.get("format") != FORMAT:
            raise CareersError(
                f"{source or 'het ESCO-bestand'} heeft formaat {raw.get('format')!r}, "
                f"verwacht {FORMAT}. Maak het opnieuw met: overstap careers build --from MAP"
            )
        self.source = source
        self.esco_version: str = raw["esco_version"]
        self.attribution: str = raw["attribution"]
        self.group_ids: list[str] = [g[0] for g in raw["groups"]]
        self.esco_group_labels: list[str] = [g[1] for g in raw["groups"]]
        # What the bot says: plainer Dutch where data/careers/group_labels.yml has it.
        self.group_labels: list[str] = [(plain or {}).get(g[1], g[1]) for g in raw["groups"]]
        self.group_ranks: list[int] = [group_rank(g[0], g[2]) for g in raw["groups"]]
        self.skill_ids: list[str] = [s[0] for s in raw["skills"]]
        self.skill_labels: list[str | None] = [s[1] for s in raw["skills"]]
        self.skill_groups: list[tuple[int, ...]] = [tuple(s[2]) for s in raw["skills"]]
        self.occupations: list[Occupation] = [
            Occupation(
                index=i,
                id=o["id"],
                label=o["label"],
                alt=tuple(o["alt"]),
                hidden=tuple(o["hidden"]),
                isco=o["isco"],
                code=o["code"],
                essential=frozenset(o["essential"]),
                optional=frozenset(o["optional"]),
            )
            for i, o in enumerate(raw["occupations"])
        ]
        self.by_id = {o.id: o for o in self.occupations}

    @classmethod
    def load(cls, path: Path = DATA_FILE, labels: Path | None = GROUP_LABELS_FILE) -> CareersData:
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CareersError(
                f"{path} ontbreekt. Maak het met: overstap careers build --from MAP"
            ) from None
        except (OSError, ValueError) as exc:
            raise CareersError(f"{path} is niet te lezen: {exc}") from exc
        return cls(raw, Path(path), read_plain_labels(labels) if labels else None)

    def get(self, occupation_id: str | None) -> Occupation | None:
        return self.by_id.get(occupation_id) if occupation_id else None

    @cached_property
    def essential_postings(self) -> list[tuple[int, ...]]:
        """Skill index -> the occupations for which that skill is essential."""
        postings: list[list[int]] = [[] for _ in self.skill_ids]
        for occupation in self.occupations:
            for skill in occupation.essential:
                postings[skill].append(occupation.index)
        return [tuple(p) for p in postings]

    def group_label(self, group: int) -> str:
        return self.group_labels[group]


def read_plain_labels(path: Path = GROUP_LABELS_FILE) -> dict[str, str]:
    """ESCO skill group label -> the plainer Dutch the bot says (group_labels.yml)."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        return {}
    except (OSError, yaml.YAMLError) as exc:
        raise CareersError(f"{path} is niet te lezen: {exc}") from exc
    labels = raw.get("labels") or {}
    if not isinstance(labels, dict):
        raise CareersError(f"{path}: 'labels' moet een lijst van naam: tekst zijn.")
    return {str(k): str(v) for k, v in labels.items() if v}


@lru_cache(maxsize=1)
def occupation_titles(path: Path = DATA_FILE) -> dict[str, str]:
    """ESCO occupation id -> its Dutch name as a heading: all the console and the adviser's
    summary need, without the skills (a few hundred kB instead of the whole copy)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {o["id"]: o["label"][:1].upper() + o["label"][1:] for o in raw.get("occupations", [])}


def work_summary(slots: Mapping[str, Any]) -> dict[str, Any]:
    """The person's occupation and the work they looked at, in words, for an adviser."""
    titles = occupation_titles()
    occupation = slots.get("current_occupation")
    viewed = [titles.get(str(i), str(i)) for i in slots.get("work_viewed") or []]
    found: dict[str, Any] = {}
    if occupation and occupation in titles:
        found["occupation"] = titles[occupation]
    if viewed:
        found["viewed"] = viewed
    return found


_lock = threading.Lock()
_loaded: dict[Path, CareersData] = {}


def default_data(path: Path = DATA_FILE) -> CareersData:
    """The data file read once per process (the action server loads it at start)."""
    path = Path(path)
    with _lock:
        if path not in _loaded:
            data = CareersData.load(path)
            data.essential_postings  # noqa: B018 - build the index now, not in a person's turn
            _loaded[path] = data
        return _loaded[path]
