"""HO Opleidingsoverzicht -> courses: one per programme at one school, with forms and places.

The file has a row per offering (programme x school x form x place), plus rows that only
define a programme (no AANGEBODEN_OPLEIDINGCODE): those are skipped, as are offerings that have
ended. Rows are grouped by school and programme code (OPLEIDINGSEENHEIDCODE): the register's
duplicates fall together, and the result holds every form (voltijd, deeltijd, duaal) and place.
A programme without a website gets the one of the same programme's other rows, else the
school's main site (url_kind 'school'); one without a place gets the school's places
(place_kind 'school'); when neither is known they stay empty and the bot says so.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.catalog.duo import common
from bot.catalog.importers.common import CourseData, LocationData, Places

SOURCE_ID = "duo-ho"
FORMS = {"VOLTIJD": "voltijd", "DEELTIJD": "deeltijd", "DUAAL": "duaal"}
FORM_ORDER = ("deeltijd", "duaal", "voltijd")
MODE_OF_STUDY = {"voltijd": "full-time", "deeltijd": "part-time", "duaal": "dual training"}
LEVELS = {
    "HBO-AD": ("associate degree", ["hbo", "associate degree", "ad"]),
    "HBO-BA": ("bachelor", ["hbo", "bachelor"]),
    "HBO-MA": ("master", ["hbo", "master"]),
    "WO-BA": ("bachelor", ["wo", "universiteit", "bachelor"]),
    "WO-MA": ("master", ["wo", "universiteit", "master"]),
}


@dataclass
class Group:
    school_id: str
    school: str
    code: str
    rows: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Stats:
    rows: int = 0  # rows in the file
    offered: int = 0  # offered and not ended
    distinct: int = 0  # distinct programme x school x form x place
    courses: int = 0


def _title(group: Group) -> str:
    names = Counter(r["EIGENNAAM"] for r in group.rows if r["EIGENNAAM"])
    if names:
        return names.most_common(1)[0][0][:300]
    return group.rows[0]["NAAM_LANG"][:300]


def _places(group: Group, school_places: dict[str, list[str]], places: Places):
    own = list(dict.fromkeys(r["ONDERWIJSLOCATIEPLAATS"] for r in group.rows))
    own = [p for p in own if p]
    kind = "opleiding" if own else None
    if not own and school_places.get(group.school_id):
        own, kind = school_places[group.school_id], "school"
    found: list[LocationData] = []
    for name in own:
        loc = common.location(places, name)
        if loc is not None and loc.place not in {f.place for f in found}:
            found.append(loc)
    return found, kind


def _url(group: Group, sites: common.SchoolSites) -> tuple[str | None, str | None]:
    by_form: dict[str, str] = {}
    for row in group.rows:
        url = common.clean_url(row["WEBSITE"])
        if url:
            by_form.setdefault(FORMS.get(row["VORM"], ""), url)
    for form in FORM_ORDER:  # adults look for part-time first
        if form in by_form:
            return by_form[form], "opleiding"
    if by_form:
        return next(iter(by_form.values())), "opleiding"
    main = sites.main_site(group.school_id, group.school)
    return (main, "school") if main else (None, None)


def _starts(group: Group, today: dt.date) -> list[str]:
    days = {common.day(r["EERSTE_INSTROOMDATUM"]) for r in group.rows}
    return sorted(d.isoformat() for d in days if d and d >= today)


def course(group: Group, ctx: Context) -> CourseData:
    rows = group.rows
    forms = common.ordered({FORMS[r["VORM"]] for r in rows if r["VORM"] in FORMS}, FORM_ORDER)
    level, level_words = LEVELS.get(rows[0]["NIVEAU"], ("undefined", ["hbo"]))
    ects = max((common.integer(r["STUDIELAST"]) or 0 for r in rows), default=0)
    nlqf = rows[0]["NLQF"] if rows[0]["NLQF"] in ("5", "6", "7", "8") else None
    title = _title(group)
    locations, place_kind = _places(group, ctx.school_places, ctx.places)
    url, url_kind = _url(group, ctx.sites)
    english = any("ENG" in r["VOERTAAL"] and "NLD" not in r["VOERTAAL"] for r in rows)
    description = next((r["OMSCHRIJVING"] for r in rows if len(r["OMSCHRIJVING"]) > 20), "")
    keywords = [*forms, *level_words, *[loc.place.lower() for loc in locations]]
    keywords += [w for w in common.WORD.findall(group.school.lower()) if len(w) > 3]
    if english:
        keywords.append("engelstalig")
    return CourseData(
        id=f"{SOURCE_ID}:{group.school_id}:{group.code}",
        where=f"{group.school_id}/{group.code}",
        title=title,
        provider=group.school[:200],
        sector=common.sector_of(title, rows[0]["NAAM_LANG"]),
        source=ctx.source,
        description=description,
        primary_code=(rows[0]["ERKENDEOPLEIDINGSCODE"] or rows[0]["VARIANT_VAN"] or None),
        level=level,
        nlqf=nlqf,
        mode_of_study=MODE_OF_STUDY[forms[0]] if len(forms) == 1 else None,
        duration=common.years_duration(ects),
        study_load={"unit": "ects", "value": ects} if ects else None,
        start_dates=_starts(group, ctx.today),
        url=url,
        keywords=list(dict.fromkeys(keywords)),
        updated=ctx.downloaded,
        locations=locations,
        catalog_source=SOURCE_ID,
        forms=forms,
        rio_codes=sorted({r["AANGEBODEN_OPLEIDINGCODE"] for r in rows}),
        url_kind=url_kind,
        place_kind=place_kind,
    )


@dataclass
class Context:
    places: Places
    sites: common.SchoolSites
    source: str
    today: dt.date
    downloaded: dt.date
    school_places: dict[str, list[str]] = field(default_factory=dict)


def parse(
    rows: Iterable[dict[str, str]],
    places: Places,
    today: dt.date,
    downloaded: dt.date,
    schools: Iterable[dict[str, str]] = (),
) -> tuple[list[CourseData], Stats]:
    stats = Stats()
    sites = common.SchoolSites()
    common.add_school_addresses(sites, schools)
    groups: dict[tuple[str, str], Group] = {}
    school_places: dict[str, list[str]] = defaultdict(list)
    distinct = set()
    for row in rows:
        stats.rows += 1
        sites.add_row(row["ONDERWIJSAANBIEDERID"], common.clean_url(row["WEBSITE"]))
        if not row["AANGEBODEN_OPLEIDINGCODE"] or not row["OPLEIDINGSEENHEIDCODE"]:
            continue  # a programme definition, not an offering
        if common.ended(row["AANGEBODEN_OPLEIDING_EINDDATUM"], today):
            continue
        stats.offered += 1
        school_id, code = row["ONDERWIJSAANBIEDERID"], row["OPLEIDINGSEENHEIDCODE"]
        distinct.add((school_id, code, row["VORM"], row["ONDERWIJSLOCATIEPLAATS"]))
        group = groups.setdefault(
            (school_id, code), Group(school_id, row["ONDERWIJSAANBIEDER_NAAM"], code)
        )
        group.rows.append(row)
        place = row["ONDERWIJSLOCATIEPLAATS"]
        if place and place not in school_places[school_id]:
            school_places[school_id].append(place)
    stats.distinct = len(distinct)
    ctx = Context(places, sites, common.ATTRIBUTION_SOURCE, today, downloaded, school_places)
    courses = [course(group, ctx) for group in groups.values()]
    stats.courses = len(courses)
    return courses, stats
