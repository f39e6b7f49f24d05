"""The database layer: migrations make exactly the tables every package declares, a database
outage is one error type, and a new migration gets the next number."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import Database, DatabaseUnavailable, migrate
from bot.settings import Settings


def database_at(tmp_path: Path, url: str | None = None) -> Database:
    settings = Settings.from_env(
        {
            "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
            "OVERSTAP_DATABASE_URL": url or f"sqlite:///{tmp_path / 'overstap.db'}",
            "OVERSTAP_DB_TIMEOUT": "1",
        }
    )
    return Database(settings)


@pytest.fixture
def database(tmp_path: Path):
    database = database_at(tmp_path)
    database.migrate()
    yield database
    database.close()


def test_the_migrations_make_every_table_of_every_package(database) -> None:
    assert migrate.check(database.engine) is None
    with database.engine.connect() as conn:
        tables = {row[0] for row in conn.execute(text("SELECT name FROM sqlite_master"))}
    for table in ("courses", "schemes", "handoff_requests", "callback_requests", "advisors",
                  "audit_log", "whatsapp_contacts", "overstap_meta"):  # fmt: skip
        assert table in tables


def test_a_table_that_differs_from_the_code_is_reported(database) -> None:
    with database.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_login_attempts_ip_at"))
    differences = migrate.check(database.engine)
    assert differences is not None and "ix_login_attempts_ip_at" in differences


def test_a_new_migration_takes_the_next_number(database, tmp_path, monkeypatch) -> None:
    copy = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS", copy)
    with database.engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_login_attempts_ip_at"))
    versions = sorted((copy / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    number = f"{len(versions) + 1:04d}"
    head = re.search(r'^revision = "([^"]+)"', versions[-1].read_text(), re.M).group(1)
    assert migrate.next_revision_id(database.engine) == number
    path = migrate.new_revision(database.engine, "restore login index")
    assert path.name == f"{number}_restore_login_index.py"
    written = path.read_text()
    assert f"revision = '{number}'" in written and f"down_revision = '{head}'" in written
    assert "ix_login_attempts_ip_at" in written


def test_an_unreachable_database_is_one_error(tmp_path) -> None:
    database = database_at(tmp_path, "postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseUnavailable):
        database.migrate()
    with pytest.raises(DatabaseUnavailable), database.scope() as session:
        session.execute(text("SELECT 1"))
    database.close()
