"""The catalog facade the actions, the web app and the CLI use: one object per process."""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from bot.catalog import eligibility, importers, index, loader
from bot.catalog.duo import update as duo_update
from bot.catalog.models import NLQF_LEVELS, CatalogSource, Course, CourseLocation, Scheme
from bot.catalog.profile import Profile
from bot.catalog.search import (
    CourseFilters,
    SearchResult,
    Vocabulary,
    read_only,
    search_courses,
)
from bot.db import Database, session_scope
from bot.settings import Settings

SCHEMES_TTL_S = 60.0


class Catalog:
    """Courses and schemes in the application database."""

    def __init__(self, database: Database):
        self.database = database
        self.settings: Settings = database.settings
        self.engine = database.engine
        self.sessions = database.sessions
        self.vocabulary = Vocabulary()
        self._schemes: tuple[float, list[Scheme]] | None = None
        self._sources: tuple[float, frozenset[str]] | None = None

    @classmethod
    def open(cls, settings: Settings, url: str | None = None) -> Catalog:
        """A catalog on a database of its own (the CLI, tests, benchmarks)."""
        return cls(Database(settings, url))

    def close(self) -> None:
        self.database.close()

    # -- schema and seed ---------------------------------------------------------------------

    def migrate(self) -> None:
        """Migrate the whole database, then re-analyse the courses if the analyzer changed."""
        self.database.migrate()
        with session_scope(self.sessions) as session:
            if not index.index_is_current(session):
                index.reindex(session)

    def load_seed(self) -> dict[str, int]:
        self._schemes = None
        self.vocabulary.clear()
        with session_scope(self.sessions) as session:
            return loader.load_seed(session)

    def seed_is_current(self) -> bool:
        with session_scope(self.sessions) as session:
            return loader.loaded_fingerprint(session) == loader.seed_fingerprint()

    def import_file(
        self, path: Path | str, fmt: str | None = None, **options: Any
    ) -> importers.ImportReport:
        """Import an OOAPI or CSV file in one transaction; see `importers.import_file`."""
        self.vocabulary.clear()
        with session_scope(self.sessions) as session:
            return importers.import_file(session, Path(path), fmt, **options)

    def update_source(
        self,
        source_id: str,
        directory: Path | None = None,
        downloaded: dt.date | None = None,
        show_progress: bool = False,
    ) -> duo_update.SourceReport:
        """Import one DUO source from a folder, or else download it first (CKAN), in one
        transaction: a failed or cut-off file raises CatalogImportError and changes nothing."""
        self.vocabulary.clear()
        if directory is None:
            directory = self.settings.var_dir / "duo" / dt.date.today().isoformat()
            paths, origin = duo_update.fetch(
                source_id,
                directory,
                self.settings.catalog_ckan_url,
                max(self.settings.http_timeout_s, 30.0),
                show_progress,
            )
            with session_scope(self.sessions) as session:
                return duo_update.import_source(
                    session, source_id, paths, downloaded or dt.date.today(),
                    show_progress=show_progress, origin=origin,
                )  # fmt: skip
        with session_scope(self.sessions) as session:
            return duo_update.import_directory(
                session, source_id, directory, downloaded, show_progress=show_progress
            )

    def loaded_sources(self) -> frozenset[str]:
        """The ids of the DUO sources in the catalog; read again at most once a minute."""
        now = time.monotonic()
        if self._sources is None or now - self._sources[0] > SCHEMES_TTL_S:
            with session_scope(self.sessions) as session:
                ids = frozenset(session.execute(select(CatalogSource.id)).scalars())
            self._sources = (now, ids)
        return self._sources[1]

    def sources(self, today: dt.date | None = None) -> list[dict[str, Any]]:
        """Per DUO source: rows, download date, and the share of courses with a place, a
        website and a next start date."""
        today = today or dt.date.today()
        with session_scope(self.sessions) as session:
            rows = list(session.execute(select(CatalogSource).order_by(CatalogSource.id)).scalars())
            found = []
            for source in rows:
                found.append(
                    {
                        "source": source.id,
                        "label": source.label,
                        "rows": source.rows,
                        "courses": source.courses,
                        "downloaded": source.downloaded.isoformat(),
                        "age_days": (today - source.downloaded).days,
                        "origin": source.origin,
                        **_shares(session, source.id, today),
                    }
                )
        return found

    def stats(self) -> dict[str, Any]:
        with session_scope(self.sessions) as session:
            courses = session.execute(select(func.count()).select_from(Course)).scalar_one()
            by_sector = dict(
                session.execute(select(Course.sector, func.count()).group_by(Course.sector)).all()
            )
            by_nlqf = dict(
                session.execute(select(Course.nlqf, func.count()).group_by(Course.nlqf)).all()
            )
            by_mode = Counter(
                mode
                for modes in session.execute(select(Course.modes_of_delivery)).scalars()
                for mode in modes or []
            )
            by_status = dict(
                session.execute(select(Scheme.status, func.count()).group_by(Scheme.status)).all()
            )
        nlqf_order = {level: i for i, level in enumerate(NLQF_LEVELS)}
        return {
            "courses": courses,
            "courses_by_sector": dict(sorted(by_sector.items())),
            "courses_by_nlqf": {
                (level or "none"): by_nlqf[level]
                for level in sorted(by_nlqf, key=lambda v: nlqf_order.get(v, len(nlqf_order)))
            },
            "courses_by_mode": dict(sorted(by_mode.items())),
            "sources": self.sources(),
            "schemes": sum(by_status.values()),
            "schemes_by_status": dict(sorted(by_status.items())),
        }

    # -- queries -------------------------------------------------------------------------------

    def search(
        self,
        profile: Profile,
        topic: str | None = None,
        offset: int = 0,
        limit: int = 3,
        filters: CourseFilters | None = None,
        today: dt.date | None = None,
    ) -> SearchResult:
        """Courses for the person, ranked with the schemes they may use in mind."""
        today = today or dt.date.today()
        funding = eligibility.funding_by_sector(self.match_schemes(profile, today))
        with session_scope(self.sessions) as session:
            read_only(session)
            return search_courses(
                session,
                profile,
                topic,
                offset,
                limit,
                filters=filters,
                funding=funding,
                vocabulary=self.vocabulary.get(session) if topic else None,
                today=today,
            )

    def courses(self, course_ids: list[str] | tuple[str, ...]) -> list[Course]:
        """The courses with these ids, in the same order; ids no longer in the catalog are left out."""
        if not course_ids:
            return []
        with session_scope(self.sessions) as session:
            found = {
                c.id: c
                for c in session.execute(
                    select(Course)
                    .where(Course.id.in_(list(course_ids)))
                    .options(selectinload(Course.locations))
                ).scalars()
            }
        return [found[i] for i in course_ids if i in found]

    def schemes(self) -> list[Scheme]:
        """All schemes; read again at most once a minute (they change with a seed load)."""
        now = time.monotonic()
        if self._schemes is None or now - self._schemes[0] > SCHEMES_TTL_S:
            with session_scope(self.sessions) as session:
                schemes = list(session.execute(select(Scheme).order_by(Scheme.id)).scalars())
            self._schemes = (now, schemes)
        return list(self._schemes[1])

    def scheme(self, scheme_id: str) -> Scheme | None:
        with session_scope(self.sessions) as session:
            return session.get(Scheme, scheme_id)

    def match_schemes(
        self, profile: Profile, today: dt.date | None = None
    ) -> list[tuple[Scheme, eligibility.Verdict]]:
        today = today or dt.date.today()
        schemes = {s.id: s for s in self.schemes()}
        verdicts = eligibility.match(profile, list(schemes.values()), today)
        return [(schemes[v.scheme_id], v) for v in verdicts]

    def why_not(
        self, profile: Profile, asked: tuple[str, ...] = (), today: dt.date | None = None
    ) -> tuple[eligibility.WhyNotAnswer, dict[str, Scheme]]:
        """Why schemes are `nee` or `misschien` for this person, with the records to name them."""
        today = today or dt.date.today()
        schemes = {s.id: s for s in self.schemes()}
        answer = eligibility.why_not(profile, list(schemes.values()), today, asked)
        return answer, schemes


def _shares(session, source_id: str, today: dt.date) -> dict[str, float]:
    """Shares (0..1) of a source's courses with a place, a website and a start date ahead."""
    of_source = Course.catalog_source == source_id
    total = session.execute(select(func.count()).where(of_source)).scalar_one()
    if not total:
        return {"with_place": 0.0, "with_website": 0.0, "with_next_start": 0.0}
    placed = session.execute(
        select(func.count(func.distinct(CourseLocation.course_id)))
        .join(Course, Course.id == CourseLocation.course_id)
        .where(of_source)
    ).scalar_one()
    linked = session.execute(
        select(func.count()).where(of_source, Course.url.is_not(None))
    ).scalar_one()
    ahead = today.isoformat()
    starting = sum(
        1
        for dates in session.execute(select(Course.start_dates).where(of_source)).scalars()
        if any(str(d) >= ahead for d in dates or [])
    )
    return {
        "with_place": round(placed / total, 3),
        "with_website": round(linked / total, 3),
        "with_next_start": round(starting / total, 3),
    }
