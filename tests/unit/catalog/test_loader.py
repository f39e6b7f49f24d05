"""Loading the shipped catalog (schemes and DUO's HO snapshot): clear Dutch errors, one
transaction (nothing half-loaded), and only real courses."""

import datetime as dt
import gzip
import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import delete, func, select

from bot.catalog import loader
from bot.catalog.models import CatalogSource, Course, CourseLocation, Scheme
from bot.catalog.store import Catalog
from bot.db import session_scope
from bot.errors import CatalogImportError

SEED = Path(loader.__file__).resolve().parents[2] / "data" / "catalog"


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """The shipped schemes and the first 300 offerings of the shipped DUO snapshot, with its
    note: the same records, loaded in a moment (the catalog fixture loads the whole snapshot)."""
    target = tmp_path / "seed"
    target.mkdir()
    shutil.copy(SEED / "schemes.yml", target / "schemes.yml")
    shutil.copy(SEED / "duo_ho.yml", target / "duo_ho.yml")
    lines = gzip.decompress((SEED / "duo_ho.csv.gz").read_bytes()).decode().splitlines(True)
    (target / "duo_ho.csv.gz").write_bytes(gzip.compress("".join(lines[:301]).encode()))
    return target


@pytest.fixture
def store(settings) -> Catalog:
    catalog = Catalog.open(settings)
    catalog.migrate()
    yield catalog
    catalog.close()


def counts(store: Catalog) -> tuple[int, int]:
    with session_scope(store.sessions) as session:
        return (
            session.execute(select(func.count()).select_from(Scheme)).scalar_one(),
            session.execute(select(func.count()).select_from(Course)).scalar_one(),
        )


def edit(path: Path, key: str, index: int, **changes) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data[key][index].update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_loads_and_replaces(store: Catalog, seed_dir: Path) -> None:
    with session_scope(store.sessions) as session:
        first = loader.load_seed(session, seed_dir)
    with session_scope(store.sessions) as session:
        second = loader.load_seed(session, seed_dir)
    assert first == second
    assert counts(store) == (first["schemes"], first["courses"])


def test_the_snapshot_gives_real_courses_only(store: Catalog, seed_dir: Path) -> None:
    with session_scope(store.sessions) as session:
        loaded = loader.load_seed(session, seed_dir)
    courses = store.courses([c for c in course_ids(store)])
    assert loaded["courses"] == len(courses) > 100
    for course in courses:
        assert course.id.startswith("duo-ho:") and course.catalog_source == "duo-ho"
        assert course.source == "Bron: DUO Open Onderwijsdata (RIO), CC0"
        assert course.price is None and course.rio_codes
        assert "example" not in (course.url or "") and "verzonnen" not in course.source


def course_ids(store: Catalog) -> list[str]:
    with session_scope(store.sessions) as session:
        return list(session.execute(select(Course.id)).scalars())


def test_the_snapshot_does_not_replace_a_newer_download(store: Catalog, seed_dir: Path) -> None:
    with session_scope(store.sessions) as session:
        loader.load_seed(session, seed_dir)
        source = session.get(CatalogSource, "duo-ho")
        source.downloaded = dt.date(2030, 1, 1)
        session.execute(delete(CourseLocation))
        session.execute(delete(Course))
    with session_scope(store.sessions) as session:
        assert loader.load_seed(session, seed_dir)["courses"] == 0
    assert counts(store)[1] == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "misschien"}, "onbekende status"),
        ({"type": "gift"}, "onbekend type"),
        ({"last_verified": None}, "last_verified"),
    ],
)
def test_bad_record_is_named_and_nothing_changes(
    store: Catalog, seed_dir: Path, changes: dict, message: str
) -> None:
    with session_scope(store.sessions) as session:
        loader.load_seed(session, seed_dir)
    before = counts(store)
    edit(seed_dir / "schemes.yml", "schemes", 3, **changes)
    with (
        pytest.raises(CatalogImportError, match=message) as info,
        session_scope(store.sessions) as session,
    ):
        loader.load_seed(session, seed_dir)
    assert "schemes.yml[3]" in str(info.value)
    assert counts(store) == before


def test_a_broken_snapshot_changes_nothing(store: Catalog, seed_dir: Path) -> None:
    with session_scope(store.sessions) as session:
        loader.load_seed(session, seed_dir)
    before = counts(store)
    data = (seed_dir / "duo_ho.csv.gz").read_bytes()
    (seed_dir / "duo_ho.csv.gz").write_bytes(data[:-50])
    with (
        pytest.raises(CatalogImportError, match="kapot"),
        session_scope(store.sessions) as session,
    ):
        loader.load_seed(session, seed_dir)
    assert counts(store) == before


def test_duplicate_ids_are_refused(store: Catalog, seed_dir: Path) -> None:
    data = yaml.safe_load((seed_dir / "schemes.yml").read_text(encoding="utf-8"))
    data["schemes"].append(dict(data["schemes"][0]))
    (seed_dir / "schemes.yml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    with (
        pytest.raises(CatalogImportError, match="dubbele scheme-id"),
        session_scope(store.sessions) as session,
    ):
        loader.load_seed(session, seed_dir)
