"""Loads the shipped catalog into the database in one transaction: the schemes
(data/catalog/schemes.yml) and the real courses of DUO's HO snapshot (data/catalog/duo_ho.csv.gz)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.catalog.models import CatalogSource, Scheme
from bot.db import Meta
from bot.errors import CatalogImportError
from bot.settings import PROJECT_ROOT

SEED_DIR = PROJECT_ROOT / "data" / "catalog"
SNAPSHOT_NAME = "duo_ho.csv.gz"  # DUO's HO Opleidingsoverzicht, see data/catalog/README.md
SCHEME_TYPES = {"subsidie", "lening", "advies", "fonds", "fiscaal", "werkgeversplicht"}
SCHEME_STATUSES = {"actief", "beeindigd", "onzeker"}
APPLICANTS = {"persoon", "werkgever"}
MODES = {"distance-learning", "on campus", "online", "hybrid", "situated"}


def seed_files(directory: Path = SEED_DIR) -> list[Path]:
    return [directory / "schemes.yml", directory / SNAPSHOT_NAME]


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


def load_seed(
    session: Session,
    directory: Path = SEED_DIR,
    snapshot: Path | None = None,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Replace the schemes with schemes.yml and load DUO's HO snapshot (duo_ho.csv.gz), unless
    the database holds a newer HO download (`overstap catalog update`). The caller's
    transaction covers it all."""
    scheme_path = directory / "schemes.yml"
    schemes = [
        scheme_from_record(rec, f"{scheme_path.name}[{i}] ({rec.get('id')})")
        for i, rec in enumerate(read_yaml_list(scheme_path, "schemes"))
    ]
    ids = [s.id for s in schemes]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise CatalogImportError(f"dubbele scheme-id's: {', '.join(sorted(dupes))}")
    session.execute(delete(Scheme))
    session.add_all(schemes)
    session.flush()
    courses = load_snapshot(session, snapshot or directory / SNAPSHOT_NAME, today)
    meta = session.get(Meta, "seed_fingerprint") or Meta(key="seed_fingerprint", value="")
    meta.value = seed_fingerprint(directory)
    session.merge(meta)
    return {"schemes": len(schemes), "courses": courses}


def load_snapshot(session: Session, path: Path, today: dt.date | None = None) -> int:
    """Courses from the shipped HO snapshot; 0 when a newer HO download is already loaded."""
    from bot.catalog.duo import snapshot, update

    note = snapshot.read_note(path.with_name(path.name.removesuffix(".csv.gz") + ".yml"))
    if not path.exists() or not note.get("downloaded"):
        raise CatalogImportError(f"{path}: de DUO-momentopname of haar notitie ontbreekt.")
    downloaded = dt.date.fromisoformat(str(note["downloaded"]))
    current = session.get(CatalogSource, "duo-ho")
    if current is not None and current.downloaded > downloaded:
        return 0
    report = update.import_source(
        session,
        "duo-ho",
        {"offerings": path},
        downloaded,
        today,
        origin=f"data/catalog/{path.name}",
    )
    return report.courses


def loaded_fingerprint(session: Session) -> str | None:
    return session.execute(select(Meta.value).where(Meta.key == "seed_fingerprint")).scalar()
