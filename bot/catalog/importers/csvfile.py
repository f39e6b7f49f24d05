"""CSV importer: one course per row, columns named in the first row (see COLUMNS).

The file is UTF-8, with or without BOM; the delimiter (',' or ';') is sniffed from the header.
A cell with a list (modes_of_delivery, start_dates, place, keywords) separates its items with ';'
(quote such a cell when ';' is also the delimiter; spreadsheets do this by themselves).
Every error names its line in the file: "regel 12: prijs 'abc' is geen getal".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.catalog.importers.common import (
    Context,
    CourseData,
    Issue,
    Parsed,
    parse_date,
    parse_duration,
    parse_level,
    parse_mode,
    parse_mode_of_study,
    parse_nlqf,
    parse_price,
    parse_url,
    progress,
    split_list,
    text_limit,
    unique,
)
from bot.errors import CatalogImportError, InvalidValue


@dataclass(frozen=True)
class Column:
    required: bool
    help: str  # Dutch, for --help and the README


COLUMNS: dict[str, Column] = {
    "id": Column(True, "vaste code van de opleiding in jouw bestand (wordt csv:<id>)"),
    "title": Column(True, "naam van de opleiding"),
    "provider": Column(True, "naam van de school of aanbieder (of gebruik --provider)"),
    "sector": Column(True, "sector, bijvoorbeeld zorg, techniek of ict"),
    "description": Column(False, "korte uitleg over de opleiding"),
    "primary_code": Column(False, "crebo- of CROHO-code"),
    "level": Column(False, "soort opleiding (OOAPI level), bijvoorbeeld bachelor"),
    "nlqf": Column(False, "niveau: 1 tot en met 8, of 4+"),
    "modes_of_delivery": Column(False, "lesvorm: online, op de campus, hybride, ... (lijst)"),
    "mode_of_study": Column(False, "fulltime, parttime, duaal of eigen tempo"),
    "duration": Column(False, "duur, bijvoorbeeld P1Y (1 jaar) of P6M (6 maanden)"),
    "price": Column(False, "totale prijs in euro, bijvoorbeeld 1250 of 1.250,50"),
    "start_dates": Column(False, "startdatums, JJJJ-MM-DD of DD-MM-JJJJ (lijst)"),
    "place": Column(False, "plaatsen waar de lessen zijn (lijst)"),
    "province": Column(False, "provincie, nodig voor een plaats die Overstap niet kent"),
    "url": Column(False, "webadres van de opleiding"),
    "keywords": Column(False, "zoekwoorden (lijst)"),
    "updated": Column(False, "datum van de gegevens (standaard: vandaag)"),
    "source": Column(False, "bron van de gegevens (standaard: --source of de bestandsnaam)"),
}
LIST_COLUMNS = ("modes_of_delivery", "start_dates", "place", "keywords")
ID_PREFIX = "csv:"


def decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogImportError(
            f"{path.name}: regel {line} is geen UTF-8. Sla het bestand op als 'CSV UTF-8'."
        ) from None


def sniff_delimiter(header: str) -> str:
    try:
        return csv.Sniffer().sniff(header, delimiters=",;").delimiter
    except csv.Error:
        return ";" if header.count(";") > header.count(",") else ","


def read_header(row: list[str], name: str, has_provider: bool) -> list[str]:
    columns = [cell.strip().lower().replace(" ", "_") for cell in row]
    doubles = sorted({c for c in columns if columns.count(c) > 1 and c})
    if doubles:
        raise CatalogImportError(f"{name}: kolom {', '.join(doubles)} staat twee keer in de kop.")
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise CatalogImportError(
            f"{name}: onbekende kolom {', '.join(repr(c) for c in unknown)} in regel 1. "
            f"Bekende kolommen: {', '.join(COLUMNS)}."
        )
    required = [n for n, c in COLUMNS.items() if c.required]
    if has_provider:
        required.remove("provider")
    missing = [n for n in required if n not in columns]
    if missing:
        raise CatalogImportError(f"{name}: de kop mist de kolom {', '.join(missing)}.")
    return columns


def parse(path: Path, ctx: Context) -> Parsed:
    """All rows of a CSV file as checked records, and an Issue for every error."""
    text = decode(path)
    first = text.split("\n", 1)[0].strip()
    if not first:
        raise CatalogImportError(f"{path.name}: regel 1 is leeg. Daar horen de kolomnamen.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    rows: list[tuple[int, list[str]]] = []
    try:
        columns = read_header(next(reader), path.name, bool(ctx.provider))
        line = reader.line_num
        for row in reader:
            rows.append((line + 1, row))
            line = reader.line_num
    except csv.Error:
        raise CatalogImportError(
            f"{path.name}: regel {reader.line_num} kan niet gelezen worden. "
            'Staat er een aanhalingsteken (") te veel of te weinig?'
        ) from None
    parsed = Parsed()
    seen: dict[str, int] = {}
    for line, row in progress(rows, len(rows), "Controleren", ctx.show_progress):
        if not any(cell.strip() for cell in row):
            continue  # an empty line
        parsed.total += 1
        where = f"regel {line}"
        if len(row) != len(columns):
            parsed.invalid += 1
            parsed.issues.append(
                Issue(where, f"{len(row)} cellen, maar de kop heeft er {len(columns)}")
            )
            continue
        record, issues = course_from_row(dict(zip(columns, row, strict=True)), where, ctx)
        if record is not None and record.id in seen:
            issues.append(
                Issue(
                    where,
                    f"id '{record.id[len(ID_PREFIX) :]}' staat ook op regel {seen[record.id]}",
                )
            )
        if issues:
            parsed.invalid += 1
            parsed.issues.extend(issues)
            continue
        assert record is not None
        seen[record.id] = line
        parsed.records.append(record)
    return parsed


def course_from_row(
    cells: dict[str, str], where: str, ctx: Context
) -> tuple[CourseData | None, list[Issue]]:
    """One row as a record; on any error the record is None and the issues say why."""
    issues: list[Issue] = []

    def cell(name: str) -> str:
        return (cells.get(name) or "").strip()

    def check(name: str, parse_one: Callable[[str], Any]) -> Any:
        """The parsed cell (a list for list columns), None when empty or wrong."""
        value = cell(name)
        if not value:
            return [] if name in LIST_COLUMNS else None
        items = split_list(value) if name in LIST_COLUMNS else [value]
        out = []
        for item in items:
            try:
                out.append(parse_one(item))
            except InvalidValue as exc:
                issues.append(Issue(where, str(exc)))
        return out if name in LIST_COLUMNS else (out[0] if out else None)

    def required(name: str, default: str | None = None) -> str:
        value = cell(name) or default or ""
        if not value:
            issues.append(Issue(where, f"'{name}' is leeg. Vul dit in"))
        return value

    raw_id = required("id")
    course_id = check("id", lambda v: text_limit(ID_PREFIX + v, "id", "id"))
    title = check("title", lambda v: text_limit(v, "title", "titel"))
    required("title")
    provider = required("provider", ctx.provider)
    provider = text_limit_or_issue(provider, "provider", "aanbieder", where, issues)
    sector = check("sector", ctx.places.sector)
    required("sector")
    province = cell("province") or None
    record = CourseData(
        id=course_id or "",
        where=where,
        title=title or "",
        provider=provider,
        sector=sector or "",
        source=text_limit_or_issue(cell("source") or ctx.source, "source", "bron", where, issues),
        description=cell("description"),
        primary_code=check("primary_code", lambda v: text_limit(v, "primary_code", "code")),
        level=check("level", parse_level) or "undefined",
        nlqf=check("nlqf", parse_nlqf),
        modes_of_delivery=unique(check("modes_of_delivery", parse_mode)),
        mode_of_study=check("mode_of_study", parse_mode_of_study),
        duration=check("duration", parse_duration),
        price=check("price", parse_price),
        start_dates=sorted(
            unique(d.isoformat() for d in check("start_dates", lambda v: parse_date(v, True)))
        ),
        url=check("url", parse_url),
        keywords=unique(k.lower() for k in check("keywords", str)),
        updated=check("updated", lambda v: parse_date(v, True)) or ctx.today,
    )
    places = check(
        "place",
        lambda v: ctx.places.location(v, province=province, hint="Vul de kolom province in"),
    )
    record.locations = list({loc.place: loc for loc in places}.values())
    if province and not places:
        check("province", ctx.places.province)  # still say when it is wrong
    if issues or not raw_id:
        return None, issues
    return record, issues


def text_limit_or_issue(
    value: str, column: str, label: str, where: str, issues: list[Issue]
) -> str:
    try:
        return text_limit(value, column, label)
    except InvalidValue as exc:
        issues.append(Issue(where, str(exc)))
        return value
