"""Importers for course catalogs from outside: OOAPI v5 JSON and CSV.

`import_file` reads a whole file, checks every record, and writes in the caller's transaction:
all records, or (with `skip_invalid`) the good ones, or nothing when any record is bad.
Re-importing a file updates the courses it made before (stable ids `ooapi:<id>` and `csv:<id>`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from bot.catalog.importers import csvfile, ooapi
from bot.catalog.importers.common import (
    Context,
    ImportReport,
    Issue,
    Places,
    text_limit,
    write_courses,
)
from bot.errors import CatalogImportError, InvalidValue

FORMATS = ("ooapi", "csv")
PARSERS = {"ooapi": ooapi.parse, "csv": csvfile.parse}

__all__ = ["FORMATS", "ImportReport", "Issue", "detect_format", "import_file"]


def detect_format(path: Path) -> str:
    """'ooapi' or 'csv', by the file's extension, else by its first character."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "ooapi"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    with path.open("rb") as handle:
        start = handle.read(4096).decode("utf-8-sig", errors="replace").lstrip()
    return "ooapi" if start[:1] in ("{", "[") else "csv"


def import_file(
    session: Session,
    path: Path,
    fmt: str | None = None,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    source: str | None = None,
    provider: str | None = None,
    show_progress: bool = False,
    today: dt.date | None = None,
) -> ImportReport:
    """Read, check and (unless refused or a dry run) write one catalog file.

    Raises CatalogImportError when the file as a whole cannot be read (missing, not UTF-8,
    not JSON, a CSV header without the needed columns); errors in records are in the report.
    """
    path = Path(path)
    if not path.is_file():
        raise CatalogImportError(f"{path}: bestand niet gevonden.")
    fmt = fmt or detect_format(path)
    if fmt not in PARSERS:
        raise CatalogImportError(f"onbekend formaat '{fmt}'. Kies uit: {', '.join(FORMATS)}.")
    label = {"ooapi": "OOAPI", "csv": "CSV"}[fmt]
    try:
        source = text_limit((source or f"{label}-import: {path.name}").strip(), "source", "bron")
        provider = text_limit(provider.strip(), "provider", "aanbieder") if provider else None
    except InvalidValue as exc:
        raise CatalogImportError(str(exc)) from None
    ctx = Context(
        source=source,
        provider=provider,
        places=Places(),
        today=today or dt.date.today(),
        show_progress=show_progress,
    )
    parsed = PARSERS[fmt](path, ctx)
    report = ImportReport(
        format=fmt,
        total=parsed.total,
        invalid=parsed.invalid,
        issues=parsed.issues,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )
    if parsed.issues and not skip_invalid:
        return report
    report.created, report.updated = write_courses(session, parsed.records, show_progress)
    if dry_run:
        session.rollback()
    else:
        report.written = True
    return report
