"""Importing OOAPI v5 and CSV catalogs: mapping, errors with their place, one transaction,
--skip-invalid, re-import, and the `overstap catalog import` command."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import delete, func, or_, select

from bot.catalog.importers import detect_format
from bot.catalog.models import Course
from bot.catalog.store import Catalog
from bot.db import session_scope
from bot.errors import CatalogImportError

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "import"
TODAY = dt.date(2026, 11, 23)
PROGRAM_1 = "ooapi:7c1f0b2e-5d4a-4f0e-9a51-000000000001"
PROGRAM_2 = "ooapi:7c1f0b2e-5d4a-4f0e-9a51-000000000002"
PROGRAM_3 = "ooapi:7c1f0b2e-5d4a-4f0e-9a51-000000000003"
IMPORTED = or_(Course.id.like("ooapi:%"), Course.id.like("csv:%"))


def remove_imported(catalog: Catalog) -> None:
    with session_scope(catalog.sessions) as session:
        session.execute(delete(Course).where(IMPORTED).execution_options(synchronize_session=False))


@pytest.fixture
def store(catalog: Catalog):
    """The seeded catalog (SQLite and PostgreSQL) without imported courses, before and after."""
    remove_imported(catalog)
    yield catalog
    remove_imported(catalog)


def imported(catalog: Catalog) -> dict[str, Course]:
    with session_scope(catalog.sessions) as session:
        return {c.id: c for c in session.execute(select(Course).where(IMPORTED)).scalars()}


def count_all(catalog: Catalog) -> int:
    with session_scope(catalog.sessions) as session:
        return session.execute(select(func.count()).select_from(Course)).scalar_one()


def places(course: Course) -> dict[str, tuple]:
    return {loc.place: (loc.province, loc.lat, loc.lon) for loc in course.locations}


# -- OOAPI ----------------------------------------------------------------------------------


def test_ooapi_page_of_programs_maps_to_courses(store: Catalog) -> None:
    report = store.import_file(DATA / "ooapi-programs.json", today=TODAY)
    assert report.ok and report.written
    assert (report.total, report.created, report.updated) == (3, 3, 0)
    courses = imported(store)
    assert set(courses) == {PROGRAM_1, PROGRAM_2, PROGRAM_3}

    first = courses[PROGRAM_1]
    assert first.title == "Pedagogisch Professional Kind en Educatie"  # nl-NL over en-GB
    assert first.provider == "Hogeschool Voorbeeld"
    assert first.primary_code == "80127"  # the CROHO code from otherCodes
    assert (first.level, first.nlqf, first.nlqf_rank) == ("associate degree", "5", 6)
    assert first.sector == "kinderopvang"  # fieldsOfStudy 0922
    assert first.modes_of_delivery == ["on campus", "hybrid"]
    assert first.mode_of_study == "part-time"
    assert first.duration == "P2Y"
    assert first.study_load == {"unit": "ects", "value": 120}
    assert first.price == 3900.0  # the lowest 'total costs'
    assert first.start_dates == ["2027-09-01", "2028-02-01"]
    assert first.url == "https://example.org/ooapi-demo/ppke"
    assert first.online == 0
    assert first.updated == TODAY
    assert first.source == "OOAPI-import: ooapi-programs.json"
    assert places(first) == {
        "Zwolle": ("overijssel", 52.5125, 6.0944),  # from data/lexicon/places.yml
        "Ootmarsum": ("overijssel", 52.4075, 6.9008),  # by postcode, with its geolocation
    }

    second = courses[PROGRAM_2]
    assert second.sector == "beveiliging"  # ext.sector 'Beveiliging' via sectors.yml
    assert second.nlqf == "6"  # from level 'bachelor'
    assert second.primary_code == "39201"
    assert {"veiligheid", "handhaving"} <= set(second.keywords)
    assert places(second) == {"'s-Hertogenbosch": ("noord-brabant", 51.6978, 5.3037)}
    assert second.price is None and second.start_dates == []

    third = courses[PROGRAM_3]
    assert third.title == "Data Driven Business"  # only en-GB
    assert third.sector == "administratie"  # fieldsOfStudy 0413
    assert third.online == 1 and third.locations == []


def test_ooapi_single_course_with_a_page_of_offerings(store: Catalog) -> None:
    report = store.import_file(DATA / "ooapi-course.json", today=TODAY)
    assert report.ok and report.created == 1
    course = imported(store)["ooapi:b3d6e8f0-0000-4000-8000-000000000201"]
    assert course.provider == "Lasschool Oost (voorbeeld)"
    assert course.sector == "metaal"
    assert course.nlqf is None and course.level == "undefined"
    assert course.price == 845.5
    assert course.modes_of_delivery == ["situated"]
    assert list(places(course)) == ["Hengelo"]


def test_ooapi_bundle_links_offerings_by_id_and_expanded_program(store: Catalog) -> None:
    report = store.import_file(DATA / "ooapi-bundle.json", today=TODAY)
    assert report.ok and report.created == 2
    courses = imported(store)
    helpende = courses["ooapi:course-helpende-zorg"]
    assert helpende.provider == "ROC Voorbeeld"  # organization id resolved in the file
    assert helpende.nlqf == "2" and helpende.primary_code == "25498"
    assert helpende.start_dates == ["2027-01-10", "2027-03-01"]  # via `course` and `courseId`
    assert set(places(helpende)) == {"Enschede", "Almelo"}
    kok = courses["ooapi:program-kok"]  # expanded inside its offering
    assert (kok.sector, kok.nlqf, kok.provider) == ("horeca", "3", "ROC Voorbeeld")
    assert list(places(kok)) == ["Apeldoorn"]


def test_bad_ooapi_records_are_named_by_json_path_and_nothing_is_written(
    store: Catalog,
) -> None:
    before = count_all(store)
    report = store.import_file(DATA / "ooapi-bad.json", today=TODAY)
    assert not report.ok and not report.written
    lines = report.error_lines()
    assert lines[0].startswith("items[1].levelOfQualification: niveau '9' bestaat niet")
    assert any(line.startswith("items[2].offerings[0].priceInformation[0]: ") for line in lines)
    assert any(line.startswith("items[2].ext.sector: sector 'bakken'") for line in lines)
    assert any(
        line.startswith("items[3].offerings[0].startDate: datum '2027-13-01' klopt niet")
        for line in lines
    )
    assert report.summary().startswith("Niets ingelezen: 4 fouten in 4 opleidingen.")
    assert count_all(store) == before and imported(store) == {}


def test_bad_ooapi_with_skip_invalid_keeps_the_good_program(store: Catalog) -> None:
    report = store.import_file(DATA / "ooapi-bad.json", skip_invalid=True, today=TODAY)
    assert (report.created, report.invalid, len(report.issues)) == (1, 3, 4)
    assert list(imported(store)) == ["ooapi:bad-0"]


def test_broken_json_is_a_file_error(store: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "kapot.json"
    path.write_text('{"items": [\n  {"programId": "x",}\n]}', encoding="utf-8")
    with pytest.raises(CatalogImportError, match="geen geldige JSON. De fout zit in regel 2"):
        store.import_file(path)


# -- CSV ------------------------------------------------------------------------------------


def test_csv_import_maps_every_column(store: Catalog) -> None:
    report = store.import_file(DATA / "courses.csv", today=TODAY)
    assert report.ok and (report.created, report.updated) == (3, 0)
    courses = imported(store)
    vca = courses["csv:vca-basis"]
    assert vca.title == "VCA Basis"
    assert vca.description == "Je leert veilig werken op de bouwplaats, in één dag."
    assert (vca.provider, vca.sector, vca.nlqf) == ("Veilig Werken (voorbeeld)", "bouw", "2")
    assert vca.modes_of_delivery == ["on campus", "online"] and vca.online == 1
    assert vca.price == 195.0
    assert vca.start_dates == ["2027-02-01", "2027-03-01"]
    assert places(vca) == {
        "Zwolle": ("overijssel", 52.5125, 6.0944),
        "Deventer": ("overijssel", 52.255, 6.1639),
    }
    assert vca.keywords == ["vca", "veiligheid"]
    assert vca.duration == "P1D" and vca.source == "CSV-import: courses.csv"
    helpende = courses["csv:helpende-zorg"]
    assert helpende.sector == "zorg"  # 'Zorg en welzijn', the label in sectors.yml
    assert helpende.level == "secondary vocational education 2"
    assert helpende.mode_of_study == "dual training"
    assert (helpende.primary_code, helpende.price) == ("25498", 2500.5)
    excel = courses["csv:excel-start"]
    assert excel.price == 89.95  # "89,95"
    assert excel.nlqf is None and excel.locations == [] and excel.mode_of_study == "self-paced"


def test_csv_with_bom_semicolons_and_dutch_values(store: Catalog) -> None:
    path = DATA / "courses-semicolon-bom.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = store.import_file(path, source="Leerwerkloket (test)", today=TODAY)
    assert report.ok and report.created == 2
    courses = imported(store)
    forklift = courses["csv:heftruck"]
    assert forklift.price == 1250.5  # "€ 1.250,50"
    assert forklift.modes_of_delivery == ["situated", "on campus"]  # Dutch words
    assert forklift.start_dates == ["2027-03-01", "2027-04-01"]  # 01-03-2027 too
    assert places(forklift) == {
        "Ootmarsum": ("overijssel", None, None),  # not in places.yml: the province column
        "'s-Hertogenbosch": ("noord-brabant", 51.6978, 5.3037),  # 'Den Bosch'
    }
    assert forklift.source == "Leerwerkloket (test)"
    language = courses["csv:taal-nt2"]
    assert language.sector == "basisvaardigheden"  # 'taal en rekenen'
    assert language.price == 0.0 and language.online == 1


BAD_CSV_ERRORS = [
    "regel 3: prijs 'abc' is geen getal",
    "regel 4: niveau '9' bestaat niet. Kies 1 tot en met 8, of 4+",
    "regel 5: sector 'bakken' is onbekend.",
    "regel 6: plaats 'Xyzdorp' is onbekend. Vul de kolom province in",
    "regel 7: id 'goed-1' staat ook op regel 2",
    "regel 8: 9 cellen, maar de kop heeft er 8",
    "regel 9: 'id' is leeg. Vul dit in",
    "regel 10: datum '31-02-2027' klopt niet.",
]


def test_bad_csv_rows_are_named_by_line_and_nothing_is_written(store: Catalog) -> None:
    before = count_all(store)
    report = store.import_file(DATA / "courses-bad.csv", today=TODAY)
    lines = report.error_lines()
    assert len(lines) == len(BAD_CSV_ERRORS)
    for line, expected in zip(lines, BAD_CSV_ERRORS, strict=True):
        assert line.startswith(expected), line
    assert not report.written and report.created == 0
    assert report.summary().startswith("Niets ingelezen: 8 fouten in 10 opleidingen.")
    assert count_all(store) == before and imported(store) == {}


def test_skip_invalid_imports_the_good_rows_and_reports_the_bad(store: Catalog) -> None:
    report = store.import_file(DATA / "courses-bad.csv", skip_invalid=True, today=TODAY)
    assert sorted(imported(store)) == ["csv:goed-1", "csv:goed-2"]
    assert (report.created, report.invalid, len(report.issues)) == (2, 8, 8)
    assert not report.ok  # the command still ends with exit code 1
    assert report.summary() == (
        "Ingelezen: 2 opleidingen (2 nieuw, 0 bijgewerkt), 8 fouten. "
        "Overgeslagen: 8 opleidingen."
    )


def test_reimport_updates_the_same_courses(store: Catalog, tmp_path: Path) -> None:
    store.import_file(DATA / "courses.csv", today=TODAY)
    total = count_all(store)
    changed = tmp_path / "courses.csv"
    text = (DATA / "courses.csv").read_text(encoding="utf-8")
    changed.write_text(
        text.replace("VCA Basis", "VCA Basis (nieuw)").replace("Zwolle;Deventer", "Groningen"),
        encoding="utf-8",
    )
    report = store.import_file(changed, today=TODAY)
    assert (report.created, report.updated) == (0, 3)
    assert report.summary() == "Ingelezen: 3 opleidingen (0 nieuw, 3 bijgewerkt), 0 fouten."
    assert count_all(store) == total
    vca = imported(store)["csv:vca-basis"]
    assert vca.title == "VCA Basis (nieuw)"
    assert list(places(vca)) == ["Groningen"]  # locations replaced, not added


def test_dry_run_checks_and_counts_but_writes_nothing(store: Catalog) -> None:
    report = store.import_file(DATA / "ooapi-programs.json", dry_run=True, today=TODAY)
    assert report.ok and not report.written and report.created == 3
    assert report.summary().startswith("Proefrun, er is niets opgeslagen. Goed: 3 opleidingen")
    assert imported(store) == {}


def test_the_error_list_stops_at_a_limit(store: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "veel-fouten.csv"
    rows = ["id,title,provider,sector,price"]
    rows += [f"c{i},Cursus {i},School,ict,duur" for i in range(25)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = store.import_file(path)
    lines = report.error_lines(limit=20)
    assert len(lines) == 21 and lines[-1] == "... en nog 5 fouten."


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("id,titel,provider,sector", "onbekende kolom 'titel'"),
        ("id,title,provider", "de kop mist de kolom sector"),
        ("id,title,title,provider,sector", "kolom title staat twee keer"),
    ],
)
def test_a_bad_header_is_a_file_error(
    store: Catalog, tmp_path: Path, header: str, message: str
) -> None:
    path = tmp_path / "kop.csv"
    path.write_text(header + "\n", encoding="utf-8")
    with pytest.raises(CatalogImportError, match=message):
        store.import_file(path)


def test_a_file_that_is_not_utf8_names_the_line(store: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("id,title,provider,sector\nc1,Caf\u00e9,School,horeca\n".encode("latin-1"))
    with pytest.raises(CatalogImportError, match="regel 2 is geen UTF-8"):
        store.import_file(path)


def test_format_is_detected_by_extension_then_content(tmp_path: Path) -> None:
    assert detect_format(DATA / "courses.csv") == "csv"
    assert detect_format(DATA / "ooapi-bundle.json") == "ooapi"
    unnamed = tmp_path / "export"
    shutil.copy(DATA / "ooapi-course.json", unnamed)
    assert detect_format(unnamed) == "ooapi"
    shutil.copy(DATA / "courses.csv", unnamed)
    assert detect_format(unnamed) == "csv"


def test_a_csv_of_2000_rows_is_imported(store: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "groot.csv"
    towns = ["Zwolle", "Deventer;Utrecht", "Amsterdam", "Den Haag", "Groningen"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "provider", "sector", "nlqf", "price", "place"])
        for i in range(2000):
            sector, nlqf = ("zorg", "ict", "bouw")[i % 3], str(1 + i % 8)
            writer.writerow([f"groot-{i}", f"Cursus {i}", "School", sector, nlqf, i, towns[i % 5]])
    report = store.import_file(path)
    assert report.ok and report.created == 2000
    assert len(imported(store)) == 2000


# -- the command ----------------------------------------------------------------------------


def overstap(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`python -m bot ...` of this worktree against a SQLite database in tmp_path."""
    env = {
        "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
        "OVERSTAP_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'cli.db'}",
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_command_imports_updates_and_refuses_bad_files(tmp_path: Path) -> None:
    good = str(DATA / "courses.csv")
    first = overstap(tmp_path, "catalog", "import", good)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "Ingelezen: 3 opleidingen (3 nieuw, 0 bijgewerkt), 0 fouten.\n"

    again = overstap(tmp_path, "catalog", "import", good, "--format", "csv", "--quiet")
    assert again.returncode == 0, again.stderr
    assert again.stdout == "Ingelezen: 3 opleidingen (0 nieuw, 3 bijgewerkt), 0 fouten.\n"

    bad = overstap(tmp_path, "catalog", "import", str(DATA / "ooapi-bad.json"))
    assert bad.returncode == 1
    assert "items[3].offerings[0].startDate: datum '2027-13-01' klopt niet" in bad.stderr
    assert bad.stdout.startswith("Niets ingelezen: 4 fouten")

    skipped = overstap(
        tmp_path, "catalog", "import", str(DATA / "courses-bad.csv"), "--skip-invalid"
    )
    assert skipped.returncode == 1
    assert "regel 3: prijs 'abc' is geen getal" in skipped.stderr
    assert "Overgeslagen: 8 opleidingen." in skipped.stdout

    stats = overstap(tmp_path, "catalog", "stats")
    assert stats.returncode == 0, stats.stderr
    assert stats.stdout.startswith("Opleidingen: 5\n")
    for text in ("Per sector:", "Bouw en infra", "niveau 2", "op de campus", "Regelingen: 0"):
        assert text in stats.stdout


def test_command_help_and_file_errors_are_dutch(tmp_path: Path) -> None:
    helped = overstap(tmp_path, "catalog", "import", "--help")
    assert helped.returncode == 0
    assert helped.stdout.startswith("gebruik: overstap catalog import")
    for text in ("--skip-invalid", "--dry-run", "--source", "start_dates", "(verplicht)"):
        assert text in helped.stdout

    missing = overstap(tmp_path, "catalog", "import", str(tmp_path / "weg.csv"))
    assert missing.returncode == 1
    assert "bestand niet gevonden" in missing.stderr


def test_imported_courses_are_searchable_and_survive_a_seed_reload(store: Catalog) -> None:
    from bot.catalog.profile import Profile

    assert store.import_file(DATA / "courses.csv", today=TODAY).ok
    assert "csv:vca-basis" in [h.course.id for h in store.search(Profile(), "vca", limit=10).hits]
    seed_count = store.load_seed()["courses"]
    assert "csv:vca-basis" in imported(store)
    assert count_all(store) == seed_count + len(imported(store))
    hits = store.search(Profile(), "veiligheid bouwplaats", limit=10).hits
    assert "csv:vca-basis" in [h.course.id for h in hits]
