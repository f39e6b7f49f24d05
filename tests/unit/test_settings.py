"""Settings come from OVERSTAP_* variables, fail loudly in Dutch, and never print secrets."""

import pytest

from bot.errors import ConfigError
from bot.settings import Settings


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


def test_env_example_lists_every_setting() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    read = set(re.findall(r'get\("([A-Z_]+)"', (root / "bot" / "settings.py").read_text()))
    listed = set(re.findall(r"^OVERSTAP_([A-Z_]+)=", (root / ".env.example").read_text(), re.M))
    assert read and read == listed
