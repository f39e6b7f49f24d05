"""`overstap run` writes var/endpoints.yml for Rasa: every store, its passwords, mode 0600."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.run import child_env, write_endpoints
from bot.settings import Settings


def settings_with(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"OVERSTAP_VAR_DIR": str(tmp_path / "var"), **env})


def test_endpoints_keep_the_passwords_and_only_the_owner_reads_them(tmp_path: Path) -> None:
    settings = settings_with(
        tmp_path,
        OVERSTAP_TRACKER_URL="postgresql://rasa:tr%40cker@db.example:5433/tracker",
        OVERSTAP_REDIS_URL="rediss://overstap:r3d1s@redis.example:6380/2",
        OVERSTAP_TRACKER_WINDOW_TURNS="15",
    )
    path = write_endpoints(settings)
    assert path == tmp_path / "var" / "endpoints.yml"
    assert path.stat().st_mode & 0o777 == 0o600
    endpoints = yaml.safe_load(path.read_text())
    assert endpoints["tracker_store"] == {
        "type": "bot.tracker_store.WindowedSQLTrackerStore",
        "dialect": "postgresql",
        "url": "db.example",
        "port": 5433,
        "db": "tracker",
        "username": "rasa",
        "password": "tr@cker",  # percent-decoded, as the database expects it
        "window_turns": 15,
    }
    assert endpoints["lock_store"] == {
        "type": "bot.lock_store.AtomicRedisLockStore",
        "url": "redis.example",
        "port": 6380,
        "db": 2,
        "key_prefix": "overstap",
        "username": "overstap",
        "password": "r3d1s",
        "use_ssl": True,
    }
    assert endpoints["action_endpoint"] == {"url": "http://127.0.0.1:5055/webhook"}


def test_an_old_endpoints_file_readable_by_others_is_closed(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, OVERSTAP_REDIS_URL="redis://:geheim@127.0.0.1:6379/0")
    old = tmp_path / "var" / "endpoints.yml"
    old.parent.mkdir(parents=True)
    old.write_text("oud")
    old.chmod(0o644)
    write_endpoints(settings)
    assert old.stat().st_mode & 0o777 == 0o600
    lock_store = yaml.safe_load(old.read_text())["lock_store"]
    assert lock_store["password"] == "geheim" and "username" not in lock_store
    assert "use_ssl" not in lock_store


def test_sqlite_and_no_redis_need_no_secrets(tmp_path: Path) -> None:
    endpoints = yaml.safe_load(write_endpoints(settings_with(tmp_path)).read_text())
    assert endpoints["tracker_store"]["dialect"] == "sqlite"
    assert "password" not in endpoints["tracker_store"] and "lock_store" not in endpoints


def test_children_get_every_setting(tmp_path: Path) -> None:
    settings = settings_with(tmp_path, OVERSTAP_SQL_POOL_SIZE="8", OVERSTAP_RESULTS_PER_PAGE="4")
    env = child_env(settings)
    assert Settings.from_env(env) == settings
    # Rasa's own SQL tracker store reads these two without the prefix.
    assert env["SQL_POOL_SIZE"] == "8" and env["OVERSTAP_RESULTS_PER_PAGE"] == "4"


def test_the_action_server_listens_on_overstap_host_and_rasa_has_body_limits(
    tmp_path: Path,
) -> None:
    from bot.prod import prod_children
    from bot.run import children

    settings = settings_with(tmp_path, OVERSTAP_HOST="10.1.2.3")
    started = {child.name: child for child in children(settings)}
    assert started["actions"].env == {"SANIC_HOST": "10.1.2.3"}  # not rasa_sdk's 0.0.0.0
    assert int(started["rasa"].env["SANIC_REQUEST_MAX_SIZE"]) == 3 * 1024 * 1024
    assert "SANIC_PROXIES_COUNT" not in started["rasa"].env  # nothing in front of it
    prod = settings_with(
        tmp_path, OVERSTAP_HOST="10.1.2.3", OVERSTAP_RASA_TOKEN="t", OVERSTAP_SECRET_KEY="k"
    )
    in_prod = {child.name: child for child in prod_children(prod)}
    assert in_prod["actions"].env == {"SANIC_HOST": "10.1.2.3"}
    assert in_prod["rasa-1"].env["SANIC_PROXIES_COUNT"] == "1"  # HAProxy forwards the address
