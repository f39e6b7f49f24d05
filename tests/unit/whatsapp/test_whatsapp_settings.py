"""WhatsApp settings: defaults, checks in Dutch, secrets kept out of repr, the pseudonym key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import Settings
from bot.whatsapp.identity import Address, Identity


def test_defaults(tmp_path: Path) -> None:
    settings = Settings.from_env({"OVERSTAP_VAR_DIR": str(tmp_path)})
    assert settings.whatsapp_graph_url == "https://graph.facebook.com/v21.0"
    assert not settings.whatsapp_app_secret and not settings.whatsapp_access_token


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("OVERSTAP_WHATSAPP_GRAPH_URL", "graph.facebook.com/v21.0", "http"),
        ("OVERSTAP_WHATSAPP_PHONE_NUMBER_ID", "+31 6 1234", "cijfers"),
    ],
)
def test_bad_values_fail_in_dutch(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({name: value})


def test_secrets_stay_out_of_repr(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "OVERSTAP_VAR_DIR": str(tmp_path),
            "OVERSTAP_WHATSAPP_APP_SECRET": "app-secret-value",
            "OVERSTAP_WHATSAPP_ACCESS_TOKEN": "EAAaccess-token-value",
            "OVERSTAP_WHATSAPP_VERIFY_TOKEN": "verify-token-value",
            "OVERSTAP_PSEUDONYM_KEY": "pseudonym-key-value",
        }
    )
    shown = repr(settings)
    for secret in ("app-secret-value", "EAAaccess", "verify-token-value", "pseudonym-key-value"):
        assert secret not in shown
    assert settings.env_for_children()["OVERSTAP_WHATSAPP_APP_SECRET"] == "app-secret-value"


def test_pseudonym_key_falls_back_to_the_generated_secret_key(tmp_path: Path) -> None:
    settings = Settings.from_env({"OVERSTAP_VAR_DIR": str(tmp_path)}).with_secrets()
    assert settings.pseudonym_key == settings.secret_key != ""
    own = Settings.from_env(
        {"OVERSTAP_VAR_DIR": str(tmp_path), "OVERSTAP_PSEUDONYM_KEY": "own"}
    ).with_secrets()
    assert own.pseudonym_key == "own"


def test_an_address_never_prints_the_number() -> None:
    address = Address(wa_id="31612345678")
    assert "31612345678" not in repr(address) and "31612345678" not in str(address)
    identity = Identity("k")
    assert identity.decrypt(identity.encrypt(address)) == address


def test_retention_defaults_and_limits(tmp_path: Path) -> None:
    settings = Settings.from_env({"OVERSTAP_VAR_DIR": str(tmp_path)})
    assert (settings.whatsapp_retention_days, settings.whatsapp_contact_retention_days) == (30, 90)
    env = settings.env_for_children()
    assert env["OVERSTAP_WHATSAPP_RETENTION_DAYS"] == "30"
    assert env["OVERSTAP_WHATSAPP_CONTACT_RETENTION_DAYS"] == "90"
    # Meta redelivers for up to 7 days; a shorter memory would answer a message twice.
    with pytest.raises(ConfigError, match="tussen 8 en 3650"):
        Settings.from_env({"OVERSTAP_WHATSAPP_RETENTION_DAYS": "7"})
    with pytest.raises(ConfigError, match="geen geheel getal"):
        Settings.from_env({"OVERSTAP_WHATSAPP_CONTACT_RETENTION_DAYS": "drie maanden"})
