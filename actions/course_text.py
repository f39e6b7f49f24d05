"""A course result in words: form, level, duration, next start, price, link, and "Bron: DUO".

Every word comes from a response in domain.yml. Nothing is guessed: the register has no price,
so the price line says so; an unknown website or place is said to be unknown.
"""

from __future__ import annotations

import datetime as dt
import re

from rasa_sdk.types import DomainDict

from actions import common
from actions.common import render
from bot.catalog.models import Course

ISO_DURATION = re.compile(r"^P(\d+)([YMWD])$")
HO_LEVELS = {"associate degree": "ad", "bachelor": "bachelor", "master": "master"}


def has_response(domain: DomainDict, name: str) -> bool:
    return name in (domain.get("responses") or {})


def forms_text(domain: DomainDict, course: Course) -> str | None:
    words = [
        render(domain, f"utter_form_{form}")
        for form in course.forms or []
        if has_response(domain, f"utter_form_{form}")
    ]
    if not words:
        return None
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " of " + words[-1]


def level_words(domain: DomainDict, course: Course) -> str | None:
    kind = HO_LEVELS.get(course.level or "")
    if kind == "ad":
        return render(domain, "utter_level_ad")
    if kind:
        school = "wo" if "wo" in (course.keywords or []) else "hbo"
        return render(domain, f"utter_level_{school}_{kind}")
    if (course.level or "").startswith("secondary vocational") and course.nlqf:
        return render(domain, "utter_level_mbo", nlqf=course.nlqf)
    if course.nlqf:
        return render(domain, "utter_course_level_nlqf", nlqf=course.nlqf)
    return None


def iso_words(domain: DomainDict, iso: str | None) -> str | None:
    match = ISO_DURATION.match(iso or "")
    if not match:
        return None
    number, unit = int(match.group(1)), match.group(2)
    word = render(domain, f"utter_unit_{unit}_{'one' if number == 1 else 'many'}")
    return f"{number} {word}"


def duration_words(domain: DomainDict, course: Course) -> str | None:
    """60 ECTS is one year of full-time study; hours stay hours."""
    load = course.study_load or {}
    duration = iso_words(domain, course.duration)
    if load.get("unit") == "ects" and load.get("value") and duration:
        name = "utter_duration_ects"
        if "deeltijd" in (course.forms or []):  # a dual programme takes its full-time length
            name = "utter_duration_ects_part_time"
        return render(domain, name, duration=duration, credits=int(load["value"]))
    if duration:
        return duration
    if load.get("unit") == "hour" and load.get("value"):
        return render(domain, "utter_duration_hours", hours=int(load["value"]))
    return None


def next_start(domain: DomainDict, course: Course, today: dt.date) -> str | None:
    days = sorted(
        d for d in (_day(s) for s in course.start_dates or []) if d is not None and d >= today
    )
    if not days:
        return None
    return render(domain, "utter_next_start", date=common.dutch_date(domain, days[0]))


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def link(domain: DomainDict, course: Course) -> str:
    if not course.url:
        return render(domain, "utter_course_link_unknown")
    if course.url_kind == "school":
        return render(domain, "utter_course_link_school", url=course.url)
    return render(domain, "utter_course_link", url=course.url)


def price_line(domain: DomainDict, course: Course, euro) -> str:
    if course.price is None:
        return render(domain, "utter_price_unknown")
    if course.price == 0:
        return render(domain, "utter_price_free")
    return render(domain, "utter_price_amount", amount=euro(course.price))


def facts(domain: DomainDict, course: Course, today: dt.date, euro) -> str:
    """The lines under a result's name: form - level - duration; next start; price."""
    summary = [t for t in (forms_text(domain, course), level_words(domain, course),
                           duration_words(domain, course)) if t]  # fmt: skip
    lines = [" - ".join(summary)] if summary else []
    start = next_start(domain, course, today)
    if start:
        lines.append(start)
    lines.append(price_line(domain, course, euro))
    return "\n".join(lines)
