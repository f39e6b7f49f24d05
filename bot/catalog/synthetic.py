"""Realistic synthetic course catalogs of any size, for benchmarks and load tests.

The seed catalog (data/catalog/courses.yml) is the template: every synthetic course starts
from a seed course (its sector, level, keywords and description sentences) and is varied with
title forms, specialisms (Dutch compounds of the sector's words, drawn Zipf-like so that a few
words are very common and most are rare), places from data/lexicon/places.yml, providers,
modes, prices and start dates. The same size and seed always give the same catalog.

Every course says `source: synthetisch (verzonnen)`. Generating replaces all courses (and the
term dictionary); it refuses when the database holds courses that are not synthetic, unless
forced, so a real catalog is never wiped by accident. Schemes are left alone.

Loading uses SQLAlchemy Core executemany in batches inside one transaction, so the ORM flush
listener of bot.catalog.index does not run: the analysed fields (`index.fields_for`) and the
term counts (`count_terms`, then `index.add_terms`) are made here. On SQLite the FTS5 triggers
index each row. On PostgreSQL a load of LARGE_LOAD courses or more drops the GIN index on
`search_tsv` and builds it again at the end: one bulk build is several times faster than
updating the index row by row. Both happen in the load's transaction, so readers never see a
catalog without its index, but searches wait for the load to finish.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Connection, Engine

from bot.catalog import index
from bot.catalog.models import ONLINE_MODES, Course, CourseLocation, SearchTerm, nlqf_rank
from bot.catalog.textsearch import ANALYZER_VERSION, STOPWORDS, analyzer, count_terms
from bot.db import Meta
from bot.errors import CatalogError
from bot.settings import PROJECT_ROOT

SOURCE = "synthetisch (verzonnen)"
GENERATOR_VERSION = "1"  # bump when the same size and seed would give other courses
META_KEY = "synthetic_catalog"
SEED_FILE = PROJECT_ROOT / "data" / "catalog" / "courses.yml"
PLACES_FILE = PROJECT_ROOT / "data" / "lexicon" / "places.yml"
BATCH = 5000
CHECK_EVERY = 1000  # every so many courses, the fast analysis is checked against fields_for
LARGE_LOAD = 50_000  # from this many courses, PostgreSQL builds the GIN index after the load
UPDATED = dt.date(2026, 11, 1)
URL_BASE = "https://example.org/overstap-synthetisch/"

# Dutch nouns that end compounds in course names: "heftruck" + "onderhoud".
HEADS = """
    beheer onderhoud planning veiligheid techniek management advies begeleiding inspectie
    communicatie administratie coördinatie analyse ontwerp besturing montage reparatie keuring
    coaching preventie hygiëne kwaliteit registratie inkoop verkoop marketing rapportage
    wetgeving berekening installatie programmering beveiliging documentatie diagnose
    ondersteuning organisatie methodiek vaardigheden praktijk certificering leiderschap
    samenwerking processen systemen materialen machines gereedschap voertuigen software
    regelgeving instructie controle procedures apparatuur verzorging opslag transport energie
    duurzaamheid signalering protocollen voorlichting dossiers budgettering roosters gesprekken
    toezicht onderzoek innovatie automatisering digitalisering netwerken klantcontact service
    ethiek financiering logboek metingen normen onderdelen storingen tekeningen voorraad
    """.split()
# Seed keywords that make no Dutch compound: adjectives, verbs, English and filler words.
NOT_MODIFIERS = set(
    """
    accounting allround associate beginners biologische business chain civiele commerciele
    commerciële control cursus degree digitale duurzaam eerste eigen electrical elektrische
    embedded entree finance financieel gebouwde learning leidinggeven leren logistics
    maatschappelijke master mechanical online openbaar pedagogisch physician science sociaal
    social sociale supply technisch technische universiteit veilig visual voortgezet werken work
    """.split()
)
TITLE_PREFIXES = [
    "Cursus", "Basiscursus", "Opfriscursus", "Verdiepingscursus", "Praktijktraining",
    "Workshop", "Masterclass", "Verkorte opleiding", "Deeltijdopleiding", "Module",
]  # fmt: skip
TITLE_SUFFIXES = [
    "voor beginners", "voor gevorderden", "in de praktijk", "met praktijkexamen",
    "voor zij-instromers", "(avondopleiding)", "(verkort)", "voor leidinggevenden",
    "voor werkenden", "met stage", "(e-learning en praktijkdag)", "voor professionals",
]  # fmt: skip
SENTENCES = [
    "Je leert ook meer over {spec}.",
    "Er is veel aandacht voor {spec} en {spec2}.",
    "In de lessen oefen je met {spec}.",
    "De lessen zijn op {day} in {place}.",
    "Je krijgt les van docenten uit de praktijk.",
    "Na afloop krijg je een {proof}.",
    "De opleiding duurt {weeks} weken, met {hours} uur les per week.",
    "Je werkgever kan een deel van de kosten betalen.",
    "Je kunt eerst een gratis proefles volgen.",
    "Voor deze opleiding heb je geen vooropleiding nodig.",
    "Je sluit af met een examen over {spec}.",
    "Deze opleiding hoort bij leerroute {code}.",
    "Na deze cursus kun je verder met {other}.",
    "Je werkt met echte opdrachten over {spec}.",
    "Er is een intake voordat je begint.",
    "We werken samen met bedrijven in de regio {place}.",
]
DAYS = ["maandagavond", "dinsdagavond", "woensdag", "donderdagavond", "vrijdag", "zaterdag"]
PROOFS = ["certificaat", "diploma", "bewijs van deelname", "praktijkverklaring", "branchediploma"]
PROVIDER_KINDS = [
    "Opleidingscentrum", "Vakschool", "Trainingsbureau", "Academie", "Leerbedrijf", "Instituut",
    "Kenniscentrum", "Scholingshuis",
]  # fmt: skip
MODES = [("on campus", 0.70), ("hybrid", 0.14), ("distance-learning", 0.07), ("online", 0.07)]
MODES.append(("situated", 1 - sum(w for _, w in MODES)))
_WORD = re.compile(r"[a-zà-ÿ]+")


class Zipf:
    """Draws from a list with weight 1 / rank**s: the first items often, the long tail rarely."""

    def __init__(self, items: list[Any], s: float):
        self.items = items
        self.cum = list(itertools.accumulate(1.0 / (rank**s) for rank in range(1, len(items) + 1)))

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_left(self.cum, rng.random() * self.cum[-1])]


def _sentences(description: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", description.strip()) if s]


def _words(text_: str) -> list[str]:
    return [w for w in _WORD.findall(text_.lower()) if len(w) >= 4 and w not in STOPWORDS]


@dataclass
class Templates:
    """What the seed catalog and the places lexicon offer to build courses from."""

    sectors: Zipf  # sector names, weighted by their share in the seed
    titles: dict[str, Zipf]  # per sector: seed titles, a few popular, most rare
    records: dict[str, list[dict]]  # per title: the seed records with that title
    specs: dict[str, Zipf]  # per sector: compounds like "heftruckonderhoud"
    learn: dict[str, list[str]]  # per sector: description sentences that say what you learn
    places: Zipf  # places with province, lat and lon
    mode_sentences: dict[str, list[str]]


def load_templates(rng: random.Random) -> Templates:
    """The building blocks, shuffled by `rng` so another seed gives other popular words."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    seed = yaml.load(SEED_FILE.read_text(encoding="utf-8"), Loader=loader)["courses"]  # noqa: S506
    places = yaml.load(PLACES_FILE.read_text(encoding="utf-8"), Loader=loader)["places"]  # noqa: S506
    by_sector: dict[str, list[dict]] = defaultdict(list)
    records: dict[str, list[dict]] = defaultdict(list)
    for rec in seed:
        by_sector[rec["sector"]].append(rec)
        records[rec["title"]].append(rec)
    mode_sentences = {
        "on campus": ["Je hebt les op locatie.", "Je oefent veel in de praktijk."],
        "hybrid": ["Je hebt lessen op school en online."],
        "distance-learning": ["Je studeert thuis, met online begeleiding."],
        "online": ["Je leert online, in je eigen tempo."],
        "situated": ["Je leert op de werkvloer, bij je eigen werkgever."],
    }
    known_mode = {s for group in mode_sentences.values() for s in group} | {
        "Je studeert in deeltijd, naast je werk.",
        "Je werkt en leert tegelijk.",
    }
    sectors = sorted(by_sector, key=lambda s: (-len(by_sector[s]), s))
    titles, specs, learn = {}, {}, {}
    for sector in sectors:
        recs = by_sector[sector]
        names = sorted({r["title"] for r in recs})
        rng.shuffle(names)
        titles[sector] = Zipf(names, 0.9)
        words = sorted(
            {w for r in recs for w in _words(" ".join(r.get("keywords") or []))} - NOT_MODIFIERS
        )
        compounds = [m + h for m in words for h in HEADS if not h.startswith(m)]
        rng.shuffle(compounds)
        specs[sector] = Zipf(compounds, 1.1)
        learn[sector] = sorted(
            {s for r in recs for s in _sentences(r["description"]) if s not in known_mode}
        )
    weighted_places = sorted(places, key=lambda p: p["name"])
    rng.shuffle(weighted_places)
    seed_places = {loc["place"] for r in seed for loc in r.get("locations") or []}
    weighted_places.sort(key=lambda p: p["name"] not in seed_places)  # towns of the seed first
    return Templates(
        sectors=Zipf(sectors, 0.6),
        titles=titles,
        records=dict(records),
        specs=specs,
        learn=learn,
        places=Zipf(weighted_places, 0.8),
        mode_sentences=mode_sentences,
    )


def _modes(rng: random.Random) -> str:
    r, acc = rng.random(), 0.0
    for mode, weight in MODES:
        acc += weight
        if r < acc:
            return mode
    return MODES[-1][0]


MONDAYS = [(dt.date(2027, 1, 4) + dt.timedelta(weeks=k)).isoformat() for k in range(52)]


class CourseMaker:
    """Makes course rows (plain dicts for Core inserts) one by one, deterministically."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.t = load_templates(random.Random(f"templates-{seed}"))
        self._document = functools.lru_cache(maxsize=500_000)(self._analyse)

    @staticmethod
    def _analyse(text_: str) -> tuple[str, ...]:
        return tuple(analyzer().document(text_))

    def fields(
        self, title: str, keywords: list[str], sector: str, sentences: list[str]
    ) -> tuple[str, str]:
        """`index.fields_for(title, keywords, sector, " ".join(sentences))`, but faster.

        The analyser works word by word, so the document of joined texts is the joined
        documents of the texts; sentences and titles repeat a lot, so they are analysed once.
        Every CHECK_EVERY-th course is compared with `index.fields_for` itself.
        """
        doc = self._document
        strong = doc(title) + doc(" ".join(keywords)) + doc(sector)
        weak = itertools.chain.from_iterable(doc(s) for s in sentences)
        return " ".join(strong), " ".join(weak)

    def title(self, title0: str, spec: str) -> str:
        rng, r = self.rng, self.rng.random()
        if r < 0.35:
            return title0
        if r < 0.55:
            return f"{rng.choice(TITLE_PREFIXES)} {title0}"
        if r < 0.75:
            return f"{title0} {rng.choice(TITLE_SUFFIXES)}"
        if r < 0.9:
            return f"{title0}: {spec}"
        return f"{rng.choice(TITLE_PREFIXES)} {spec}"

    def description(self, sector: str, rec: dict, mode: str, place: str) -> list[str]:
        rng, t = self.rng, self.t
        own = [s for s in _sentences(rec["description"]) if s in t.learn[sector]]
        parts = own[: rng.randint(1, max(1, len(own)))]
        if rng.random() < 0.4:
            parts.append(rng.choice(t.learn[sector]))
        slots = {
            "spec": t.specs[sector].draw(rng),
            "spec2": t.specs[sector].draw(rng),
            "place": place,
            "day": rng.choice(DAYS),
            "proof": rng.choice(PROOFS),
            "weeks": rng.randint(4, 40),
            "hours": rng.randint(2, 8),
            "code": f"{sector[:3].upper()}{rng.randint(100, 9999)}",
            "other": t.titles[sector].draw(rng),
        }
        extra = rng.sample(SENTENCES, rng.randint(1, 3))
        parts.extend(s.format(**slots) for s in extra)
        parts.append(rng.choice(t.mode_sentences[mode]))
        return parts

    def course(self, number: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rng, t = self.rng, self.t
        sector = t.sectors.draw(rng)
        title0 = t.titles[sector].draw(rng)
        rec = rng.choice(t.records[title0])
        spec = t.specs[sector].draw(rng)
        mode = _modes(rng)
        online = mode in ONLINE_MODES
        course_id = f"synthetisch-{number:07d}"
        places: list[dict] = []
        if not online:
            wanted = 1 if rng.random() < 0.6 else (2 if rng.random() < 0.75 else 3)
            while len(places) < wanted:
                place = t.places.draw(rng)
                if place not in places:
                    places.append(place)
        home = places[0] if places else t.places.draw(rng)
        locations = [
            {
                "course_id": course_id,
                "place": p["name"],
                "province": p["province"],
                "lat": float(p["lat"]),
                "lon": float(p["lon"]),
            }
            for p in places
        ]
        if rng.random() < 0.4 and "(voorbeeld)" in rec["provider"]:
            provider = rec["provider"]
        else:
            provider = f"{rng.choice(PROVIDER_KINDS)} {home['name']} (voorbeeld)"
        base = rec.get("price")
        if base is None or rng.random() < 0.03:
            price = None
        elif base == 0 and rng.random() < 0.9:
            price = 0.0
        else:
            price = float(round(max(base, 50) * rng.lognormvariate(0, 0.35) / 5) * 5)
        title = self.title(title0, spec)
        sentences = self.description(sector, rec, mode, home["name"])
        description = " ".join(sentences)
        keywords = [str(k).lower() for k in rec.get("keywords") or []]
        if rng.random() < 0.5:
            keywords.append(spec)
        search_title, search_body = self.fields(title, keywords, sector, sentences)
        if number % CHECK_EVERY == 1:
            expected = index.fields_for(title, keywords, sector, description)
            if (search_title, search_body) != expected:
                raise CatalogError(f"Zoekvelden van {course_id} wijken af van index.fields_for.")
        nlqf = None if rec.get("nlqf") is None else str(rec["nlqf"])
        row = {
            "id": course_id,
            "title": title,
            "description": description,
            "provider": provider,
            "primary_code": None if rec.get("primary_code") is None else str(rec["primary_code"]),
            "level": rec.get("level") or "undefined",
            "nlqf": nlqf,
            "nlqf_rank": nlqf_rank(nlqf),
            "sector": sector,
            "category": rec.get("category"),
            "modes_of_delivery": [mode],
            "mode_of_study": ("self-paced" if mode == "online" else "part-time")
            if online
            else rec.get("mode_of_study"),
            "duration": rec.get("duration"),
            "study_load": rec.get("study_load"),
            "price": price,
            "start_dates": sorted(rng.sample(MONDAYS, rng.randint(1, 4))),
            "url": URL_BASE + course_id,
            "keywords": keywords,
            "source": SOURCE,
            "updated": UPDATED,
            "online": int(online),
            "search_title": search_title,
            "search_body": search_body,
        }
        return row, locations


@dataclass
class Report:
    courses: int
    locations: int
    terms: int
    replaced: int  # courses that were there before
    seconds: float
    gin_rebuilt: bool = False


def built_with(engine: Engine) -> dict[str, Any] | None:
    """What the synthetic catalog in this database was generated with, or None."""
    with engine.connect() as conn:
        value = conn.execute(select(Meta.value).where(Meta.key == META_KEY)).scalar()
    return json.loads(value) if value else None


def fingerprint(courses: int, seed: int) -> dict[str, Any]:
    return {
        "courses": courses,
        "seed": seed,
        "generator": GENERATOR_VERSION,
        "analyzer": ANALYZER_VERSION,
    }


def _clear(conn: Connection) -> int:
    """Delete every course, location and index term; returns how many courses there were."""
    before = conn.execute(select(func.count()).select_from(Course)).scalar_one()
    if conn.dialect.name == "postgresql":
        conn.execute(text("TRUNCATE course_locations, courses, search_terms"))
        return before
    conn.execute(delete(SearchTerm))
    if not before:
        return 0
    # SQLite: the delete trigger would remove each row from FTS5 one by one; with every
    # course going, empty the FTS index at once and put the trigger back afterwards.
    trigger = conn.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = 'courses_fts_ad'"
        )
    ).one_or_none()
    if trigger is not None:
        conn.execute(text(f"DROP TRIGGER {trigger.name}"))
    conn.execute(delete(CourseLocation))
    conn.execute(delete(Course))
    conn.execute(text("INSERT INTO courses_fts(courses_fts) VALUES ('delete-all')"))
    if trigger is not None:
        conn.execute(text(trigger.sql))
    return before


def _drop_gin(conn: Connection) -> str | None:
    """Drop the GIN index on search_tsv; returns the statement that makes it again."""
    definition = conn.execute(
        text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_courses_search_tsv'")
    ).scalar()
    if definition:
        conn.execute(text("DROP INDEX ix_courses_search_tsv"))
    return definition


def _batches(maker: CourseMaker, courses: int) -> Iterator[tuple[list[dict], list[dict]]]:
    for start in range(0, courses, BATCH):
        rows, locations = [], []
        for number in range(start + 1, min(courses, start + BATCH) + 1):
            row, locs = maker.course(number)
            rows.append(row)
            locations.extend(locs)
        yield rows, locations


def generate(
    engine: Engine, courses: int, seed: int = 1, force: bool = False, progress: bool = True
) -> Report:
    """Replace the course catalog with `courses` synthetic courses, in one transaction."""
    from tqdm import tqdm

    if courses < 0:
        raise CatalogError("Het aantal opleidingen kan niet negatief zijn.")
    started = time.perf_counter()
    maker = CourseMaker(seed)
    counts: Counter = Counter()
    n_locations = 0
    gin = None
    with engine.begin() as conn:
        real = conn.execute(
            select(func.count()).select_from(Course).where(Course.source != SOURCE)
        ).scalar_one()
        if real and not force:
            raise CatalogError(
                f"De database bevat {real} echte (niet verzonnen) opleidingen. Een verzonnen "
                "catalogus vervangt alle opleidingen; gebruik --force als dat echt de bedoeling is."
            )
        postgres = conn.dialect.name == "postgresql"
        if postgres:  # a bulk load is no interactive query: no statement timeout
            conn.execute(text("SET LOCAL statement_timeout = 0"))
        else:
            conn.execute(text("PRAGMA cache_size = -262144"))  # 256 MB for this load
        replaced = _clear(conn)
        if postgres and courses >= LARGE_LOAD:
            gin = _drop_gin(conn)
        bar = tqdm(
            total=courses,
            desc="verzonnen opleidingen",
            unit=" opl",
            file=sys.stderr,
            disable=not progress,
        )
        with bar:
            for rows, locations in _batches(maker, courses):
                for row in rows:
                    # keys(): every term once per course, and Counter's fast path for iterables
                    counts.update(count_terms(row["search_title"], row["search_body"]).keys())
                conn.execute(insert(Course.__table__), rows)
                if locations:
                    conn.execute(insert(CourseLocation.__table__), locations)
                n_locations += len(locations)
                bar.update(len(rows))
        if gin:
            if progress:
                print("zoekindex (GIN) opbouwen ...", file=sys.stderr)
            conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
            conn.execute(text(gin))
        index.add_terms(conn, counts)
        conn.execute(delete(Meta).where(Meta.key.in_([META_KEY, "seed_fingerprint"])))
        conn.execute(
            insert(Meta.__table__).values(
                key=META_KEY, value=json.dumps(fingerprint(courses, seed), sort_keys=True)
            )
        )
    _analyze(engine)
    return Report(
        courses=courses,
        locations=n_locations,
        terms=len(counts),
        replaced=replaced,
        seconds=time.perf_counter() - started,
        gin_rebuilt=bool(gin),
    )


def _analyze(engine: Engine) -> None:
    """Fresh planner statistics after a bulk load, as any bulk loader should leave them."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET statement_timeout = 0"))
            conn.execute(text("VACUUM (ANALYZE) courses, course_locations, search_terms"))
            conn.execute(text("RESET statement_timeout"))
        else:
            conn.execute(text("ANALYZE"))
