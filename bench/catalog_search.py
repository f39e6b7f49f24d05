"""Course search time on synthetic catalogs of register size (141,686 courses), SQLite and PostgreSQL.

Usage (from the repository root; with nice, the machine is shared):
    nice -n 10 .venv/bin/python bench/catalog_search.py --backends sqlite postgresql
The default size is DUO's registers together (HO 5,402 + mbo 15,482 + short courses 120,802
offerings; bench/synthetic.py makes the same mix); `--sizes 10000 1000000` measures others.
Builds each catalog with bench/synthetic.py (or reuses it when it was built with the same
size, seed, generator and analyzer: SQLite files in var/bench/, PostgreSQL databases
<--pg-prefix>_<size>, bench_<size> by default, at --postgres), then times bot.catalog.search.search_courses exactly as the bot
calls it: a new session per search, the top 10, the vocabulary preloaded. Query classes come
from the real document frequencies in search_terms: rare, common and very common words, two
words from one title, and a typo; each without and with filters (level, province or 30 km
around a place, price). Writes bench/results/catalog_search-<date>[-<label>].json and .md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's bot package, not an installed one

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from bench import synthetic  # noqa: E402
from bot.catalog import index  # noqa: E402
from bot.catalog.models import Course  # noqa: E402
from bot.catalog.profile import Profile  # noqa: E402
from bot.catalog.search import (  # noqa: E402
    CourseFilters,
    _filter_sql,
    _fts5_match,
    _tsquery,
    search_courses,
)
from bot.catalog.store import Catalog  # noqa: E402
from bot.catalog.textsearch import _WORD, STOPWORDS, analyzer  # noqa: E402
from bot.nlp.lexicon import normalize  # noqa: E402
from bot.settings import Settings  # noqa: E402

CLASSES = ["rare", "common", "very_common", "two_words", "typo"]
BOUNDS = {  # document frequency as a share of all courses
    "rare": (0.0, 0.001),
    "common": (0.01, 0.05),
    "very_common": (0.20, 1.01),
}
BOT_TIMEOUT_MS = 3000  # OVERSTAP_DB_TIMEOUT's default: slower searches fail in the bot
FUNDING = {"zorg": "oo_fondsen", "techniek": "oo_fondsen", "metaal": "oo_fondsen"}
SAMPLE_TEXTS = 20_000  # courses read to find the words people would type for each stem


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


# -- catalogs -------------------------------------------------------------------------------


def settings_for(url: str) -> Settings:
    # The bot's statement timeout (3 s) would cut slow searches short; measure them instead.
    env = dict(os.environ, OVERSTAP_DATABASE_URL=url, OVERSTAP_DB_TIMEOUT="600")
    return Settings.from_env(env)


def database_url(backend: str, size: int, seed: int, args: argparse.Namespace) -> str:
    if backend == "sqlite":
        return f"sqlite:///{args.var / f'catalog_{size}_seed{seed}.db'}"
    name = f"{args.pg_prefix}_{size}" if seed == 1 else f"{args.pg_prefix}_{size}_seed{seed}"
    admin = create_engine(f"{args.postgres}/postgres", future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.scalar() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{args.postgres}/{name}"


def build(backend: str, size: int, seed: int, args: argparse.Namespace) -> tuple[Catalog, dict]:
    """The catalog of this size, generated now or reused; with how long building took."""
    url = database_url(backend, size, seed, args)
    catalog = Catalog.open(settings_for(url), url)
    catalog.migrate()
    log_path = args.var / "builds.json"
    builds = json.loads(log_path.read_text()) if log_path.exists() else {}
    key = f"{backend}-{size}-{seed}"
    wanted = synthetic.fingerprint(size, seed)
    if synthetic.built_with(catalog.engine) == wanted and key in builds:
        print(f"{backend} {size}: reusing the catalog built in {builds[key]['seconds']:.0f} s")
        return catalog, {**builds[key], "reused": True}
    print(f"{backend} {size}: building ...", flush=True)
    report = synthetic.generate(catalog.engine, size, seed=seed, progress=not args.quiet)
    # Read again: another backend may have been built at the same time.
    builds = json.loads(log_path.read_text()) if log_path.exists() else {}
    builds[key] = {
        "seconds": round(report.seconds, 1),
        "courses": report.courses,
        "locations": report.locations,
        "terms": report.terms,
        "gin_rebuilt": report.gin_rebuilt,
        "postings": report.postings,
        "date": dt.datetime.now().isoformat(timespec="seconds"),
    }
    log_path.write_text(json.dumps(builds, indent=2))
    print(f"{backend} {size}: built in {report.seconds:.0f} s", flush=True)
    return catalog, {**builds[key], "reused": False}


# -- queries --------------------------------------------------------------------------------


@dataclass
class Query:
    topic: str
    filters: CourseFilters | None
    profile: Profile


def sample_texts(catalog: Catalog, size: int, rng: random.Random) -> list[tuple[str, str]]:
    """Titles and descriptions of a spread of courses (synthetic ids are numbered)."""
    numbers = sorted(rng.sample(range(1, size + 1), min(size, SAMPLE_TEXTS)))
    ids = [f"synthetisch-{n:07d}" for n in numbers]
    rows: list[tuple[str, str]] = []
    with catalog.sessions() as session:
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            query = select(Course.id, Course.title, Course.description).where(Course.id.in_(chunk))
            rows.extend(tuple(r) for r in session.execute(query))
    return [(title, description) for _id, title, description in sorted(rows)]


def surface_words(texts: list[tuple[str, str]]) -> dict[str, str]:
    """For every stem, the word as people write it most often."""
    forms: dict[str, Counter] = defaultdict(Counter)
    stem = analyzer().stem
    for title, description in texts:
        for word in _WORD.findall(normalize(f"{title} {description}")):
            if len(word) >= 4 and word.isalpha() and word not in STOPWORDS:
                forms[stem(word)][word] += 1
    return {s: c.most_common(1)[0][0] for s, c in sorted(forms.items())}


def single(word: str, stem: str, vocab: dict[str, int]) -> bool:
    """The word is a query of exactly this one index term, as typed."""
    terms = analyzer().query(word, vocab)
    return len(terms) == 1 and terms[0].alternatives[0] == (stem,) and not terms[0].corrected


def typo_of(word: str, rng: random.Random, vocab: dict[str, int]) -> str | None:
    """One edit inside the word (swap, drop, double or change a letter) that the index lacks."""
    for _ in range(10):
        i = rng.randrange(1, len(word) - 1)
        kind = rng.choice(["swap", "drop", "double", "change"])
        if kind == "swap":
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif kind == "drop":
            typo = word[:i] + word[i + 1 :]
        elif kind == "double":
            typo = word[:i] + word[i] + word[i:]
        else:
            typo = word[:i] + rng.choice("aeiourstnl") + word[i + 1 :]
        terms = analyzer().query(typo, vocab)
        if typo != word and len(terms) == 1 and terms[0].corrected:
            return typo
    return None


def topics(
    catalog: Catalog, size: int, vocab: dict[str, int], n: int, rng: random.Random
) -> tuple[dict[str, list[str]], dict[str, int]]:
    """n query texts per class (fewer distinct ones when the catalog has fewer)."""
    texts = sample_texts(catalog, size, rng)
    surface = surface_words(texts)
    pools: dict[str, list[str]] = {}
    for name, (lo, hi) in BOUNDS.items():
        pool = [
            word
            for stem, word in surface.items()
            if lo * size <= vocab.get(stem, 0) < hi * size and single(word, stem, vocab)
        ]
        pools[name] = pool
    pairs = []
    for title, _ in texts:
        words = [w for w in _WORD.findall(normalize(title)) if len(w) >= 4 and w not in STOPWORDS]
        words = list(dict.fromkeys(w for w in words if w.isalpha()))
        if len(words) >= 2:
            a, b = rng.sample(words, 2)
            terms = analyzer().query(f"{a} {b}", vocab)
            if len(terms) == 2:
                pairs.append(f"{a} {b}")
    pools["two_words"] = sorted(set(pairs))
    typos = []
    for word in sorted(pools["rare"] + pools["common"]):
        if 6 <= len(word) <= 12 and rng.random() < 0.5:
            typo = typo_of(word, rng, vocab)
            if typo:
                typos.append(typo)
    pools["typo"] = typos
    chosen, distinct = {}, {}
    for name in CLASSES:
        pool = pools[name]
        if not pool:
            raise SystemExit(f"no queries for class {name} at {size} courses")
        picks = rng.sample(pool, n) if len(pool) >= n else [rng.choice(pool) for _ in range(n)]
        chosen[name] = picks
        distinct[name] = len(set(picks))
    return chosen, distinct


def places() -> list[dict[str, Any]]:
    import yaml

    data = yaml.safe_load(synthetic.PLACES_FILE.read_text(encoding="utf-8"))
    return sorted(data["places"], key=lambda p: p["name"])


def queries(words: list[str], filtered: bool, rng: random.Random, towns: list[dict]) -> list[Query]:
    """The person asking: a profile always; with filters, a level, region and price cap."""
    out = []
    for word in words:
        town = rng.choice(towns)
        profile = Profile(
            work_situation="employed",
            nlqf=rng.choice(["1", "2", "3", "4", "6"]),
            province=town["province"],
            lat=town["lat"],
            lon=town["lon"],
            goal=rng.choice(["switch", "improve_current", "diploma"]),
            sector=rng.choice(["zorg", "logistiek", "techniek", "administratie", None]),
        )
        filters = None
        if filtered:
            region: dict[str, Any] = (
                {"province": town["province"]}
                if rng.random() < 0.5
                else {"near": (town["lat"], town["lon"]), "max_km": 30.0}
            )
            filters = CourseFilters(
                nlqf_max=rng.choice(["2", "3", "4", "6"]),
                price_max=float(rng.choice([500, 1000, 2500, 5000])),
                **region,
            )
        out.append(Query(word, filters, profile))
    return out


# -- measuring ------------------------------------------------------------------------------


def timed(catalog: Catalog, query: Query, vocab: dict[str, int]) -> tuple[float, float, int]:
    """One search as the bot makes it (a new session each time).

    Returns wall ms, this process's CPU ms (less disturbed by other load on a shared machine,
    but without the PostgreSQL server's work) and the candidates found.
    """
    with catalog.sessions() as session:
        cpu = time.process_time()
        started = time.perf_counter()
        result = search_courses(
            session,
            query.profile,
            query.topic,
            limit=10,
            filters=query.filters,
            funding=FUNDING,
            vocabulary=vocab,
        )
        elapsed = (time.perf_counter() - started) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
    return elapsed, cpu_ms, result.total


def matches(catalog: Catalog, query: Query, vocab: dict[str, int]) -> int:
    """How many courses match the words and the SQL filters: the work behind the top 10."""
    terms = analyzer().query(query.topic, vocab)
    params: dict[str, Any] = {}
    where = _filter_sql(query.filters or CourseFilters(), params)
    with catalog.sessions() as session:
        if session.get_bind().dialect.name == "postgresql":
            params["q"] = _tsquery(terms)
            sql = "SELECT count(*) FROM courses c WHERE c.search_tsv @@ to_tsquery('simple', :q)"
        else:
            params["q"] = _fts5_match(terms)
            sql = (
                "SELECT count(*) FROM courses_fts JOIN courses c ON c.rowid = courses_fts.rowid "
                "WHERE courses_fts MATCH :q"
            )
        sql += "".join(f" AND {w}" for w in where)
        return int(session.execute(text(sql), params).scalar_one())


def measure(
    catalog: Catalog, chosen: dict[str, list[str]], args: argparse.Namespace, rng: random.Random
) -> list[dict[str, Any]]:
    with catalog.sessions() as session:
        vocab = index.vocabulary(session)
    towns = places()
    plans = {
        (name, filtered): queries(chosen[name], filtered, rng, towns)
        for name in CLASSES
        for filtered in (False, True)
    }
    warm = [q for plan in plans.values() for q in plan[: args.warmup]]
    for query in warm:
        timed(catalog, query, vocab)
    rows = []
    for (name, filtered), plan in plans.items():
        times, cpus, totals = [], [], []
        for query in plan:
            ms, cpu_ms, total = timed(catalog, query, vocab)
            times.append(ms)
            cpus.append(cpu_ms)
            totals.append(total)
        counted = [matches(catalog, q, vocab) for q in plan[: args.count]]
        row = {
            "class": name,
            "filters": filtered,
            "queries": len(plan),
            "p50_ms": round(statistics.median(times), 2),
            "p95_ms": round(percentile(times, 95), 2),
            "max_ms": round(max(times), 2),
            "mean_ms": round(statistics.fmean(times), 2),
            "cpu_p50_ms": round(statistics.median(cpus), 2),
            "cpu_p95_ms": round(percentile(cpus, 95), 2),
            "over_bot_timeout": sum(t > BOT_TIMEOUT_MS for t in times),
            "candidates_median": statistics.median(totals),
            "matches_median": statistics.median(counted),
            "matches_max": max(counted),
        }
        rows.append(row)
        label = "filters" if filtered else "no filters"
        print(
            f"  {name:12} {label:10} p50 {row['p50_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  "
            f"max {row['max_ms']:8.1f} ms  cpu p50 {row['cpu_p50_ms']:7.1f} ms  "
            f"matches ~{row['matches_median']:.0f}",
            flush=True,
        )
    return rows


# -- report ---------------------------------------------------------------------------------


def machine(args: argparse.Namespace) -> dict[str, Any]:
    import sqlite3

    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }
    if "postgresql" in args.backends:
        engine = create_engine(f"{args.postgres}/postgres", future=True)
        with engine.connect() as conn:
            info["postgresql"] = conn.execute(text("SHOW server_version")).scalar()
            info["postgresql_shared_buffers"] = conn.execute(text("SHOW shared_buffers")).scalar()
        engine.dispose()
    return info


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"# Course search benchmark, {result['date'][:10]}",
        "",
        "`bench/catalog_search.py`: `search_courses(..., limit=10)` as the bot calls it, "
        "a new session per search, on synthetic catalogs (`bench/synthetic.py`, "
        f"seed {result['seed']}). Times in ms over {result['queries_per_class']} queries per "
        "class; matches = median number of courses that match the words and SQL filters.",
        "",
        "Machine: {cpus} cores, Python {python}, SQLite {sqlite}, PostgreSQL {pg}, load "
        "average at the start {load}.".format(
            pg=result["machine"].get("postgresql", "-"),
            load=result["machine"]["load_average_1_5_15"],
            **result["machine"],
        ),
        "",
        "Target: p95 <= 10 ms at register size (141,686 courses) for a top-10 query, every class.",
        "",
        "CPU p50 is this process's CPU time: on a busy shared machine it is less disturbed than "
        "wall time, but it leaves out the PostgreSQL server's work.",
        "",
        "| courses | backend | class | filters | p50 | p95 | max | CPU p50 | matches | build |",
        "|---:|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for run in sorted(result["runs"], key=lambda r: (r["size"], r["backend"])):
        build = run["build"]
        built = f"{build['seconds']:.0f} s" + (" (reused)" if build.get("reused") else "")
        for row in run["classes"]:
            lines.append(
                f"| {run['size']:,} | {run['backend']} | {row['class']} | "
                f"{'yes' if row['filters'] else 'no'} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} "
                f"| {row['max_ms']:.1f} | {row['cpu_p50_ms']:.1f} | {row['matches_median']:,.0f} "
                f"| {built} |"
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[synthetic.REGISTER_TOTAL])
    parser.add_argument(
        "--backends", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", type=int, default=200, help="timed queries per class")
    parser.add_argument("--warmup", type=int, default=5, help="untimed queries per class first")
    parser.add_argument("--count", type=int, default=30, help="queries per class to count matches")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--pg-prefix", default="bench", help="PostgreSQL databases are <prefix>_<size>"
    )
    parser.add_argument("--var", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    parser.add_argument("--label", default="", help="added to the results' file names")
    parser.add_argument("--quiet", action="store_true", help="no progress bar while building")
    parser.add_argument("--build-only", action="store_true", help="build the catalogs, no timing")
    args = parser.parse_args()
    args.var.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    stem = args.out / f"catalog_search-{dt.date.today().isoformat()}{label}"
    json_path = stem.with_suffix(".json")
    # Runs of other sizes or backends from today are kept, so 1M can be measured separately.
    previous = json.loads(json_path.read_text()) if json_path.exists() else {"runs": []}
    result: dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(args),
        "seed": args.seed,
        "queries_per_class": args.queries,
        "runs": [
            r
            for r in previous["runs"]
            if (r["size"], r["backend"]) not in {(s, b) for s in args.sizes for b in args.backends}
        ],
    }
    analyzer()
    for size in args.sizes:
        for backend in args.backends:
            catalog, build_info = build(backend, size, args.seed, args)
            if args.build_only:
                catalog.close()
                continue
            try:
                with catalog.sessions() as session:
                    vocab = index.vocabulary(session)
                    courses = session.execute(select(func.count()).select_from(Course)).scalar()
                rng = random.Random(f"{args.seed}-{size}")  # same queries on both backends
                chosen, distinct = topics(catalog, size, vocab, args.queries, rng)
                print(f"{backend} {size}: {courses} courses, {len(vocab)} terms; measuring")
                started = time.perf_counter()
                classes = measure(catalog, chosen, args, random.Random(f"q-{args.seed}-{size}"))
                result["runs"].append(
                    {
                        "size": size,
                        "backend": backend,
                        "courses": courses,
                        "terms": len(vocab),
                        "build": build_info,
                        "distinct_queries": distinct,
                        "examples": {name: chosen[name][:5] for name in CLASSES},
                        "measure_s": round(time.perf_counter() - started, 1),
                        "load_average_after": [round(x, 2) for x in os.getloadavg()],
                        "classes": classes,
                    }
                )
            finally:
                catalog.close()
            json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
            stem.with_suffix(".md").write_text(markdown(result))
    if not args.build_only:
        print(f"written to {json_path} and {stem.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
