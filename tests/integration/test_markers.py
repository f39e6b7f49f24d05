"""`pytest -m "not postgres"` runs the SQLite variants without PostgreSQL.

Runs pytest on one catalog test with a PostgreSQL URL that cannot work: the SQLite variant
must pass on its own, and the PostgreSQL variant (without -m) must fail on that URL, which
shows the URL was really the one the tests would use.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE_TEST = ["tests/unit/catalog/test_catalog_store.py", "-k", "test_scheme_lookup and llk"]


def pytest_run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OVERSTAP_TEST_POSTGRES_URL": "postgresql://nobody@127.0.0.1:1/none"}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *ONE_TEST, *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def test_not_postgres_needs_no_postgres() -> None:
    result = pytest_run("-m", "not postgres")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 passed" in result.stdout and "error" not in result.stdout


def test_the_postgres_variant_does_use_that_url() -> None:
    result = pytest_run()
    assert result.returncode != 0
    assert "1 passed" in result.stdout and "is not usable" in result.stdout
