"""Keeps the analysed search fields of courses and the term dictionary in step with the data.

Every flush that adds or changes a Course (or one of its places) fills its `search_title` and
`search_body` (the backends index those: FTS5 triggers on SQLite, a generated tsvector on
PostgreSQL) with their terms' impacts (`search_impacts`) and the mask of its places'
regions, adds its terms to `search_terms`, the dictionary that typo tolerance looks in (with a
new version, so that other processes read it again), and writes its rows of `search_postings`
(bot.catalog.postings). Bulk writers that bypass the ORM call `fields_for`, `add_terms` and
`add_postings` themselves (or `rebuild_postings` once at the end), and set `regions` and
`search_impacts` as bench/synthetic.py does.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable

from sqlalchemy import delete, event, func, insert, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from bot.catalog import regions
from bot.catalog.models import Course, CourseLocation, SearchTerm
from bot.catalog.postings import SearchPosting, forward, rows_for
from bot.catalog.textsearch import ANALYZER_VERSION, analyzer, count_terms
from bot.db import Meta

META_KEY = "search_analyzer"
TERMS_VERSION_KEY = "search_terms_version"  # changes with every change of search_terms


def fields_for(
    title: str, keywords: Iterable[str] | None, sector: str | None, description: str | None
) -> tuple[str, str]:
    return analyzer().course_fields(title, keywords or [], sector, description)


def fill(course: Course) -> bool:
    """Set the search fields of one course (and its terms' impacts); True when they changed."""
    title, body = fields_for(course.title, course.keywords, course.sector, course.description)
    changed = (course.search_title, course.search_body) != (title, body)
    if changed or not course.search_impacts:
        course.search_title, course.search_body = title, body
        course.search_impacts = forward(title, body)
    return changed


@event.listens_for(Session, "before_flush")
def _index_courses(session: Session, _context, _instances) -> None:
    counts: Counter = session.info.setdefault("search_terms", Counter())
    changed: dict = session.info.setdefault("search_postings", {})
    written, deleted = [*session.new, *session.dirty], session.deleted  # each a set made anew
    courses = [o for o in written if isinstance(o, Course)]
    places = [o for o in [*written, *deleted] if isinstance(o, CourseLocation)]
    added: dict[str, list[CourseLocation]] = {}  # places new or moved here, by course id
    for place in places:
        if place.course_id and place not in deleted:
            added.setdefault(place.course_id, []).append(place)
    for obj in [*courses, *_placed(session, places, {c.id for c in courses})]:
        changed[obj.id] = obj  # its filter columns may have changed, so always rewrite
        now = [p for p in obj.locations if p not in deleted and p.course_id in (None, obj.id)]
        now += [p for p in added.get(obj.id, []) if p not in now]
        obj.regions = regions.mask(now)
        if fill(obj):
            counts.update(count_terms(obj.search_title, obj.search_body))


def _placed(session: Session, places: list[CourseLocation], known: set[str]) -> list[Course]:
    """Courses (not in `known`) whose places were added, moved or deleted on their own."""
    found: dict[str, Course | None] = {}
    for place in places:
        course = place.course  # set for a new place added to a course; else by identity
        if course is not None and course.id not in known:
            found[course.id] = course
        moved_from = inspect(place).attrs.course_id.history.deleted or ()
        for course_id in [place.course_id, *moved_from]:
            if course_id and course_id not in known and course_id not in found:
                found[course_id] = session.get(Course, course_id)
    return [c for c in found.values() if c is not None and c not in session.deleted]


@event.listens_for(Session, "after_flush")
def _store_terms(session: Session, _context) -> None:
    counts = session.info.pop("search_terms", None)
    if counts:
        add_terms(session.connection(), counts)
    changed = session.info.pop("search_postings", None)
    if changed:
        connection = session.connection()
        ids = sorted(changed)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            connection.execute(delete(SearchPosting).where(SearchPosting.course_id.in_(chunk)))
        add_postings(connection, [r for i in ids for r in rows_for(changed[i])])


def add_postings(connection: Connection, rows: list[dict], batch: int = 5000) -> None:
    """Insert postings rows (`postings.rows_for`); the course's old rows must be gone."""
    for start in range(0, len(rows), batch):
        connection.execute(insert(SearchPosting.__table__), rows[start : start + batch])


def rebuild_postings(session: Session, batch: int = 2000) -> int:
    """Write every course's postings again from its stored fields; returns the rows written."""
    session.execute(delete(SearchPosting))
    columns = [getattr(Course, n) for n in ("id", "search_title", "search_body")] + [
        Course.nlqf_rank,
        Course.price,
        Course.sector,
        Course.online,
        Course.regions,
    ]
    written, last = 0, ""
    while True:
        courses = session.execute(
            select(*columns).where(Course.id > last).order_by(Course.id).limit(batch)
        ).all()
        if not courses:
            return written
        rows = [r for c in courses for r in rows_for(dict(c._mapping))]
        add_postings(session.connection(), rows)
        written += len(rows)
        last = courses[-1].id


def add_terms(connection: Connection, counts: Counter, batch: int = 2000) -> None:
    """Add document counts to the term dictionary (insert or increment)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    table = SearchTerm.__table__
    items = sorted(counts.items())  # a fixed order keeps concurrent writers from deadlocking
    for start in range(0, len(items), batch):
        rows = [{"term": t[:80], "docs": n} for t, n in items[start : start + batch]]
        stmt = dialect.insert(table).values(rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=[table.c.term], set_={"docs": table.c.docs + stmt.excluded.docs}
        )
        connection.execute(stmt)
    if items:
        _new_terms_version(connection)


def _new_terms_version(connection: Connection) -> None:
    """Mark the term dictionary changed: processes that keep it read it again."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    meta = Meta.__table__
    stmt = dialect.insert(meta).values(key=TERMS_VERSION_KEY, value=uuid.uuid4().hex)
    connection.execute(
        stmt.on_conflict_do_update(index_elements=[meta.c.key], set_={"value": stmt.excluded.value})
    )


def terms_version(session: Session) -> str | None:
    return session.execute(select(Meta.value).where(Meta.key == TERMS_VERSION_KEY)).scalar()


def rebuild_terms(session: Session, batch: int = 5000) -> int:
    """Recount the term dictionary from the stored documents; returns the number of terms."""
    counts: Counter = Counter()
    last = ""
    while True:
        rows = session.execute(
            select(Course.id, Course.search_title, Course.search_body)
            .where(Course.id > last)
            .order_by(Course.id)
            .limit(batch)
        ).all()
        if not rows:
            break
        for _id, title, body in rows:
            counts.update(count_terms(title or "", body or ""))
        last = rows[-1][0]
    session.execute(delete(SearchTerm))
    add_terms(session.connection(), counts)
    _new_terms_version(session.connection())
    return len(counts)


def reindex(session: Session, progress: Callable[[int, int], None] | None = None) -> int:
    """Re-analyse every course (after an analyzer change); returns how many changed."""
    total = session.execute(select(func.count()).select_from(Course)).scalar_one()
    changed, done, last = 0, 0, ""
    while True:
        courses = (
            session.execute(select(Course).where(Course.id > last).order_by(Course.id).limit(500))
            .scalars()
            .all()
        )
        if not courses:
            break
        for course in courses:
            changed += fill(course)
        session.flush()
        session.expunge_all()
        done += len(courses)
        last = courses[-1].id
        if progress:
            progress(done, total)
    session.info.pop("search_terms", None)
    session.info.pop("search_postings", None)
    rebuild_terms(session)
    rebuild_postings(session)
    meta = session.get(Meta, META_KEY) or Meta(key=META_KEY, value="")
    meta.value = ANALYZER_VERSION
    session.merge(meta)
    return changed


def index_is_current(session: Session) -> bool:
    stored = session.execute(select(Meta.value).where(Meta.key == META_KEY)).scalar()
    return stored == ANALYZER_VERSION


def vocabulary(session: Session) -> dict[str, int]:
    return dict(session.execute(select(SearchTerm.term, SearchTerm.docs)).all())
