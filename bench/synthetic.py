"""Synthetic course catalogs of any size, for benchmarks and tests only. NOT REAL COURSES.

The records of bench/course_templates.py are the templates: every synthetic course starts from
one (its sector, level, keywords and description sentences) and is varied with title forms,
specialisms (Dutch compounds of the sector's words, drawn Zipf-like so that a few words are
very common and most are rare), places from data/lexicon/places.yml, providers, modes, prices
and start dates. The mix follows DUO's registers (SHARE): 3.8% hbo/wo programmes, 10.9% mbo
offerings and 85.3% short courses for adults, as in 5,402 + 15,482 + 120,802 offerings. The
same size and seed always give the same catalog.

Every course says `source: synthetisch (verzonnen)`. Generating replaces all courses (and the
term dictionary); it refuses when the database holds courses that are not synthetic, unless
forced, so a real catalog is never wiped by accident. Schemes are left alone. Only benchmarks
and tests call it, on databases of their own; the bot never serves a generated course.

Loading uses SQLAlchemy Core executemany in batches inside one transaction, so the ORM flush
listener of bot.catalog.index does not run: the analysed fields (`index.fields_for`) and the
term counts (`count_terms`, then `index.add_terms`) and the postings (`postings.rows_for`) are
made here. On SQLite the FTS5 triggers index each row, and the postings go through a staging
table so that they are written in index order. On PostgreSQL a load of LARGE_LOAD courses or
more drops the GIN index on `search_tsv` and the postings' keys and builds them again at the
end: one bulk build is several times faster than updating an index row by row. All of it
happens in the load's transaction, so readers never see a catalog without its index, but
searches wait for the load to finish.
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

from bench import course_templates
from bot.catalog import index, postings, regions
from bot.catalog.models import ONLINE_MODES, Course, CourseLocation, SearchTerm
from bot.catalog.postings import SearchPosting
from bot.catalog.textsearch import ANALYZER_VERSION, STOPWORDS, analyzer, count_terms
from bot.db import Meta
from bot.errors import CatalogError
from bot.settings import PROJECT_ROOT

SOURCE = "synthetisch (verzonnen)"
GENERATOR_VERSION = "2"  # bump when the same size and seed would give other courses
META_KEY = "synthetic_catalog"
# Offerings in DUO's registers (../shared/data/duo/README.md): HO offered, mbo, NFO short courses.
REGISTER_SIZES = {"ho": 5_402, "mbo": 15_482, "short": 120_802}
REGISTER_TOTAL = sum(REGISTER_SIZES.values())  # 141,686: the size the search goal is set at
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
    """What the course templates and the places lexicon offer to build courses from."""

    segments: list[tuple[str, float]]  # register and its share of all courses
    sectors: dict[str, Zipf]  # per register: sector names, weighted by their share there
    titles: dict[tuple[str, str], Zipf]  # per register and sector: titles, a few popular
    records: dict[str, list[dict]]  # per title: the template records with that title
    specs: dict[str, Zipf]  # per sector: compounds like "heftruckonderhoud"
    learn: dict[str, list[str]]  # per sector: description sentences that say what you learn
    places: Zipf  # places with province, lat and lon
    mode_sentences: dict[str, list[str]]


MODE_SENTENCES = {
    "on campus": ["Je hebt les op locatie.", "Je oefent veel in de praktijk."],
    "hybrid": ["Je hebt lessen op school en online."],
    "distance-learning": ["Je studeert thuis, met online begeleiding."],
    "online": ["Je leert online, in je eigen tempo."],
    "situated": ["Je leert op de werkvloer, bij je eigen werkgever."],
}
KNOWN_MODE = {s for group in MODE_SENTENCES.values() for s in group} | {
    "Je studeert in deeltijd, naast je werk.",
    "Je werkt en leert tegelijk.",
}


def _by_sector(
    seed: list[dict], rng: random.Random
) -> tuple[dict[str, Zipf], dict[str, list[str]]]:
    """Per sector: specialisms (compounds of its keywords) and the sentences of what you learn."""
    by_sector: dict[str, list[dict]] = defaultdict(list)
    for rec in seed:
        by_sector[rec["sector"]].append(rec)
    specs, learn = {}, {}
    for sector in sorted(by_sector, key=lambda s: (-len(by_sector[s]), s)):
        recs = by_sector[sector]
        words = sorted(
            {w for r in recs for w in _words(" ".join(r.get("keywords") or []))} - NOT_MODIFIERS
        )
        compounds = [m + h for m in words for h in HEADS if not h.startswith(m)]
        rng.shuffle(compounds)
        specs[sector] = Zipf(compounds, 1.1)
        learn[sector] = sorted(
            {s for r in recs for s in _sentences(r["description"]) if s not in KNOWN_MODE}
        )
    return specs, learn


def load_templates(rng: random.Random) -> Templates:
    """The building blocks, shuffled by `rng` so another seed gives other popular words."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    seed = course_templates.records()
    places = yaml.load(PLACES_FILE.read_text(encoding="utf-8"), Loader=loader)["places"]  # noqa: S506
    records: dict[str, list[dict]] = defaultdict(list)
    groups: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rec in seed:
        records[rec["title"]].append(rec)
        groups[(course_templates.segment(rec["kind"]), rec["sector"])].add(rec["title"])
    sectors, titles = {}, {}
    for segment in REGISTER_SIZES:
        size = {sec: len(names) for (seg, sec), names in groups.items() if seg == segment}
        sectors[segment] = Zipf(sorted(size, key=lambda s: (-size[s], s)), 0.6)
        for sector in size:
            names = sorted(groups[(segment, sector)])
            rng.shuffle(names)
            titles[(segment, sector)] = Zipf(names, 0.9)
    specs, learn = _by_sector(seed, rng)
    weighted_places = sorted(places, key=lambda p: p["name"])
    rng.shuffle(weighted_places)
    seed_places = {loc["place"] for r in seed for loc in r.get("locations") or []}
    weighted_places.sort(key=lambda p: p["name"] not in seed_places)  # towns of the seed first
    return Templates(
        segments=[(name, n / REGISTER_TOTAL) for name, n in REGISTER_SIZES.items()],
        sectors=sectors,
        titles=titles,
        records=dict(records),
        specs=specs,
        learn=learn,
        places=Zipf(weighted_places, 0.8),
        mode_sentences=MODE_SENTENCES,
    )


def _weighted(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    r, acc = rng.random(), 0.0
    for name, weight in choices:
        acc += weight
        if r < acc:
            return name
    return choices[-1][0]


def _modes(rng: random.Random) -> str:
    return _weighted(rng, MODES)


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

    def description(self, key: tuple[str, str], rec: dict, mode: str, place: str) -> list[str]:
        rng, t, sector = self.rng, self.t, key[1]
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
            "other": t.titles[key].draw(rng),
        }
        extra = rng.sample(SENTENCES, rng.randint(1, 3))
        parts.extend(s.format(**slots) for s in extra)
        parts.append(rng.choice(t.mode_sentences[mode]))
        return parts

    def places(self, online: bool) -> list[dict]:
        rng, places = self.rng, []
        if not online:
            wanted = 1 if rng.random() < 0.6 else (2 if rng.random() < 0.75 else 3)
            while len(places) < wanted:
                place = self.t.places.draw(rng)
                if place not in places:
                    places.append(place)
        return places

    def price(self, base: float | None) -> float | None:
        rng = self.rng
        if base is None or rng.random() < 0.03:
            return None
        if base == 0 and rng.random() < 0.9:
            return 0.0
        return float(round(max(base, 50) * rng.lognormvariate(0, 0.35) / 5) * 5)

    def record(self, number: int) -> tuple[dict[str, Any], list[str]]:
        """One course in the shape of bench.course_templates' records, and its sentences."""
        rng, t = self.rng, self.t
        segment = _weighted(rng, t.segments)
        key = (segment, t.sectors[segment].draw(rng))
        rec = rng.choice(t.records[t.titles[key].draw(rng)])
        spec = t.specs[key[1]].draw(rng)
        mode = _modes(rng)
        online = mode in ONLINE_MODES
        course_id = f"synthetisch-{number:07d}"
        places = self.places(online)
        home = places[0] if places else t.places.draw(rng)
        if rng.random() < 0.4 and "(voorbeeld)" in rec["provider"]:
            provider = rec["provider"]
        else:
            provider = f"{rng.choice(PROVIDER_KINDS)} {home['name']} (voorbeeld)"
        price = self.price(rec.get("price"))
        title = self.title(rec["title"], spec)
        sentences = self.description(key, rec, mode, home["name"])
        keywords = [str(k).lower() for k in rec.get("keywords") or []]
        if rng.random() < 0.5:
            keywords.append(spec)
        study = ("self-paced" if mode == "online" else "part-time") if online else None
        record = {
            **rec,
            "id": course_id,
            "title": title,
            "description": " ".join(sentences),
            "provider": provider,
            "mode_of_delivery": [mode],
            "mode_of_study": study or rec.get("mode_of_study"),
            "locations": [
                {
                    "place": p["name"],
                    "province": p["province"],
                    "lat": float(p["lat"]),
                    "lon": float(p["lon"]),
                }
                for p in places
            ],  # fmt: skip
            "price": price,
            "start_dates": sorted(rng.sample(MONDAYS, rng.randint(1, 4))),
            "url": URL_BASE + course_id,
            "keywords": keywords,
            "source": SOURCE,
        }
        return record, sentences

    def course(self, number: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """One courses row with its search fields, and its course_locations rows."""
        record, sentences = self.record(number)
        row, locations = course_templates.course_row(record)
        row["updated"] = UPDATED
        row["search_title"], row["search_body"] = self.fields(
            row["title"], row["keywords"], row["sector"], sentences
        )
        row["regions"] = regions.mask(locations)
        row["search_impacts"] = postings.forward(row["search_title"], row["search_body"])
        if number % CHECK_EVERY == 1:
            expected = index.fields_for(
                row["title"], row["keywords"], row["sector"], row["description"]
            )
            if (row["search_title"], row["search_body"]) != expected:
                raise CatalogError(f"Zoekvelden van {row['id']} wijken af van index.fields_for.")
        return row, locations


@dataclass
class Report:
    courses: int
    locations: int
    terms: int
    replaced: int  # courses that were there before
    seconds: float
    gin_rebuilt: bool = False
    postings: int = 0


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
        conn.execute(text("TRUNCATE search_postings, course_locations, courses, search_terms"))
        return before
    conn.execute(delete(SearchTerm))
    conn.execute(text("DELETE FROM search_postings"))
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


class _Postings:
    """Writes the postings of a bulk load with its indexes built once at the end."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.restore: list[str] = []
        if self.sqlite:
            # Staged in load order, then written in key order: appends instead of random
            # inserts into the WITHOUT ROWID table.
            conn.execute(text("DROP TABLE IF EXISTS temp.postings_stage"))
            conn.execute(
                text("CREATE TEMP TABLE postings_stage AS SELECT * FROM search_postings LIMIT 0")
            )
            conn.execute(text("DROP INDEX IF EXISTS ix_search_postings_course"))
            self.restore = [INDEX]
            self.table = "postings_stage"
            return
        self.table = "search_postings"
        for name, definition in conn.execute(text(PG_CONSTRAINTS)).all():
            conn.execute(text(f'ALTER TABLE search_postings DROP CONSTRAINT "{name}"'))
            self.restore.append(f'ALTER TABLE search_postings ADD CONSTRAINT "{name}" {definition}')
        definition = conn.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_postings_course'")
        ).scalar()
        conn.execute(text("DROP INDEX IF EXISTS ix_search_postings_course"))
        self.restore.append(definition or INDEX)  # with its INCLUDE columns (migration 0011)

    def add(self, rows: list[dict[str, Any]]) -> int:
        written = [r for row in rows for r in postings.rows_for(row)]
        if written and not self.sqlite:  # insert() lets psycopg2 send pages of rows
            self.conn.execute(insert(SearchPosting.__table__), written)
        elif written:
            columns = ", ".join(written[0])
            values = ", ".join(f":{c}" for c in written[0])
            self.conn.execute(
                text(f"INSERT INTO {self.table} ({columns}) VALUES ({values})"), written
            )
        return len(written)

    def finish(self) -> None:
        if self.sqlite:
            self.conn.execute(
                text(
                    "INSERT INTO search_postings SELECT * FROM postings_stage "
                    "ORDER BY term, impact, course_id"
                )
            )
            self.conn.execute(text("DROP TABLE temp.postings_stage"))
        for statement in self.restore:
            self.conn.execute(text(statement))


INDEX = "CREATE INDEX ix_search_postings_course ON search_postings (course_id, term)"
PG_CONSTRAINTS = (
    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE conrelid = 'search_postings'::regclass ORDER BY contype DESC"  # p before f
)


def _check_replace(conn: Connection, force: bool) -> None:
    real = conn.execute(
        select(func.count()).select_from(Course).where(Course.source != SOURCE)
    ).scalar_one()
    if real and not force:
        raise CatalogError(
            f"De database bevat {real} echte (niet verzonnen) opleidingen. Een verzonnen "
            "catalogus vervangt alle opleidingen; gebruik --force als dat echt de bedoeling is."
        )


def _load(conn: Connection, maker: CourseMaker, courses: int, progress: bool) -> dict[str, Any]:
    """Insert the courses, their places and postings; returns the counts."""
    from tqdm import tqdm

    counts: Counter = Counter()
    stats = {"locations": 0, "postings": 0, "counts": counts}
    writer = _Postings(conn)
    bar = tqdm(total=courses, desc="verzonnen opleidingen", unit=" opl", file=sys.stderr,
               disable=not progress)  # fmt: skip
    with bar:
        for rows, locations in _batches(maker, courses):
            for row in rows:
                # keys(): every term once per course, and Counter's fast path for iterables
                counts.update(count_terms(row["search_title"], row["search_body"]).keys())
            conn.execute(insert(Course.__table__), rows)
            if locations:
                conn.execute(insert(CourseLocation.__table__), locations)
            stats["locations"] += len(locations)
            stats["postings"] += writer.add(rows)
            bar.update(len(rows))
    if progress:
        print("zoekindex opbouwen ...", file=sys.stderr)
    writer.finish()
    return stats


def generate(
    engine: Engine, courses: int, seed: int = 1, force: bool = False, progress: bool = True
) -> Report:
    """Replace the course catalog with `courses` synthetic courses, in one transaction."""
    if courses < 0:
        raise CatalogError("Het aantal opleidingen kan niet negatief zijn.")
    started = time.perf_counter()
    maker = CourseMaker(seed)
    gin = None
    with engine.begin() as conn:
        _check_replace(conn, force)
        postgres = conn.dialect.name == "postgresql"
        if postgres:  # a bulk load is no interactive query: no statement timeout
            conn.execute(text("SET LOCAL statement_timeout = 0"))
            conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        else:
            conn.execute(text("PRAGMA cache_size = -262144"))  # 256 MB for this load
        replaced = _clear(conn)
        if postgres and courses >= LARGE_LOAD:
            gin = _drop_gin(conn)
        stats = _load(conn, maker, courses, progress)
        if gin:
            conn.execute(text(gin))
        index.add_terms(conn, stats["counts"])
        conn.execute(delete(Meta).where(Meta.key.in_([META_KEY, "seed_fingerprint"])))
        conn.execute(
            insert(Meta.__table__).values(
                key=META_KEY, value=json.dumps(fingerprint(courses, seed), sort_keys=True)
            )
        )
    _analyze(engine)
    return Report(
        courses=courses,
        locations=stats["locations"],
        terms=len(stats["counts"]),
        replaced=replaced,
        seconds=time.perf_counter() - started,
        gin_rebuilt=bool(gin),
        postings=stats["postings"],
    )


def _analyze(engine: Engine) -> None:
    """Fresh planner statistics after a bulk load, as any bulk loader should leave them."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET statement_timeout = 0"))
            conn.execute(
                text("VACUUM (ANALYZE) courses, course_locations, search_terms, search_postings")
            )
            conn.execute(text("RESET statement_timeout"))
        else:
            conn.execute(text("ANALYZE"))
