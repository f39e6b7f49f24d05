"""What both importers share: the record they produce, value checks with Dutch messages, the
upsert into the database and the import report.

A parser turns a file into `CourseData` records plus `Issue`s (a place in the file and a Dutch
message). `write_courses` then adds or updates the courses through the ORM (`session.merge`),
so flush listeners on Course fire for every imported record.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from tqdm import tqdm

from bot.catalog.models import (
    COURSE_NLQF_LEVELS,
    ONLINE_MODES,
    Course,
    CourseLocation,
    nlqf_rank,
)
from bot.errors import InvalidValue
from bot.nlp.lexicon import Lexicon, default_lexicon

T = TypeVar("T")

# Progress bars only for imports of at least this many records.
PROGRESS_MIN = 300
# Records per database round trip when reading existing courses and when flushing.
BATCH = 500

# OOAPI v5 enum `level`; the comment of the enum gives the matching NLQF level.
LEVELS = {
    "secondary vocational education": None,
    "secondary vocational education 1": "1",
    "secondary vocational education 2": "2",
    "secondary vocational education 3": "3",
    "secondary vocational education 4": "4",
    "associate degree": "5",
    "bachelor": "6",
    "master": "7",
    "doctoral": "8",
    "undefined": None,
    "undivided": None,
    "nt2-1": None,
    "nt2-2": None,
}
# OOAPI v5 enum `modesOfDelivery`, with the Dutch words of the specification.
MODES = {
    "distance-learning": "afstandsleren",
    "on campus": "op de campus",
    "online": "online",
    "hybrid": "hybride",
    "situated": "op locatie",
}
# OOAPI v5 enum `modeOfStudy`, with the Dutch words of the specification.
MODES_OF_STUDY = {
    "full-time": "fulltime",
    "part-time": "parttime",
    "dual training": "duaal",
    "self-paced": "eigen tempo",
}
# The pattern of OOAPI v5 `duration` (ISO 8601), without negative durations.
DURATION = re.compile(
    r"^P(?=\d|T\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)([DW]))?"
    r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")


@dataclass(frozen=True)
class Issue:
    """One error, with its place in the file: 'regel 12' or 'items[3].offerings[0].startDate'."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class LocationData:
    place: str
    province: str
    lat: float | None = None
    lon: float | None = None


@dataclass
class CourseData:
    """One checked course, ready to become a Course row; `where` is its place in the file."""

    id: str
    where: str
    title: str
    provider: str
    sector: str
    source: str
    description: str = ""
    primary_code: str | None = None
    level: str = "undefined"
    nlqf: str | None = None
    category: str | None = None
    modes_of_delivery: list[str] = field(default_factory=list)
    mode_of_study: str | None = None
    duration: str | None = None
    study_load: dict[str, Any] | None = None
    price: float | None = None
    start_dates: list[str] = field(default_factory=list)
    url: str | None = None
    keywords: list[str] = field(default_factory=list)
    updated: dt.date | None = None
    locations: list[LocationData] = field(default_factory=list)
    catalog_source: str | None = None
    forms: list[str] = field(default_factory=list)
    rio_codes: list[str] = field(default_factory=list)
    url_kind: str | None = None
    place_kind: str | None = None

    def to_course(self) -> Course:
        course = Course(
            id=self.id,
            title=self.title,
            description=self.description,
            provider=self.provider,
            primary_code=self.primary_code,
            level=self.level,
            nlqf=self.nlqf,
            nlqf_rank=nlqf_rank(self.nlqf),
            sector=self.sector,
            category=self.category,
            modes_of_delivery=list(self.modes_of_delivery),
            mode_of_study=self.mode_of_study,
            duration=self.duration,
            study_load=self.study_load,
            price=self.price,
            start_dates=list(self.start_dates),
            url=self.url,
            keywords=list(self.keywords),
            source=self.source,
            updated=self.updated,
            online=int(any(m in ONLINE_MODES for m in self.modes_of_delivery)),
            catalog_source=self.catalog_source,
            forms=list(self.forms),
            rio_codes=list(self.rio_codes),
            url_kind=self.url_kind,
            place_kind=self.place_kind,
        )
        course.locations = [
            CourseLocation(place=loc.place, province=loc.province, lat=loc.lat, lon=loc.lon)
            for loc in self.locations
        ]
        return course


@dataclass
class Context:
    """The settings of one import that every record needs."""

    source: str  # used when a record names no source
    provider: str | None  # used when a record names no provider
    places: Places
    today: dt.date
    show_progress: bool = False


@dataclass
class Parsed:
    """What a parser found: good records, errors, and how many records the file holds."""

    records: list[CourseData] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    total: int = 0
    invalid: int = 0


# -- value checks: each returns the clean value or raises InvalidValue with a Dutch message --------


def text_limit(value: str, column: str, label: str) -> str:
    """The text itself, or InvalidValue when it is longer than its database column allows."""
    limit = Course.__table__.c[column].type.length
    if limit and len(value) > limit:
        raise InvalidValue(f"{label} is te lang ({len(value)} tekens, hoogstens {limit})")
    return value


def parse_nlqf(value: Any) -> str:
    text = str(value).strip()
    if text not in COURSE_NLQF_LEVELS:
        raise InvalidValue(f"niveau '{value}' bestaat niet. Kies 1 tot en met 8, of 4+")
    return text


def parse_level(value: Any) -> str:
    text = str(value).strip()
    if text not in LEVELS:
        raise InvalidValue(f"soort opleiding '{value}' bestaat niet. Kies uit: {', '.join(LEVELS)}")
    return text


def nlqf_of_level(level: str) -> str | None:
    """The NLQF level that an OOAPI `level` stands for, if it stands for one."""
    return LEVELS.get(level)


def parse_mode(value: Any) -> str:
    """An OOAPI mode of delivery; the Dutch words of the specification are taken too."""
    text = str(value).strip().lower()
    for mode, dutch in MODES.items():
        if text in (mode, dutch):
            return mode
    raise InvalidValue(f"lesvorm '{value}' bestaat niet. Kies uit: {', '.join(MODES)}")


def parse_mode_of_study(value: Any) -> str:
    text = str(value).strip().lower()
    for mode, dutch in MODES_OF_STUDY.items():
        if text in (mode, dutch):
            return mode
    raise InvalidValue(f"studievorm '{value}' bestaat niet. Kies uit: {', '.join(MODES_OF_STUDY)}")


def parse_duration(value: Any) -> str:
    text = str(value).strip().upper()
    if not DURATION.match(text):
        raise InvalidValue(f"duur '{value}' klopt niet. Schrijf bijvoorbeeld P1Y (1 jaar) of P6M")
    return text_limit(text, "duration", "duur")


def parse_date(value: Any, dutch: bool = False) -> dt.date:
    """An ISO date (2027-02-01); with `dutch` also 1-2-2027 (day-month-year)."""
    text = str(value).strip()
    try:
        if dutch and (match := DUTCH_DATE.match(text)):
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        hint = "JJJJ-MM-DD of DD-MM-JJJJ" if dutch else "JJJJ-MM-DD"
        raise InvalidValue(f"datum '{value}' klopt niet. Schrijf {hint}") from None


def parse_price(value: Any) -> float:
    """A price in euro as people write it: 1250, 1250.50, 1250,50, 1.250,50 or € 1.250."""
    text = str(value).strip().removeprefix("€").replace("EUR", "").strip().replace(" ", "")
    if re.fullmatch(r"\d+(?:[.,]\d{1,2})?", text):
        amount = float(text.replace(",", "."))
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", text):
        amount = float(text.replace(".", "").replace(",", "."))
    elif re.fullmatch(r"-\d+(?:[.,]\d+)?", text):
        raise InvalidValue(f"prijs '{value}' is negatief")
    else:
        raise InvalidValue(f"prijs '{value}' is geen getal")
    return amount


def parse_url(value: Any, label: str = "link") -> str:
    text = str(value).strip()
    if not re.match(r"https?://\S+$", text):
        raise InvalidValue(f"{label} '{value}' is geen webadres. Begin met https://")
    return text_limit(text, "url", label)


class Places:
    """Sector ids, places and provinces from the lexicon (data/lexicon/*.yml)."""

    def __init__(self, lexicon: Lexicon | None = None):
        self.lexicon = lexicon or default_lexicon()
        self.sector_ids = {e.id for e in self.lexicon.by_kind.get("sector", [])}
        self.province_ids = {e.id for e in self.lexicon.by_kind.get("province", [])}

    def sector(self, value: Any) -> str:
        """A sector id from an id, a label or a term of data/lexicon/sectors.yml."""
        text = str(value).strip()
        if text in self.sector_ids:
            return text
        entry = self.lexicon.lookup("sector", text)
        if entry is None:
            raise InvalidValue(
                f"sector '{value}' is onbekend. Kies uit: {', '.join(sorted(self.sector_ids))}"
            )
        return entry.id

    def province(self, value: Any) -> str:
        text = str(value).strip()
        if text.lower() in self.province_ids:
            return text.lower()
        entry = self.lexicon.lookup("province", text)
        if entry is None:
            raise InvalidValue(f"provincie '{value}' is onbekend")
        return entry.id

    def location(
        self,
        place: str,
        province: str | None = None,
        postcode: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        hint: str = "Geef ook de provincie",
    ) -> LocationData:
        """Province and coordinates for a town from data/lexicon/places.yml.

        A town that is not in that list needs a province or a postcode; its coordinates stay
        empty unless given. Given coordinates win over the list's town centre.
        """
        name = str(place).strip()
        entry = self.lexicon.lookup("place", name)
        if entry is not None:
            return LocationData(
                place=entry.label,
                province=entry.data["province"],
                lat=entry.data.get("lat") if lat is None else lat,
                lon=entry.data.get("lon") if lon is None else lon,
            )
        text_limit_location(name)
        if province:
            return LocationData(place=name, province=self.province(province), lat=lat, lon=lon)
        by_postcode = self.lexicon.province_for_postcode(postcode or "")
        if by_postcode is not None:
            return LocationData(place=name, province=by_postcode.id, lat=lat, lon=lon)
        raise InvalidValue(f"plaats '{place}' is onbekend. {hint}")


def text_limit_location(place: str) -> None:
    limit = CourseLocation.__table__.c["place"].type.length
    if len(place) > limit:
        raise InvalidValue(f"plaats is te lang ({len(place)} tekens, hoogstens {limit})")


def split_list(cell: str) -> list[str]:
    """The items of a list cell: separated by ';', spaces around them removed."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def unique(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))


# -- progress, writing and the report ----------------------------------------------------------


def progress(items: Iterable[T], total: int, desc: str, enabled: bool) -> Iterator[T]:
    """A tqdm bar on stderr for big imports; tqdm itself stays quiet when stderr is no terminal."""
    disable = True if not enabled or total < PROGRESS_MIN else None
    yield from tqdm(
        items, total=total, desc=desc, unit=" opleidingen", file=sys.stderr, disable=disable
    )


def write_courses(
    session: Session, records: list[CourseData], show_progress: bool = False
) -> tuple[int, int]:
    """Add new courses and update known ones (same id) through the ORM: (new, updated).

    Existing courses are read in batches first, so `merge` finds them without a query each.
    An updated course gets its fields and its locations replaced by the file's. New ones go
    in with `session.add`; both fire the session's flush events.
    """
    ids = [r.id for r in records]
    known: list[Course] = []  # holds the objects, so the session's identity map keeps them
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        known.extend(session.execute(select(Course).where(Course.id.in_(chunk))).scalars())
    known_ids = {c.id for c in known}
    with session.no_autoflush:  # flush per batch, not per record
        for i, record in enumerate(progress(records, len(records), "Opslaan", show_progress), 1):
            if record.id in known_ids:
                session.merge(record.to_course())
            else:
                session.add(record.to_course())
            if i % BATCH == 0:
                session.flush()
    session.flush()
    updated = sum(1 for i in ids if i in known_ids)
    return len(ids) - updated, updated


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


@dataclass
class ImportReport:
    """The outcome of one import, with the Dutch lines the command prints."""

    format: str
    total: int = 0
    created: int = 0
    updated: int = 0
    invalid: int = 0
    issues: list[Issue] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False
    skip_invalid: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def imported(self) -> int:
        return self.created + self.updated

    def error_lines(self, limit: int = 20) -> list[str]:
        lines = [str(issue) for issue in self.issues[:limit]]
        if len(self.issues) > limit:
            lines.append(f"... en nog {plural(len(self.issues) - limit, 'fout', 'fouten')}.")
        return lines

    def summary(self) -> str:
        errors = plural(len(self.issues), "fout", "fouten")
        if self.issues and not self.skip_invalid:
            return (
                f"Niets ingelezen: {errors} in {plural(self.total, 'opleiding', 'opleidingen')}. "
                "Maak de fouten goed en probeer het nog een keer. "
                "Of gebruik --skip-invalid. Dan komen alleen de goede opleidingen erin."
            )
        known = "al bekend" if self.dry_run else "bijgewerkt"
        counts = (
            f"{plural(self.imported, 'opleiding', 'opleidingen')} "
            f"({self.created} nieuw, {self.updated} {known}), {errors}."
        )
        if self.invalid:
            counts += f" Overgeslagen: {plural(self.invalid, 'opleiding', 'opleidingen')}."
        if self.dry_run:
            return f"Proefrun, er is niets opgeslagen. Goed: {counts}"
        return f"Ingelezen: {counts}"
