"""aangeboden_nfo_opleidingen (+ cohorts, providers, locations, recognitions) -> courses.

Short courses for adults (non-formal education, the former STAP register). One course per
provider and programme code; provider names come from onderwijsaanbieders.csv, places from
onderwijslocaties.csv, start dates and classroom/online from the cohorts, an NLQF level from the
recognitions. A former STAP-budget recognition is kept as a fact only: STAP ended in 2024.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from bot.catalog.duo import common
from bot.catalog.duo.mbo import DELIVERY
from bot.catalog.importers.common import CourseData, LocationData, Places

SOURCE_ID = "duo-nfo"
NAME_COLUMNS = ("ONDERWIJSAANBIEDER_NAAM", "NAAM", "ORGANISATIENAAM", "NAAM_KORT")
START_COLUMNS = ("BEGIN_INSTROOMPERIODE", "INSTROOMMOMENT", "STARTDATUM", "BEGINDATUM")
NLQF_COLUMNS = ("NLQF_NIVEAU", "NLQF", "NIVEAU")


def first_of(row: dict[str, str], columns: tuple[str, ...]) -> str:
    return next((row[c] for c in columns if row.get(c)), "")


def lookups(tables: dict, places: Places, today: dt.date) -> dict:
    providers = {r["ONDERWIJSAANBIEDERID"]: first_of(r, NAME_COLUMNS) for r in tables["providers"]}
    locations: dict[str, LocationData | None] = {}
    for row in tables.get("locations", []):
        locations[row["ONDERWIJSLOCATIECODE"]] = common.location(
            places, row["PLAATSNAAM"], row.get("POSTCODE", "")
        )
    cohorts: dict[str, list[tuple[dt.date | None, str]]] = defaultdict(list)
    for row in tables["cohorts"]:
        start = common.day(first_of(row, START_COLUMNS))
        cohorts[row["AANGEBODEN_OPLEIDINGCODE"]].append((start, row["OPLEIDINGSVORM"].upper()))
    nlqf: dict[str, str] = {}
    stap: set[str] = set()
    for row in tables.get("recognitions", []):
        system = row["OPLEIDINGSSTELSEL"].upper()
        if system == "NLQF":
            level = first_of(row, NLQF_COLUMNS).upper().removeprefix("NLQF").strip()
            if level in ("1", "2", "3", "4", "4+", "5", "6", "7", "8"):
                nlqf[row["OPLEIDINGSEENHEIDCODE"]] = level
        elif system.startswith("STAP"):
            stap.add(row["OPLEIDINGSEENHEIDCODE"])
    return {"providers": providers, "locations": locations, "cohorts": cohorts, "nlqf": nlqf,
            "stap": stap, "today": today}  # fmt: skip


def course(key: tuple[str, str], rows: list[dict[str, str]], look: dict, ctx: dict) -> CourseData:
    first = rows[0]
    provider = look["providers"].get(key[0]) or ""
    starts, forms, modes, locations = set(), set(), set(), []
    for row in rows:
        for start, form in look["cohorts"].get(row["AANGEBODEN_OPLEIDINGCODE"], []):
            if start and start >= look["today"]:
                starts.add(start.isoformat())
            word, mode = DELIVERY.get(form, (None, None))
            if word:
                forms.add(word)
                modes.add(mode)
        loc = look["locations"].get(row["ONDERWIJSLOCATIECODE"])
        if loc and loc.place not in {x.place for x in locations}:
            locations.append(loc)
    duration, hours = common.custom_duration(
        first["AFWIJKENDE_OPLEIDINGSDUUROMVANG"], first["AFWIJKENDE_OPLEIDINGSDUUREENHEID"]
    )
    title = first["EIGENNAAM"] or first.get("EIGENNAAM_ENGELS", "") or key[1]
    url = next(
        (common.clean_url(r["WEBSITE"]) for r in rows if common.clean_url(r["WEBSITE"])), None
    )
    nlqf = look["nlqf"].get(key[1])
    keywords = ["cursus", *sorted(forms), *[x.place.lower() for x in locations]]
    if key[1] in look["stap"]:
        keywords.append("stap-erkend")
    return CourseData(
        id=f"{SOURCE_ID}:{key[0]}:{key[1]}",
        where=f"{key[0]}/{key[1]}",
        title=title[:300],
        provider=(provider or key[0])[:200],
        sector=common.sector_of(title, first["OMSCHRIJVING"][:200]),
        source=common.ATTRIBUTION_SOURCE,
        description=first["OMSCHRIJVING"][:2000],
        nlqf=nlqf,
        modes_of_delivery=sorted(modes),
        duration=duration,
        study_load={"unit": "hour", "value": hours} if hours else None,
        start_dates=sorted(starts),
        url=url,
        keywords=list(dict.fromkeys(keywords)),
        updated=ctx["downloaded"],
        locations=locations,
        catalog_source=SOURCE_ID,
        forms=sorted(forms),
        rio_codes=sorted({r["AANGEBODEN_OPLEIDINGCODE"] for r in rows}),
        url_kind="opleiding" if url else None,
        place_kind="opleiding" if locations else None,
    )


def parse(
    tables: dict[str, list[dict[str, str]]], places: Places, today: dt.date, downloaded: dt.date
) -> tuple[list[CourseData], int]:
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    rows = 0
    for row in tables["offerings"]:
        if not row["AANGEBODEN_OPLEIDINGCODE"] or common.ended(row["EINDDATUM"], today):
            continue
        rows += 1
        groups[(row["ONDERWIJSAANBIEDERID"], row["OPLEIDINGSEENHEIDCODE"])].append(row)
    look = lookups(tables, places, today)
    ctx = {"downloaded": downloaded}
    return [course(key, group, look, ctx) for key, group in groups.items()], rows
