"""Import time per DUO source: the shipped HO snapshot, and mbo and short-course (NFO) files of
DUO's real size made here at run time (generated, never served: a temporary SQLite database).

Usage (from the repository root; nice, the machine is shared):
    nice -n 10 .venv/bin/python bench/catalog_import.py [--mbo 15482] [--nfo 120802] [--cohorts 3]
Writes bench/results/catalog_import-<date>.json and .md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.catalog.duo import files  # noqa: E402
from bot.catalog.store import Catalog  # noqa: E402
from bot.settings import Settings  # noqa: E402

PLACES = [("Utrecht", "3511AB"), ("Amsterdam", "1012AB"), ("Zwolle", "8011AB"),
          ("Eindhoven", "5611AA"), ("Groningen", "9711AA"), ("Rotterdam", "3011AA")]  # fmt: skip
WORDS = ["zorg", "techniek", "logistiek", "verkoop", "ict", "bouw", "horeca", "administratie",
         "welzijn", "onderwijs", "beveiliging", "installatie", "metaal", "groen"]  # fmt: skip
FORMS = ["KLASSIKAAL", "ONLINE", "KLASSIKAAL_EN_ONLINE"]


def write(path: Path, columns: tuple[str, ...], rows) -> int:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path.stat().st_size


def mbo_rows(n: int, rng: random.Random):
    for i in range(n):
        place, postcode = PLACES[i % len(PLACES)]
        word = WORDS[i % len(WORDS)]
        yield {"OPLEIDINGSEENHEIDCODE": f"M{i // 4}", "OPLEIDINGSEENHEID_NIVEAU": f"MBO-{1 + i % 4}",
               "OPLEIDINGSEENHEID_NAAM": f"Medewerker {word} {i // 40}", "STUDIELASTEENHEID": "SBU",
               "ERKENDEOPLEIDINGSCODE": str(20000 + i // 40), "DOMEIN": word,
               "ONDERWIJSAANBIEDERID": f"S{i % 359}", "NAAM": f"School {i % 359}", "POSTCODE": postcode,
               "PLAATSNAAM": place, "AANGEBODEN_OPLEIDINGCODE": f"m-{i}",
               "LEERTRAJECT": rng.choice(["BOL", "BBL"]), "WEBSITE": f"https://school{i % 359}.example/"}  # fmt: skip


def cohort_rows(prefix: str, n: int, per: int, start_col: str):
    for i in range(n):
        for k in range(per):
            yield {"AANGEBODEN_OPLEIDINGCODE": f"{prefix}-{i}",
                   start_col: (dt.date(2027, 1, 1) + dt.timedelta(days=30 * k)).isoformat(),
                   "OPLEIDINGSVORM": FORMS[(i + k) % 3]}  # fmt: skip


def nfo_rows(n: int):
    for i in range(n):
        word = WORDS[i % len(WORDS)]
        yield {"AANGEBODEN_OPLEIDINGCODE": f"n-{i}", "OPLEIDINGSEENHEIDCODE": f"N{i // 3}",
               "ONDERWIJSAANBIEDERID": f"A{i % 4000}", "ONDERWIJSLOCATIECODE": f"L{i % 500}",
               "EIGENNAAM": f"Cursus {word} {i // 30}", "AFWIJKENDE_OPLEIDINGSDUUROMVANG": "16",
               "AFWIJKENDE_OPLEIDINGSDUUREENHEID": "U", "WEBSITE": f"https://a{i % 4000}.example/",
               "OMSCHRIJVING": f"Een korte cursus over {word} voor volwassenen."}  # fmt: skip


def make_files(directory: Path, args) -> dict[str, int]:
    rng = random.Random(1)
    sizes = {}
    sizes["mbo_opleidingsaanbod.csv"] = write(
        directory / "mbo_opleidingsaanbod.csv", files.MBO_COLUMNS, mbo_rows(args.mbo, rng)
    )
    sizes["mbo_opleidingsaanbod_cohorten.csv"] = write(
        directory / "mbo_opleidingsaanbod_cohorten.csv",
        files.MBO_COHORT_COLUMNS,
        cohort_rows("m", args.mbo, 2, "BEGIN_INSTROOMPERIODE"),
    )
    sizes["aangeboden_nfo_opleidingen.csv"] = write(
        directory / "aangeboden_nfo_opleidingen.csv", files.NFO_COLUMNS, nfo_rows(args.nfo)
    )
    sizes["aangeboden_nfo_opleiding_cohorten.csv"] = write(
        directory / "aangeboden_nfo_opleiding_cohorten.csv",
        ("AANGEBODEN_OPLEIDINGCODE", "BEGIN_INSTROOMPERIODE", "OPLEIDINGSVORM"),
        cohort_rows("n", args.nfo, args.cohorts, "BEGIN_INSTROOMPERIODE"),
    )
    sizes["onderwijsaanbieders.csv"] = write(
        directory / "onderwijsaanbieders.csv",
        ("ONDERWIJSAANBIEDERID", "NAAM"),
        ({"ONDERWIJSAANBIEDERID": f"A{i}", "NAAM": f"Opleider {i}"} for i in range(4000)),
    )
    sizes["onderwijslocaties.csv"] = write(
        directory / "onderwijslocaties.csv",
        ("ONDERWIJSLOCATIECODE", "POSTCODE", "PLAATSNAAM"),
        (
            {
                "ONDERWIJSLOCATIECODE": f"L{i}",
                "POSTCODE": PLACES[i % 6][1],
                "PLAATSNAAM": PLACES[i % 6][0],
            }
            for i in range(500)
        ),
    )
    return sizes  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mbo", type=int, default=15482, help="mbo offering rows (DUO: 15,482)")
    parser.add_argument("--nfo", type=int, default=120802, help="NFO offering rows (DUO: 120,802)")
    parser.add_argument("--cohorts", type=int, default=3, help="cohorts per NFO offering")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "duo"
        folder.mkdir()
        sizes = make_files(folder, args)
        settings = Settings.from_env(
            {"OVERSTAP_VAR_DIR": tmp, "OVERSTAP_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
        )
        catalog = Catalog.open(settings)
        catalog.migrate()
        started = time.monotonic()
        seed = catalog.load_seed()
        results.append(
            {
                "source": "duo-ho (data/catalog/duo_ho.csv.gz, real)",
                "rows": 5333,
                "courses": seed["courses"],
                "seconds": round(time.monotonic() - started, 1),
            }
        )
        for source in ("duo-mbo", "duo-nfo"):
            report = catalog.update_source(source, folder, dt.date.today())
            results.append(
                {
                    "source": f"{source} (generated, DUO's columns)",
                    "rows": report.rows,
                    "courses": report.courses,
                    "seconds": round(report.seconds, 1),
                }
            )
        catalog.close()
    stamp = dt.date.today().isoformat()
    out = ROOT / "bench" / "results" / f"catalog_import-{stamp}"
    meta = {
        "date": stamp,
        "load": os.getloadavg(),
        "args": vars(args),
        "file_bytes": sizes,
        "results": results,
    }
    out.with_suffix(".json").write_text(json.dumps(meta, indent=2))
    lines = [
        f"# Catalog import, {stamp} (SQLite, load {meta['load'][0]:.1f})",
        "",
        "| source | rows | courses | seconds |",
        "|---|---|---|---|",
    ]
    lines += [f"| {r['source']} | {r['rows']} | {r['courses']} | {r['seconds']} |" for r in results]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
