"""PostgreSQL down at start: `overstap run` (what `make run` calls) says so in one Dutch line
instead of a traceback, and the web app's readiness check fails while it is down."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from webserver import serve

from bot.settings import Settings
from bot.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when this returns


def run(tmp_path: Path, database_url: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
        "OVERSTAP_DATABASE_URL": database_url,
        "OVERSTAP_TRACKER_URL": f"sqlite:///{tmp_path / 'var' / 'tracker.db'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=60, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_run_with_postgresql_down_says_what_is_wrong_in_one_dutch_line(tmp_path: Path) -> None:
    port = closed_port()
    started = time.monotonic()
    result = run(tmp_path, f"postgresql://postgres@127.0.0.1:{port}/overstap")
    assert result.returncode == 1
    assert time.monotonic() - started < 30
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        f"PostgreSQL op 127.0.0.1:{port} is niet bereikbaar (OVERSTAP_DATABASE_URL); start het "
        "met: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
    ]
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "var" / "log").exists()  # nothing was started


@pytest.mark.postgres
def test_run_with_a_missing_database_says_how_to_make_it(tmp_path: Path) -> None:
    base = os.environ.get("OVERSTAP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    url = base.rsplit("/", 1)[0] + "/overstap_missing_7f3a"
    result = run(tmp_path, url)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "'overstap_missing_7f3a' bestaat niet" in lines[0]
    assert "createdb" in lines[0]


def test_readiness_fails_while_the_database_is_down(tmp_path: Path) -> None:
    port = closed_port()
    settings = Settings.from_env(
        {
            "OVERSTAP_VAR_DIR": str(tmp_path / "var"),
            "OVERSTAP_DATABASE_URL": f"postgresql://postgres@127.0.0.1:{port}/overstap",
        }
    )
    with serve(create_app(settings, worker=False)) as base:
        started = time.monotonic()
        answer = requests.get(f"{base}/health", timeout=30)
        assert answer.status_code == 503
        assert answer.json() == {"status": "error", "database": "onbereikbaar"}
        assert time.monotonic() - started < 10


def test_the_web_app_refuses_a_body_over_1_mb_before_reading_it(tmp_path: Path) -> None:
    settings = Settings.from_env({"OVERSTAP_VAR_DIR": str(tmp_path / "var")})
    with serve(create_app(settings, worker=False)) as base:
        big = requests.post(
            f"{base}/adviseur/login", data=b"a" * (2 * 1024 * 1024), timeout=30,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        assert big.status_code == 413
        assert big.json() == {"error": "Dit bericht is te groot."}
        assert big.headers["X-Content-Type-Options"] == "nosniff"

        def chunks():  # no Content-Length: counted while it streams
            for _ in range(40):
                yield b"a" * 65536

        streamed = requests.post(
            f"{base}/adviseur/login", data=chunks(), timeout=30,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        assert streamed.status_code == 413
        small = requests.post(f"{base}/adviseur/login", data={"naam": "x"}, timeout=30)
        assert small.status_code != 413
