"""The catalog's tables: courses (OOAPI v5 shaped) with their places, schemes, search terms.

Also the catalog's vocabularies: the NLQF levels in order and the modes of delivery that can be
followed from home.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import relationship

from bot.db import Base

# The levels of the Dutch qualifications framework (NLQF), lowest first: '4+' sits between 4
# and 5. A person may have level 0 (no finished schooling); a course is at least level 1.
NLQF_LEVELS = ("0", "1", "2", "3", "4", "4+", "5", "6", "7", "8")
COURSE_NLQF_LEVELS = NLQF_LEVELS[1:]
# OOAPI modes of delivery that can be followed from home.
ONLINE_MODES = frozenset({"online", "distance-learning"})


def nlqf_rank(level: str | None) -> int | None:
    """Orderable number for an NLQF level: '4+' sits between 4 and 5."""
    if level is None:
        return None
    level = str(level)
    return NLQF_LEVELS.index(level) if level in NLQF_LEVELS else None


class Course(Base):
    """A course or programme with its offering facts, following OOAPI v5 field names loosely."""

    __tablename__ = "courses"

    id = Column(String(120), primary_key=True)
    title = Column(String(300), nullable=False)
    description = Column(Text, nullable=False, default="")
    provider = Column(String(200), nullable=False)
    primary_code = Column(String(40))  # crebo or CROHO code (OOAPI primaryCode)
    level = Column(String(60), nullable=False, default="undefined")  # OOAPI level enum
    nlqf = Column(String(3))  # OOAPI levelOfQualification: "1".."8", "4+"
    nlqf_rank = Column(Integer, index=True)
    sector = Column(String(40), nullable=False, index=True)
    category = Column(String(60))  # RIO consumer category
    modes_of_delivery = Column(JSON, nullable=False, default=list)
    mode_of_study = Column(String(30))
    duration = Column(String(20))  # ISO 8601 duration, OOAPI duration
    study_load = Column(JSON)
    price = Column(Float, index=True)  # total cost in euro (OOAPI Cost, "total costs")
    start_dates = Column(JSON, nullable=False, default=list)
    url = Column(String(500))
    keywords = Column(JSON, nullable=False, default=list)
    source = Column(String(300), nullable=False)
    updated = Column(Date)
    online = Column(Integer, nullable=False, default=0)  # 1 when it can be followed from home
    # Its places as a bit mask of provinces and grid cells (bot.catalog.regions), kept in step
    # with `locations` by bot.catalog.index: the search's region filter without a look-up.
    regions = Column(BigInteger, nullable=False, default=0)
    # Analysed text for search (bot.catalog.textsearch), filled on every flush. SQLite indexes
    # them with FTS5 (courses_fts), PostgreSQL with a generated tsvector column and a GIN index.
    search_title = Column(Text, nullable=False, default="")
    search_body = Column(Text, nullable=False, default="")
    # Every term of the two fields with its weight there, as " term:impact term:impact " with
    # the impact in units of 1e-5 (bot.catalog.postings.forward): a search scores a course it
    # reads anyway from this instead of looking up each word in `search_postings`.
    search_impacts = Column(Text, nullable=False, default="")
    # Where the record comes from ('duo-ho', 'duo-mbo', 'duo-nfo'; empty for file imports), the
    # forms it is offered in ('voltijd', 'deeltijd', 'duaal', 'bol', 'bbl', 'online', ...), the
    # RIO codes of its offerings (AANGEBODEN_OPLEIDINGCODE), and how sure the link and the
    # places are: 'opleiding' (the register's own), 'school' (the school's other rows), or NULL
    # when the register gives none.
    catalog_source = Column(String(20), index=True)
    forms = Column(JSON, nullable=False, default=list)
    rio_codes = Column(JSON, nullable=False, default=list)
    url_kind = Column(String(20))
    place_kind = Column(String(20))

    locations = relationship(
        "CourseLocation",
        back_populates="course",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="CourseLocation.id",  # as stored: not in the order of an index that covers them
    )


class CourseLocation(Base):
    __tablename__ = "course_locations"

    id = Column(Integer, primary_key=True, autoincrement=True)
    course_id = Column(String(120), ForeignKey("courses.id", ondelete="CASCADE"), nullable=False)
    place = Column(String(120), nullable=False)
    province = Column(String(40), nullable=False, index=True)
    lat = Column(Float)
    lon = Column(Float)

    course = relationship("Course", back_populates="locations")

    __table_args__ = (
        # Covers what a search reads of a course's places (SQLite's rowid is `id`): no look-up
        # of the row itself for the distance filter and for the results' places.
        Index(
            "ix_course_locations_course", "course_id", "province", "lat", "lon", "place",
            postgresql_include=["id"],
        ),
        Index("ix_course_locations_lat", "lat", "lon"),
    )  # fmt: skip


class Scheme(Base):
    """A scheme or budget that pays for learning, with status, validity and its sources."""

    __tablename__ = "schemes"

    id = Column(String(60), primary_key=True)
    name = Column(String(200), nullable=False)
    aliases = Column(JSON, nullable=False, default=list)
    runner = Column(String(200), nullable=False)
    type = Column(String(30), nullable=False)  # subsidie, lening, advies, fonds, fiscaal, ...
    applicant = Column(String(20), nullable=False)  # persoon, werkgever
    status = Column(String(20), nullable=False)  # actief, beeindigd, onzeker
    valid_from = Column(Date)
    valid_until = Column(Date)  # first day it no longer applies
    conditions = Column(JSON, nullable=False, default=dict)
    amount = Column(Text)
    how_to_apply = Column(Text)
    explanation_b1 = Column(Text, nullable=False)
    uncertain = Column(Text)
    replaced_by = Column(JSON, nullable=False, default=list)
    ended_note = Column(Text)
    sources = Column(JSON, nullable=False, default=list)
    last_verified = Column(Date, nullable=False)
    confidence = Column(String(20))

    def is_ended(self, today: dt.date) -> bool:
        """Ended by status or by date, whatever the status field says."""
        if self.status == "beeindigd":
            return True
        return self.valid_until is not None and self.valid_until <= today


class SearchTerm(Base):
    """Every index term with the number of courses that had it: the typo-tolerance dictionary."""

    __tablename__ = "search_terms"

    term = Column(String(80), primary_key=True)
    docs = Column(Integer, nullable=False, default=0)


class CatalogSource(Base):
    """One source of courses (a DUO file set): when it was downloaded and imported."""

    __tablename__ = "catalog_sources"

    id = Column(String(20), primary_key=True)  # 'duo-ho', 'duo-mbo', 'duo-nfo'
    label = Column(String(200), nullable=False)
    downloaded = Column(Date, nullable=False)  # the day DUO's file was fetched
    imported_at = Column(DateTime, nullable=False)
    rows = Column(Integer, nullable=False, default=0)  # offering rows read from the files
    courses = Column(Integer, nullable=False, default=0)  # courses made from them
    origin = Column(String(500), nullable=False, default="")  # file names or download URLs
