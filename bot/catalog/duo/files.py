"""DUO's files: which dataset and resource each one is, the columns we need, and reading them.

The column lists are DUO's own names. A file that lacks one of them is refused as a whole with
one Dutch line; extra columns are fine (DUO adds columns now and then). Files are UTF-8 or
cp1252 (the address files), comma or semicolon separated, plain or gzipped.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.errors import CatalogImportError

CKAN_URL = "https://onderwijsdata.duo.nl"
ATTRIBUTION = "Bron: DUO Open Onderwijsdata (RIO), CC0"


@dataclass(frozen=True)
class DuoFile:
    key: str  # how the importer calls it
    dataset: str  # CKAN dataset (package) name
    name: str  # CKAN resource name, and the file name in a --from folder
    columns: tuple[str, ...]  # columns that must be there
    required: bool = True  # an optional file may be missing; then its facts stay empty


@dataclass(frozen=True)
class Source:
    id: str
    label: str
    files: tuple[DuoFile, ...]

    def file(self, key: str) -> DuoFile:
        return next(f for f in self.files if f.key == key)


HO_COLUMNS = (
    "ONDERWIJSAANBIEDERID", "ONDERWIJSAANBIEDER_NAAM", "OPLEIDINGSEENHEIDCODE",
    "ERKENDEOPLEIDINGSCODE", "VARIANT_VAN", "NAAM_LANG", "EIGENNAAM", "NIVEAU", "STUDIELAST",
    "NLQF", "VORM", "VOERTAAL", "AANGEBODEN_OPLEIDING_EINDDATUM", "EERSTE_INSTROOMDATUM",
    "LAATSTE_INSTROOMDATUM", "WEBSITE", "AANGEBODEN_OPLEIDINGCODE", "ONDERWIJSLOCATIEPLAATS",
    "OMSCHRIJVING",
)  # fmt: skip
MBO_COLUMNS = (
    "OPLEIDINGSEENHEIDCODE", "OPLEIDINGSEENHEID_TYPE", "OPLEIDINGSEENHEID_NIVEAU",
    "OPLEIDINGSEENHEID_NAAM", "STUDIELAST", "STUDIELASTEENHEID", "ERKENDEOPLEIDINGSCODE",
    "DOMEIN", "ONDERWIJSAANBIEDERID", "NAAM", "POSTCODE", "PLAATSNAAM",
    "AANGEBODEN_OPLEIDINGCODE", "AFWIJKENDE_OPLEIDINGSDUUROMVANG",
    "AFWIJKENDE_OPLEIDINGSDUUREENHEID", "LEERTRAJECT", "VOERTAAL", "EIGENNAAM", "WEBSITE",
)  # fmt: skip
MBO_COHORT_COLUMNS = (
    "AANGEBODEN_OPLEIDINGCODE", "AANGEBODEN_OPLEIDING_COHORTCODE", "BEGIN_INSTROOMPERIODE",
    "EINDE_INSTROOMPERIODE", "OPLEIDINGSVORM",
)  # fmt: skip
NFO_COLUMNS = (
    "AANGEBODEN_OPLEIDINGCODE", "OPLEIDINGSEENHEIDCODE", "ONDERWIJSAANBIEDERID",
    "ONDERWIJSLOCATIECODE", "EINDDATUM", "AFWIJKENDE_OPLEIDINGSDUUROMVANG",
    "AFWIJKENDE_OPLEIDINGSDUUREENHEID", "NIVEAU", "VOERTAAL", "EIGENNAAM", "WEBSITE",
    "OMSCHRIJVING",
)  # fmt: skip
# DUO's README names these files' facts but not every column; these are the ones we read.
NFO_COHORT_COLUMNS = ("AANGEBODEN_OPLEIDINGCODE", "OPLEIDINGSVORM")
NFO_RECOGNITION_COLUMNS = ("OPLEIDINGSEENHEIDCODE", "OPLEIDINGSSTELSEL")
PROVIDER_COLUMNS = ("ONDERWIJSAANBIEDERID",)
LOCATION_COLUMNS = ("ONDERWIJSLOCATIECODE", "PLAATSNAAM")
SCHOOL_ADDRESS_COLUMNS = ("INSTELLINGSNAAM", "INTERNETADRES")

NFO_DATASET = "rio_nfo_po_vo_vavo_mbo_ho"
SOURCES: dict[str, Source] = {
    "duo-ho": Source(
        "duo-ho",
        "hbo en wo (HO Opleidingsoverzicht)",
        (
            DuoFile(
                "offerings", "ho_opleidingsoverzicht", "ho_opleidingsoverzicht.csv", HO_COLUMNS
            ),
            DuoFile("schools", "adressen_ho", "instellingenho.csv", SCHOOL_ADDRESS_COLUMNS, False),
        ),
    ),
    "duo-mbo": Source(
        "duo-mbo",
        "mbo (opleidingsaanbod)",
        (
            DuoFile("offerings", "mbo_opleidingsaanbod", "mbo_opleidingsaanbod.csv", MBO_COLUMNS),
            DuoFile(
                "cohorts",
                "mbo_opleidingsaanbod",
                "mbo_opleidingsaanbod_cohorten.csv",
                MBO_COHORT_COLUMNS,
            ),
            DuoFile(
                "schools", "adressen_mbo", "instellingenmbo.csv", SCHOOL_ADDRESS_COLUMNS, False
            ),
        ),
    ),
    "duo-nfo": Source(
        "duo-nfo",
        "korte opleidingen (NFO, vroeger STAP)",
        (
            DuoFile("offerings", NFO_DATASET, "aangeboden_nfo_opleidingen.csv", NFO_COLUMNS),
            DuoFile(
                "cohorts", NFO_DATASET, "aangeboden_nfo_opleiding_cohorten.csv", NFO_COHORT_COLUMNS
            ),
            DuoFile(
                "recognitions",
                NFO_DATASET,
                "nfo_opleidingserkenningen.csv",
                NFO_RECOGNITION_COLUMNS,
                False,
            ),
            DuoFile("providers", NFO_DATASET, "onderwijsaanbieders.csv", PROVIDER_COLUMNS),
            DuoFile("locations", NFO_DATASET, "onderwijslocaties.csv", LOCATION_COLUMNS, False),
        ),
    ),
}


def find_file(directory: Path, name: str) -> Path | None:
    """The file `name` in a folder, also gzipped (name.gz); None when it is not there."""
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _raw(path: Path) -> bytes:
    try:
        data = path.read_bytes()
        return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data
    except (EOFError, OSError, zlib.error):
        raise CatalogImportError(
            f"{path.name}: het bestand is kapot of niet helemaal binnengekomen."
        ) from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_rows(path: Path, columns: tuple[str, ...]) -> Iterator[dict[str, str]]:
    """The rows of one DUO file as dicts of stripped strings; refuses a file that is cut off,
    has a row with another number of cells, or lacks a needed column (one Dutch line)."""
    text = _decode(_raw(path))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().strip("\ufeff").upper() for h in next(reader)]
    except StopIteration:
        raise CatalogImportError(f"{path.name}: het bestand is leeg.") from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise CatalogImportError(
            f"{path.name}: kolom {', '.join(missing[:3])} ontbreekt; DUO heeft het bestand "
            "veranderd. Er is niets veranderd in de catalogus."
        )
    try:
        for line, cells in enumerate(reader, start=2):
            if not cells:
                continue
            if len(cells) != len(header):
                raise CatalogImportError(
                    f"{path.name}: regel {line} heeft {len(cells)} in plaats van {len(header)} "
                    "kolommen; het bestand is kapot of afgebroken. Er is niets veranderd."
                )
            yield {h: c.strip() for h, c in zip(header, cells, strict=True)}
    except csv.Error:
        raise CatalogImportError(
            f"{path.name}: het bestand is afgebroken of kapot (regel {reader.line_num}). "
            "Er is niets veranderd."
        ) from None
