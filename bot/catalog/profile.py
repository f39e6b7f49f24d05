"""The person's profile as the catalog sees it, built from the conversation's slots."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bot.catalog.models import nlqf_rank
from bot.nlp.parse import age_bounds

UNKNOWN = "unknown"  # the slot value for "weet ik niet" and "sla over"
# The slots of the profile form and the ones set with them (the domain declares them): what the
# bot knows of the person. The actions read a Profile from them; a handoff summary shows them.
PROFILE_SLOTS = (
    "work_situation", "sector", "occupation", "education_level", "education_name", "age",
    "region", "province", "place", "region_lat", "region_lon", "goal",
)  # fmt: skip


def _known(value: Any) -> Any:
    return None if value in (None, "", UNKNOWN) else value


@dataclass(frozen=True)
class Profile:
    work_situation: str | None = None  # employed, self_employed, ww, bijstand, no_benefit, ...
    sector: str | None = None
    occupation: str | None = None
    nlqf: str | None = None  # highest completed level: "0".."8", "4+"
    age: str | None = None  # exact ("45") or a bucket ("45-56")
    province: str | None = None
    place: str | None = None
    lat: float | None = None
    lon: float | None = None
    goal: str | None = None  # improve_current, switch, diploma, basic_skills, unsure

    @classmethod
    def from_slots(cls, slots: dict[str, Any]) -> Profile:
        def num(name: str) -> float | None:
            try:
                return float(slots[name]) if slots.get(name) is not None else None
            except (TypeError, ValueError):
                return None

        return cls(
            work_situation=_known(slots.get("work_situation")),
            sector=_known(slots.get("sector")),
            occupation=_known(slots.get("occupation")),
            nlqf=_known(slots.get("education_level")),
            age=_known(slots.get("age")),
            province=_known(slots.get("province")),
            place=_known(slots.get("place")),
            lat=num("region_lat"),
            lon=num("region_lon"),
            goal=_known(slots.get("goal")),
        )

    @property
    def level_rank(self) -> int | None:
        return nlqf_rank(self.nlqf)

    @property
    def age_range(self) -> tuple[int, int] | None:
        return age_bounds(self.age)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}
