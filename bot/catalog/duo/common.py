"""What the DUO importers share: sectors from programme names, dates, durations, websites."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

from bot.catalog.importers.common import LocationData, Places
from bot.errors import InvalidValue
from bot.nlp.lexicon import normalize

# Word stems in a programme's name -> the sector of data/lexicon/sectors.yml it trains for.
# The first sector with a matching stem wins; a name that matches none gets 'overig'.
SECTOR_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("kinderopvang", ("kinderopvang", "pedagogisch medewerker", "gastouder")),
    ("onderwijs", ("leraar", "lerarenopleiding", "pabo", "onderwijs", "docent", "educatie", "teacher")),
    ("zorg", ("verpleeg", "verzorg", "zorg", "gezondheid", "medisch", "medische", "geneeskunde",
              "fysiotherap", "verlos", "farmac", "apothe", "tandarts", "ergotherap", "logopedi",
              "welzijn", "social work", "sociaal werk", "maatschappelijk", "pedagog", "psycholog",
              "dietetiek", "diëtetiek", "therap", "ggz", "jeugd", "nursing", "health", "care")),
    ("ict", ("ict", "informatica", "software", "computer", "data", "informatie", "cyber",
             "artificial", "kunstmatige intelligentie", "programmeren", "applicatie", "netwerk")),
    ("installatie", ("installatie", "klimaat", "elektrotechnische installaties")),
    ("metaal", ("metaal", "lassen", "verspan", "constructiewerk")),
    ("bouw", ("bouwkunde", "bouw", "civiele", "architect", "ruimtelijke", "vastgoed", "infra",
              "timmer", "schilder", "metsel")),
    ("techniek", ("techniek", "technisch", "technology", "technologie", "werktuigbouw",
                  "elektrotechn", "mechatron", "engineering", "chemie", "chemisch", "natuurkunde",
                  "industri", "procestechn", "luchtvaart", "maritiem", "mechanica", "operator")),
    ("logistiek", ("logistiek", "transport", "supply chain", "vervoer", "chauffeur", "magazijn")),
    ("mobiliteit", ("mobiliteit", "verkeer", "autotechn", "voertuig")),
    ("beveiliging", ("beveilig", "security")),
    ("overheid", ("bestuurskunde", "overheid", "politie", "veiligheid", "openbaar bestuur",
                  "public administration", "handhaving")),
    ("horeca", ("hotel", "horeca", "hospitality", "toerisme", "leisure", "kok", "gastheer",
                "gastvrouw", "facility")),
    ("detailhandel", ("retail", "winkel", "detailhandel", "verkoop", "sales")),
    ("groen", ("agr", "dier", "tuin", "bos", "natuur", "voedsel", "food", "landbouw", "veehouderij",
               "hovenier", "bloem")),
    ("schoonmaak", ("schoonmaak", "schoonmaker")),
    ("administratie", ("accountancy", "bedrijfseconomie", "finance", "financ", "administrat",
                       "fiscal", "rechten", "recht", "hrm", "human resource", "bedrijfskunde",
                       "management", "commerc", "marketing", "economie", "business",
                       "secretar", "office")),
)  # fmt: skip
OTHER_SECTOR = "overig"
WORD = re.compile(r"[a-z0-9ëéèïü]+")


def sector_of(*names: str) -> str:
    """The sector a programme trains for, from the words of its names."""
    text = " " + " ".join(normalize(n) for n in names if n) + " "
    words = WORD.findall(text)
    for sector, stems in SECTOR_STEMS:
        for stem in stems:
            if " " in stem and f" {stem}" in text:
                return sector
            if len(stem) <= 4 and stem in words:
                return sector
            if len(stem) > 4 and any(w.startswith(stem) or stem in w for w in words):
                return sector
    return OTHER_SECTOR


def day(value: str) -> dt.date | None:
    """An ISO date from a DUO cell (2026-09-01, also with a time after it); None when empty."""
    text = (value or "").strip()[:10]
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def ended(end: str, today: dt.date) -> bool:
    """True when an end date lies on or before today."""
    end_day = day(end)
    return end_day is not None and end_day <= today


def years_duration(ects: int) -> str | None:
    """ISO duration for a study load in ECTS: 60 ECTS is one year of full-time study."""
    if ects <= 0:
        return None
    if ects % 60 == 0:
        return f"P{ects // 60}Y"
    return f"P{max(1, round(ects / 5))}M"  # 5 ECTS is about a month full-time


UNIT_DURATION = {"D": "D", "W": "W", "M": "M", "J": "Y"}


def custom_duration(amount: str, unit: str) -> tuple[str | None, int | None]:
    """DUO's AFWIJKENDE_OPLEIDINGSDUUR (amount + D/W/M/J/U) as (ISO duration, hours)."""
    try:
        number = int(float((amount or "").replace(",", ".")))
    except ValueError:
        return None, None
    unit = (unit or "").strip().upper()[:1]
    if number <= 0:
        return None, None
    if unit == "U":
        return None, number
    if unit in UNIT_DURATION:
        return f"P{number}{UNIT_DURATION[unit]}", None
    return None, None


def integer(value: str) -> int | None:
    try:
        return int(float((value or "").replace(",", ".")))
    except ValueError:
        return None


def clean_url(value: str) -> str | None:
    """A website from the register, with https:// added when the school left it off."""
    text = (value or "").strip()
    if not text or " " in text:
        return None
    if not text.lower().startswith(("http://", "https://")):
        text = "https://" + text
    parts = urlsplit(text)
    if "." not in parts.netloc:
        return None
    return text[:500]


def home_page(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


class SchoolSites:
    """A school's main site: its own address file entry, else the host its rows use most."""

    def __init__(self) -> None:
        self._hosts: dict[str, Counter] = defaultdict(Counter)
        self._named: dict[str, str] = {}

    def add_row(self, school_id: str, url: str | None) -> None:
        if url:
            self._hosts[school_id][home_page(url)] += 1

    def add_named(self, name: str, url: str | None) -> None:
        if url:
            self._named[normalize(name)] = home_page(url)

    def main_site(self, school_id: str, name: str) -> str | None:
        hosts = self._hosts.get(school_id)
        if hosts:
            return hosts.most_common(1)[0][0]
        return self._named.get(normalize(name))


def add_school_addresses(sites: SchoolSites, rows: Iterable[dict[str, str]]) -> None:
    """Main sites from DUO's address file (instellingenho.csv / instellingenmbo.csv)."""
    for row in rows:
        sites.add_named(row.get("INSTELLINGSNAAM", ""), clean_url(row.get("INTERNETADRES", "")))


def location(places: Places, place: str, postcode: str = "") -> LocationData | None:
    """A place with its province and coordinates when the lexicon or the postcode knows it;
    a place neither knows keeps an empty province (shown, but no region filter finds it)."""
    name = " ".join((place or "").split()).title() if place and place.isupper() else place
    name = (name or "").strip()
    if not name:
        return None
    try:
        return places.location(name[:120], postcode=postcode or None)
    except InvalidValue:
        return LocationData(place=name[:120], province="")


def ordered(items: Iterable[str], order: tuple[str, ...]) -> list[str]:
    found = set(items)
    return [i for i in order if i in found] + sorted(found - set(order))


ATTRIBUTION_SOURCE = "Bron: DUO Open Onderwijsdata (RIO), CC0"
