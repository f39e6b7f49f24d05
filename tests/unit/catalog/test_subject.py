"""A course search shows results only when they match a real subject, not a stray common word.

Courses are made here, not taken from the seed catalog, so the tests hold for any catalog.
"""

from __future__ import annotations

from collections import Counter

import pytest

from bot.catalog.models import Course
from bot.catalog.search import CourseHit, SearchResult
from bot.catalog.subject import has_subject, is_common, is_known_subject, subject_terms
from bot.catalog.textsearch import analyzer, count_terms


def course(title: str, description: str = "", keywords=(), sector: str = "overig") -> Course:
    strong, weak = analyzer().course_fields(title, list(keywords), sector, description)
    return Course(
        id=title.lower().replace(" ", "-"), title=title, description=description, provider="x",
        sector=sector, source="test", search_title=strong, search_body=weak,
    )  # fmt: skip


COURSES = [
    course("Code 95 nascholing", "Je rijdt zuinig met de bus of vrachtwagen.", ["chauffeur"]),
    course("Cursus motorkettingzaag", "Je baas wil dat je veilig zaagt in het bos."),
    course("Heftruckcertificaat", "Je leert veilig rijden met een heftruck.", ["heftruck"]),
    course("Social media voor ondernemers", "Je maakt posts voor je bedrijf."),
    course("Politie mbo 3", "Je leert werken als agent.", sector="veiligheid"),
]


def vocabulary(courses: list[Course]) -> dict[str, int]:
    found: Counter = Counter()
    for c in courses:
        found.update(count_terms(c.search_title, c.search_body))
    return dict(found)


def result_for(text: str, courses: list[Course] = COURSES) -> SearchResult:
    terms = analyzer().query(text, vocabulary(courses))
    hits = [
        CourseHit(course=c, score=1.0)
        for c in courses
        if any(
            any(
                set(a) <= set((c.search_title + " " + c.search_body).split())
                for a in t.alternatives
            )
            for t in terms
        )
    ]
    return SearchResult(hits=hits, total=len(hits), offset=0, terms=terms)


@pytest.mark.parametrize(
    "text",
    [
        "Moet mijn baas mijn cursus betalen?",  # "baas" is only in a description
        "wie betaalt dat eigenlijk",
        "ik zoek een cursus",  # no subject at all
    ],
)
def test_a_stray_common_word_is_no_subject(text: str) -> None:
    assert not has_subject(result_for(text))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("ik zoek een cursus heftruck", "heftruck"),
        ("cursus hefrtuck", "hefrtuck"),  # a typo of a title word still counts
        ("ik wil bij de politie werken", "politie"),  # in a title and not too common
        ("social media cursus", "social"),  # two words of one title: a subject together
        ("ik wil vrachtwagenchauffeur worden", "vrachtwagenchauffeur"),  # a synonym group
    ],
)
def test_a_field_occupation_or_course_name_is_a_subject(text: str, word: str) -> None:
    result = result_for(text)
    assert has_subject(result)
    assert any(word in subject_terms(hit, result.terms) for hit in result.hits)


def test_a_typo_correction_of_a_real_word_is_no_subject() -> None:
    # "baas" is a real word; an index without it corrects it to "bus" (one letter away).
    result = result_for("baas", [c for c in COURSES if "baas" not in c.description])
    assert [t.corrected for t in result.terms] == [True] and result.hits
    assert not has_subject(result)


def test_word_lists() -> None:
    assert is_common("betalen") and is_common("mensen")
    assert not is_common("heftruck") and not is_common("lassen")
    assert is_known_subject("zorg") and is_known_subject("kinderen") and is_known_subject("excel")
    assert not is_known_subject("baas")
