"""A course result as a person reads it: from a real DUO record, nothing guessed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from actions import course_text
from actions.common import render
from actions.search import euro
from bot.catalog.models import Course

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 12, 7)
# The widget shows a result as a card: a bold first line and a line that is only a link.
TITLE_LINE = re.compile(r"^\*\*[^*]+\*\*\s*$")
LINK_LINE = re.compile(r"^\s*\[([^\]]+)\]\((https://[^)\s]+)\)\s*$")


def result(course: Course, where: str = "Amsterdam") -> str:
    return render(
        DOMAIN, "utter_course_result", title=course.title, provider=course.provider, where=where,
        facts=course_text.facts(DOMAIN, course, TODAY, euro), reason="het gaat over verpleegkunde",
        link=course_text.link(DOMAIN, course),
    )  # fmt: skip


def test_a_part_time_bachelor_reads_as_form_level_duration_price_source_and_link(catalog):
    [course] = catalog.courses(["duo-ho:110A404:1015O8759"])  # Inholland, Verpleegkunde deeltijd
    text = result(course)
    lines = text.split("\n")
    assert TITLE_LINE.match(lines[0]) and lines[1] == "Hogeschool Inholland - Amsterdam"
    assert lines[2] == (
        "deeltijd - hbo-bachelor - 4 jaar voltijd (240 studiepunten). In deeltijd duurt het vaak "
        "langer."
    )
    assert lines[3] == "Prijs: staat niet in de lijst. Kijk op de website van de school."
    assert "Bron: DUO" in lines and LINK_LINE.match(lines[-1]).group(2) == course.url
    assert "www.inholland.nl" in course.url


def test_only_a_part_time_programme_is_said_to_take_longer():
    course = Course(
        title="x", provider="y", forms=["duaal", "voltijd"], duration="P4Y",
        study_load={"unit": "ects", "value": 240},
    )  # fmt: skip
    assert course_text.duration_words(DOMAIN, course) == "4 jaar voltijd (240 studiepunten)"
    course.forms = ["deeltijd"]
    assert course_text.duration_words(DOMAIN, course).endswith("In deeltijd duurt het vaak langer.")


def test_a_next_start_is_shown_only_when_it_lies_ahead():
    course = Course(title="x", provider="y", start_dates=["2026-09-01", "2027-02-01"], forms=[])
    assert course_text.next_start(DOMAIN, course, TODAY) == "Volgende start: 1 februari 2027"
    course.start_dates = ["2026-09-01"]
    assert course_text.next_start(DOMAIN, course, TODAY) is None


def test_mbo_hours_and_an_unknown_website_are_said_plainly():
    course = Course(
        title="Keuzedeel", provider="ROC", level="secondary vocational education 3", nlqf="3",
        forms=["bbl"], study_load={"unit": "hour", "value": 240}, url=None, price=None,
    )  # fmt: skip
    facts = course_text.facts(DOMAIN, course, TODAY, euro)
    assert facts.split("\n")[0] == "bbl (werken en leren) - mbo niveau 3 - ongeveer 240 uur leren"
    assert course_text.link(DOMAIN, course) == (
        "De website staat niet in de lijst. Zoek op de naam van de school."
    )
    course.url, course.url_kind = "https://www.roc.nl/", "school"
    assert course_text.link(DOMAIN, course) == "[Website van de school](https://www.roc.nl/)"
