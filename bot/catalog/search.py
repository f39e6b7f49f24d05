"""Course search: Dutch full text on SQLite FTS5 or PostgreSQL, then ranking for the person.

One interface, two backends. Both match the analysed fields that bot.catalog.index keeps
(Snowball Dutch stems, compound parts); a query word also matches its synonyms and, on short
queries, index terms one typo away. Hard filters (level, region, price, sector) run in SQL;
the best candidates by text rank are then ranked in Python on what matters to this person:
text match, level fit, region, and the cost after the schemes they may qualify for. Each hit
carries reason codes with variables that the bot renders from response YAML.

A search with a topic is one SQL statement without a transaction (bot.catalog.postings.top):
the best `pool` courses by text that pass the filters, with their rows and places. They are
ranked as plain rows; only the shown page becomes Course objects.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import JSON, Date, select, text
from sqlalchemy.orm import Session, joinedload, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.instrumentation import manager_of_class

from bot.catalog import index, postings, regions
from bot.catalog.eligibility import Reason
from bot.catalog.models import ONLINE_MODES, Course, CourseLocation, nlqf_rank
from bot.catalog.profile import Profile
from bot.catalog.textsearch import DOCS_KEY, QueryTerm, analyzer
from bot.nlp.lexicon import default_lexicon

# How often a process asks whether the term dictionary changed (another process imported);
# it reads the dictionary (37,000 terms at register size, about 40 ms) again only then.
VOCABULARY_CHECK_S = 5.0
# A topic match counts TEXT_BASE plus up to TEXT_WEIGHT by text rank; the typed word itself in
# the title adds EXACT_WEIGHT, so it beats a course that only matched several synonyms.
TEXT_BASE = 1.0
TEXT_WEIGHT = 2.0
EXACT_WEIGHT = 2.0


@lru_cache(maxsize=1)
def shortage_sectors() -> frozenset[str]:
    """Sectors with many vacancies: `shortage: true` in data/lexicon/sectors.yml."""
    return frozenset(e.id for e in default_lexicon().by_kind["sector"] if e.data.get("shortage"))


@dataclass(frozen=True)
class CourseFilters:
    """Hard filters: a course that fails one is never shown."""

    nlqf_min: str | None = None
    nlqf_max: str | None = None
    province: str | None = None
    near: tuple[float, float] | None = None  # (lat, lon), e.g. of a postcode
    max_km: float = 40.0
    include_online: bool = True  # with a region filter, courses from home count as near
    modes: tuple[str, ...] | None = None  # OOAPI modeOfDelivery values
    price_max: float | None = None
    starts_from: dt.date | None = None  # a start date on or after this day ...
    starts_until: dt.date | None = None  # ... and on or before this one
    sectors: tuple[str, ...] | None = None
    # False: no programme of a hogeschool or university (hbo, wo, post-hbo), which ask for at
    # least mbo 4 or havo; what is left is mbo, short courses and other imports.
    higher_education: bool = True


# What marks a programme of higher education: DUO's hbo/wo register, or an OOAPI level of it.
HIGHER_EDUCATION_SOURCE = "duo-ho"
HIGHER_EDUCATION_LEVELS = frozenset({"associate degree", "bachelor", "master", "doctoral"})
HIGHER_EDUCATION_MIN_RANK = nlqf_rank("5")


def is_higher_education(course: Any) -> bool:
    return (
        course.catalog_source == HIGHER_EDUCATION_SOURCE
        or course.level in HIGHER_EDUCATION_LEVELS
        or (course.nlqf_rank is not None and course.nlqf_rank >= HIGHER_EDUCATION_MIN_RANK)
    )


@dataclass
class CourseHit:
    course: Course
    score: float
    reasons: list[Reason] = field(default_factory=list)
    place: str | None = None


@dataclass
class SearchResult:
    hits: list[CourseHit]
    total: int  # candidates that passed every filter (capped by the candidate limit)
    offset: int
    terms: list[QueryTerm] = field(default_factory=list)


# -- SQL candidates -------------------------------------------------------------------------


def _filter_sql(
    filters: CourseFilters, params: dict[str, Any], alias: str = "c", course_id: str = "c.id"
) -> list[str]:
    """WHERE clauses for both backends on `alias`: courses (c) or search_postings (p), which
    carry the same filter columns; `course_id` is the course's id in that table."""
    where: list[str] = []
    if filters.nlqf_min is not None:
        params["nlqf_lo"] = nlqf_rank(filters.nlqf_min)
        where.append(f"{alias}.nlqf_rank >= :nlqf_lo")
    if filters.nlqf_max is not None:
        params["nlqf_hi"] = nlqf_rank(filters.nlqf_max)
        where.append(f"({alias}.nlqf_rank IS NULL OR {alias}.nlqf_rank <= :nlqf_hi)")
    if not filters.higher_education:  # the rest (a level unknown here) is left out in Python
        params["he_rank"] = HIGHER_EDUCATION_MIN_RANK
        where.append(f"({alias}.nlqf_rank IS NULL OR {alias}.nlqf_rank < :he_rank)")
    if filters.price_max is not None:
        params["price_max"] = float(filters.price_max)
        where.append(f"{alias}.price <= :price_max")
    if filters.sectors:
        names = []
        for i, sector in enumerate(filters.sectors):
            params[f"sector{i}"] = sector
            names.append(f":sector{i}")
        where.append(f"{alias}.sector IN ({', '.join(names)})")
    region = _region_sql(filters, params, alias, course_id)
    if region:
        where.append(f"({region} OR {alias}.online = 1)" if filters.include_online else region)
    if filters.modes and set(filters.modes) <= ONLINE_MODES:
        where.append(f"{alias}.online = 1")
    return where


# Keeps PostgreSQL from hashing every place in the region (15,000-30,000 rows, 10-30 ms) to
# test a few dozen courses: with an OFFSET it cannot turn EXISTS into a hashed IN, so it looks
# up each course's places by the index. SQLite always does that.
PER_ROW = " LIMIT 1 OFFSET 0"


def _region_sql(
    filters: CourseFilters, params: dict[str, Any], alias: str, course_id: str
) -> str | None:
    """A province is a bit of the row's region mask (bot.catalog.regions); a distance tests
    the grid cells of its box first and looks up the places only of courses in them."""
    if filters.near is not None:
        lat, lon = filters.near
        dlat = filters.max_km / 111.0
        dlon = filters.max_km / (111.0 * max(0.2, math.cos(math.radians(lat))))
        params.update(lat0=lat - dlat, lat1=lat + dlat, lon0=lon - dlon, lon1=lon + dlon)
        params["cells"] = regions.box_mask(lat - dlat, lat + dlat, lon - dlon, lon + dlon)
        return (
            f"({alias}.regions & CAST(:cells AS BIGINT)) != 0 AND EXISTS (SELECT 1 FROM "  # noqa: S608
            f"course_locations l WHERE l.course_id = {course_id} AND l.lat BETWEEN :lat0 AND "
            ":lat1 AND l.lon BETWEEN :lon0 AND :lon1" + PER_ROW + ")"
        )
    if filters.province:
        params["province"] = filters.province
        params["province_bit"] = bit = regions.province_bit(filters.province)
        test = f"({alias}.regions & CAST(:province_bit AS BIGINT)) != 0"
        if bit != regions.OTHER_PROVINCE:
            return test
        return (
            f"{test} AND EXISTS (SELECT 1 FROM course_locations l WHERE "  # noqa: S608
            f"l.course_id = {course_id} AND l.province = :province" + PER_ROW + ")"
        )
    return None


def _fts5_match(terms: list[QueryTerm]) -> str:
    def alt(tokens: tuple[str, ...]) -> str:
        return '"' + " ".join(tokens) + '"'

    return " OR ".join("(" + " OR ".join(alt(a) for a in t.alternatives) + ")" for t in terms)


def _tsquery(terms: list[QueryTerm]) -> str:
    def alt(tokens: tuple[str, ...]) -> str:
        return "(" + " <-> ".join(f"'{t}'" for t in tokens) + ")"

    return " | ".join("(" + " | ".join(alt(a) for a in t.alternatives) + ")" for t in terms)


def candidates(
    session: Session,
    terms: list[QueryTerm],
    filters: CourseFilters,
    profile: Profile,
    limit: int,
    vocabulary: dict[str, int] | None = None,
) -> list[tuple[str, float]]:
    """Course ids with a text score in 0..1, best first, that pass the SQL filters."""
    params: dict[str, Any] = {"n": limit}
    if terms:
        return text_candidates(session, terms, filters, limit, vocabulary or {})
    where = _filter_sql(filters, params)

    # No topic: the person's sector and level decide which courses are looked at first.
    order = []
    if profile.sector:
        params["own_sector"] = profile.sector
        order.append("CASE WHEN c.sector = :own_sector THEN 0 ELSE 1 END")
    if profile.goal == "basic_skills":
        order.append("CASE WHEN c.sector = 'basisvaardigheden' THEN 0 ELSE 1 END")
    if profile.level_rank is not None:
        params["rank"] = profile.level_rank
        order.append("CASE WHEN c.nlqf_rank IS NULL THEN 2 ELSE abs(c.nlqf_rank - :rank) END")
    sql = (
        "SELECT c.id FROM courses c"  # noqa: S608 - constant fragments, values are bound
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY "
        + ", ".join([*order, "c.id"])
        + " LIMIT :n"
    )
    return [(row[0], 0.0) for row in session.execute(text(sql), params).all()]


def term_weights(terms: list[QueryTerm], vocabulary: dict[str, int]) -> dict[str, float]:
    """The idf of every index token the query can match (a phrase counts as its words)."""
    total = vocabulary.get(DOCS_KEY) or max(vocabulary.values(), default=1)
    return {
        token: postings.idf(vocabulary.get(token, 1), total)
        for term in terms
        for alternative in term.alternatives
        for token in alternative  # a word newer than the cached dictionary counts as rare
    }


def text_candidates(
    session: Session,
    terms: list[QueryTerm],
    filters: CourseFilters,
    limit: int,
    vocabulary: dict[str, int],
) -> list[tuple[str, float]]:
    """The best `limit` courses by BM25 over the query's tokens, from the ordered postings."""
    rows = _text_rows(session, terms, filters, limit, vocabulary)
    best = max((r.score for r in rows), default=0.0) or 1.0
    return [(r.course_id, max(0.0, r.score) / best) for r in rows]  # one row per course


def _text_rows(
    session: Session,
    terms: list[QueryTerm],
    filters: CourseFilters,
    limit: int,
    vocabulary: dict[str, int],
    joined: postings.Joined | None = None,
) -> list[Any]:
    """The rows of `postings.top` for these terms and filters."""
    params: dict[str, Any] = {}
    where = _filter_sql(filters, params, alias="p", course_id="p.course_id")
    weights = term_weights(terms, vocabulary)
    groups = [{t for a in term.alternatives for t in a if t in weights} for term in terms]
    with_all = _with_all_sql(session, groups, filters, params) if len(groups) > 1 else None
    return postings.top(session, weights, where, params, limit, groups, with_all, joined)


def _with_all_sql(
    session: Session, groups: list[set[str]], filters: CourseFilters, params: dict[str, Any]
) -> str | None:
    """The FROM and WHERE of a query for the courses `c` (passing the filters) with a token of
    every group, from the full-text index, which intersects its lists cheaply; None when a
    group is empty."""
    if not all(groups):
        return None
    where = "".join(f" AND {w}" for w in _filter_sql(filters, params))
    if session.get_bind().dialect.name == "postgresql":
        params["all_q"] = " & ".join(
            "(" + " | ".join(f"'{t}'" for t in sorted(g)) + ")" for g in groups
        )
        return "FROM courses c WHERE c.search_tsv @@ to_tsquery('simple', :all_q)" + where
    params["all_q"] = " AND ".join(
        "(" + " OR ".join(f'"{t}"' for t in sorted(g)) + ")" for g in groups
    )
    return (
        "FROM courses_fts JOIN courses c ON c.rowid = courses_fts.rowid "
        "WHERE courses_fts MATCH :all_q" + where
    )


# -- ranking for the person ---------------------------------------------------------------


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def _matched(title: str, has: set[str], terms: list[QueryTerm]) -> tuple[list[str], int]:
    """The query words this course matched (`has`: the query's index tokens it has), and how
    many matched as typed in its title."""
    title = f" {title} "
    matched = [t.word for t in terms if any(has.issuperset(a) for a in t.alternatives)]
    exact = sum(
        1
        for t in terms
        if not t.corrected and all(f" {token} " in title for token in t.alternatives[0])
    )
    return matched, exact


def _passes_post_filters(course: Course, filters: CourseFilters, today: dt.date) -> bool:
    if not filters.higher_education and is_higher_education(course):
        return False
    if filters.modes and not set(filters.modes) & set(course.modes_of_delivery or []):
        return False
    if filters.starts_from or filters.starts_until:
        lo = filters.starts_from or today
        hi = filters.starts_until or dt.date.max
        starts = [_date(s) for s in course.start_dates or []]
        if not any(d and lo <= d <= hi for d in starts):
            return False
    if filters.near is not None and not (filters.include_online and course.online):
        lat, lon = filters.near
        if not any(
            loc.lat is not None and _distance_km(lat, lon, loc.lat, loc.lon) <= filters.max_km
            for loc in course.locations
        ):
            return False
    return True


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _region_score(
    course: Course, profile: Profile, reasons: list[Reason]
) -> tuple[float, str | None]:
    """Near the person (by distance or province), else from home: score and the place."""
    if not (profile.province or profile.lat is not None):
        if course.online:
            reasons.append(Reason("course_online"))
            return 0.5, None
        return 0.0, None
    near = None
    for loc in course.locations:
        if profile.lat is not None and loc.lat is not None and profile.lon is not None:
            km = _distance_km(profile.lat, profile.lon, loc.lat, loc.lon)
            if km <= 40 and (near is None or km < near[0]):
                near = (km, loc.place)
        elif loc.province == profile.province and near is None:
            near = (50.0, loc.place)
    if near:
        reasons.append(Reason("course_near", {"place": near[1]}))
        return 2.5 - near[0] / 40, near[1]
    if course.online:
        reasons.append(Reason("course_online"))
        return 1.5, None
    return -2.0, None


def _cost_score(course: Course, funding: dict[str, str] | None, reasons: list[Reason]) -> float:
    """Cost after the schemes the person may qualify for: a fund for the course's sector
    may pay, so its price weighs less. A known price counts; an unknown one a little."""
    funder = (funding or {}).get(course.sector)
    if course.price == 0:
        reasons.append(Reason("course_free"))
        return 0.5
    if funder:
        reasons.append(Reason("course_funded", {"scheme": funder}))
        return -0.25 * min(course.price or 0, 4000) / 4000
    return -min(course.price if course.price is not None else 1000, 4000) / 4000


def score_course(
    course: Course,
    profile: Profile,
    text_score: float,
    matched: list[str],
    funding: dict[str, str] | None = None,
    exact: int = 0,
) -> CourseHit | None:
    """How well one candidate fits the person, with the reasons that say why."""
    reasons: list[Reason] = []
    score = EXACT_WEIGHT * exact
    if matched:
        score += TEXT_BASE + TEXT_WEIGHT * text_score
        reasons.append(Reason("course_topic", {"topic": " ".join(matched)}))
    has_topic = bool(matched)

    goal = profile.goal
    if goal == "basic_skills":
        if course.sector == "basisvaardigheden":
            score += 5
            reasons.append(Reason("course_basic_skills"))
        elif not has_topic:
            return None
    elif course.sector == "basisvaardigheden" and not has_topic:
        score -= 3

    if profile.sector and course.sector == profile.sector and goal != "switch":
        score += 2
        reasons.append(Reason("course_sector", {"sector": course.sector}))
    elif (
        goal == "switch" and course.sector in shortage_sectors() and course.sector != profile.sector
    ):
        score += 1.5
        reasons.append(Reason("course_shortage", {"sector": course.sector}))

    rank, person = course.nlqf_rank, profile.level_rank
    if rank is not None and person is not None:
        if person <= rank <= person + 2:
            score += 2
            reasons.append(Reason("course_level", {"nlqf": course.nlqf}))
        elif rank > person + 2:
            score -= 3
        else:
            score -= 0.5
    elif rank is not None and person is None and rank > 5:
        score -= 1
    if goal == "diploma" and course.level != "undefined":
        score += 1.5
        reasons.append(Reason("course_diploma"))

    delta, place = _region_score(course, profile, reasons)
    score += delta
    score += _cost_score(course, funding, reasons)
    if place is None and course.locations:
        place = course.locations[0].place
    return CourseHit(course=course, score=score, reasons=reasons, place=place)


class Vocabulary:
    """The term dictionary (typo tolerance and the words' idf), kept in the process: read
    again only when its version (bot.catalog.index.terms_version) changed, which is asked at
    most every VOCABULARY_CHECK_S, or after `clear` (an import in this process)."""

    def __init__(self) -> None:
        self._terms: dict[str, int] | None = None
        self._version: str | None = None
        self._checked_at = 0.0

    def get(self, session: Session) -> dict[str, int]:
        now = time.monotonic()
        if self._terms is None or now - self._checked_at > VOCABULARY_CHECK_S:
            version = index.terms_version(session)
            if self._terms is None or version != self._version:
                self._terms = index.vocabulary(session)
                self._version = version
            self._checked_at = now
        return self._terms

    def clear(self) -> None:
        self._terms = None


def read_only(session: Session) -> None:
    """Run the session's statements without a transaction (a search only reads): no BEGIN
    and COMMIT round trips. Only before the session's first statement."""
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def search_courses(
    session: Session,
    profile: Profile,
    topic: str | None = None,
    offset: int = 0,
    limit: int = 3,
    filters: CourseFilters | None = None,
    funding: dict[str, str] | None = None,
    vocabulary: dict[str, int] | None = None,
    today: dt.date | None = None,
) -> SearchResult:
    """The best courses for this person (and topic), `limit` at a time from `offset`.

    With a topic it is one statement: the best courses by text with their rows and places
    (`_text_ranking_rows`); they are ranked for the person as plain rows, and only the page
    that is shown becomes Course objects."""
    filters = filters or CourseFilters()
    today = today or dt.date.today()
    if not session.in_transaction():
        read_only(session)
    if vocabulary is None and topic:
        vocabulary = index.vocabulary(session)
    terms = analyzer().query(topic, vocabulary)
    pool = max(40, 4 * (offset + limit))
    if terms:
        found = _text_ranking_rows(session, terms, filters, pool, vocabulary or {})
    else:
        ids = [course_id for course_id, _ in candidates(session, terms, filters, profile, pool)]
        courses = _ranking_rows(session, ids)
        found = [_Candidate(courses[i], 0.0, set()) for i in ids if i in courses]
    hits = []
    by_id = {}
    for candidate in found:
        course = candidate.course
        if not _passes_post_filters(course, filters, today):
            continue
        matched, exact = _matched(course.search_title, candidate.has, terms)
        hit = score_course(course, profile, candidate.text, matched, funding, exact)
        if hit is not None:
            hits.append(hit)
            by_id[course.id] = candidate
    hits.sort(key=lambda h: (-h.score, h.course.price or 0, h.course.id))
    page = hits[offset : offset + limit]
    if page and terms:
        page = [replace(h, course=by_id[h.course.id].whole()) for h in page]
    elif page:
        page = _whole_courses(session, page)
    return SearchResult(hits=page, total=len(hits), offset=offset, terms=terms)


def _whole_courses(session: Session, page: list[CourseHit]) -> list[CourseHit]:
    """The page's hits with whole Course objects, read in one statement."""
    query = (
        select(Course)
        .where(Course.id.in_([h.course.id for h in page]))
        .options(joinedload(Course.locations))  # one statement, not two
    )
    full = {c.id: c for c in session.execute(query).unique().scalars()}
    return [replace(h, course=full[h.course.id]) for h in page if h.course.id in full]


# What ranking reads of a candidate without a topic; the shown page is then loaded whole.
RANKING_COLUMNS = (
    Course.id, Course.sector, Course.nlqf, Course.nlqf_rank, Course.level, Course.price,
    Course.online, Course.modes_of_delivery, Course.start_dates, Course.search_title,
    Course.catalog_source,
)  # fmt: skip
LOCATION_COLUMNS = (
    CourseLocation.course_id, CourseLocation.place, CourseLocation.province,
    CourseLocation.lat, CourseLocation.lon,
)  # fmt: skip
# The text search's statement reads every column of the course `c` and its places `loc`;
# ranking reads a few of them, the lists of dates and modes only when a filter needs them.
_COURSE = tuple(Course.__table__.columns)
_PLACE = tuple(CourseLocation.__table__.columns)
_RANKED = (
    "id",
    "search_title",
    "sector",
    "nlqf",
    "nlqf_rank",
    "level",
    "price",
    "online",
    "catalog_source",
)  # catalog_source: is_higher_education (the fit filter)
_LISTS = ("modes_of_delivery", "start_dates")
_AT = {col.name: i for i, col in enumerate(_COURSE)}
_PLACE_NAMES = tuple(col.name for col in _PLACE)
_COURSES, _PLACES = manager_of_class(Course), manager_of_class(CourseLocation)


def _json(value: Any) -> Any:
    """A JSON column read with plain SQL: text on SQLite, already decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str) else value


def _reader(column: Any) -> Any:
    """How a value read with plain SQL becomes what the ORM gives: JSON decoded (it is read as
    text on both backends), a date from SQLite's text; None: as it is."""
    if isinstance(column.type, JSON):
        return _json
    if isinstance(column.type, Date):
        return lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else v
    return None


_READERS = tuple((col.key, i, _reader(col)) for i, col in enumerate(_COURSE))


class _Candidate:
    """A course found by the text search: a plain namespace of what ranking reads, its text
    score in 0..1, the query tokens it has, and its whole row and places for `whole()`."""

    __slots__ = ("course", "text", "has", "row", "places")

    def __init__(self, course: SimpleNamespace, text: float, has: set[str], row: tuple = ()):
        self.course, self.text, self.has, self.row = course, text, has, row
        self.places: list[tuple] = []

    def whole(self) -> Course:
        """A detached Course with its places, the same as one a finished query loaded: made
        the way the ORM's loader makes them (no __init__, no change events), about 30 us
        instead of 200 us through the constructor."""
        row = self.row
        course = _COURSES.new_instance()
        course.__dict__.update(
            {key: (row[i] if read is None or row[i] is None else read(row[i]))
             for key, i, read in _READERS}
        )  # fmt: skip
        places = []
        for values in self.places:
            place = _PLACES.new_instance()
            place.__dict__.update(zip(_PLACE_NAMES, values, strict=True))
            set_committed_value(place, "course", course)
            make_transient_to_detached(place)
            places.append(place)
        set_committed_value(course, "locations", places)
        make_transient_to_detached(course)
        return course


def _text_ranking_rows(
    session: Session,
    terms: list[QueryTerm],
    filters: CourseFilters,
    pool: int,
    vocabulary: dict[str, int],
) -> list[_Candidate]:
    """The best `pool` courses by text with their whole rows and places, in one statement
    (bot.catalog.postings.top)."""
    postgres = session.get_bind().dialect.name == "postgresql"

    def column(col: Any) -> str:  # JSON as text on PostgreSQL too: decoded only when shown
        return f"c.{col.name}::text" if postgres and isinstance(col.type, JSON) else f"c.{col.name}"

    joined = postings.Joined(
        columns="".join(f", {column(c)}" for c in _COURSE)
        + "".join(f", loc.{c.name}" for c in _PLACE),
        joins=" JOIN courses c ON c.id = e.course_id "
        "LEFT JOIN course_locations loc ON loc.course_id = e.course_id",
        order=", loc.id",
    )
    rows = _text_rows(session, terms, filters, pool, vocabulary, joined)
    if not rows:
        return []
    best = max(r[1] for r in rows) or 1.0
    lists = _LISTS if (filters.modes or filters.starts_from or filters.starts_until) else ()
    first = len(rows[0]) - len(_COURSE) - len(_PLACE)
    ranked = [(name, first + _AT[name]) for name in _RANKED]
    decoded = [(name, first + _AT[name]) for name in lists]
    places = first + len(_COURSE)
    found: dict[str, _Candidate] = {}
    for row in rows:
        candidate = found.get(row[0])
        if candidate is None:
            course = SimpleNamespace(**{name: row[i] for name, i in ranked}, locations=[])
            for name, i in decoded:
                setattr(course, name, _json(row[i]))
            candidate = _Candidate(course, max(0.0, row[1]) / best, set(row[2].split()),
                                   tuple(row[first:places]))  # fmt: skip
            found[row[0]] = candidate
        if row[places] is not None:  # a course without places has one row of nulls
            place = tuple(row[places:])
            candidate.places.append(place)
            candidate.course.locations.append(
                SimpleNamespace(**dict(zip(_PLACE_NAMES, place, strict=True)))
            )
    return list(found.values())


def _ranking_rows(session: Session, ids: list[str]) -> dict[str, SimpleNamespace]:
    """The candidates' ranking columns and places as plain rows, in one statement: a fraction
    of the cost of whole ORM objects, which only the page that is shown needs."""
    query = (
        select(*RANKING_COLUMNS, *LOCATION_COLUMNS)
        .outerjoin(CourseLocation, CourseLocation.course_id == Course.id)
        .where(Course.id.in_(ids))
        .order_by(Course.id, CourseLocation.id)
    )
    found: dict[str, SimpleNamespace] = {}
    names = [c.key for c in RANKING_COLUMNS]
    places = [c.key for c in LOCATION_COLUMNS]
    for row in session.execute(query):
        course_values, place_values = row[: len(names)], row[len(names) :]
        course = found.get(course_values[0])
        if course is None:
            course = SimpleNamespace(**dict(zip(names, course_values, strict=True)), locations=[])
            found[course.id] = course
        if place_values[0] is not None:  # a course without places has one row of nulls
            course.locations.append(SimpleNamespace(**dict(zip(places, place_values, strict=True))))
    return found
