"""Invented course records from the templates in bench/course_templates.yml, for tests and
benchmarks only.

NOT REAL COURSES: providers, prices, dates and places are invented (the records' `source` says
so). Nothing calls this at run time of the bot; tests and benchmarks make the records in memory
and load them into databases of their own. The same templates always give the same records
(fixed seed, no clock, no set ordering): 435 records, each a dict with OOAPI-like field names.

    .venv/bin/python -m bench.course_templates            # how many records, per kind
    .venv/bin/python -m bench.course_templates --yaml     # the records as YAML, on stdout

`course_row` is the one place that maps a record to the columns of bot.catalog.models.Course;
`add_to(session)` adds all records to a test's own database.
"""

from __future__ import annotations

import argparse
import functools
import random
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
TEMPLATES_FILE = HERE / "course_templates.yml"
PLACES_FILE = HERE.parent / "data" / "lexicon" / "places.yml"
MBO_KINDS = ("entree", "mbo2", "mbo3", "mbo4")
DEGREE_KINDS = ("ad", "ba", "ma")
HO_KINDS = ("ad", "ba", "ma", "zij")
SHORT_KINDS = ("cert", "basis")
MAX_WORDS = 12  # words per sentence (B1)
RECORD_KEYS = (
    "id", "title", "description", "provider", "primary_code", "level", "nlqf", "sector",
    "category", "mode_of_delivery", "mode_of_study", "locations", "duration", "study_load",
    "price", "start_dates", "url", "keywords", "source",
)  # fmt: skip


@functools.lru_cache(maxsize=1)
def templates() -> dict[str, Any]:
    """The template file, read once."""
    return yaml.safe_load(TEMPLATES_FILE.read_text(encoding="utf-8"))


def segment(kind: str) -> str:
    """The DUO register a record of this kind stands in for: ho, mbo or short (NFO)."""
    if kind in HO_KINDS:
        return "ho"
    return "mbo" if kind in MBO_KINDS else "short"


# -- the pieces of one record ---------------------------------------------------------------


def slugify(text: str) -> str:
    text = text.lower()
    for a, b in (("ë", "e"), ("é", "e"), ("è", "e"), ("ï", "i"), ("ö", "o"), ("ü", "u"),
                 ("â", "a"), ("&", " en ")):  # fmt: skip
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def title_slug(t: dict[str, Any]) -> str:
    if t.get("slug"):
        return t["slug"]
    base = re.sub(r"\((mbo \d|entree)\)", "", t["title"])
    out: list[str] = []
    for w in slugify(base).split("-"):
        if len("-".join([*out, w])) > 40:
            break
        out.append(w)
    return "-".join(out)


def pick(rng: random.Random, options: list[str], **fmt: str) -> str:
    """One sentence template, filled in, that stays within MAX_WORDS words."""
    ok = [o.format(**fmt) for o in options if len(o.format(**fmt).split()) <= MAX_WORDS]
    if not ok:
        raise ValueError(f"sentence too long: {options[0]!r} {fmt!r}")
    return rng.choice(ok)


def provider_for(t: dict[str, Any], prov: str | None, online: bool) -> str:
    data, kind = templates(), t["kind"]
    names, roc = data["providers"], data["roc_by_province"]
    if kind in MBO_KINDS:
        return names["distance_mbo"] if online else roc[prov]
    if kind in DEGREE_KINDS:
        return names["universiteit"] if t["code"][0] in "56" else names["hogeschool"]
    if kind == "zij":
        return names["hogeschool"]
    if kind == "basis":
        if t.get("provider") == "roc":
            return names["distance_mbo"] if online else roc[prov]
        if t.get("provider") == "taalschool":
            return names["online"] if online else names["taalschool"]
        return names["taalhuis"]
    name = t.get("provider") or data["cert_provider"][t["sector"]]
    if name == "ROC":
        return roc[prov] if prov else names["distance_mbo"]
    if online:
        return names["online"] if "{region}" in name else name
    return name.format(region=data["region"][prov])


def delivery_of(rng: random.Random, t: dict[str, Any], online: bool, idx: int):
    """(modes of delivery, mode of study, bbl) of one record."""
    kind = t["kind"]
    if online:
        if kind in SHORT_KINDS:
            return ["online"], "self-paced", False
        return ["distance-learning"], "part-time", False
    if kind in MBO_KINDS:
        bbl = idx % 2 == 0
        delivery = ["hybrid"] if rng.random() < 0.15 else ["on campus"]
        return delivery, "dual training" if bbl else "full-time", bbl
    if kind in HO_KINDS:
        return ["hybrid"] if rng.random() < 0.3 else ["on campus"], "part-time", False
    if t["title"] == "Taal op de werkvloer":
        return ["situated"], "part-time", False
    hybrid = kind == "cert" and rng.random() < 0.15
    return ["hybrid"] if hybrid else ["on campus"], "part-time", False


def duration_of(rng: random.Random, t: dict[str, Any]) -> str:
    kind = t["kind"]
    if t.get("duration"):
        return t["duration"]
    fixed = {"entree": "P1Y", "mbo2": "P2Y", "mbo4": "P3Y", "ad": "P2Y", "ba": "P4Y"}
    if kind in fixed:
        return fixed[kind]
    if kind == "mbo3":
        return rng.choice(["P2Y", "P3Y"])
    return "P1Y" if t["code"][0] == "6" else "P2Y"  # master


def price_of(rng: random.Random, t: dict[str, Any], years: int) -> float:
    kind = t["kind"]
    if kind in MBO_KINDS:
        lo, hi = (1200, 1500) if kind == "entree" else (1200, 3000)
        return float(round(rng.uniform(lo, hi) / 25) * 25)
    if kind in DEGREE_KINDS:
        return float(2600 * years)
    lo, hi = t["price"]
    return float(round(rng.uniform(lo, hi) / 5) * 5)


def study_load_of(t: dict[str, Any], years: int, bbl: bool, online: bool) -> dict | None:
    kind = t["kind"]
    if kind in MBO_KINDS:
        return {"unit": "hour", "value": (610 if bbl or online else 1000) * years}
    ects = {"ad": 120, "ba": 240, "ma": 60 if years == 1 else 90}
    if kind in ects:
        return {"unit": "ects", "value": ects[kind]}
    return dict(t["load"]) if t.get("load") else None


def start_dates_of(rng: random.Random, t: dict[str, Any], online: bool) -> list[str]:
    kind, starts = t["kind"], templates()["starts"]
    if online and kind in SHORT_KINDS:
        pool, k = starts["online"], rng.randint(1, 4)
    elif kind in MBO_KINDS:
        pool, k = starts["mbo"], rng.randint(1, 2)
    elif kind in HO_KINDS:
        pool, k = starts["ho"], rng.randint(1, 2)
    else:
        pool, k = starts["short"], rng.randint(2, 4)
    return sorted(rng.sample(pool, k))


def description_of(rng: random.Random, t: dict[str, Any], idx: int, facts_key: str) -> str:
    """What you learn, what work it leads to, one practical fact."""
    texts, kind = templates()["texts"], t["kind"]
    learn = t["learn"][idx % len(t["learn"])]
    sentences = [pick(rng, texts["learn_short" if kind in SHORT_KINDS else "learn_long"], l=learn)]
    if t.get("work"):
        key = {"cert": "work_cert", "zij": "work_zij"}.get(kind, "work")
        sentences.append(pick(rng, texts[key], w=t["work"]))
    elif t.get("extra"):
        sentences.append(t["extra"])
    else:
        sentences.append(rng.choice(texts["no_work"]))
    fact = rng.choice(texts["facts"][facts_key])
    if fact:
        sentences.append(fact)
    return " ".join(sentences)


def facts_key(t: dict[str, Any], online: bool, delivery: list[str], study: str, bbl: bool,
              price: float) -> str:  # fmt: skip
    kind = t["kind"]
    if online:
        return "self_paced" if study == "self-paced" else "distance"
    if delivery in (["hybrid"], ["situated"]):
        return delivery[0]
    if bbl:
        return "bbl"
    if kind in MBO_KINDS:
        return "mbo"
    if kind in HO_KINDS:
        return "ho"
    return "free" if price == 0 else "other"


def keywords_of(t: dict[str, Any], price: float, online: bool) -> list[str]:
    kw = [k.lower() for k in t["keywords"]]
    tags = []
    if t["kind"] in MBO_KINDS:
        tags.append("mbo")
    elif t["kind"] in DEGREE_KINDS:
        tags.append("universiteit" if t["code"][0] in "56" else "hbo")
    if price == 0:
        tags.append("gratis")
    if online:
        tags.append("online")
    for tag in tags:
        if tag not in kw and len(kw) < 8:
            kw.append(tag)
    return kw


def make_record(rng: random.Random, t: dict[str, Any], loc: dict | None, idx: int) -> dict:
    """One record of template t, at place loc (None: online)."""
    data, kind = templates(), t["kind"]
    online = loc is None
    delivery, study, bbl = delivery_of(rng, t, online, idx)
    duration = duration_of(rng, t)
    match = re.fullmatch(r"P(\d+)Y", duration)
    years = int(match.group(1)) if match else 0
    price = price_of(rng, t, years)
    study_load = study_load_of(t, years, bbl, online)
    start_dates = start_dates_of(rng, t, online)
    key = facts_key(t, online, delivery, study, bbl, price)
    return {
        "title": t["title"],
        "description": description_of(rng, t, idx, key),
        "provider": provider_for(t, None if online else loc["province"], online),
        "primary_code": t.get("code"),
        "level": data["kinds"][kind]["level"],
        "nlqf": t.get("nlqf") or data["kinds"][kind]["nlqf"],
        "sector": t["sector"],
        "category": t.get("category") or data["category"][t["sector"]],
        "mode_of_delivery": delivery,
        "mode_of_study": study,
        "locations": [] if online else [dict(loc)],
        "duration": duration,
        "study_load": study_load,
        "price": price,
        "start_dates": start_dates,
        "keywords": keywords_of(t, price, online),
        "source": data["source"]["croho" if t.get("croho") else "invented"],
    }


# -- every record -----------------------------------------------------------------------------


def towns() -> dict[str, dict[str, Any]]:
    """The template towns with province and coordinates from data/lexicon/places.yml."""
    places = yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))
    by_name: dict[str, dict] = {}
    for p in places["places"]:
        by_name.setdefault(p["name"], p)
    out = {}
    for prov, names in templates()["towns"].items():
        for name in names:
            p = by_name.get(name)
            if p is None or p["province"] != prov:
                raise ValueError(f"town {name!r} not found in {prov}")
            out[name] = {"place": name, "province": prov, "lat": float(p["lat"]),
                         "lon": float(p["lon"])}  # fmt: skip
    return out


def _places_of(t: dict, rng: random.Random, state: dict) -> list[dict | None]:
    """The template's places: pinned ones, then one per least-used other province; online."""
    where, counts, turn = state["towns"], state["counts"], state["turn"]
    provinces = list(templates()["towns"])
    locs = [where[name] for name in t.get("pin", [])]
    used = {loc["province"] for loc in locs}
    for _ in range(t.get("n", 1)):
        free = [p for p in provinces if p not in used] or provinces
        prov = min(free, key=lambda p: (counts[p], rng.random()))
        used.add(prov)
        names = templates()["towns"][prov]
        names = names[:2] if t["kind"] in DEGREE_KINDS else names
        locs.append(where[names[turn[prov] % len(names)]])
        turn[prov] += 1
    for loc in locs:
        counts[loc["province"]] += 1
    return [*locs, *([None] * t.get("online", 0))]


@functools.lru_cache(maxsize=1)
def _records() -> tuple[dict[str, Any], ...]:
    data = templates()
    rng = random.Random(data["seed"])
    provinces = list(data["towns"])
    state = {"towns": towns(), "counts": dict.fromkeys(provinces, 0),
             "turn": dict.fromkeys(provinces, 0)}  # fmt: skip
    records, seen = [], set()
    for t in data["courses"]:
        for idx, loc in enumerate(_places_of(t, rng, state)):
            rec = make_record(rng, t, loc, idx)
            where = "online" if loc is None else slugify(loc["place"])
            base = "{}-{}-{}-{}".format(t["sector"], title_slug(t), rec["nlqf"], where)
            cid, i = base, 2
            while cid in seen:
                cid, i = f"{base}-{i}", i + 1
            seen.add(cid)
            rec.update(id=cid, url=data["url_base"] + cid, kind=t["kind"])
            records.append(rec)
    check_texts(records)
    return tuple(records)


def records() -> list[dict[str, Any]]:
    """Every record, in template order (fresh copies: callers may change them)."""
    import copy

    return copy.deepcopy(list(_records()))


def check_texts(records: list[dict[str, Any]]) -> None:
    """B1 texts: 1-3 short sentences, no officialese, 3-8 lower-case keywords."""
    forbidden = templates()["forbidden_words"]
    for r in records:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", r["description"]) if s]
        if not 1 <= len(sentences) <= 3:
            raise ValueError(f"{r['id']}: {len(sentences)} sentences")
        for s in sentences:
            if len(s.split()) > MAX_WORDS:
                raise ValueError(f"{r['id']}: sentence too long: {s}")
        low = r["description"].lower()
        for bad in forbidden:
            if re.search(rf"\b{bad}\b", low):
                raise ValueError(f"{r['id']}: officialese {bad!r}")
        if not 3 <= len(r["keywords"]) <= 8 or any(k != k.lower() for k in r["keywords"]):
            raise ValueError(f"{r['id']}: bad keywords {r['keywords']!r}")


# -- to the database --------------------------------------------------------------------------


def course_row(record: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(courses row, course_locations rows) for one record: the one mapping to Course's
    columns. The search fields and nlqf_rank are left to the caller (bot.catalog.index)."""
    from bot.catalog.models import ONLINE_MODES, nlqf_rank

    modes = list(record["mode_of_delivery"])
    row = {
        "id": record["id"],
        "title": record["title"],
        "description": record["description"],
        "provider": record["provider"],
        "primary_code": record["primary_code"],
        "level": record["level"],
        "nlqf": record["nlqf"],
        "nlqf_rank": nlqf_rank(record["nlqf"]),
        "sector": record["sector"],
        "category": record["category"],
        "modes_of_delivery": modes,
        "mode_of_study": record["mode_of_study"],
        "duration": record["duration"],
        "study_load": record["study_load"],
        "price": record["price"],
        "start_dates": list(record["start_dates"]),
        "url": record["url"],
        "keywords": list(record["keywords"]),
        "source": record["source"],
        "online": int(bool(ONLINE_MODES & set(modes))),
    }
    locations = [{"course_id": record["id"], **loc} for loc in record["locations"]]
    return row, locations


def add_to(session: Any, updated: Any = None) -> int:
    """Add every record as a Course to a test's own database session (the flush listeners of
    bot.catalog.index fill the search fields and postings); returns how many."""
    from bot.catalog.models import Course, CourseLocation

    found = records()
    for record in found:
        row, locations = course_row(record)
        course = Course(**row, updated=updated)
        course.locations = [
            CourseLocation(**{k: v for k, v in loc.items() if k != "course_id"})
            for loc in locations
        ]
        session.add(course)
    return len(found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--yaml", action="store_true", help="print every record as YAML")
    args = parser.parse_args()
    found = records()
    if args.yaml:
        out = [{k: r[k] for k in RECORD_KEYS} for r in found]
        yaml.safe_dump({"courses": out}, sys.stdout, allow_unicode=True, sort_keys=False)
        return 0
    kinds = Counter(segment(r["kind"]) for r in found)
    print(f"{len(found)} verzonnen opleidingen: " + ", ".join(f"{k} {n}" for k, n in kinds.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
