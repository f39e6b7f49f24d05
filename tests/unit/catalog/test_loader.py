"""Loading the seed catalog: clear Dutch errors, and one transaction (nothing half-loaded)."""

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot.catalog import loader
from bot.catalog.models import Course, Scheme
from bot.catalog.store import Catalog
from bot.db import session_scope
from bot.errors import CatalogImportError

SEED = Path(loader.__file__).resolve().parents[2] / "data" / "catalog"


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """The seed's schemes and its first 40 courses: the same records, loaded in a moment (the
    catalog fixture loads the whole seed)."""
    target = tmp_path / "seed"
    target.mkdir()
    shutil.copy(SEED / "schemes.yml", target / "schemes.yml")
    text = (SEED / "courses.yml").read_text(encoding="utf-8")
    courses = yaml.load(text, Loader=loader.SAFE_LOADER)  # noqa: S506
    courses["courses"] = courses["courses"][:40]
    (target / "courses.yml").write_text(
        yaml.safe_dump(courses, allow_unicode=True), encoding="utf-8"
    )
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


@pytest.mark.parametrize(
    ("key", "changes", "message"),
    [
        ("schemes", {"status": "misschien"}, "onbekende status"),
        ("schemes", {"type": "gift"}, "onbekend type"),
        ("schemes", {"last_verified": None}, "last_verified"),
        ("courses", {"nlqf": "9"}, "onbekend NLQF"),
        ("courses", {"price": "duur"}, "prijs is geen getal"),
        ("courses", {"mode_of_delivery": ["telepathie"]}, "onbekende lesvorm"),
    ],
)
def test_bad_record_is_named_and_nothing_changes(
    store: Catalog, seed_dir: Path, key: str, changes: dict, message: str
) -> None:
    with session_scope(store.sessions) as session:
        loader.load_seed(session, seed_dir)
    before = counts(store)
    edit(seed_dir / f"{key}.yml", key, 3, **changes)
    with (
        pytest.raises(CatalogImportError, match=message) as info,
        session_scope(store.sessions) as session,
    ):
        loader.load_seed(session, seed_dir)
    assert f"{key}.yml[3]" in str(info.value)
    assert counts(store) == before


def test_duplicate_ids_are_refused(store: Catalog, seed_dir: Path) -> None:
    data = yaml.safe_load((seed_dir / "courses.yml").read_text(encoding="utf-8"))
    data["courses"].append(dict(data["courses"][0]))
    (seed_dir / "courses.yml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    with (
        pytest.raises(CatalogImportError, match="dubbele course-id"),
        session_scope(store.sessions) as session,
    ):
        loader.load_seed(session, seed_dir)
