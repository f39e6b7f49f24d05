"""Imports one DUO source (HO, mbo or short courses) into the catalog in one transaction.

All files of the source are read and checked first; only then are the source's old courses
deleted and the new ones written, in the caller's transaction. A missing, cut-off or changed
file raises CatalogImportError (one Dutch line) before anything is written, and any error while
writing rolls the whole source back: the catalog keeps what it had.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.catalog import index
from bot.catalog.duo import files, ho, mbo, nfo
from bot.catalog.importers.common import BATCH, CourseData, Places, progress
from bot.catalog.models import CatalogSource, Course, CourseLocation
from bot.catalog.postings import SearchPosting
from bot.errors import CatalogImportError


@dataclass
class SourceReport:
    source: str
    label: str
    rows: int  # offering rows read
    courses: int  # courses written
    downloaded: dt.date
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"{self.label}: {self.courses} opleidingen uit {self.rows} rijen "
            f"(download {self.downloaded.isoformat()}, {self.seconds:.1f} s)."
        )


def source_paths(source: files.Source, directory: Path) -> dict[str, Path]:
    """The source's files in a folder by key; a missing required file is an error."""
    found: dict[str, Path] = {}
    for duo_file in source.files:
        path = files.find_file(directory, duo_file.name)
        if path is not None:
            found[duo_file.key] = path
        elif duo_file.required:
            raise CatalogImportError(
                f"{duo_file.name} staat niet in {directory}. Er is niets veranderd."
            )
    return found


def read(source: files.Source, paths: dict[str, Path], key: str) -> list[dict[str, str]]:
    if key not in paths:
        return []
    return list(files.read_rows(paths[key], source.file(key).columns))


def parse(
    source: files.Source, paths: dict[str, Path], today: dt.date, downloaded: dt.date
) -> tuple[list[CourseData], int]:
    """Every course of the source, and the number of offering rows read."""
    places = Places()
    if source.id == "duo-ho":
        courses, stats = ho.parse(
            read(source, paths, "offerings"),
            places,
            today,
            downloaded,
            read(source, paths, "schools"),
        )
        return courses, stats.offered
    tables = {f.key: read(source, paths, f.key) for f in source.files}
    parser = mbo.parse if source.id == "duo-mbo" else nfo.parse
    return parser(tables, places, today, downloaded)


def write(
    session: Session,
    source: files.Source,
    courses: list[CourseData],
    show_progress: bool = False,
) -> None:
    """Replace the source's courses with these, in the caller's transaction."""
    old = select(Course.id).where(Course.catalog_source == source.id)
    session.execute(
        delete(CourseLocation).where(CourseLocation.course_id.in_(old)),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        delete(SearchPosting).where(SearchPosting.course_id.in_(old)),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        delete(Course).where(Course.catalog_source == source.id),
        execution_options={"synchronize_session": False},
    )
    seen: set[str] = set()
    with session.no_autoflush:
        for i, record in enumerate(
            progress(courses, len(courses), f"Opslaan {source.id}", show_progress), 1
        ):
            if record.id in seen:
                continue
            seen.add(record.id)
            session.add(record.to_course())
            if i % BATCH == 0:
                session.flush()
                session.expunge_all()
    session.flush()
    session.expunge_all()
    session.info.pop("search_terms", None)
    index.rebuild_terms(session)


def record_source(
    session: Session, source: files.Source, report: SourceReport, origin: str
) -> None:
    session.merge(
        CatalogSource(
            id=source.id,
            label=source.label,
            downloaded=report.downloaded,
            imported_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
            rows=report.rows,
            courses=report.courses,
            origin=origin[:500],
        )
    )


def import_source(
    session: Session,
    source_id: str,
    paths: dict[str, Path],
    downloaded: dt.date,
    today: dt.date | None = None,
    show_progress: bool = False,
    origin: str = "",
) -> SourceReport:
    source = files.SOURCES[source_id]
    started = time.monotonic()
    courses, rows = parse(source, paths, today or dt.date.today(), downloaded)
    if not courses:
        raise CatalogImportError(
            f"{source.label}: geen enkele opleiding gevonden in de bestanden. Er is niets veranderd."
        )
    write(session, source, courses, show_progress)
    report = SourceReport(source.id, source.label, rows, len({c.id for c in courses}), downloaded)
    record_source(session, source, report, origin or ", ".join(p.name for p in paths.values()))
    report.seconds = time.monotonic() - started
    return report


def import_directory(
    session: Session,
    source_id: str,
    directory: Path,
    downloaded: dt.date | None = None,
    today: dt.date | None = None,
    show_progress: bool = False,
) -> SourceReport:
    """Import a source from a folder with DUO's file names (or the same names + .gz)."""
    source = files.SOURCES[source_id]
    paths = source_paths(source, directory)
    if downloaded is None:
        newest = max(p.stat().st_mtime for p in paths.values())
        downloaded = dt.date.fromtimestamp(newest)
    return import_source(session, source_id, paths, downloaded, today, show_progress)


def fetch(
    source_id: str,
    directory: Path,
    base_url: str,
    timeout: float,
    show_progress: bool = False,
) -> tuple[dict[str, Path], str]:
    """Download a source's files from DUO into `directory`: (paths by key, their URLs)."""
    import requests

    from bot.catalog.duo import ckan

    source = files.SOURCES[source_id]
    directory.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    urls = []
    with requests.Session() as http:
        for duo_file in source.files:
            try:
                url = ckan.resource_url(http, base_url, duo_file, timeout)
            except CatalogImportError:
                if duo_file.required:
                    raise
                continue
            paths[duo_file.key] = ckan.download(
                http, url, directory / duo_file.name, timeout, show_progress
            )
            urls.append(url)
    return paths, " ".join(urls)
