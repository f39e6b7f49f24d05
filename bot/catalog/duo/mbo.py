"""mbo_opleidingsaanbod (+ _cohorten) -> courses: one per qualification at one school.

Offerings are grouped by school and crebo code (else OPLEIDINGSEENHEIDCODE); a group holds its
learning paths (BOL: at school, BBL: working and learning), places, and the start dates of its
cohorts that still lie ahead, with how the lessons are given (classroom, online).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from bot.catalog.duo import common
from bot.catalog.importers.common import CourseData, Places

SOURCE_ID = "duo-mbo"
LEVELS = {"MBO-1": "1", "MBO-2": "2", "MBO-3": "3", "MBO-4": "4", "ENTREE": "1"}
PATHS = {"BOL": "bol", "BBL": "bbl", "BOL_EN_BBL": "bol", "DUAAL": "duaal"}
FORM_ORDER = ("bbl", "bol", "duaal", "deeltijd", "online", "klassikaal")
DELIVERY = {
    "KLASSIKAAL": ("klassikaal", "on campus"),
    "KLASSIKAAL_EN_ONLINE": ("klassikaal", "hybrid"),
    "ONLINE": ("online", "online"),
    "ZELFSTUDIE": ("online", "distance-learning"),
}


def cohorts_by_offering(rows: list[dict[str, str]], today: dt.date) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        start = common.day(row.get("BEGIN_INSTROOMPERIODE") or row.get("INSTROOMMOMENT", ""))
        found[row["AANGEBODEN_OPLEIDINGCODE"]].append(
            {"start": start, "form": row.get("OPLEIDINGSVORM", "").upper()}
        )
    return found


def delivery(cohorts: list[dict], today: dt.date) -> tuple[list[str], list[str], list[str]]:
    """(future start dates, form words, OOAPI modes of delivery) of an offering's cohorts."""
    starts = sorted({c["start"].isoformat() for c in cohorts if c["start"] and c["start"] >= today})
    forms, modes = [], []
    for cohort in cohorts:
        form, mode = DELIVERY.get(cohort["form"], (None, None))
        if form:
            forms.append(form)
            modes.append(mode)
    return starts, forms, modes


def course(
    key: tuple[str, str], rows: list[dict[str, str]], cohorts: dict, ctx: dict
) -> CourseData:
    first = rows[0]
    level = first["OPLEIDINGSEENHEID_NIVEAU"].upper()
    nlqf = LEVELS.get(level) or LEVELS.get(f"MBO-{first.get('MBONIVEAU', '')}")
    title = first["EIGENNAAM"] or first["OPLEIDINGSEENHEID_NAAM"]
    forms, modes, starts, locations = [], [], set(), []
    for row in rows:
        forms.append(PATHS.get(row["LEERTRAJECT"].upper(), ""))
        s, f, m = delivery(cohorts.get(row["AANGEBODEN_OPLEIDINGCODE"], []), ctx["today"])
        starts.update(s)
        forms += f
        modes += m
        loc = common.location(ctx["places"], row["PLAATSNAAM"], row["POSTCODE"])
        if loc and loc.place not in {x.place for x in locations}:
            locations.append(loc)
    duration, hours = common.custom_duration(
        first["AFWIJKENDE_OPLEIDINGSDUUROMVANG"], first["AFWIJKENDE_OPLEIDINGSDUUREENHEID"]
    )
    load = (
        common.integer(first["STUDIELAST"])
        if first["STUDIELASTEENHEID"].upper() in ("SBU", "UUR", "")
        else None
    )
    hours = hours or load
    url = next(
        (common.clean_url(r["WEBSITE"]) for r in rows if common.clean_url(r["WEBSITE"])), None
    )
    url_kind = "opleiding" if url else None
    if url is None:
        url = ctx["sites"].main_site(key[0], first["NAAM"])
        url_kind = "school" if url else None
    forms = common.ordered({f for f in forms if f}, FORM_ORDER)
    return CourseData(
        id=f"{SOURCE_ID}:{key[0]}:{key[1]}",
        where=f"{key[0]}/{key[1]}",
        title=title[:300],
        provider=first["NAAM"][:200],
        sector=common.sector_of(title, first["OPLEIDINGSEENHEID_NAAM"], first["DOMEIN"]),
        source=common.ATTRIBUTION_SOURCE,
        primary_code=first["ERKENDEOPLEIDINGSCODE"] or None,
        level=f"secondary vocational education {nlqf}"
        if nlqf
        else "secondary vocational education",
        nlqf=nlqf,
        modes_of_delivery=sorted(set(modes)),
        duration=duration,
        study_load={"unit": "hour", "value": hours} if hours else None,
        start_dates=sorted(starts),
        url=url,
        keywords=list(dict.fromkeys(["mbo", *forms, *[x.place.lower() for x in locations]])),
        updated=ctx["downloaded"],
        locations=locations,
        catalog_source=SOURCE_ID,
        forms=forms,
        rio_codes=sorted({r["AANGEBODEN_OPLEIDINGCODE"] for r in rows}),
        url_kind=url_kind,
        place_kind="opleiding" if locations else None,
    )


def parse(
    tables: dict[str, list[dict[str, str]]], places: Places, today: dt.date, downloaded: dt.date
) -> tuple[list[CourseData], int]:
    sites = common.SchoolSites()
    common.add_school_addresses(sites, tables.get("schools", []))
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    rows = 0
    for row in tables["offerings"]:
        if not row["AANGEBODEN_OPLEIDINGCODE"] or not row["ONDERWIJSAANBIEDERID"]:
            continue
        rows += 1
        sites.add_row(row["ONDERWIJSAANBIEDERID"], common.clean_url(row["WEBSITE"]))
        code = row["ERKENDEOPLEIDINGSCODE"] or row["OPLEIDINGSEENHEIDCODE"]
        groups[(row["ONDERWIJSAANBIEDERID"], code)].append(row)
    cohorts = cohorts_by_offering(tables.get("cohorts", []), today)
    ctx = {"places": places, "sites": sites, "today": today, "downloaded": downloaded}
    return [course(key, group, cohorts, ctx) for key, group in groups.items()], rows
