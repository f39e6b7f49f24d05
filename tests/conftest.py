"""Shared fixtures: settings in a temporary directory and a catalog on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.catalog.store import Catalog
from bot.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get(
    "OVERSTAP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(autouse=True, scope="session")
def erasure_key() -> Iterator[None]:
    """Code run in the test process uses one fixed key for the erase tombstones
    (bot/db/erasure.py), so no test writes a generated secret into the project's var/; the
    processes a test starts derive theirs from OVERSTAP_PSEUDONYM_KEY, as in production."""
    from bot.db import erasure

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(erasure, "default_key", lambda: erasure.key_from("tests-erasure-key"))
        yield


def make_settings(tmp_path: Path, **env: str) -> Settings:
    base = {
        "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
        "OVERSTAP_MODELS_DIR": str(PROJECT_ROOT / "models"),
        "OVERSTAP_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'overstap.db'}",
    }
    base.update(env)
    return Settings.from_env(base)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def settings_for(tmp_path: Path):
    """Settings in this test's temporary directory with the given database URL."""

    def make(database_url: str) -> Settings:
        return make_settings(tmp_path, OVERSTAP_DATABASE_URL=database_url)

    return make


@pytest.fixture(scope="module")
def module_postgres_database() -> Iterator[str]:
    """An empty PostgreSQL database of its own for one test module."""
    yield from _temporary_database("overstap_mod")


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, dropped afterwards."""
    yield from _temporary_database("overstap_test")


def _temporary_database(prefix: str) -> Iterator[str]:
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, future=True, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - report the real reason in the failure
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is not usable: {exc}")
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


def _seeded_catalog(url: str, tmp: Path) -> Iterator[Catalog]:
    catalog = Catalog.open(make_settings(tmp, OVERSTAP_DATABASE_URL=url))
    catalog.migrate()
    catalog.load_seed()
    yield catalog
    catalog.close()


@pytest.fixture(scope="session")
def sqlite_catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    """The seed catalog loaded once into SQLite."""
    tmp = tmp_path_factory.mktemp("catalog")
    yield from _seeded_catalog(f"sqlite:///{tmp / 'overstap.db'}", tmp)


@pytest.fixture(scope="session")
def postgres_catalog(
    tmp_path_factory: pytest.TempPathFactory, postgres_database: str
) -> Iterator[Catalog]:
    """The seed catalog loaded once into PostgreSQL."""
    yield from _seeded_catalog(postgres_database, tmp_path_factory.mktemp("catalog"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def catalog(request: pytest.FixtureRequest) -> Catalog:
    """The seeded catalog on each backend; the SQLite one never touches PostgreSQL, so a run
    with `-m "not postgres"` needs no PostgreSQL at all."""
    return request.getfixturevalue(f"{request.param}_catalog")
