"""Loads the seed catalog (data/catalog/*.yml) into the database, in one transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.catalog import index
from bot.catalog.models import COURSE_NLQF_LEVELS, Course, CourseLocation, Scheme, nlqf_rank
from bot.db import Meta
from bot.errors import CatalogImportError
from bot.settings import PROJECT_ROOT

SEED_DIR = PROJECT_ROOT / "data" / "catalog"
SCHEME_TYPES = {"subsidie", "lening", "advies", "fonds", "fiscaal", "werkgeversplicht"}
SCHEME_STATUSES = {"actief", "beeindigd", "onzeker"}
APPLICANTS = {"persoon", "werkgever"}
MODES = {"distance-learning", "on campus", "online", "hybrid", "situated"}


def seed_files(directory: Path = SEED_DIR) -> list[Path]:
    return [directory / "schemes.yml", directory / "courses.yml"]


def seed_fingerprint(directory: Path = SEED_DIR) -> str:
    digest = hashlib.sha256()
    for path in seed_files(directory):
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:16]


def _date(value: Any, where: str, field: str, required: bool = False) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise CatalogImportError(f"{where}: veld '{field}' ontbreekt.")
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CatalogImportError(
            f"{where}: '{field}' is geen datum (JJJJ-MM-DD): {value!r}"
        ) from None


def _require(rec: dict, keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if rec.get(k) in (None, "", [])]
    if missing:
        raise CatalogImportError(f"{where}: verplichte velden ontbreken: {', '.join(missing)}")


def scheme_from_record(rec: dict, where: str) -> Scheme:
    _require(rec, ("id", "name", "runner", "type", "applicant", "status", "explanation_b1"), where)
    if rec["type"] not in SCHEME_TYPES:
        raise CatalogImportError(f"{where}: onbekend type {rec['type']!r}")
    if rec["status"] not in SCHEME_STATUSES:
        raise CatalogImportError(f"{where}: onbekende status {rec['status']!r}")
    if rec["applicant"] not in APPLICANTS:
        raise CatalogImportError(f"{where}: onbekende aanvrager {rec['applicant']!r}")
    return Scheme(
        id=str(rec["id"]),
        name=rec["name"],
        aliases=list(rec.get("aliases") or []),
        runner=rec["runner"],
        type=rec["type"],
        applicant=rec["applicant"],
        status=rec["status"],
        valid_from=_date(rec.get("valid_from"), where, "valid_from"),
        valid_until=_date(rec.get("valid_until"), where, "valid_until"),
        conditions=dict(rec.get("conditions") or {}),
        amount=rec.get("amount"),
        how_to_apply=rec.get("how_to_apply"),
        explanation_b1=rec["explanation_b1"],
        uncertain=rec.get("uncertain"),
        replaced_by=list(rec.get("replaced_by") or []),
        ended_note=rec.get("ended_note"),
        sources=list(rec.get("sources") or []),
        last_verified=_date(rec.get("last_verified"), where, "last_verified", required=True),
        confidence=rec.get("confidence"),
    )


def course_from_record(rec: dict, where: str) -> Course:
    _require(rec, ("id", "title", "provider", "sector", "source"), where)
    nlqf = None if rec.get("nlqf") is None else str(rec["nlqf"])
    if nlqf is not None and nlqf not in COURSE_NLQF_LEVELS:
        raise CatalogImportError(f"{where}: onbekend NLQF-niveau {nlqf!r}")
    modes = list(rec.get("mode_of_delivery") or [])
    bad = [m for m in modes if m not in MODES]
    if bad:
        raise CatalogImportError(f"{where}: onbekende lesvorm {bad[0]!r}")
    price = rec.get("price")
    if price is not None:
        try:
            price = float(price)
        except (TypeError, ValueError):
            raise CatalogImportError(f"{where}: prijs is geen getal: {price!r}") from None
        if price < 0:
            raise CatalogImportError(f"{where}: prijs is negatief")
    course = Course(
        id=str(rec["id"]),
        title=rec["title"],
        description=rec.get("description") or "",
        provider=rec["provider"],
        primary_code=None if rec.get("primary_code") is None else str(rec["primary_code"]),
        level=rec.get("level") or "undefined",
        nlqf=nlqf,
        nlqf_rank=nlqf_rank(nlqf),
        sector=rec["sector"],
        category=rec.get("category"),
        modes_of_delivery=modes,
        mode_of_study=rec.get("mode_of_study"),
        duration=rec.get("duration"),
        study_load=rec.get("study_load"),
        price=price,
        start_dates=[str(d) for d in rec.get("start_dates") or []],
        url=rec.get("url"),
        keywords=[str(k).lower() for k in rec.get("keywords") or []],
        source=rec["source"],
        updated=_date(rec.get("updated"), where, "updated"),
        online=int(any(m in {"online", "distance-learning"} for m in modes)),
    )
    for i, loc in enumerate(rec.get("locations") or []):
        if not loc.get("place") or not loc.get("province"):
            raise CatalogImportError(f"{where}.locations[{i}]: plaats en provincie zijn nodig")
        course.locations.append(
            CourseLocation(
                place=loc["place"],
                province=_province_id(loc["province"]),
                lat=loc.get("lat"),
                lon=loc.get("lon"),
            )
        )
    return course


def _province_id(value: str) -> str:
    """Province ids are lowercase with hyphens ('noord-holland'), whatever the file wrote."""
    return str(value).strip().lower().replace(" ", "-").replace("fryslân", "friesland")


# PyYAML's safe loader in C when libyaml is there: the same data, the seed catalog 9x faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml_list(path: Path, key: str) -> list[dict]:
    if not path.exists():
        raise CatalogImportError(f"{path}: bestand niet gevonden")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}  # noqa: S506
    except yaml.YAMLError as exc:
        raise CatalogImportError(f"{path}: geen geldige YAML ({exc})") from None
    records = data.get(key)
    if not isinstance(records, list):
        raise CatalogImportError(f"{path}: lijst '{key}:' ontbreekt")
    return records


def load_seed(session: Session, directory: Path = SEED_DIR) -> dict[str, int]:
    """Replace schemes and courses with the seed files. The caller's transaction covers it all."""
    scheme_path, course_path = seed_files(directory)
    schemes = [
        scheme_from_record(rec, f"{scheme_path.name}[{i}] ({rec.get('id')})")
        for i, rec in enumerate(read_yaml_list(scheme_path, "schemes"))
    ]
    courses = [
        course_from_record(rec, f"{course_path.name}[{i}] ({rec.get('id')})")
        for i, rec in enumerate(read_yaml_list(course_path, "courses"))
    ]
    prefixed = [c.id for c in courses if ":" in c.id]
    if prefixed:
        raise CatalogImportError(f"seed-id's mogen geen ':' bevatten: {', '.join(prefixed[:5])}")
    for kind, items in (("scheme", schemes), ("course", courses)):
        ids = [item.id for item in items]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise CatalogImportError(f"dubbele {kind}-id's: {', '.join(sorted(dupes))}")
    # Seed course ids have no prefix; imported ones ("ooapi:", "csv:") stay put.
    seed_courses = select(Course.id).where(~Course.id.contains(":"))
    session.execute(
        delete(CourseLocation).where(CourseLocation.course_id.in_(seed_courses)),
        execution_options={"synchronize_session": False},
    )
    session.execute(
        delete(Course).where(~Course.id.contains(":")),
        execution_options={"synchronize_session": False},
    )
    session.execute(delete(Scheme))
    session.add_all(schemes)
    session.add_all(courses)
    session.flush()
    index.rebuild_terms(session)  # the replaced courses' terms are gone, imported ones stay
    meta = session.get(Meta, "seed_fingerprint") or Meta(key="seed_fingerprint", value="")
    meta.value = seed_fingerprint(directory)
    session.merge(meta)
    return {"schemes": len(schemes), "courses": len(courses)}


def loaded_fingerprint(session: Session) -> str | None:
    return session.execute(select(Meta.value).where(Meta.key == "seed_fingerprint")).scalar()
