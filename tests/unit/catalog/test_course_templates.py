"""The invented course templates (bench/course_templates.py): stable, B1, loadable, searchable."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select

from bench import course_templates
from bot.catalog.models import Course, CourseLocation, SearchTerm
from bot.catalog.postings import SearchPosting
from bot.catalog.profile import Profile
from bot.catalog.search import search_courses
from bot.catalog.store import Catalog
from bot.db import session_scope


def test_the_templates_give_the_same_records_every_time() -> None:
    first = course_templates.records()
    assert len(first) == 435
    assert len({r["id"] for r in first}) == len(first)
    first[0]["title"] = "changed by a caller"
    assert course_templates.records()[0]["title"] != "changed by a caller"
    kinds = {course_templates.segment(r["kind"]) for r in first}
    assert kinds == {"ho", "mbo", "short"}
    assert all("verzonnen" in r["source"] for r in first)  # every record says it is invented
    assert all(r["url"].startswith("https://example.org/") for r in first)


def test_every_record_maps_to_the_course_columns() -> None:
    columns = set(Course.__table__.columns.keys())
    for record in course_templates.records():
        row, locations = course_templates.course_row(record)
        assert set(row) <= columns
        assert (not locations) == bool(row["online"])
        assert all(loc["course_id"] == row["id"] for loc in locations)


def test_the_records_load_into_a_test_database_and_are_found(tmp_path, settings_for) -> None:
    catalog = Catalog.open(settings_for(f"sqlite:///{tmp_path / 'templates.db'}"))
    catalog.migrate()
    try:
        with session_scope(catalog.sessions) as session:
            for model in (CourseLocation, SearchPosting, Course, SearchTerm):
                session.execute(delete(model))
            added = course_templates.add_to(session, updated=dt.date(2026, 11, 1))
        with session_scope(catalog.sessions) as session:
            assert session.execute(select(func.count()).select_from(Course)).scalar() == added
            result = search_courses(session, Profile(), "verpleegkundige", limit=5)
            assert result.hits and "erpleeg" in result.hits[0].course.title
    finally:
        catalog.close()
