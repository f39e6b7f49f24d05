"""Builds the shipped HO snapshot: data/catalog/duo_ho.csv.gz and its note duo_ho.yml.

    python -m bot.catalog.duo.snapshot PATH/ho_opleidingsoverzicht.csv[.gz] --downloaded 2026-08-04

Keeps DUO's own column names and only the columns the importer reads (files.HO_COLUMNS), and
only offerings (rows with an AANGEBODEN_OPLEIDINGCODE) that have not ended on the build day,
so `overstap setup` loads it with the same importer as `overstap catalog update`. The gzip
stream has no timestamp: the same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import hashlib
import io
from pathlib import Path

import yaml

from bot.catalog.duo import common, files
from bot.settings import PROJECT_ROOT

SNAPSHOT = PROJECT_ROOT / "data" / "catalog" / "duo_ho.csv.gz"
NOTE = PROJECT_ROOT / "data" / "catalog" / "duo_ho.yml"


def build(
    source: Path, downloaded: dt.date, today: dt.date, out: Path = SNAPSHOT, note_path: Path = NOTE
) -> dict:
    kept, total = [], 0
    for row in files.read_rows(source, files.HO_COLUMNS):
        total += 1
        if not row["AANGEBODEN_OPLEIDINGCODE"]:
            continue
        if common.ended(row["AANGEBODEN_OPLEIDING_EINDDATUM"], today):
            continue
        kept.append([row[c] for c in files.HO_COLUMNS])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(files.HO_COLUMNS)
    writer.writerows(kept)
    data = gzip.compress(buffer.getvalue().encode("utf-8"), compresslevel=9, mtime=0)
    out.write_bytes(data)
    note = {
        "source": common.ATTRIBUTION_SOURCE,
        "dataset": "HO Opleidingsoverzicht (ho_opleidingsoverzicht.csv)",
        "portal": files.CKAN_URL,
        "license": "CC0 1.0",
        "downloaded": downloaded.isoformat(),
        "built": today.isoformat(),
        "input_rows": total,
        "rows": len(kept),
        "columns": list(files.HO_COLUMNS),
        "input_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "bytes": len(data),
        "made_by": "python -m bot.catalog.duo.snapshot",
    }
    note_path.write_text(
        "# Provenance of duo_ho.csv.gz (written by bot/catalog/duo/snapshot.py; do not edit).\n"
        + yaml.safe_dump(note, sort_keys=False, allow_unicode=True),
        encoding="utf-8",
    )
    return note


def read_note(path: Path = NOTE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Maak data/catalog/duo_ho.csv.gz uit DUO's HO-bestand."
    )
    parser.add_argument("source", type=Path, help="ho_opleidingsoverzicht.csv of .csv.gz van DUO")
    parser.add_argument("--downloaded", required=True, help="dag van de download (JJJJ-MM-DD)")
    parser.add_argument("--today", help="bouwdag (JJJJ-MM-DD); standaard vandaag")
    args = parser.parse_args(argv)
    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    note = build(args.source, dt.date.fromisoformat(args.downloaded), today)
    print(
        f"{SNAPSHOT.relative_to(PROJECT_ROOT)}: {note['rows']} van {note['input_rows']} rijen, {note['bytes']} bytes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
