"""Course search for a profile plus an optional free-text topic, with a reason per result.

Scoring combines text match, sector, level fit, region and cost. Like eligibility, each hit
carries reason codes with variables that the bot renders from response YAML.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.catalog.eligibility import Reason
from bot.catalog.models import Course
from bot.catalog.profile import Profile
from bot.nlp.lexicon import normalize

# Words that say nothing about the topic of a course search.
STOPWORDS = set(
    """
    ik je jij u we wij ze zij hij het de een en of in op aan met voor van naar over bij als dat die
    dit wat wie waar hoe wil zou graag zoek zoeken zoekt cursus cursussen opleiding opleidingen
    training trainingen iets ergens heb hebben is zijn ben kan kun kunnen mag moet wordt worden
    mijn me mij jouw er ook nog meer welke welk hebt een paar leren doen tot worden gaan ga om
    alsjeblieft aub pls ff even dan maar want niet geen wel heel erg echt hallo hoi
    """.split()
)
SHORTAGE_SECTORS = {"zorg", "kinderopvang", "onderwijs", "techniek", "installatie", "ict", "bouw"}


@dataclass
class CourseHit:
    course: Course
    score: float
    reasons: list[Reason] = field(default_factory=list)
    place: str | None = None


@dataclass
class SearchResult:
    hits: list[CourseHit]
    total: int
    offset: int


def topic_terms(text: str | None) -> list[str]:
    if not text:
        return []
    words = re.findall(r"[a-z0-9+#]+", normalize(text))
    return [w for w in words if w not in STOPWORDS and len(w) > 1]


def _stem(word: str) -> str:
    """A crude Dutch stem for matching plurals and derivations ('verpleging' ~ 'verpleeg')."""
    for suffix in ("kundige", "kundigen", "ingen", "ing", "en", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _text_match(course: Course, terms: list[str]) -> tuple[float, list[str]]:
    strong = {normalize(k) for k in course.keywords or []}
    strong |= set(normalize(course.title).split())
    weak = set(normalize(course.description or "").split())
    strong_stems = {_stem(w) for w in strong}
    score = 0.0
    matched: list[str] = []
    for term in terms:
        stem = _stem(term)
        if (
            term in strong
            or stem in strong_stems
            or any(s.startswith(stem) for s in strong_stems if len(stem) >= 5)
        ):
            score += 3.0
            matched.append(term)
        elif any(w.startswith(stem) for w in weak if len(stem) >= 4) or any(
            term in w for w in strong if len(term) >= 4
        ):
            score += 1.0
            matched.append(term)
    return score, matched


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(a))


def score_course(course: Course, profile: Profile, terms: list[str]) -> CourseHit | None:
    reasons: list[Reason] = []
    score = 0.0
    if terms:
        text_score, matched = _text_match(course, terms)
        if text_score == 0:
            return None
        score += text_score
        reasons.append(Reason("course_topic", {"topic": " ".join(matched)}))

    goal = profile.goal
    if goal == "basic_skills":
        if course.sector == "basisvaardigheden":
            score += 5
            reasons.append(Reason("course_basic_skills"))
        elif not terms:
            return None
    elif course.sector == "basisvaardigheden" and not terms:
        score -= 3

    if profile.sector and course.sector == profile.sector and goal != "switch":
        score += 2
        reasons.append(Reason("course_sector", {"sector": course.sector}))
    elif goal == "switch" and course.sector in SHORTAGE_SECTORS and course.sector != profile.sector:
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

    place = None
    if profile.province or profile.lat is not None:
        near = None
        for loc in course.locations:
            if profile.lat is not None and loc.lat is not None and profile.lon is not None:
                km = _distance_km(profile.lat, profile.lon, loc.lat, loc.lon)
                if km <= 40 and (near is None or km < near[0]):
                    near = (km, loc.place)
            elif loc.province == profile.province and near is None:
                near = (50.0, loc.place)
        if near:
            score += 2.5 - near[0] / 40
            place = near[1]
            reasons.append(Reason("course_near", {"place": near[1]}))
        elif course.online:
            score += 1.5
            reasons.append(Reason("course_online"))
        else:
            score -= 2
    elif course.online:
        score += 0.5
        reasons.append(Reason("course_online"))
    if course.price == 0:
        score += 0.5
        reasons.append(Reason("course_free"))
    if place is None and course.locations:
        place = course.locations[0].place
    return CourseHit(course=course, score=score, reasons=reasons, place=place)


def search_courses(
    session: Session, profile: Profile, topic: str | None = None, offset: int = 0, limit: int = 3
) -> SearchResult:
    """Best courses for the profile (and topic), `limit` at a time from `offset`."""
    terms = topic_terms(topic)
    courses = session.execute(select(Course)).scalars().all()
    hits = [h for h in (score_course(c, profile, terms) for c in courses) if h is not None]
    hits.sort(key=lambda h: (-h.score, h.course.price or 0, h.course.id))
    return SearchResult(hits=hits[offset : offset + limit], total=len(hits), offset=offset)
