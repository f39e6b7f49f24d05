"""DUO's register files -> the catalog: small files made here with DUO's exact columns.

The messy cases of the real files are in them: duplicate rows, offerings without a place or a
website, ended offerings, programme definitions without an offering, unknown level codes, the
semicolon/cp1252 address files. The download path runs against a local fake of DUO's CKAN API,
including a cut-off download and a file whose columns changed.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.catalog.duo import files, ho
from bot.catalog.importers.common import Places
from bot.catalog.models import CatalogSource, Course
from bot.catalog.profile import Profile
from bot.catalog.store import Catalog
from bot.db import session_scope
from bot.errors import CatalogImportError
from bot.settings import Settings

TODAY = dt.date(2026, 12, 7)
HO_ALL = (
    "ONDERWIJSBESTUURID,ONDERWIJSBESTUUR_NAAM,ONDERWIJSAANBIEDERID,ONDERWIJSAANBIEDER_NAAM,SOORT,"
    "OPLEIDINGSEENHEIDCODE,ERKENDEOPLEIDINGSCODE,VARIANT_VAN,ERKENNER,NAAM_LANG,"
    "INTERNATIONALE_NAAM,BEGINDATUM,EINDDATUM,NIVEAU,GRAAD,STUDIELAST,EQF,ISCED,NLQF,"
    "WAARDEDOCUMENTSOORT,PENVOERDER,EIGENNAAM,EIGENNAAM_DUITS,EIGENNAAM_ENGELS,VORM,VOERTAAL,"
    "AANGEBODEN_OPLEIDING_BEGINDATUM,AANGEBODEN_OPLEIDING_EINDDATUM,EERSTE_INSTROOMDATUM,"
    "LAATSTE_INSTROOMDATUM,WEBSITE,SAMENWERKEND_MET,BUITENLANDSEPARTNER,DEFICIENTIE,"
    "EISEN_WERKZAAMHEDEN,PROPEDEUTISCHE_FASE,STUDIEKEUZECHECK,VERSNELD_TRAJECT,"
    "AANGEBODEN_OPLEIDINGCODE,EIGEN_AANGEBODEN_OPLEIDINGSLEUTEL,ONDERWIJSLOCATIECODE,"
    "ONDERWIJSLOCATIESTRAAT,ONDERWIJSLOCATIEPLAATS,OMSCHRIJVING"
).split(",")
MBO_ALL = (
    "OPLEIDINGSEENHEIDCODE,OPLEIDINGSEENHEID_TYPE,WAARDEDOCUMENTSOORT,OPLEIDINGSEENHEID_NIVEAU,"
    "OPLEIDINGSEENHEID_NAAM,OPLEIDINGSEENHEID_INTERNATIONALE_NAAM_ENGELS,STUDIELAST,"
    "STUDIELASTEENHEID,ERKENDEOPLEIDINGSCODE,ERKENDEOPLEIDINGSTYPE,ERKENDEOPLEIDINGSSTELSEL,"
    "KWALIFICATIEDOSSIER,DOMEIN,ONDERWIJSAANBIEDERID,NAAM,ONDERWIJSBESTUURID,KVK_NUMMER,"
    "ONDERWIJSLOCATIECODE,STRAATNAAM,HUISNUMMER,HUISNUMMERTOEVOEGING,POSTCODE,PLAATSNAAM,"
    "AANGEBODEN_OPLEIDINGCODE,AANGEBODEN_OPLEIDING_TYPE,AFWIJKENDE_OPLEIDINGSDUUROMVANG,"
    "AFWIJKENDE_OPLEIDINGSDUUREENHEID,EIGEN_AANGEBODEN_OPLEIDINGSLEUTEL,LEERTRAJECT,MBONIVEAU,"
    "VOERTAAL,EIGENNAAM,WEBSITE"
).split(",")
MBO_COHORT_ALL = (
    "AANGEBODEN_OPLEIDINGCODE,AANGEBODEN_OPLEIDING_COHORTCODE,BEGIN_AANMELDPERIODE,"
    "EINDE_AANMELDPERIODE,INSTROOMMOMENT,BEGIN_INSTROOMPERIODE,EINDE_INSTROOMPERIODE,"
    "OPLEIDINGSEINDDATUM,OPLEIDINGSVORM"
).split(",")
NFO_ALL = (
    "AANGEBODEN_OPLEIDINGCODE,OPLEIDINGSEENHEIDCODE,ONDERWIJSAANBIEDERID,ONDERWIJSLOCATIECODE,"
    "STARTDATUM,EINDDATUM,AFWIJKENDE_OPLEIDINGSDUUROMVANG,AFWIJKENDE_OPLEIDINGSDUUREENHEID,"
    "EERSTE_INSTROOMDATUM,LAATSTE_INSTROOMDATUM,EIGEN_AANGEBODEN_OPLEIDINGSLEUTEL,NIVEAU,VOERTAAL,"
    "BEGINDATUM_PERIODE,EINDDATUM_PERIODE,EIGENNAAM_ENGELS,EIGENNAAM,"
    "SAMENWERKENDE_ONDERWIJSAANBIEDERIDS,WEBSITE,OMSCHRIJVING"
).split(",")
NFO_COHORT_ALL = (
    "AANGEBODEN_OPLEIDINGCODE,AANGEBODEN_OPLEIDING_COHORTCODE,BEGIN_AANMELDPERIODE,"
    "EINDE_AANMELDPERIODE,BEGIN_INSTROOMPERIODE,EINDE_INSTROOMPERIODE,DEELNEMERSPLAATSEN,"
    "OPLEIDINGSVORM,TOESTEMMING_VEREIST"
).split(",")
ADDRESS_ALL = (
    "BRIN NUMMER;INSTELLINGSNAAM;STRAATNAAM;HUISNUMMER-TOEVOEGING;POSTCODE;PLAATSNAAM;"
    "GEMEENTENUMMER;GEMEENTENAAM;INTERNETADRES"
).split(";")


def make_settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({
        "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
        "OVERSTAP_DATABASE_URL": f"sqlite:///{tmp_path / 'overstap.db'}",
        **env,
    })  # fmt: skip


def write_csv(path: Path, columns: list[str], rows: list[dict], delimiter: str = ",",
              encoding: str = "utf-8") -> Path:  # fmt: skip
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def ho_row(code: str, form: str, place: str, offering: str, **extra: str) -> dict:
    row = {
        "ONDERWIJSAANBIEDERID": "99A001", "ONDERWIJSAANBIEDER_NAAM": "Hogeschool Proef",
        "OPLEIDINGSEENHEIDCODE": code, "ERKENDEOPLEIDINGSCODE": "34560", "NAAM_LANG": "Verpleegkunde",
        "EIGENNAAM": "Verpleegkunde", "NIVEAU": "HBO-BA", "STUDIELAST": "240", "NLQF": "6",
        "VORM": form, "VOERTAAL": "NLD", "ONDERWIJSLOCATIEPLAATS": place,
        "AANGEBODEN_OPLEIDINGCODE": offering, "EERSTE_INSTROOMDATUM": "2027-02-01",
    }  # fmt: skip
    row.update(extra)
    return row


def ho_rows() -> list[dict]:
    return [
        ho_row("P1", "DEELTIJD", "Amsterdam", "a-1", WEBSITE="https://proef.example/vpk-dt"),
        ho_row("P1", "DEELTIJD", "Amsterdam", "a-1b"),  # DUO's duplicate: same code, form, place
        ho_row("P1", "VOLTIJD", "Utrecht", "a-2", EERSTE_INSTROOMDATUM="2023-09-01"),
        ho_row("P1", "DUAAL", "", "a-3"),
        # no place, no website of its own: the school's places and main site stand in
        ho_row("P2", "VOLTIJD", "", "b-1", NAAM_LANG="Bedrijfskunde", EIGENNAAM="", NIVEAU="WO-MA",
               STUDIELAST="60", NLQF="7", ERKENDEOPLEIDINGSCODE="60000"),  # fmt: skip
        # ended offering and a programme definition without an offering: both left out
        ho_row("P3", "VOLTIJD", "Utrecht", "c-1", NAAM_LANG="Oud", EIGENNAAM="Oud",
               AANGEBODEN_OPLEIDING_EINDDATUM="2025-08-31"),  # fmt: skip
        ho_row("P4", "VOLTIJD", "", "", NAAM_LANG="Alleen definitie", EIGENNAAM=""),
        # a school with nothing known at all
        ho_row("P5", "DEELTIJD", "", "d-1", ONDERWIJSAANBIEDERID="99A002",
               ONDERWIJSAANBIEDER_NAAM="Onbekende Academie", NAAM_LANG="Filosofie", EIGENNAAM=""),
    ]  # fmt: skip


def mbo_rows() -> list[dict]:
    base = {
        "OPLEIDINGSEENHEIDCODE": "M1", "OPLEIDINGSEENHEID_TYPE": "MBOKWALIFICATIE",
        "OPLEIDINGSEENHEID_NIVEAU": "MBO-3", "OPLEIDINGSEENHEID_NAAM": "Verzorgende-IG",
        "STUDIELAST": "", "STUDIELASTEENHEID": "SBU", "ERKENDEOPLEIDINGSCODE": "25491",
        "DOMEIN": "Zorg en welzijn", "ONDERWIJSAANBIEDERID": "30A001", "NAAM": "ROC Proef",
        "POSTCODE": "3511AB", "PLAATSNAAM": "UTRECHT", "LEERTRAJECT": "BBL", "EIGENNAAM": "",
        "WEBSITE": "", "AFWIJKENDE_OPLEIDINGSDUUROMVANG": "3", "AFWIJKENDE_OPLEIDINGSDUUREENHEID": "J",
    }  # fmt: skip
    return [
        {**base, "AANGEBODEN_OPLEIDINGCODE": "m-1"},
        {
            **base,
            "AANGEBODEN_OPLEIDINGCODE": "m-2",
            "LEERTRAJECT": "BOL",
            "PLAATSNAAM": "Zeist",
            "POSTCODE": "3701AA",
        },  # fmt: skip
        {
            **base,
            "AANGEBODEN_OPLEIDINGCODE": "m-3",
            "OPLEIDINGSEENHEIDCODE": "M2",
            "ERKENDEOPLEIDINGSCODE": "",
            "OPLEIDINGSEENHEID_NIVEAU": "MBO-X",
            "OPLEIDINGSEENHEID_NAAM": "Keuzedeel Digitale vaardigheden",
            "STUDIELAST": "240",
            "LEERTRAJECT": "ONBEKEND",
            "AFWIJKENDE_OPLEIDINGSDUUROMVANG": "",
            "AFWIJKENDE_OPLEIDINGSDUUREENHEID": "",
            "PLAATSNAAM": "",
            "POSTCODE": "",
        },  # fmt: skip
    ]


def make_mbo(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    write_csv(directory / "mbo_opleidingsaanbod.csv", MBO_ALL, mbo_rows())
    write_csv(directory / "mbo_opleidingsaanbod_cohorten.csv", MBO_COHORT_ALL, [
        {"AANGEBODEN_OPLEIDINGCODE": "m-1", "BEGIN_INSTROOMPERIODE": "2027-02-01",
         "OPLEIDINGSVORM": "KLASSIKAAL"},
        {"AANGEBODEN_OPLEIDINGCODE": "m-1", "BEGIN_INSTROOMPERIODE": "2025-09-01",
         "OPLEIDINGSVORM": "KLASSIKAAL"},
        {"AANGEBODEN_OPLEIDINGCODE": "m-3", "BEGIN_INSTROOMPERIODE": "2027-01-11",
         "OPLEIDINGSVORM": "ONLINE"},
    ])  # fmt: skip
    # DUO's address file: semicolons, cp1252 (the ë), no quotes needed
    write_csv(directory / "instellingenmbo.csv", ADDRESS_ALL, [
        {"INSTELLINGSNAAM": "ROC Proef", "INTERNETADRES": "www.rocproef.example",
         "PLAATSNAAM": "Utrecht", "STRAATNAAM": "Coëlaan"},
    ], delimiter=";", encoding="cp1252")  # fmt: skip
    return directory


def make_nfo(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    write_csv(directory / "aangeboden_nfo_opleidingen.csv", NFO_ALL, [
        {"AANGEBODEN_OPLEIDINGCODE": "n-1", "OPLEIDINGSEENHEIDCODE": "N1",
         "ONDERWIJSAANBIEDERID": "A1", "ONDERWIJSLOCATIECODE": "L1", "EIGENNAAM": "Heftruckcertificaat",
         "AFWIJKENDE_OPLEIDINGSDUUROMVANG": "16", "AFWIJKENDE_OPLEIDINGSDUUREENHEID": "U",
         "WEBSITE": "https://opleider.example/heftruck", "OMSCHRIJVING": "Rijden met een heftruck."},
        {"AANGEBODEN_OPLEIDINGCODE": "n-2", "OPLEIDINGSEENHEIDCODE": "N2",
         "ONDERWIJSAANBIEDERID": "A1", "EIGENNAAM": "Oude cursus", "EINDDATUM": "2024-01-01"},
    ])  # fmt: skip
    write_csv(directory / "aangeboden_nfo_opleiding_cohorten.csv", NFO_COHORT_ALL, [
        {"AANGEBODEN_OPLEIDINGCODE": "n-1", "BEGIN_INSTROOMPERIODE": "2027-03-02",
         "OPLEIDINGSVORM": "KLASSIKAAL", "DEELNEMERSPLAATSEN": "8"},
    ])  # fmt: skip
    write_csv(directory / "onderwijsaanbieders.csv", ["ONDERWIJSAANBIEDERID", "NAAM"],
              [{"ONDERWIJSAANBIEDERID": "A1", "NAAM": "Opleider Proef BV"}])  # fmt: skip
    write_csv(directory / "onderwijslocaties.csv", ["ONDERWIJSLOCATIECODE", "POSTCODE", "PLAATSNAAM"],
              [{"ONDERWIJSLOCATIECODE": "L1", "POSTCODE": "5611AA", "PLAATSNAAM": "Eindhoven"}])  # fmt: skip
    write_csv(directory / "nfo_opleidingserkenningen.csv",
              ["OPLEIDINGSEENHEIDCODE", "OPLEIDINGSSTELSEL", "ERKENNER", "NLQF_NIVEAU"], [
        {"OPLEIDINGSEENHEIDCODE": "N1", "OPLEIDINGSSTELSEL": "NLQF", "NLQF_NIVEAU": "2"},
        {"OPLEIDINGSEENHEIDCODE": "N1", "OPLEIDINGSSTELSEL": "STAP_BUDGET"},
    ])  # fmt: skip
    return directory


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    store = Catalog.open(make_settings(tmp_path))
    store.migrate()
    yield store
    store.close()


def test_ho_groups_one_programme_per_school_with_forms_places_and_fallbacks(tmp_path: Path):
    path = write_csv(tmp_path / "ho_opleidingsoverzicht.csv", HO_ALL, ho_rows())
    rows = files.read_rows(path, files.HO_COLUMNS)
    courses, stats = ho.parse(rows, Places(), TODAY, dt.date(2026, 8, 4))
    by_id = {c.id: c for c in courses}
    assert (stats.rows, stats.offered, stats.distinct) == (8, 6, 5)
    assert sorted(by_id) == ["duo-ho:99A001:P1", "duo-ho:99A001:P2", "duo-ho:99A002:P5"]
    vpk = by_id["duo-ho:99A001:P1"]
    assert vpk.forms == ["deeltijd", "duaal", "voltijd"]
    assert [loc.place for loc in vpk.locations] == ["Amsterdam", "Utrecht"]
    assert (vpk.url, vpk.url_kind, vpk.place_kind) == (
        "https://proef.example/vpk-dt",
        "opleiding",
        "opleiding",
    )
    assert vpk.start_dates == ["2027-02-01"]  # 2023-09-01 lies behind us
    assert (vpk.duration, vpk.study_load, vpk.price) == (
        "P4Y",
        {"unit": "ects", "value": 240},
        None,
    )
    assert vpk.sector == "zorg" and vpk.level == "bachelor" and vpk.nlqf == "6"
    assert vpk.rio_codes == ["a-1", "a-1b", "a-2", "a-3"]
    other = by_id["duo-ho:99A001:P2"]
    assert other.title == "Bedrijfskunde" and other.duration == "P1Y"
    assert (other.url, other.url_kind) == ("https://proef.example/", "school")
    assert ([x.place for x in other.locations], other.place_kind) == (
        ["Amsterdam", "Utrecht"],
        "school",
    )
    unknown = by_id["duo-ho:99A002:P5"]
    assert (unknown.url, unknown.url_kind, unknown.locations, unknown.place_kind) == (
        None,
        None,
        [],
        None,
    )


def test_update_from_a_folder_imports_mbo_and_short_courses_and_search_finds_them(
    catalog: Catalog, tmp_path: Path
):
    folder = make_nfo(make_mbo(tmp_path / "duo"))
    mbo = catalog.update_source("duo-mbo", folder, dt.date(2026, 12, 1))
    nfo = catalog.update_source("duo-nfo", folder, dt.date(2026, 12, 1))
    assert (mbo.rows, mbo.courses, nfo.rows, nfo.courses) == (3, 2, 1, 1)
    ig = catalog.courses(["duo-mbo:30A001:25491"])[0]
    assert ig.forms == ["bbl", "bol", "klassikaal"] and ig.nlqf == "3"
    assert [loc.place for loc in ig.locations] == ["Utrecht", "Zeist"]
    assert ig.start_dates == ["2027-02-01"] and ig.duration == "P3Y"
    assert (ig.url, ig.url_kind) == ("https://www.rocproef.example/", "school")  # cp1252 file
    keuzedeel = catalog.courses(["duo-mbo:30A001:M2"])[0]
    assert keuzedeel.nlqf is None and keuzedeel.online == 1 and keuzedeel.locations == []
    assert keuzedeel.study_load == {"unit": "hour", "value": 240}
    heftruck = catalog.courses(["duo-nfo:A1:N1"])[0]
    assert (heftruck.provider, heftruck.nlqf, heftruck.price) == ("Opleider Proef BV", "2", None)
    assert heftruck.study_load == {"unit": "hour", "value": 16}
    assert [loc.place for loc in heftruck.locations] == ["Eindhoven"]
    assert heftruck.locations[0].province == "noord-brabant"
    hits = catalog.search(Profile(), "heftruck").hits
    assert [h.course.id for h in hits] == ["duo-nfo:A1:N1"]
    sources = {s["source"]: s for s in catalog.sources(TODAY)}
    assert sources["duo-mbo"]["with_next_start"] == 1.0 and sources["duo-mbo"]["with_place"] == 0.5


def count_courses(catalog: Catalog) -> int:
    with session_scope(catalog.sessions) as session:
        return session.execute(select(func.count()).select_from(Course)).scalar_one()


def test_a_broken_file_changes_nothing(catalog: Catalog, tmp_path: Path):
    folder = make_mbo(tmp_path / "duo")
    catalog.update_source("duo-mbo", folder, dt.date(2026, 12, 1))
    before = count_courses(catalog)
    data = (folder / "mbo_opleidingsaanbod.csv").read_bytes()
    (folder / "mbo_opleidingsaanbod.csv").write_bytes(data[: len(data) - 40])  # cut off
    with pytest.raises(CatalogImportError, match="afgebroken"):
        catalog.update_source("duo-mbo", folder, dt.date(2026, 12, 5))
    gz = folder / "mbo_opleidingsaanbod.csv.gz"
    (folder / "mbo_opleidingsaanbod.csv").unlink()
    gz.write_bytes(gzip.compress(data)[:-30])
    with pytest.raises(CatalogImportError, match="kapot"):
        catalog.update_source("duo-mbo", folder, dt.date(2026, 12, 5))
    assert count_courses(catalog) == before
    with session_scope(catalog.sessions) as session:
        assert session.get(CatalogSource, "duo-mbo").downloaded == dt.date(2026, 12, 1)


class FakeCkan(BaseHTTPRequestHandler):
    """DUO's CKAN API in small: package_show lists the files; a file can be cut off."""

    files: dict[str, bytes] = {}
    truncate: set[str] = set()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path.startswith("/api/3/action/package_show"):
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            resources = [{"name": n.removesuffix(".csv"), "url": f"{base}/download/v7/{n}"}
                         for n in self.files]  # fmt: skip
            body = json.dumps({"success": True, "result": {"resources": resources}}).encode()
            return self.reply(body, len(body))
        name = self.path.rsplit("/", 1)[-1]
        if name not in self.files:
            self.send_error(404)
            return None
        data = self.files[name]
        sent = data[: len(data) // 2] if name in self.truncate else data
        return self.reply(sent, len(data))

    def reply(self, body: bytes, length: int) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def ckan(tmp_path: Path) -> Iterator[type[FakeCkan]]:
    folder = make_mbo(tmp_path / "published")
    handler = type("Handler", (FakeCkan,), {"files": {}, "truncate": set()})
    for name in ("mbo_opleidingsaanbod.csv", "mbo_opleidingsaanbod_cohorten.csv"):
        handler.files[name] = (folder / name).read_bytes()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield handler
    server.shutdown()
    server.server_close()


def ckan_catalog(tmp_path: Path, url: str) -> Catalog:
    store = Catalog.open(make_settings(tmp_path, OVERSTAP_CATALOG_CKAN_URL=url))
    store.migrate()
    return store


def test_update_downloads_through_ckan_and_refuses_a_cut_off_or_changed_file(ckan, tmp_path: Path):
    store = ckan_catalog(tmp_path, ckan.url)
    try:
        report = store.update_source("duo-mbo")
        assert report.courses == 2 and count_courses(store) == 2
        ckan.truncate.add("mbo_opleidingsaanbod.csv")
        with pytest.raises(CatalogImportError, match="afgebroken"):
            store.update_source("duo-mbo")
        ckan.truncate.clear()
        changed = ckan.files["mbo_opleidingsaanbod.csv"].replace(b'"PLAATSNAAM"', b'"PLAATS"', 1)
        ckan.files["mbo_opleidingsaanbod.csv"] = changed
        with pytest.raises(CatalogImportError, match="kolom PLAATSNAAM ontbreekt"):
            store.update_source("duo-mbo")
        assert count_courses(store) == 2
    finally:
        store.close()


def test_the_worker_updates_a_source_that_is_missing_or_due():
    from bot.worker import catalog_due

    now = dt.datetime(2026, 12, 7, 12, 0)
    imported = {"duo-ho": now - dt.timedelta(days=8), "duo-mbo": now - dt.timedelta(days=2)}
    assert catalog_due(imported, 7, now) == ["duo-ho", "duo-nfo"]
    assert catalog_due(imported, 30, now) == ["duo-nfo"]


def test_the_update_schedule_is_off_by_default(tmp_path: Path):
    assert make_settings(tmp_path).catalog_update_days == 0
    assert make_settings(tmp_path).catalog_max_age_days == 45


@pytest.mark.postgres
def test_update_and_a_broken_file_on_postgresql(module_postgres_database: str, tmp_path: Path):
    store = Catalog.open(make_settings(tmp_path, OVERSTAP_DATABASE_URL=module_postgres_database))
    try:
        store.migrate()
        folder = make_nfo(make_mbo(tmp_path / "duo"))
        store.update_source("duo-mbo", folder, dt.date(2026, 12, 1))
        store.update_source("duo-nfo", folder, dt.date(2026, 12, 1))
        assert [h.course.id for h in store.search(Profile(), "heftruck").hits] == ["duo-nfo:A1:N1"]
        before = count_courses(store)
        (folder / "aangeboden_nfo_opleiding_cohorten.csv").write_text(
            "AANGEBODEN_OPLEIDINGCODE\nn-1\n"
        )
        with pytest.raises(CatalogImportError, match="OPLEIDINGSVORM ontbreekt"):
            store.update_source("duo-nfo", folder, dt.date(2026, 12, 5))
        assert count_courses(store) == before
    finally:
        store.close()


def test_the_snapshot_keeps_offered_rows_and_used_columns_and_is_reproducible(tmp_path: Path):
    from bot.catalog.duo import snapshot

    source = write_csv(tmp_path / "ho_opleidingsoverzicht.csv", HO_ALL, ho_rows())
    out, note_path = tmp_path / "duo_ho.csv.gz", tmp_path / "duo_ho.yml"
    note = snapshot.build(source, dt.date(2026, 8, 4), TODAY, out, note_path)
    first = out.read_bytes()
    snapshot.build(source, dt.date(2026, 8, 4), TODAY, out, note_path)
    assert out.read_bytes() == first  # no timestamp in the gzip stream
    assert (note["input_rows"], note["rows"], note["bytes"]) == (8, 6, len(first))
    assert snapshot.read_note(note_path)["source"] == "Bron: DUO Open Onderwijsdata (RIO), CC0"
    rows = list(files.read_rows(out, files.HO_COLUMNS))
    assert list(rows[0]) == list(files.HO_COLUMNS)
    assert {r["AANGEBODEN_OPLEIDINGCODE"] for r in rows} == {
        "a-1",
        "a-1b",
        "a-2",
        "a-3",
        "b-1",
        "d-1",
    }


def test_the_shipped_snapshot_matches_its_note():
    from bot.catalog.duo import snapshot

    note = snapshot.read_note()
    data = snapshot.SNAPSHOT.read_bytes()
    assert note["bytes"] == len(data) and note["downloaded"] == "2026-08-04"
    assert note["rows"] == sum(1 for _ in files.read_rows(snapshot.SNAPSHOT, files.HO_COLUMNS))
    assert note["license"] == "CC0 1.0"
