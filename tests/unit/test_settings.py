"""Settings come from OVERSTAP_* variables, fail loudly in Dutch, and never print secrets.

The table in bot/settings.py is the only place a setting is declared: reading, passing it to a
child process, .env.example and the README's table all come from it.
"""

import re
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import (
    ENV_EXAMPLE,
    README,
    Settings,
    env_example,
    stale_docs,
    table,
    write_docs,
    write_private,
)


def test_defaults_are_embedded_sqlite(tmp_path) -> None:
    settings = Settings.from_env({"OVERSTAP_VAR_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'overstap.db'}"
    assert settings.tracker_url.endswith("tracker.db")
    assert settings.rasa_port == 5005 and settings.web_port == 8000
    assert "http://localhost:8000" in settings.allowed_origins


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("OVERSTAP_RASA_PORT", "abc", "geen geheel getal"),
        ("OVERSTAP_WEB_PORT", "70000", "tussen"),
        ("OVERSTAP_DATABASE_URL", "mysql://x", "sqlite:///"),
        ("OVERSTAP_LOG_LEVEL", "LOUD", "kies"),
        ("OVERSTAP_ALLOWED_ORIGINS", "example.org", "http"),
        ("OVERSTAP_DB_TIMEOUT", "-1", "groter dan 0"),
    ],
)
def test_bad_values_fail_in_dutch(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({name: value})


def test_same_ports_are_refused() -> None:
    with pytest.raises(ConfigError, match="moeten verschillen"):
        Settings.from_env({"OVERSTAP_RASA_PORT": "8000"})


def test_secrets_are_created_once_and_hidden(tmp_path) -> None:
    settings = Settings.from_env({"OVERSTAP_VAR_DIR": str(tmp_path)}).with_secrets()
    again = Settings.from_env({"OVERSTAP_VAR_DIR": str(tmp_path)}).with_secrets()
    assert settings.rasa_token and settings.rasa_token == again.rasa_token
    assert settings.rasa_token not in repr(settings)
    assert (tmp_path / "rasa_token").stat().st_mode & 0o077 == 0


# A value other than the default for every setting, as written in the environment.
NOT_DEFAULT = {
    "OVERSTAP_VAR_DIR": "/srv/overstap/var",
    "OVERSTAP_MODELS_DIR": "/srv/overstap/models",
    "OVERSTAP_DATABASE_URL": "postgresql://app:geheim@db.example:5433/overstap",
    "OVERSTAP_TRACKER_URL": "postgresql+psycopg2://rasa@db.example/tracker",
    "OVERSTAP_TRACKER_WINDOW_TURNS": "20",
    "OVERSTAP_REDIS_URL": "redis://:wachtwoord@redis.example:6380/2",
    "OVERSTAP_SQL_POOL_SIZE": "7",
    "OVERSTAP_SQL_MAX_OVERFLOW": "3",
    "OVERSTAP_DB_TIMEOUT": "1.5",
    "OVERSTAP_HTTP_TIMEOUT": "9",
    "OVERSTAP_HOST": "192.168.1.10",
    "OVERSTAP_RASA_PORT": "6005",
    "OVERSTAP_ACTIONS_PORT": "6055",
    "OVERSTAP_WEB_PORT": "9000",
    "OVERSTAP_PUBLIC_WEB_URL": "https://chat.example.nl/",
    "OVERSTAP_PUBLIC_RASA_URL": "https://rasa.example.nl",
    "OVERSTAP_ALLOWED_ORIGINS": "https://chat.example.nl, https://www.gemeente.example",
    "OVERSTAP_RASA_TOKEN": "token",
    "OVERSTAP_SECRET_KEY": "key",
    "OVERSTAP_PSEUDONYM_KEY": "pseudonyms",
    "OVERSTAP_WHATSAPP_VERIFY_TOKEN": "verify",
    "OVERSTAP_WHATSAPP_APP_SECRET": "app",
    "OVERSTAP_WHATSAPP_ACCESS_TOKEN": "access",
    "OVERSTAP_WHATSAPP_PHONE_NUMBER_ID": "1234567890",
    "OVERSTAP_WHATSAPP_GRAPH_URL": "http://127.0.0.1:9999/v1/",
    "OVERSTAP_WHATSAPP_RETENTION_DAYS": "14",
    "OVERSTAP_WHATSAPP_CONTACT_RETENTION_DAYS": "60",
    "OVERSTAP_CONVERSATION_RETENTION_DAYS": "45",
    "OVERSTAP_OFFICE_HOURS": "ma-do 09:00-17:00; vr 09:00-12:00",
    "OVERSTAP_OFFICE_HOLIDAYS": "nee",
    "OVERSTAP_HANDOFF_WAIT_MINUTES": "5",
    "OVERSTAP_CONSOLE_SESSION_MINUTES": "60",
    "OVERSTAP_VERIFY_MAX_AGE_DAYS": "90",
    "OVERSTAP_CATALOG_MAX_AGE_DAYS": "30",
    "OVERSTAP_CATALOG_UPDATE_DAYS": "7",
    "OVERSTAP_CATALOG_CKAN_URL": "http://127.0.0.1:8099",
    "OVERSTAP_RESULTS_PER_PAGE": "5",
    "OVERSTAP_LOG_LEVEL": "debug",
    "OVERSTAP_RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:5672/",
    "OVERSTAP_EVENT_QUEUE": "overstap_test_events",
    "OVERSTAP_RASA_INSTANCES": "3",
    "OVERSTAP_WEB_WORKER": "nee",
    "OVERSTAP_RASA_API_URL": "http://overstap-rasa:5005",
    "OVERSTAP_ACTION_TIMEOUT": "9",
    "OVERSTAP_RATE_CONVERSATION_PER_MINUTE": "40",
    "OVERSTAP_RATE_ADDRESS_PER_MINUTE": "600",
    "OVERSTAP_CHAT_MAX_BODY_KB": "128",
}


def test_every_setting_goes_to_a_child_process_and_back() -> None:
    assert set(NOT_DEFAULT) == {row.var for row in table()}  # a new setting needs a value here
    settings = Settings.from_env(NOT_DEFAULT)
    defaults = Settings.from_env({})
    for row in table():  # each value really is not the default, so a lost one would show
        assert getattr(settings, row.name) != getattr(defaults, row.name), row.var
    env = settings.env_for_children()
    assert set(env) == set(NOT_DEFAULT)
    assert Settings.from_env(env) == settings
    assert Settings.from_env(defaults.env_for_children()) == defaults


def test_the_settings_env_for_children_used_to_miss_are_passed_on() -> None:
    env = Settings.from_env(NOT_DEFAULT).env_for_children()
    assert env["OVERSTAP_SQL_POOL_SIZE"] == "7" and env["OVERSTAP_SQL_MAX_OVERFLOW"] == "3"
    assert env["OVERSTAP_RESULTS_PER_PAGE"] == "5" and env["OVERSTAP_VERIFY_MAX_AGE_DAYS"] == "90"


def test_committed_env_example_and_readme_table_are_made_from_the_table() -> None:
    assert stale_docs() == [], "run: overstap settings --write-docs"
    listed = re.findall(r"^(OVERSTAP_[A-Z_]+)=", ENV_EXAMPLE.read_text(), re.M)
    assert listed == [row.var for row in table()]


def test_stale_docs_are_found_and_rewritten(tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text(env_example().replace("=12\n", "=13\n"))
    readme = README.read_text()
    (tmp_path / "README.md").write_text(readme.replace("| `OVERSTAP_HOST` |", "| `HOST` |"))
    assert sorted(p.name for p in stale_docs(tmp_path)) == [".env.example", "README.md"]
    assert sorted(p.name for p in write_docs(tmp_path)) == [".env.example", "README.md"]
    assert stale_docs(tmp_path) == []
    assert (tmp_path / "README.md").read_text() == readme


def test_a_private_file_has_mode_0600_also_when_it_existed(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "secret.yml"
    write_private(path, "eerste")
    assert path.stat().st_mode & 0o777 == 0o600 and path.read_text() == "eerste"
    path.chmod(0o644)
    write_private(path, "tweede")
    assert path.stat().st_mode & 0o777 == 0o600 and path.read_text() == "tweede"
    assert [p.name for p in path.parent.iterdir()] == ["secret.yml"]  # no temporary file left
